import CloudModel

/// Custodian's security-group `ingress` and `egress` filters (`c7n.resources.vpc.SGPermission`).
///
/// Each permission is first expanded into one permission per range (per `IpRanges`,
/// `Ipv6Ranges`, `PrefixListIds` and `UserIdGroupPairs` element, the others emptied), as the
/// console and the revoke calls count them. A permission matches when every criterion given
/// holds (`match-operator: or`: any); a criterion that cannot apply to a permission
/// (`Ports` on one without `FromPort`, as for protocol `-1`) is left out of the vote, as
/// Custodian leaves it out. The matched permissions are kept as `MatchedIpPermissions`
/// (`MatchedIpPermissionsEgress`) for `remove-permissions`.
package final class SecurityGroupPermissionCheck: ResourceCheck, @unchecked Sendable {
    package let listKey: String
    /// The permission attributes given as value filters, in Custodian's (sorted) order.
    let attributes: [CustodianValueFilter]
    let ports: [Int]
    let onlyPorts: [Int]
    let cidr: CustodianValueFilter?
    let cidrV6: CustodianValueFilter?
    let description: CustodianValueFilter?
    let selfReference: Bool?
    let matchAny: Bool
    let written: Value

    package init(
        egress: Bool, attributes: [CustodianValueFilter], ports: [Int], onlyPorts: [Int], cidr: CustodianValueFilter?,
        cidrV6: CustodianValueFilter?, description: CustodianValueFilter?, selfReference: Bool?, matchAny: Bool,
        written: Value
    ) {
        listKey = egress ? "IpPermissionsEgress" : "IpPermissions"
        self.attributes = attributes
        self.ports = ports
        self.onlyPorts = onlyPorts
        self.cidr = cidr
        self.cidrV6 = cidrV6
        self.description = description
        self.selfReference = selfReference
        self.matchAny = matchAny
        self.written = written
        super.init(tagShape: .aws)
    }

    override package var behaviour: Value { ["custodian": written] }

    override package func holds(_ resource: Value, tags: [String: String], now: Timestamp) -> Bool {
        !matchedPermissions(resource, now: now).isEmpty
    }

    override package func matched(_ resource: Value, tags: [String: String], now: Timestamp) -> MatchedElements? {
        let found = matchedPermissions(resource, now: now)
        return found.isEmpty ? nil : MatchedElements(path: "Matched\(listKey)", elements: found)
    }

    static let rangeKeys = ["IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"]

    /// `expand_permissions`: one permission per range.
    static func expand(_ permissions: [Value]) -> [Value] {
        var out: [Value] = []
        for p in permissions {
            guard case .object(var base) = p else { continue }
            var lists: [(String, [Value])] = []
            for k in rangeKeys {
                lists.append((k, base[k]?.arrayValue ?? []))
                base[k] = .array([])
            }
            for (k, items) in lists {
                for item in items {
                    var one = base
                    one[k] = .array([item])
                    out.append(.object(one))
                }
            }
        }
        return out
    }

    func matchedPermissions(_ resource: Value, now: Timestamp) -> [Value] {
        let groupId = resource["GroupId"]
        var matched: [Value] = []
        for perm in Self.expand(resource[listKey]?.arrayValue ?? []) {
            var votes: [Bool] = attributes.map { $0.matches(perm, tags: [:], now: now) }
            if let d = description { votes.append(describe(perm, d, now)) }
            if let p = portsVote(perm) { votes.append(p) }
            if let c = cidrVote(perm, now) { votes.append(c) }
            if let s = selfReferenceVote(perm, groupId) { votes.append(s) }
            if !matchAny, votes.isEmpty { continue }
            let match = matchAny ? votes.contains(true) : votes.allSatisfy { $0 }
            if match, !matched.contains(perm) { matched.append(perm) }
        }
        return matched
    }

    func describe(_ perm: Value, _ filter: CustodianValueFilter, _ now: Timestamp) -> Bool {
        // `process_description` reads the first range of the first of these the permission has.
        for k in ["Ipv6Ranges", "IpRanges", "UserIdGroupPairs", "PrefixListIds"] {
            guard let first = perm[k]?.arrayValue?.first else { continue }
            return filter.matches(first, tags: [:], now: now)
        }
        return false
    }

    /// `process_ports`.
    func portsVote(_ perm: Value) -> Bool? {
        guard let from = perm["FromPort"].flatMap(Python.number), let to = perm["ToPort"].flatMap(Python.number) else {
            return nil
        }
        var found: Bool?
        for port in ports {
            if Double(port) >= from, Double(port) <= to {
                found = true
                break
            }
            found = false
        }
        let onlyFound = onlyPorts.contains { Double($0) == from && Double($0) == to }
        if !onlyPorts.isEmpty {
            found = onlyFound ? false : (found ?? true)
        }
        return found
    }

    /// `process_cidrs`.
    func cidrVote(_ perm: Value, _ now: Timestamp) -> Bool? {
        func one(_ filter: CustodianValueFilter?, _ rangeKey: String) -> Bool? {
            guard let filter else { return nil }
            let ranges = perm[rangeKey]?.arrayValue ?? []
            guard !ranges.isEmpty else { return false }
            return ranges.contains { filter.matches($0, tags: [:], now: now) }
        }
        let found = [one(cidrV6, "Ipv6Ranges"), one(cidr, "IpRanges")].compactMap { $0 }
        guard !found.isEmpty else { return nil }
        return matchAny ? found.contains(true) : found.allSatisfy { $0 }
    }

    /// `process_self_reference`.
    func selfReferenceVote(_ perm: Value, _ groupId: Value?) -> Bool? {
        guard let wanted = selfReference else { return nil }
        guard let pairs = perm["UserIdGroupPairs"]?.arrayValue else { return false }
        let isSelf = pairs.contains { pair in
            guard let groupId, let other = pair["GroupId"] else { return false }
            return Python.equal(other, groupId)
        }
        return wanted == isSelf
    }
}

/// Custodian's S3 `check-public-block`: the bucket's public access block (all four settings
/// false when it has none) has each setting given exactly as given (`True is True`), or, with
/// none given, not all four on.
package final class PublicAccessBlockCheck: ResourceCheck, @unchecked Sendable {
    package static let keys = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
    let wanted: [(String, Bool)]
    let written: Value

    package init(wanted: [(String, Bool)], written: Value) {
        self.wanted = wanted
        self.written = written
        super.init(tagShape: .aws)
    }

    override package var behaviour: Value { ["custodian": written] }

    override package func holds(_ resource: Value, tags: [String: String], now: Timestamp) -> Bool {
        let config: Value =
            resource["PublicAccessBlockConfiguration"].flatMap { $0.isNull ? Value?.none : $0 }
            ?? .object(Fields(Self.keys.map { .init(key: $0, value: false) }))
        guard !wanted.isEmpty else {
            guard case .object(let fields) = config else { return false }
            return !fields.entries.allSatisfy { Python.truthy($0.value) }
        }
        return wanted.allSatisfy { key, value in config[key] == .bool(value) }
    }
}

/// A filter over a list of a resource's elements, each tested by value filters (Custodian's
/// IAM user `access-key`: each of the user's keys, as `list-access-keys` gives it). Several in
/// one block count as one: with `match-operator: and`, the keys that pass every filter; with
/// `or` (the default), each filter must find a key, and the keys kept are those all find.
/// The kept elements are named for the action (`c7n:matched-keys`).
package final class ElementListCheck: ResourceCheck, @unchecked Sendable {
    let listKey: String
    let name: String
    let filters: [CustodianValueFilter]
    let everyFilterOnOneElement: Bool
    /// Members each element gets from its resource when it lacks them (`UserName` for a key).
    let inherited: [String]
    let written: Value

    package init(
        listKey: String, name: String, filters: [CustodianValueFilter], everyFilterOnOneElement: Bool,
        inherited: [String] = [], written: Value, tagShape: TagShape
    ) {
        self.listKey = listKey
        self.name = name
        self.filters = filters
        self.everyFilterOnOneElement = everyFilterOnOneElement
        self.inherited = inherited
        self.written = written
        super.init(tagShape: tagShape)
    }

    override package var behaviour: Value { ["custodian": written] }

    override package var ageThresholds: [SimDuration] {
        filters.flatMap { CustodianValueCheck($0, written: .null, tagShape: tagShape).ageThresholds }
    }

    func elements(_ resource: Value) -> [Value] {
        (resource[listKey]?.arrayValue ?? []).map { element in
            guard case .object(var fields) = element else { return element }
            for key in inherited where fields[key] == nil { fields[key] = resource[key] ?? .null }
            return .object(fields)
        }
    }

    override package func holds(_ resource: Value, tags: [String: String], now: Timestamp) -> Bool {
        let items = elements(resource)
        if everyFilterOnOneElement || filters.isEmpty {
            return items.contains { item in filters.allSatisfy { $0.matches(item, tags: [:], now: now) } }
        }
        return filters.allSatisfy { f in items.contains { f.matches($0, tags: [:], now: now) } }
    }

    override package func matched(_ resource: Value, tags: [String: String], now: Timestamp) -> MatchedElements? {
        let kept = elements(resource).filter { item in filters.allSatisfy { $0.matches(item, tags: [:], now: now) } }
        return MatchedElements(path: name, elements: kept)
    }
}
