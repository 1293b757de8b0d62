import CloudModel
import Policies
import RemediationEngine
import Simulation

/// Reads `expect:` entries. Each entry says what it is about by its first key:
///
/// ```yaml
/// - resource: sg-1                       # with compliant-with, violates, where or exists
///   compliant-with: [aws-sg-ssh-open-to-world]
/// - alert: {policy: P, resource: R}      # with status and/or reason
///   status: resolved
/// - mttr: {policy: P}                    # or mttd / exposure; {} for every policy
///   p95: {le: 5m}                        # mean, p50, p95, max
/// - violations: {policy: P}
///   unresolved: {eq: 0}
/// - remediations: {policy: P, resource: R}
///   started: {eq: 1}                     # started, succeeded, calls, failed
/// - unchanged: {except: [sg-1]}          # nothing else changed, was deleted or was created
/// ```
struct ExpectationReader {
    let inventory: Inventory
    /// nil: any policy name is taken on trust (not every policy could be read).
    let policyIds: Set<String>?
    /// Resources the timeline creates (`create-resource`), which expectations may name too.
    var created: [String: Resource] = [:]
    /// True when a policy's remediation can make resources (an RDS final snapshot, a log group):
    /// an expectation may then name a resource only the run makes, and a name that is wrong
    /// fails when the run ends, not here.
    var remediationsCreate = false

    func expectation(_ node: YAMLNode) throws(LoadError) -> Expectation {
        let keys = node.mappingKeys
        let origin = node.location
        if keys.contains("resource") {
            let m = try node.mapping(allowing: ["resource", "compliant-with", "violates", "where", "exists"])
            let id = try resourceId(try m.required("resource"))
            if let n = m["compliant-with"] {
                return Expectation(check: .compliant(resource: id, policies: try policies(n)), origin: origin)
            }
            if let n = m["violates"] {
                return Expectation(check: .violates(resource: id, policies: try policies(n)), origin: origin)
            }
            if let n = m["where"] {
                return Expectation(
                    check: .matches(resource: id, filters: try FilterReader.filters(n), text: describe(n)),
                    origin: origin)
            }
            if let n = m["exists"] { return Expectation(check: .exists(resource: id, try n.bool()), origin: origin) }
            throw node.error("a resource expectation needs one of compliant-with, violates, where, exists")
        }
        if keys.contains("alert") {
            let m = try node.mapping(allowing: ["alert", "status", "reason"])
            let a = try m.required("alert").mapping(allowing: ["policy", "resource"])
            let pid = try policy(try a.required("policy"))
            let rid = try resourceId(try a.required("resource"))
            let status = try m["status"]?.oneOf(AlertStatus.self, AlertStatus.allCases)
            let reason = try m["reason"]?.oneOf(TransitionReason.self, TransitionReason.allCases)
            guard status != nil || reason != nil else {
                throw node.error("an alert expectation needs 'status', 'reason' or both")
            }
            return Expectation(
                check: .alert(policy: pid, resource: rid, status: status, reason: reason), origin: origin)
        }
        if let kind = MetricKind.allCases.first(where: { keys.contains($0.rawValue) }) {
            let m = try node.mapping(allowing: [kind.rawValue] + Expectation.Statistic.allCases.map(\.rawValue))
            let pid = try scopePolicy(try m.required(kind.rawValue))
            let stats = Expectation.Statistic.allCases.filter { m[$0.rawValue] != nil }
            guard stats.count == 1, let stat = stats.first, let boundNode = m[stat.rawValue] else {
                throw node.error("a \(kind.rawValue) expectation needs exactly one of mean, p50, p95, max")
            }
            return Expectation(
                check: .metric(kind, policy: pid, statistic: stat, bound: try bound(boundNode, duration: true)),
                origin: origin)
        }
        if keys.contains("violations") {
            let m = try node.mapping(allowing: ["violations", "unresolved", "count"])
            let scopeNode = try m.required("violations")
            if let countNode = m["count"] {
                if let u = m["unresolved"] {
                    throw u.error("give either 'unresolved' or 'state' with 'count', not both")
                }
                let s = try scopeNode.mapping(allowing: ["policy", "state"])
                let state = try s.required("state").oneOf(Violation.FinalState.self, Violation.FinalState.allCases)
                return Expectation(
                    check: .violationStates(
                        policy: try s["policy"].map(policy), state: state,
                        bound: try bound(countNode, duration: false)), origin: origin)
            }
            let pid = try scopePolicy(scopeNode)
            return Expectation(
                check: .unresolved(policy: pid, bound: try bound(try m.required("unresolved"), duration: false)),
                origin: origin)
        }
        if keys.contains("warning") || keys.contains("no-warnings") {
            // `warning: {resource, kind, severity}` expects at least one; `no-warnings: {…}` forbids them.
            let forbid = keys.contains("no-warnings")
            let key = forbid ? "no-warnings" : "warning"
            let m = try node.mapping(allowing: [key, "count"])
            let s = try m.required(key).mapping(allowing: ["resource", "kind", "severity"])
            let severity =
                try s["severity"]?.oneOf(ImpactSeverity.self, ImpactSeverity.allCases.filter { $0 != .none }) ?? .low
            let bound: Bound
            if let countNode = m["count"] {
                if forbid { throw countNode.error("'no-warnings' takes no count") }
                bound = try self.bound(countNode, duration: false)
            } else {
                bound =
                    forbid ? Bound(op: .eq, value: 0, isDuration: false) : Bound(op: .ge, value: 1, isDuration: false)
            }
            return Expectation(
                check: .warning(
                    resource: try s["resource"].map(resourceId), kind: try s["kind"]?.string(), severity: severity,
                    bound: bound), origin: origin)
        }
        if keys.contains("engine") {
            let m = try node.mapping(allowing: ["engine", "count"])
            let s = try m.required("engine").mapping(allowing: ["kind", "policy", "resource", "rule", "cause"])
            let kind = try s.required("kind").oneOf(EngineRecordKindName.self, EngineRecordKindName.allCases).kind
            return Expectation(
                check: .engineRecords(
                    kind: kind, policy: try s["policy"].map(policy), resource: try s["resource"].map(resourceId),
                    rule: try s["rule"]?.string(),
                    cause: try s["cause"]?.string(), bound: try bound(try m.required("count"), duration: false)),
                origin: origin)
        }
        if keys.contains("remediations") {
            let counts = Expectation.RemediationCount.allCases.map(\.rawValue)
            let m = try node.mapping(allowing: ["remediations"] + counts)
            let s = try m.required("remediations").mapping(allowing: ["policy", "resource", "code"])
            let pid = try s["policy"].map(policy)
            let rid = try s["resource"].map(resourceId)
            let code = try s["code"]?.string()
            let chosen = Expectation.RemediationCount.allCases.filter { m[$0.rawValue] != nil }
            guard chosen.count == 1, let what = chosen.first, let boundNode = m[what.rawValue] else {
                throw node.error("a remediations expectation needs exactly one of \(counts.joined(separator: ", "))")
            }
            return Expectation(
                check: .remediations(
                    policy: pid, resource: rid, code: code, count: what, bound: try bound(boundNode, duration: false)),
                origin: origin)
        }
        if keys.contains("unchanged") {
            let m = try node.mapping(allowing: ["unchanged"])
            let u = try m.required("unchanged")
            guard !u.isNull else { return Expectation(check: .unchanged(except: []), origin: origin) }
            let spec = try u.mapping(allowing: ["except"])
            var except: [String] = []
            // Resources the run creates (a log group) are not in the fixtures; they are named as they will be.
            for item in spec["except"]?.listOrSingle() ?? [] { except.append(try item.string()) }
            return Expectation(check: .unchanged(except: except), origin: origin)
        }
        throw node.error(
            "an expectation starts with one of resource, alert, mttd, mttr, exposure, violations, remediations, "
                + "engine, warning, no-warnings, unchanged"
        )
    }

    private func resourceId(_ node: YAMLNode) throws(LoadError) -> String {
        let id = try node.string()
        guard inventory[id] != nil || created[id] != nil || remediationsCreate else {
            throw node.error(
                "resource '\(id)' is not in the scenario's fixtures, nor created on its "
                    + "timeline\(suggestId(id, inventory, created))"
            )
        }
        return id
    }

    private func policy(_ node: YAMLNode) throws(LoadError) -> String {
        try node.policyId(in: policyIds)
    }

    private func policies(_ node: YAMLNode) throws(LoadError) -> [String] {
        var out: [String] = []
        for item in node.listOrSingle() { out.append(try policy(item)) }
        return out
    }

    private func scopePolicy(_ node: YAMLNode) throws(LoadError) -> String? {
        if node.isNull { return nil }
        let m = try node.mapping(allowing: ["policy"])
        return try m["policy"].map(policy)
    }

    private func bound(_ node: YAMLNode, duration: Bool) throws(LoadError) -> Bound {
        let m = try node.mapping(allowing: Bound.Op.allCases.map(\.rawValue))
        guard m.entries.count == 1, let (key, valueNode) = m.entries.first, let op = Bound.Op(rawValue: key) else {
            throw node.error("expected one comparison such as {le: 5m} or {eq: 1}")
        }
        if duration { return Bound(op: op, value: try valueNode.duration().milliseconds, isDuration: true) }
        return Bound(op: op, value: Int64(try valueNode.int(in: 0...Int.max)), isDuration: false)
    }

    private func describe(_ node: YAMLNode) -> String {
        (try? node.value().jsonText) ?? "the filter"
    }
}

/// The kinds of engine records, as scenario files write them (`cap-breach`, not `capBreach`).
enum EngineRecordKindName: String, CaseIterable {
    case retry, queued
    case capBreach = "cap-breach"
    case errorRateStop = "error-rate-stop"
    case loop, quarantine
    case exemptionApplied = "exemption"
    case restart, interrupted
    case blocked
    case awaitingApproval = "awaiting-approval"
    case approved
    case approvalTimedOut = "approval-timed-out"

    var kind: EngineRecord.Kind {
        switch self {
        case .retry: .retry
        case .queued: .queued
        case .capBreach: .capBreach
        case .errorRateStop: .errorRateStop
        case .loop: .loop
        case .quarantine: .quarantine
        case .exemptionApplied: .exemptionApplied
        case .restart: .restart
        case .interrupted: .interrupted
        case .blocked: .blocked
        case .awaitingApproval: .awaitingApproval
        case .approved: .approved
        case .approvalTimedOut: .approvalTimedOut
        }
    }
}
