import CloudModel
import Foundation

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
        super.init(resourceType: "aws.security-group", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        !matchedPermissions(resource.document, now: now).isEmpty
    }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        let found = matchedPermissions(resource.document, now: now)
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

    package init(wanted: [(String, Bool)], written: Value) {
        self.wanted = wanted
        super.init(resourceType: "aws.s3", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        let config: Value =
            resource.properties["PublicAccessBlockConfiguration"].flatMap { $0.isNull ? Value?.none : $0 }
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
    package let listKey: String
    let name: String
    let filters: [CustodianValueFilter]
    let everyFilterOnOneElement: Bool
    /// Members each element gets from its resource when it lacks them (`UserName` for a key).
    let inherited: [String]

    package init(
        listKey: String, name: String, filters: [CustodianValueFilter], everyFilterOnOneElement: Bool,
        inherited: [String] = [], written: Value, resourceType: String
    ) {
        self.listKey = listKey
        self.name = name
        self.filters = filters
        self.everyFilterOnOneElement = everyFilterOnOneElement
        self.inherited = inherited
        super.init(resourceType: resourceType, written: written)
    }

    override package var ageThresholds: [SimDuration] {
        filters.flatMap { CustodianValueCheck($0, written: .null, resourceType: resourceType).ageThresholds }
    }

    /// The elements, from remsim's properties, each with what it inherits from the resource.
    func elements(_ resource: CheckedResource) -> [Value] {
        (resource.properties[listKey]?.arrayValue ?? []).map { element in
            guard case .object(var fields) = element else { return element }
            for key in inherited where fields[key] == nil { fields[key] = resource.properties[key] ?? .null }
            return .object(fields)
        }
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        let items = elements(resource)
        if everyFilterOnOneElement || filters.isEmpty {
            return items.contains { item in filters.allSatisfy { $0.matches(item, tags: [:], now: now) } }
        }
        return filters.allSatisfy { f in items.contains { f.matches($0, tags: [:], now: now) } }
    }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        let kept = elements(resource).filter { item in filters.allSatisfy { $0.matches(item, tags: [:], now: now) } }
        return MatchedElements(path: name, elements: kept)
    }
}

/// Whether an action has anything to do on a resource (Custodian's actions look before they
/// call: `toggle-versioning` calls only when the state differs). As a selection, its one
/// element stands for "call once"; it has none when the call is not made.
package class ActionCondition: ResourceCheck, @unchecked Sendable {
    let name: String
    let filters: [CustodianValueFilter]
    /// Filters that must not all match (the other branch of an action that calls one of two
    /// ways); none when empty.
    let unless: [CustodianValueFilter]

    package init(
        name: String, filters: [CustodianValueFilter], unless: [CustodianValueFilter] = [], resourceType: String
    ) {
        self.name = name
        self.filters = filters
        self.unless = unless
        super.init(resourceType: resourceType)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        func all(_ filters: [CustodianValueFilter]) -> Bool {
            filters.allSatisfy { $0.matches(resource.document, tags: resource.tags, now: now) }
        }
        return all(filters) && (unless.isEmpty || !all(unless))
    }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        MatchedElements(path: name, elements: holds(resource, now: now) ? [.emptyObject] : [])
    }

    override package var stepNote: (name: String, text: String)? {
        var text = filters.map(\.summary).joined(separator: " and ")
        if !unless.isEmpty {
            text += (text.isEmpty ? "" : ", ") + "unless " + unless.map(\.summary).joined(separator: " and ")
        }
        // A call made whatever the resource says has nothing to note, but is not repeated either.
        return (name, text.isEmpty ? "" : "only when: " + text)
    }
}

/// The parameters of Custodian's `modify-db`: each property the update names whose value the
/// instance does not have already. As a selection, its one element is those parameters; it has
/// none when every property already has its value (and Custodian makes no call).
package final class ChangedProperties: ResourceCheck, @unchecked Sendable {
    let name: String
    let update: [(String, Value)]

    package init(name: String, update: [(String, Value)], resourceType: String) {
        self.name = name
        self.update = update
        super.init(resourceType: resourceType)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool { true }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        var changed = Fields()
        for (property, value) in update where !Python.equal(resource.document[property] ?? .null, value) {
            changed[property] = value
        }
        return MatchedElements(path: name, elements: changed.isEmpty ? [] : [.object(changed)])
    }
}

/// Whether Custodian's `toggle-logging` calls: when the bucket does not log, or logs elsewhere
/// than the action says. The target is a template (`${account}-${region}-s3-logs`) filled in
/// for the resource.
package final class LoggingCondition: ActionCondition, @unchecked Sendable {
    let targetBucket: String
    let targetPrefix: String

    package init(name: String, targetBucket: String, targetPrefix: String, resourceType: String) {
        self.targetBucket = targetBucket
        self.targetPrefix = targetPrefix
        super.init(name: name, filters: [], resourceType: resourceType)
    }

    func fill(_ text: String, _ r: CheckedResource) -> String {
        StepTemplate.fill(text, account: r.account, region: r.region, name: r.name, now: Timestamp(milliseconds: 0))
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        let logging = resource.document["Logging"] ?? .null
        let wanted: Value = [
            "TargetBucket": .string(fill(targetBucket, resource)),
            "TargetPrefix": .string(fill(targetPrefix, resource)),
        ]
        return !Python.truthy(logging) || !Python.equal(logging, wanted)
    }
}

/// Custodian's S3 `bucket-encryption`: the first rule of the bucket's default encryption, with
/// `state` (default true), `crypto` and `bucket_key_enabled` read as Custodian reads them (a
/// bucket with no rule passes `state: false` and fails `state: true`).
package final class BucketEncryptionCheck: ResourceCheck, @unchecked Sendable {
    let state: Bool
    let crypto: String?
    let bucketKeyEnabled: Bool?

    package init(state: Bool, crypto: String?, bucketKeyEnabled: Bool?, written: Value) {
        self.state = state
        self.crypto = crypto
        self.bucketKeyEnabled = bucketKeyEnabled
        super.init(resourceType: "aws.s3", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        let first = resource.properties["ServerSideEncryptionConfiguration"]?["Rules"]?.arrayValue?.first
        if let bucketKeyEnabled, let rule = first {
            let enabled = Python.truthy(rule) && Python.truthy(rule["BucketKeyEnabled"] ?? .null)
            return bucketKeyEnabled ? enabled : !enabled
        }
        guard let rule = first else { return !state }
        return state ? matches(rule) : !matches(rule)
    }

    /// `filter_bucket` (false where it returns None).
    func matches(_ sse: Value) -> Bool {
        guard let rule = sse["ApplyServerSideEncryptionByDefault"], Python.truthy(rule) else { return false }
        let algorithm = rule["SSEAlgorithm"]?.stringValue
        guard let crypto else { return algorithm == "AES256" || algorithm == "aws:kms" }
        return crypto == algorithm
    }
}

/// Custodian's `list-item` style filters over a list remsim keeps in the properties (a VPC's
/// `flow-logs`): the items that pass every attribute filter are counted, and the count
/// compared (`count`, `count_op`), or, with no count, any item passing is enough.
package final class ListItemCheck: ResourceCheck, @unchecked Sendable {
    let listKey: String
    let attributes: [CustodianValueFilter]
    /// The count and its operator; nil: any item passing. `countAll` compares with the number
    /// of items instead (flow-logs' `set-op: and`).
    let count: (op: CustodianValueFilter.Op, value: Value)?
    let countAll: Bool

    package init(
        listKey: String, attributes: [CustodianValueFilter], count: (op: CustodianValueFilter.Op, value: Value)?,
        countAll: Bool = false, written: Value, resourceType: String
    ) {
        self.listKey = listKey
        self.attributes = attributes
        self.count = count
        self.countAll = countAll
        super.init(resourceType: resourceType, written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        let items = resource.properties[listKey]?.arrayValue ?? []
        let passing = items.filter { item in attributes.allSatisfy { $0.matches(item, tags: [:], now: now) } }
        guard let count else { return !passing.isEmpty }
        let wanted: Value = countAll ? .int(items.count) : count.value
        let probe = try? CustodianValueFilter(
            key: .path("n", .field("n")), op: count.op, value: wanted, valueType: nil)
        return probe?.matches(["n": .int(passing.count)], tags: [:], now: now) ?? false
    }
}

/// Custodian's KMS `key-rotation-status`: a value filter on what `get-key-rotation-status`
/// answers for the key (`KeyRotationEnabled`, `KeyId`).
package final class KeyRotationStatusCheck: ResourceCheck, @unchecked Sendable {
    let filter: CustodianValueFilter

    package init(filter: CustodianValueFilter, written: Value) {
        self.filter = filter
        super.init(resourceType: "aws.kms-key", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        var status = Fields()
        if let enabled = resource.properties["KeyRotationEnabled"] { status["KeyRotationEnabled"] = enabled }
        if let id = resource.properties["KeyId"] { status["KeyId"] = id }
        return filter.matches(.object(status), tags: [:], now: now)
    }
}

/// Custodian's `marked-for-op`: the resource's marker tag (`maid_status` unless `tag` says)
/// reads `…: OP@DATE` for this `op`, and the date, less `skew` days and `skew_hours`, has come.
/// The verdict changes with time alone, at that instant (`crossings`).
package final class MarkedForOpCheck: ResourceCheck, @unchecked Sendable {
    let tag: String
    let op: String
    let skew: SimDuration

    package init(tag: String, op: String, skew: SimDuration, written: Value, resourceType: String) {
        self.tag = tag
        self.op = op
        self.skew = skew
        super.init(resourceType: resourceType, written: written)
    }

    /// When the marked action falls due, less the skew; nil when the tag is not a mark for `op`.
    func due(_ tags: [String: String]) -> Timestamp? {
        guard let value = tags[tag], value.contains(":"), value.contains("@") else { return nil }
        let target = value[value.index(after: value.lastIndex(of: ":")!)...].trimmingCharacters(in: .whitespaces)
        guard let at = target.firstIndex(of: "@"), String(target[..<at]) == op else { return nil }
        guard let date = Self.parse(String(target[target.index(after: at)...])) else { return nil }
        return date - skew
    }

    /// The dates `mark-for-op` writes: `YYYY/MM/DD`, `YYYY/MM/DD HHMM UTC`, or ISO 8601.
    static func parse(_ text: String) -> Timestamp? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let m = t.wholeMatch(of: /(\d{4})\/(\d{2})\/(\d{2})(?: (\d{2})(\d{2})(?: (UTC|GMT|Z))?)?/) {
            let iso = "\(m.1)-\(m.2)-\(m.3)T\(m.4 ?? "00"):\(m.5 ?? "00"):00Z"
            return Timestamp(iso8601: iso)
        }
        return PythonDate.text(t).map { Timestamp(milliseconds: $0 / 1000) }
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        guard let due = due(resource.tags) else { return false }
        return now >= due
    }

    override package func crossings(_ resource: CheckedResource) -> [Timestamp] {
        due(resource.tags).map { [$0] } ?? []
    }

    override package var hasCrossings: Bool { true }
}

/// The tag set Custodian's S3 tag actions put: the bucket's tags as they are when the action
/// runs (Custodian reads them again before each put, so the changes of the policy's earlier tag
/// actions are applied first), less those removed, with those added (values filled in:
/// `${account}`, `${region}`, and a mark's `${time:+…ms:FORMAT}` from the clock). As a
/// selection, its one element holds the call's `Tagging`.
package final class BucketTagSet: ResourceCheck, @unchecked Sendable {
    let name: String
    /// Each tag action's change, in the policy's order, this one last.
    let changes: [(add: [(String, String)], remove: [String])]

    package init(name: String, changes: [(add: [(String, String)], remove: [String])]) {
        self.name = name
        self.changes = changes
        super.init(resourceType: "aws.s3")
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool { true }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        var tags = resource.tags
        for change in changes {
            for key in change.remove { tags[key] = nil }
            for (key, value) in change.add {
                tags[key] = StepTemplate.fill(
                    value, account: resource.account, region: resource.region, name: resource.name, now: now)
            }
        }
        let set = Value.array(tags.keys.sorted().map { ["Key": .string($0), "Value": .string(tags[$0] ?? "")] })
        return MatchedElements(path: name, elements: [["Tagging": ["TagSet": set]]])
    }
}

/// What Custodian's `global-grants` and `delete-global-grants` read of a bucket.
package enum GlobalGrantees {
    package static let permissions = ["READ", "WRITE", "WRITE_ACP", "READ_ACP", "FULL_CONTROL"]

    /// The bucket's ACL grants, none when it has no ACL.
    static func grants(_ document: Value) -> [Value] { document["Acl"]?["Grants"]?.arrayValue ?? [] }
}

/// Custodian's S3 `global-grants`: a grant in the bucket's ACL to everyone or to every AWS
/// account (by group URI), with one of `permissions` when given; a READ grant does not count on a
/// bucket that hosts a website unless `allow_website: false`.
package final class GlobalGrantsCheck: ResourceCheck, @unchecked Sendable {
    let allowWebsite: Bool
    let permissions: [String]

    package init(allowWebsite: Bool, permissions: [String], written: Value) {
        self.allowWebsite = allowWebsite
        self.permissions = permissions
        super.init(resourceType: "aws.s3", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        let website = S3Access.hostsWebsite(resource.document["Website"])
        return GlobalGrantees.grants(resource.document).contains { grant in
            guard S3Access.isGlobal(grant) else { return false }
            let permission = grant["Permission"]?.stringValue ?? ""
            if allowWebsite, permission == "READ", website { return false }
            return permissions.isEmpty || permissions.contains(permission)
        }
    }
}

/// What Custodian's S3 `delete-global-grants` puts back as the bucket's ACL: its grants without
/// those to `grantees` (a website's READ grants kept whatever the filter said), each grantee
/// typed `Group` when it has a URI and `CanonicalUser` otherwise, as Custodian types them. One
/// element, the call's parameters, for a bucket with grants; none for one without, which
/// Custodian leaves alone.
package final class GlobalGrantsRemoval: ResourceCheck, @unchecked Sendable {
    let name: String
    let grantees: [String]

    package init(name: String, grantees: [String]) {
        self.name = name
        self.grantees = grantees
        super.init(resourceType: "aws.s3")
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool { true }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        let grants = GlobalGrantees.grants(resource.document)
        guard !grants.isEmpty else { return MatchedElements(path: name, elements: []) }
        let website = S3Access.hostsWebsite(resource.document["Website"])
        var kept: [Value] = []
        for grant in grants {
            guard case .object(var grantee)? = grant["Grantee"], !grantee.isEmpty else { continue }
            let uri = grantee["URI"]?.stringValue
            grantee["Type"] = uri != nil ? "Group" : "CanonicalUser"
            if let uri, grantees.contains(uri), !(grant["Permission"] == "READ" && website) { continue }
            var typed = grant.objectValue ?? Fields()
            typed["Grantee"] = .object(grantee)
            kept.append(.object(typed))
        }
        let owner = resource.document["Acl"]?["Owner"] ?? .null
        return MatchedElements(
            path: name,
            elements: [
                [
                    "AccessControlPolicy": .object(
                        Fields([.init(key: "Owner", value: owner), .init(key: "Grants", value: .array(kept))]))
                ]
            ])
    }
}

/// The tags of a Custodian `tag` action whose values are looked up from each resource, as its
/// `resolve_and_group` works them out: `{type: resource, key: JMESPATH, default-value: X}` is
/// the path's value on the resource as Custodian describes it (as Python's `str` writes it), or
/// `X` where the path gives nothing; `{type: resource, default-value: X}` is `X`, written only
/// where the resource has no such tag yet. As a selection, its one element is the call's `Tags`
/// (a `Key`/`Value` list, or a map for the Resource Groups Tagging API); it has none where no
/// tag is left to write, or where a value cannot be worked out (Custodian then stops the action).
package final class ResolvedTags: ResourceCheck, @unchecked Sendable {
    package enum Spec: Sendable {
        /// A value as written, with `${account}` and `${region}` for `{account_id}` and `{region}`.
        case fixed(String)
        case lookup(JMESPath, key: String, default: String?)
        case unlessTagged(String)
    }

    let name: String
    let specs: [(String, Spec)]
    let asMap: Bool

    package init(name: String, specs: [(String, Spec)], asMap: Bool, resourceType: String) {
        self.name = name
        self.specs = specs
        self.asMap = asMap
        super.init(resourceType: resourceType)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool { true }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        MatchedElements(path: name, elements: resolve(resource, now: now).map { [$0] } ?? [])
    }

    override package var stepNote: (name: String, text: String)? {
        let each = specs.map { key, spec in
            switch spec {
            case .fixed(let text): "\(key) = \(text)"
            case .unlessTagged(let text): "\(key) = \(text) where the resource has no \(key) tag"
            case .lookup(_, let path, let fallback): "\(key) = \(path)" + (fallback.map { ", else \($0)" } ?? "")
            }
        }
        return (name, "tags, for each resource: " + each.joined(separator: "; "))
    }

    func resolve(_ resource: CheckedResource, now: Timestamp) -> Value? {
        func fill(_ text: String) -> String {
            StepTemplate.fill(text, account: resource.account, region: resource.region, name: resource.name, now: now)
        }
        var tags: [(String, String)] = []
        for (key, spec) in specs {
            let value: String
            switch spec {
            case .fixed(let text): value = fill(text)
            case .unlessTagged(let text):
                guard resource.tags[key] == nil else { continue }
                value = fill(text)
            case .lookup(let path, _, let fallback):
                if let found = path.search(resource.document), !found.isNull {
                    // Custodian formats the value with its placeholders: one it does not know
                    // (or a list's or a map's text) is an error there, and no call here.
                    guard found.arrayValue == nil, found.objectValue == nil else { return nil }
                    let text = Python.str(found).replacingOccurrences(of: "{account_id}", with: resource.account)
                        .replacingOccurrences(of: "{region}", with: resource.region)
                    guard !text.contains("{"), !text.contains("}") else { return nil }
                    value = text
                } else if let fallback {
                    value = fill(fallback)
                } else {
                    return nil
                }
            }
            tags.removeAll { $0.0 == key }
            tags.append((key, value))
        }
        guard !tags.isEmpty else { return nil }
        if asMap { return ["Tags": .object(Fields(tags.map { .init(key: $0.0, value: .string($0.1)) }))] }
        return ["Tags": .array(tags.map { ["Key": .string($0.0), "Value": .string($0.1)] })]
    }
}
