import CloudModel

/// What a Custodian value filter compares once its `value_type` has converted the two sides:
/// a JSON value, or one of the Python objects the conversions make (a timezone-aware
/// `datetime`, an `ipaddress` address or network, the list `parse_cidr` makes of a list, the
/// empty tuple an absent value becomes under `in`/`not-in`).
package enum PythonObject: Sendable, Equatable {
    case value(Value)
    /// Microseconds since the epoch, UTC.
    case date(Int64)
    case address(IPAddress)
    /// `ipaddress.IPv4Network` as Custodian subclasses it (a network in a network is a subnet test).
    case network(IPAddress, prefix: Int)
    case cidrList([PythonObject])
    case emptyTuple
    /// A Python `set` of hashable JSON values (what `value_from` reads a list of values as).
    case set([Value])
    /// Custodian's `ComparableVersion` (a `LooseVersion`); nil for one made of no text, which
    /// raises when compared.
    case version([LooseVersion.Component]?)

    /// `x == y`; objects of different kinds are never equal.
    package static func equal(_ x: PythonObject, _ y: PythonObject) -> Bool {
        switch (x, y) {
        case (.value(let a), .value(let b)): Python.equal(a, b)
        case (.date(let a), .date(let b)): a == b
        case (.address(let a), .address(let b)): a == b
        case (.network(let a, let p), .network(let b, let q)): a == b && p == q
        case (.emptyTuple, .emptyTuple): true
        case (.set(let a), .set(let b)):
            a.count == b.count && a.allSatisfy { m in b.contains { Python.equal($0, m) } }
        case (.version(let a?), .version(let b?)): a == b
        default: false
        }
    }

    /// `x < y` and friends: nil where Python raises `TypeError`.
    package static func ordered(_ x: PythonObject, _ op: String, _ y: PythonObject) -> Bool? {
        let c: Int
        switch (x, y) {
        case (.value(let a), .value(let b)): return Python.ordered(a, op, b)
        case (.date(let a), .date(let b)): c = a < b ? -1 : (a > b ? 1 : 0)
        case (.address(let a), .address(let b)):
            guard a.isV4 == b.isV4 else { return nil }
            c = a < b ? -1 : (a > b ? 1 : 0)
        case (.network(let a, let p), .network(let b, let q)):
            guard a.isV4 == b.isV4 else { return nil }
            c = a != b ? (a < b ? -1 : 1) : (p < q ? -1 : (p > q ? 1 : 0))
        case (.version(let a?), .version(let b?)):
            guard let order = LooseVersion.compare(a, b) else { return nil }
            c = order
        default: return nil
        }
        switch op {
        case "<": return c < 0
        case "<=": return c <= 0
        case ">": return c > 0
        default: return c >= 0
        }
    }

    /// `item in self`: nil where Python raises.
    package func containing(_ item: PythonObject) -> Bool? {
        switch self {
        case .value(let container):
            switch item {
            case .value(let v): return Python.contains(container, v)
            case .emptyTuple:
                switch container {
                case .array, .object: return false
                default: return nil
                }
            case .date, .address, .network, .cidrList, .set, .version:
                // No JSON value equals a date, an address or a set; a set is no dict key.
                switch container {
                case .array: return false
                case .object: if case .set = item { return nil } else { return false }
                default: return nil
                }
            }
        case .network(let net, let prefix):
            switch item {
            case .value(.null): return false
            case .network(let other, let otherPrefix):
                guard net.isV4 == other.isV4 else { return nil }
                return otherPrefix >= prefix && other.masked(prefix) == net
            case .address(let a):
                guard a.isV4 == net.isV4 else { return false }
                return a.masked(prefix) == net
            default: return nil
            }
        case .cidrList(let members):
            if case .value(.null) = item { return false }
            for m in members {
                switch m {
                case .network:
                    guard let inside = m.containing(item) else { return nil }
                    if inside { return true }
                case .address(let a) where a.isV4:
                    if Self.equal(item, m) { return true }
                default: break
                }
            }
            return false
        case .set(let members):
            switch item {
            case .value(.array), .value(.object), .set: return nil
            case .value(let v): return members.contains { Python.equal($0, v) }
            default: return false
            }
        case .date, .address, .emptyTuple, .version: return nil
        }
    }
}

/// An IPv4 or IPv6 address, as Python's `ipaddress` parses one.
package struct IPAddress: Sendable, Hashable, Comparable {
    package var high: UInt64
    package var low: UInt64
    package var isV4: Bool

    package static func < (a: IPAddress, b: IPAddress) -> Bool { (a.high, a.low) < (b.high, b.low) }

    var bits: Int { isV4 ? 32 : 128 }

    /// The address with all but the first `prefix` bits cleared.
    func masked(_ prefix: Int) -> IPAddress {
        var out = self
        if isV4 {
            out.low = prefix == 0 ? 0 : low & (UInt64(UInt32.max) << UInt64(32 - prefix)) & UInt64(UInt32.max)
        } else {
            out.high = prefix == 0 ? 0 : (prefix >= 64 ? high : high & (UInt64.max << UInt64(64 - prefix)))
            out.low = prefix <= 64 ? 0 : (prefix == 128 ? low : low & (UInt64.max << UInt64(128 - prefix)))
        }
        return out
    }

    /// `ipaddress.ip_address(text)`: dotted IPv4 (four decimal octets, no leading zeros) or IPv6.
    package init?(_ text: String) {
        if let v4 = Self.parseV4(Substring(text)) {
            self.init(high: 0, low: UInt64(v4), isV4: true)
        } else if let (h, l) = Self.parseV6(text) {
            self.init(high: h, low: l, isV4: false)
        } else {
            return nil
        }
    }

    package init(high: UInt64, low: UInt64, isV4: Bool) {
        self.high = high
        self.low = low
        self.isV4 = isV4
    }

    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt32(p), n <= 255,
                p.count == 1 || p.first != "0"
            else { return nil }
            out = out << 8 | n
        }
        return out
    }

    static func parseV6(_ text: String) -> (UInt64, UInt64)? {
        var s = Substring(text)
        if let percent = s.firstIndex(of: "%") {
            guard s.index(after: percent) < s.endIndex else { return nil }
            s = s[..<percent]
        }
        guard s.contains(":") else { return nil }
        var groups: [UInt16] = []
        var tail: [UInt16] = []
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parse(_ part: String, _ out: inout [UInt16], allowV4: Bool) -> Bool {
            guard !part.isEmpty else { return true }
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, f) in fields.enumerated() {
                if i == fields.count - 1, allowV4, f.contains(".") {
                    guard let v4 = parseV4(f) else { return false }
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                    return true
                }
                guard (1...4).contains(f.count), let n = UInt16(f, radix: 16) else { return false }
                out.append(n)
            }
            return true
        }
        if halves.count == 2 {
            guard parse(halves[0], &groups, allowV4: false), parse(halves[1], &tail, allowV4: true),
                groups.count + tail.count <= 7
            else { return nil }
            groups += Array(repeating: 0, count: 8 - groups.count - tail.count) + tail
        } else {
            guard parse(halves[0], &groups, allowV4: true), groups.count == 8 else { return nil }
        }
        var h: UInt64 = 0
        var l: UInt64 = 0
        for g in groups[0..<4] { h = h << 16 | UInt64(g) }
        for g in groups[4..<8] { l = l << 16 | UInt64(g) }
        return (h, l)
    }

    /// Custodian's `parse_cidr`: a text with `/` is an `IPv4Network` (strict: no host bits; an
    /// IPv6 network is not one, so it parses to nothing), any other an address; a list becomes
    /// a list of those. nil where Custodian's parse gives `None`, or would raise.
    package static func parseCIDR(_ value: Value) -> PythonObject? {
        switch value {
        case .array(let items):
            var members: [PythonObject] = []
            for item in items {
                guard case .string = item else { return nil }
                members.append(parseCIDR(item) ?? .value(.null))
            }
            return .cidrList(members)
        case .string(let text):
            guard let slash = text.firstIndex(of: "/") else { return IPAddress(text).map(PythonObject.address) }
            guard let a = parseV4(text[..<slash]) else { return nil }
            let mask = text[text.index(after: slash)...]
            let prefix: Int
            if let p = Int(mask), mask.allSatisfy({ $0.isASCII && $0.isNumber }), (0...32).contains(p) {
                prefix = p
            } else if let m = parseV4(mask) {
                let ones = m.nonzeroBitCount
                if m == (ones == 0 ? 0 : UInt32.max << UInt32(32 - ones)) {
                    prefix = ones
                } else if (m &+ 1) & m == 0 {
                    prefix = 32 - m.nonzeroBitCount
                } else {
                    return nil
                }
            } else {
                return nil
            }
            let address = IPAddress(high: 0, low: UInt64(a), isV4: true)
            guard address.masked(prefix) == address else { return nil }
            return .network(address, prefix: prefix)
        default:
            return nil
        }
    }
}

/// distutils' `LooseVersion`, as Custodian vendors it: the text split into runs of digits
/// (numbers), runs of lowercase letters and whatever lies between them, dots dropped; compared
/// as Python compares lists, which raises where a number meets a text.
package enum LooseVersion {
    package enum Component: Sendable, Equatable {
        case number(Int)
        case text(String)
    }

    package static func parse(_ text: String) -> [Component] {
        var out: [Component] = []
        var between = ""
        func flush() {
            if !between.isEmpty, between != "." { out.append(Int(between).map(Component.number) ?? .text(between)) }
            between = ""
        }
        var chars = Array(text)[...]
        while let c = chars.first {
            if c.isASCII, c.isNumber || (c.isLowercase && c.isLetter) || c == "." {
                flush()
                var run = String(c)
                chars = chars.dropFirst()
                if c != "." {
                    let digits = c.isNumber
                    while let d = chars.first, d.isASCII, digits ? d.isNumber : (d.isLowercase && d.isLetter) {
                        run.append(d)
                        chars = chars.dropFirst()
                    }
                    out.append(digits ? Int(run).map(Component.number) ?? .text(run) : .text(run))
                }
            } else {
                between.append(c)
                chars = chars.dropFirst()
            }
        }
        flush()
        return out
    }

    /// -1, 0 or 1; nil where Python raises (a number against a text at the first difference).
    static func compare(_ a: [Component], _ b: [Component]) -> Int? {
        for (x, y) in zip(a, b) where x != y {
            switch (x, y) {
            case (.number(let p), .number(let q)): return p < q ? -1 : 1
            case (.text(let p), .text(let q)):
                return Array(p.unicodeScalars.map(\.value)).lexicographicallyPrecedes(q.unicodeScalars.map(\.value))
                    ? -1 : 1
            default: return nil
            }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
