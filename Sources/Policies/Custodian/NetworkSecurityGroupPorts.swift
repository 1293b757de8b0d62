import CloudModel
import Foundation

/// Which ports an Azure network security group allows, as Cloud Custodian's Azure provider
/// works it out (`PortsRangeHelper`): the group's rules of one direction, in priority order,
/// each port decided by the first rule that covers it; a port no rule covers is denied (Azure's
/// default rules are not in `securityRules`). Directions and protocols compare without case.
package enum NetworkSecurityGroupPorts {
    /// `22`, `80-120`, `*` (every port); nil when it is not a port or a range.
    static func range(_ text: String) -> ClosedRange<Int>? {
        if text == "*" { return 0...65_535 }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        switch parts.count {
        case 1: return parts[0].map { $0...$0 }
        case 2:
            guard let a = parts[0], let b = parts[1], a <= b else { return nil }
            return a...b
        default: return nil
        }
    }

    /// A filter's or action's `ports` text (`22,80-90`): nil unless every piece is a port or a
    /// range within 0–65535, as Custodian validates it.
    package static func parse(_ text: String) -> [ClosedRange<Int>]? {
        guard text.wholeMatch(of: /\d+(-\d+)?(,\d+(-\d+)?)*/) != nil else { return nil }
        var out: [ClosedRange<Int>] = []
        for piece in text.split(separator: ",") {
            guard let r = range(String(piece)), r.upperBound <= 65_535 else { return nil }
            out.append(r)
        }
        return out
    }

    /// The ports of `ranges` less those of `except`.
    package static func ports(_ ranges: [ClosedRange<Int>], except: [ClosedRange<Int>]) -> PortSet {
        PortSet(ranges).subtracting(PortSet(except))
    }

    /// The destination ports of a rule: `destinationPortRange` when set, else `destinationPortRanges`.
    package static func ruleRanges(_ properties: Value) -> [ClosedRange<Int>] {
        if let single = properties["destinationPortRange"]?.stringValue, !single.isEmpty {
            return range(single).map { [$0] } ?? []
        }
        return (properties["destinationPortRanges"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(range) }
    }

    static func same(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        return a.trimmingCharacters(in: .whitespaces).lowercased()
            == b.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The group's rules (each `{name, properties}`), lowest priority number first; ties keep
    /// their order.
    package static func rules(_ group: Value) -> [Value] {
        let rules = group["properties"]?["securityRules"]?.arrayValue ?? []
        return rules.enumerated().sorted { a, b in
            let pa = a.element["properties"]?["priority"]?.numberValue ?? 0
            let pb = b.element["properties"]?["priority"]?.numberValue ?? 0
            return pa != pb ? pa < pb : a.offset < b.offset
        }.map(\.element)
    }

    /// The ports the direction's rules allow and those they deny, each port decided by the first
    /// rule that covers it; a port in neither no rule decides. `source` and `destination`, when
    /// given, keep only rules naming that address (in the `…AddressPrefix` or among the
    /// `…AddressPrefixes`).
    package static func decisions(
        _ group: Value, direction: String, protocol ipProtocol: String, source: String? = nil,
        destination: String? = nil
    ) -> (allowed: PortSet, denied: PortSet) {
        var allowed = PortSet([])
        var denied = PortSet([])
        for rule in rules(group) {
            guard let p = rule["properties"], same(p["direction"]?.stringValue, direction) else { continue }
            let proto = p["protocol"]?.stringValue ?? ""
            if !same(proto, "*"), !same(ipProtocol, "*"), !same(proto, ipProtocol) { continue }
            func names(_ address: String?, _ field: String) -> Bool {
                guard let address else { return true }
                let set = (p[field + "es"]?.arrayValue ?? []).compactMap(\.stringValue)
                return set.contains(address) || p[field]?.stringValue == address
            }
            guard names(source, "sourceAddressPrefix"), names(destination, "destinationAddressPrefix") else { continue }
            let undecided = PortSet(ruleRanges(p)).subtracting(allowed.union(denied))
            if same(p["access"]?.stringValue, "allow") {
                allowed = allowed.union(undecided)
            } else {
                denied = denied.union(undecided)
            }
        }
        return (allowed, denied)
    }

    /// Ports as Custodian writes them in a rule, consecutive ones as one range:
    /// `{10, 12, 13, 14}` → `["10", "12-14"]`.
    package static func rangeTexts(_ ports: PortSet) -> [String] {
        ports.ranges.map { $0.count == 1 ? String($0.lowerBound) : "\($0.lowerBound)-\($0.upperBound)" }
    }
}

/// A set of ports, held as sorted ranges that neither overlap nor touch, so that a rule for
/// every port costs one range, not 65,536 entries.
package struct PortSet: Sendable, Equatable {
    package private(set) var ranges: [ClosedRange<Int>]

    package init(_ ranges: [ClosedRange<Int>]) {
        var out: [ClosedRange<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        self.ranges = out
    }

    package var count: Int { ranges.reduce(0) { $0 + $1.count } }

    package func union(_ other: PortSet) -> PortSet { PortSet(ranges + other.ranges) }

    package func intersection(_ other: PortSet) -> PortSet {
        var out: [ClosedRange<Int>] = []
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            let low = max(a.lowerBound, b.lowerBound)
            let high = min(a.upperBound, b.upperBound)
            if low <= high { out.append(low...high) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return PortSet(out)
    }

    package func subtracting(_ other: PortSet) -> PortSet {
        var out: [ClosedRange<Int>] = []
        for r in ranges {
            var low = r.lowerBound
            for o in other.ranges where o.upperBound >= low && o.lowerBound <= r.upperBound {
                if o.lowerBound > low { out.append(low...(o.lowerBound - 1)) }
                low = o.upperBound + 1
            }
            if low <= r.upperBound { out.append(low...r.upperBound) }
        }
        return PortSet(out)
    }
}

/// Custodian's `ingress` and `egress` filters on an Azure network security group: the ports
/// asked for (`ports` less `exceptPorts`, every port by default) are allowed or denied as
/// `access` says, for every port (`match: all`) or any (`match: any`), by rules of the protocol
/// and, where given, the source and destination; and, with `Cidr`, some rule of the direction
/// with that `access` has a `sourceAddressPrefix` (or `destinationAddressPrefix`) the value
/// filter matches, `Internet` never. With `Cidr` alone, the ports are not looked at.
package final class NetworkSecurityGroupPortsCheck: ResourceCheck, @unchecked Sendable {
    let direction: String
    let access: String
    let ports: PortSet?
    let matchAll: Bool
    let ipProtocol: String
    let source: String?
    let destination: String?
    let cidr: (type: String, filter: CustodianValueFilter)?

    package init(
        egress: Bool, access: String, ports: PortSet?, matchAll: Bool, ipProtocol: String, source: String?,
        destination: String?, cidr: (type: String, filter: CustodianValueFilter)?, written: Value
    ) {
        self.direction = egress ? "Outbound" : "Inbound"
        self.access = access
        self.ports = ports
        self.matchAll = matchAll
        self.ipProtocol = ipProtocol
        self.source = source
        self.destination = destination
        self.cidr = cidr
        super.init(resourceType: "azure.networksecuritygroup", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        if let ports, !portsMatch(resource.document, ports) { return false }
        if let cidr, !cidrMatches(resource.document, cidr, now: now) { return false }
        return true
    }

    func portsMatch(_ group: Value, _ ports: PortSet) -> Bool {
        let decided = NetworkSecurityGroupPorts.decisions(
            group, direction: direction, protocol: ipProtocol, source: source, destination: destination)
        // A port no rule decides is denied.
        let matching =
            NetworkSecurityGroupPorts.same(access, "Allow")
            ? ports.intersection(decided.allowed).count : ports.subtracting(decided.allowed).count
        return matchAll ? matching == ports.count : matching > 0
    }

    func cidrMatches(_ group: Value, _ cidr: (type: String, filter: CustodianValueFilter), now: Timestamp) -> Bool {
        let field = cidr.type.lowercased() + "AddressPrefix"
        for rule in group["properties"]?["securityRules"]?.arrayValue ?? [] {
            // Custodian compares direction and access here as written, case and all.
            guard let p = rule["properties"], p["direction"]?.stringValue == direction,
                p["access"]?.stringValue == access, let prefix = p[field]?.stringValue, !prefix.isEmpty,
                prefix.lowercased() != "internet"
            else { continue }
            if cidr.filter.matches(["CidrIp": .string(prefix)], tags: [:], now: now) { return true }
        }
        return false
    }
}

/// Custodian's `close` and `open` on an Azure network security group, worked out for the group
/// as it is: the action's ports (`ports` less `exceptPorts`, every port by default) whose access
/// differs from the one wanted (a port no rule of the direction decides counts as denied) go
/// into one new rule, named `PREFIX` and a fresh UUID, at 10 below the lowest priority number of
/// the direction's rules (4096 when there is none), from any source to any destination. Nothing
/// when every port already has that access.
package final class NetworkSecurityGroupPortsChange: ResourceCheck, @unchecked Sendable {
    let name: String
    let access: String
    let direction: String
    let ports: PortSet
    let ipProtocol: String
    let prefix: String

    package init(
        name: String, access: String, direction: String, ports: PortSet, ipProtocol: String, prefix: String
    ) {
        self.name = name
        self.access = access
        self.direction = direction
        self.ports = ports
        self.ipProtocol = ipProtocol
        self.prefix = prefix
        super.init(resourceType: "azure.networksecuritygroup")
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool { true }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        let group = resource.document
        // A port no rule decides counts as denied.
        let allowedNow = NetworkSecurityGroupPorts.decisions(group, direction: direction, protocol: ipProtocol).allowed
        let changing = access == "Allow" ? ports.subtracting(allowedNow) : ports.intersection(allowedNow)
        guard changing.count > 0, let id = group["id"]?.stringValue, let groupName = group["name"]?.stringValue,
            let resourceGroup = ResourceAddress.resourceGroup(ofId: id)
        else { return MatchedElements(path: name, elements: []) }
        let lowest =
            NetworkSecurityGroupPorts.rules(group).first {
                NetworkSecurityGroupPorts.same($0["properties"]?["direction"]?.stringValue, direction)
            }?["properties"]?["priority"]?.numberValue.map(Int.init) ?? 4096
        let body: Value = [
            "properties": [
                "access": .string(access),
                "destinationAddressPrefix": "*",
                "destinationPortRanges": .array(NetworkSecurityGroupPorts.rangeTexts(changing).map(Value.string)),
                "direction": .string(direction),
                "priority": .int(lowest - 10),
                "protocol": .string(ipProtocol),
                "sourceAddressPrefix": "*",
                "sourcePortRange": "*",
            ]
        ]
        return MatchedElements(
            path: name,
            elements: [
                [
                    "resourceGroup": .string(resourceGroup), "networkSecurityGroupName": .string(groupName),
                    "name": .string(prefix + Self.uuid(id, name, now)), "body": body,
                ]
            ])
    }

    /// A UUID (version 1 in form) that the group, the action and the simulated time decide, so
    /// that the same run names the same rule.
    static func uuid(_ id: String, _ action: String, _ now: Timestamp) -> String {
        var digest = ContentDigest()
        digest.add(id)
        digest.add(action)
        digest.add(String(now.milliseconds))
        var generator = SeededGenerator(seed: digest.value)
        let a = generator.next()
        let b = generator.next()
        let hex = String(format: "%016llx%016llx", a, b)
        var chars = Array(hex)
        chars[12] = "1"
        chars[16] = Array("89ab")[Int(b >> 62)]
        let s = String(chars)
        func part(_ from: Int, _ to: Int) -> Substring {
            s[s.index(s.startIndex, offsetBy: from)..<s.index(s.startIndex, offsetBy: to)]
        }
        return [part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32)].joined(separator: "-")
    }
}
