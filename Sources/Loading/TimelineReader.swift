import CloudModel
import CloudOperations
import RemediationEngine
import Simulation

/// Reads `timeline:` entries. Each has `at` and one action:
///
/// ```yaml
/// - at: 10m
///   inject: open-ingress            # with resource, with, and optionally actor
///   resource: sg-1
///   with: {port: 22, cidr: 0.0.0.0/0}
/// - at: 20m
///   inject: create-resource         # a new resource, or one deleted earlier made again
///   resource: acme-reports          # its id
///   with: {type: aws.s3, account: "1…", region: us-east-1, properties: {...}}   # as in a fixture
/// - at: 1h
///   drift: {actor: terraform, every: 1h, until: 12h}   # re-applies `with` (set/remove)
///   resource: sg-1
///   with: {set: {...}}
/// - at: 0s
///   fault: {kind: throttle, limit: 2, per: 1m, for: 2h, scope: {services: [ec2]}}
/// - at: 30m
///   snooze: {policy: P, resource: R, for: 2h}
/// - at: 30m
///   dismiss: {policy: P, resource: R}
/// - at: 1h
///   disable-policy: P                # enable-policy, disable-rule, enable-rule,
///                                    # enable-auto-remediation, disable-auto-remediation
/// - at: 0s
///   exempt: {resource: R, reason: change freeze, for: 6h}   # or tags: {k: v}; policies: [P]
/// - at: 2h
///   restart-engine: true
/// - at: 20m
///   approve: {policy: P, resource: R}     # a remediation waiting in approve mode runs
/// ```
struct TimelineReader {
    let inventory: Inventory
    /// nil: any policy name is taken on trust (not every policy could be read).
    let policyIds: Set<String>?
    /// nil: any rule name is taken on trust (not every rule could be read).
    let ruleNames: [String]?
    /// Resources the timeline creates (`create-resource`), by id: entries may name them too.
    /// Whether each exists at the moment an entry names it is the preflight's to check.
    var created: [String: Resource] = [:]

    static let keys = [
        "at", "inject", "resource", "with", "actor", "drift", "fault", "snooze", "dismiss", "disable-policy",
        "enable-policy",
        "disable-rule", "enable-rule", "enable-auto-remediation", "disable-auto-remediation", "exempt",
        "restart-engine", "approve",
    ]
    static let actions = Array(keys.dropFirst().filter { !["resource", "with", "actor"].contains($0) })
    static let faultKinds = [
        "throttle", "access-denied", "delete-during-remediation", "eventual-consistency", "drop-events", "delay-events",
    ]

    func entry(_ node: YAMLNode) throws(LoadError) -> TimelineEntry {
        let m = try node.mapping(allowing: Self.keys)
        let at = try m.required("at").duration()
        let given = Self.actions.filter { m[$0] != nil }
        guard given.count == 1, let action = given.first, let actionNode = m[action] else {
            throw node.error(
                given.isEmpty
                    ? "a timeline entry needs one of \(Self.actions.joined(separator: ", "))"
                    : "a timeline entry takes one action, found \(given.joined(separator: " and "))")
        }
        let onResource = action == "inject" || action == "drift"
        for key in ["resource", "with", "actor"] where !onResource {
            if let extra = m[key] { throw extra.error("'\(key)' goes with inject or drift, not with \(action)") }
        }
        let origin = node.location
        switch action {
        case "inject":
            let (id, resource) = try self.resource(try m.required("resource"))
            let name = try actionNode.string()
            let injection = try InjectionReader.injection(
                named: name, node: actionNode, with: m["with"], resourceId: id)
            if let types = injection.resourceTypes, !types.contains(resource.type) {
                throw actionNode.error(
                    "'\(name)' applies to \(types.joined(separator: ", ")), but '\(id)' is an \(resource.type)")
            }
            return TimelineEntry(
                at: at, resourceId: id, injection: injection, actor: try m["actor"]?.string() ?? "operator",
                origin: origin)
        case "drift":
            let d = try actionNode.mapping(allowing: ["actor", "every", "until"])
            if let a = m["actor"] { throw a.error("the drifting actor is named inside 'drift'") }
            let (id, _) = try resource(try m.required("resource"))
            guard let with = m["with"] else {
                throw node.error("'drift' needs 'with: {set: {PATH: VALUE}}': the state the actor keeps putting back")
            }
            let injection = try InjectionReader.injection(named: "patch", node: actionNode, with: with, resourceId: id)
            let everyNode = try d.required("every")
            let every = try ControlsReader.positive(everyNode)
            // No actor re-applies a setting more than once a second; a shorter interval is a typo
            // that would flood the run with events.
            guard every >= .seconds(1) else {
                throw everyNode.error("drift every \(every) is shorter than the 1s minimum")
            }
            let untilNode = d["until"]
            let until = try untilNode?.duration()
            if let until, until <= at {
                throw untilNode?.error("'until' must be after 'at'") ?? node.error("bad until")
            }
            return TimelineEntry(
                at: at,
                action: .drift(
                    resourceId: id, injection, actor: try d.required("actor").string(), every: every, until: until),
                origin: origin)
        case "fault":
            return TimelineEntry(at: at, action: .fault(try fault(actionNode)), origin: origin)
        case "snooze":
            let s = try actionNode.mapping(allowing: ["policy", "resource", "for"])
            return TimelineEntry(
                at: at,
                action: .snooze(
                    policy: try s.required("policy").policyId(in: policyIds),
                    resourceId: try resource(try s.required("resource")).0,
                    for: try ControlsReader.positive(try s.required("for"))), origin: origin)
        case "dismiss", "approve":
            let s = try actionNode.mapping(allowing: ["policy", "resource"])
            let policy = try s.required("policy").policyId(in: policyIds)
            let id = try resource(try s.required("resource")).0
            return TimelineEntry(
                at: at,
                action: action == "dismiss"
                    ? .dismiss(policy: policy, resourceId: id) : .approve(policy: policy, resourceId: id),
                origin: origin)
        case "disable-policy", "enable-policy":
            return TimelineEntry(
                at: at,
                action: .setPolicyEnabled(
                    policy: try actionNode.policyId(in: policyIds), enabled: action == "enable-policy"), origin: origin)
        case "disable-rule", "enable-rule":
            return TimelineEntry(
                at: at, action: .setRuleEnabled(rule: try rule(actionNode), enabled: action == "enable-rule"),
                origin: origin)
        case "enable-auto-remediation", "disable-auto-remediation":
            return TimelineEntry(
                at: at,
                action: .setAutoRemediation(rule: try rule(actionNode), enabled: action == "enable-auto-remediation"),
                origin: origin)
        case "exempt":
            let (exemption, expiresAfter) = try self.exemption(actionNode)
            return TimelineEntry(at: at, action: .exempt(exemption, expiresAfter: expiresAfter), origin: origin)
        default:  // restart-engine
            guard try actionNode.bool() else {
                throw actionNode.error("write 'restart-engine: true', or leave the entry out")
            }
            return TimelineEntry(at: at, action: .restartEngine, origin: origin)
        }
    }

    /// `{resource: R}` or `{tags: {k: v}}`, optionally `policies`, with a `reason` and usually `for`.
    func exemption(_ node: YAMLNode) throws(LoadError) -> (Exemption, SimDuration?) {
        let e = try node.mapping(allowing: ["resource", "tags", "policies", "reason", "for"])
        let resourceId = try e["resource"].map { n throws(LoadError) in try resource(n).0 }
        let tags = try e["tags"]?.stringMap() ?? [:]
        guard (resourceId == nil) != tags.isEmpty else {
            throw node.error("an exemption names either a 'resource' or 'tags'")
        }
        var policies: [String]?
        if let p = e["policies"] {
            var ids: [String] = []
            for item in p.listOrSingle() { ids.append(try item.policyId(in: policyIds)) }
            policies = ids
        }
        let reasonNode = try e.required("reason")
        let reason = try reasonNode.string()
        guard !reason.isEmpty else { throw reasonNode.error("an exemption needs a reason a person can read") }
        return (
            Exemption(resourceId: resourceId, tags: tags, policies: policies, reason: reason),
            try e["for"].map(ControlsReader.positive)
        )
    }

    func fault(_ node: YAMLNode) throws(LoadError) -> Fault {
        let f = try node.mapping(allowing: ["kind", "limit", "per", "lag", "by", "for", "scope"])
        let kindNode = try f.required("kind")
        let name = try kindNode.string()
        func only(_ allowed: [String]) throws(LoadError) {
            for key in ["limit", "per", "lag", "by"] where !allowed.contains(key) {
                if let n = f[key] { throw n.error("'\(key)' does not apply to a \(name) fault") }
            }
        }
        let kind: Fault.Kind
        switch name {
        case "throttle":
            try only(["limit", "per"])
            kind = .throttle(
                limit: try f.required("limit").int(in: 0...1_000_000),
                per: try f["per"].map(ControlsReader.positive) ?? .seconds(1))
        case "access-denied":
            try only([])
            kind = .accessDenied
        case "delete-during-remediation":
            try only([])
            kind = .deleteDuringRemediation
        case "eventual-consistency":
            try only(["lag"])
            kind = .eventualConsistency(lag: try ControlsReader.positive(try f.required("lag")))
        case "drop-events":
            try only([])
            kind = .dropEvents
        case "delay-events":
            try only(["by"])
            kind = .delayEvents(by: try ControlsReader.positive(try f.required("by")))
        default:
            throw kindNode.error(
                "expected one of \(Self.faultKinds.joined(separator: ", ")), found "
                    + "\(YAMLNode.quoted(name))\(Suggest.didYouMean(name, in: Self.faultKinds))"
            )
        }
        var scope = FaultScope()
        if let s = f["scope"] {
            let sm = try s.mapping(allowing: ["clouds", "accounts", "regions", "services", "operations", "resources"])
            if let c = sm["clouds"] {
                for item in c.listOrSingle() { scope.clouds.append(try item.oneOf(Cloud.self, Cloud.allCases)) }
            }
            scope.accounts = try sm["accounts"]?.strings() ?? []
            scope.regions = try sm["regions"]?.strings() ?? []
            scope.services = try sm["services"]?.strings() ?? []
            if let ops = sm["operations"] {
                for item in ops.listOrSingle() {
                    let op = try item.string()
                    guard OperationCatalog.spec(named: op) != nil else {
                        throw item.error(
                            "'\(op)' is not an operation remsim "
                                + "models\(Suggest.didYouMean(op, in: OperationCatalog.names))"
                        )
                    }
                    scope.operations.append(op)
                }
            }
            if let r = sm["resources"] {
                for item in r.listOrSingle() { scope.resources.append(try resource(item).0) }
            }
        }
        return Fault(kind: kind, scope: scope, window: try f["for"].map(ControlsReader.positive))
    }

    func resource(_ node: YAMLNode) throws(LoadError) -> (String, Resource) {
        let id = try node.string()
        guard let r = inventory[id] ?? created[id] else {
            throw node.error(
                "resource '\(id)' is not in the scenario's fixtures, nor created on its "
                    + "timeline\(suggestId(id, inventory, created))"
            )
        }
        return (id, r)
    }

    /// The resources `create-resource` entries make, read before the entries themselves so that
    /// any entry may name them, whatever the order they are written in.
    static func createdResources(_ entries: [YAMLNode]) throws(LoadError) -> [String: Resource] {
        var created: [String: Resource] = [:]
        for node in entries where node.mappingKeys.contains("inject") {
            let m = try node.mapping(allowing: keys)
            guard let inject = m["inject"], try inject.string() == "create-resource" else { continue }
            let id = try m.required("resource").string()
            let injection = try InjectionReader.injection(
                named: "create-resource", node: inject, with: m["with"], resourceId: id)
            if case .createResource(let resource) = injection, created[id] == nil { created[id] = resource }
        }
        return created
    }

    func rule(_ node: YAMLNode) throws(LoadError) -> String {
        let name = try node.string()
        guard let ruleNames else { return name }
        guard ruleNames.contains(name) else {
            throw node.error("no alert rule '\(name)' in this scenario\(Suggest.didYouMean(name, in: ruleNames))")
        }
        return name
    }
}
