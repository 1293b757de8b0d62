/// A source of traffic as rules write it: a CIDR block (`10.0.0.0/8`, `::/0`), or a name Azure
/// uses for the whole internet (`*`, `Internet`, `Any`).
struct AddressRange: Sendable, Hashable {
    private enum Kind: Hashable {
        case everything
        case v4(network: UInt32, mask: UInt32)
        case allV6
        case exactV6(String)
    }

    private let kind: Kind

    init?(_ text: String) {
        switch text {
        case "*", "Internet", "Any", "0.0.0.0/0":
            kind = .everything
            return
        case "::/0":
            kind = .allV6
            return
        default:
            break
        }
        let parts = text.split(separator: "/", maxSplits: 1)
        if text.contains(":") {
            kind = .exactV6(String(parts[0]))
            return
        }
        guard let address = Self.ipv4(String(parts[0])) else { return nil }
        let bits = parts.count == 2 ? Int(parts[1]) ?? -1 : 32
        guard (0...32).contains(bits) else { return nil }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - UInt32(bits))
        kind = .v4(network: address & mask, mask: mask)
    }

    /// True when `address` (an IPv4 or IPv6 address) is in the range.
    func contains(_ address: String) -> Bool {
        switch kind {
        case .everything: return true
        case .allV6: return address.contains(":")
        case .exactV6(let a): return address == a
        case .v4(let network, let mask):
            guard let a = Self.ipv4(address) else { return false }
            return a & mask == network
        }
    }

    static func ipv4(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else { return nil }
        return octets.reduce(0) { $0 << 8 | $1 }
    }
}

/// One stretch of traffic a change would stop: a protocol, a port range (nil: every port), the
/// sources it cuts off, and the sources still allowed after it.
struct Cut: Sendable {
    var proto: String
    var ports: ClosedRange<Int>?
    var removed: [AddressRange]
    /// What still lets traffic of this protocol in after the change: each range with the ports
    /// of its rule (nil: every port).
    var remaining: [(range: AddressRange, ports: ClosedRange<Int>?)]

    /// Whether a flow record (`{port, source}`) is traffic this change stops: it was allowed by
    /// what goes, and nothing that stays allows its source on its port.
    func stops(port: Int?, source: String) -> Bool {
        if let ports, let port, !ports.contains(port) { return false }
        guard removed.contains(where: { $0.contains(source) }) else { return false }
        return !remaining.contains { allowed in
            guard allowed.range.contains(source) else { return false }
            guard let ports = allowed.ports, let port else { return true }
            return ports.contains(port)
        }
    }

    /// `tcp 0-1024`, `all traffic`.
    var text: String {
        guard let ports else { return "all traffic" }
        return ports.count == 1 ? "\(proto) \(ports.lowerBound)" : "\(proto) \(ports.lowerBound)-\(ports.upperBound)"
    }
}
