import CloudModel
import Policies
import RemediationEngine

/// What switching auto-remediation on would do to an inventory: the same engine, the same rules
/// and controls, every rule remediating, nothing injected, run until the backlog settles.
///
/// The answer is resource by resource: the policy, the calls as commands, each changed property
/// before and after, the disruption warnings, what the controls held back, and how long the
/// backlog takes to clear under the rules' rate limits.
package struct ImpactPreview: Sendable {
    package struct Change: Sendable, Hashable {
        package var resourceId: String
        package var policies: [String]
        package var commands: [String]
        /// True when the remediation creates the resource (a log group, a flow log's destination).
        package var created: Bool
        /// True when the remediation deletes it (a volume, a database, a firewall rule).
        package var deleted: Bool
        /// Each changed value, by path (`AccessKeys[0].Status`): before and after (null when absent).
        /// Mappings and equally long lists are compared member by member, so a path names the
        /// smallest thing that changed.
        package var properties: [(name: String, before: Value, after: Value)]

        package static func == (a: Change, b: Change) -> Bool {
            a.resourceId == b.resourceId && a.policies == b.policies && a.commands == b.commands
                && a.properties.map(\.name) == b.properties.map(\.name)
        }
        package func hash(into h: inout Hasher) { h.combine(resourceId) }
    }

    /// Alerts open before anything is changed, by policy.
    package var openAtStart: [String: Int]
    /// Resources a policy cannot be evaluated on, by policy: their export could not say a
    /// property the policy reads (`Resource.unknownProperties`), so they are neither violations
    /// nor compliant.
    package var cannotEvaluate: [String: Int]
    package var changes: [Change]
    /// Every call the engine would make, in the order it makes them, retries included.
    package var commands: [String]
    package var warnings: [DisruptionWarning]
    /// Blocks, approvals waited for, cap breaches, loops.
    package var heldBack: [EngineRecord]
    /// Violations still open when the horizon ended.
    package var stillOpen: Int
    /// From the start to the last resolution; nil when nothing was resolved.
    package var backlogClearedAfter: SimDuration?
    /// Violations not yet resolved over time (open until their alert is resolved, or until they
    /// end some other way), from the start: a point at the start and at each instant the count
    /// changes.
    package var openOverTime: [(after: SimDuration, open: Int)]
    package var horizon: SimDuration

    package init(scenario: Scenario, horizon: SimDuration = .days(7)) throws(SimulationError) {
        var preview = scenario
        preview.timeline = preview.timeline.filter {
            // Standing exemptions stay; nothing else on the timeline applies to a preview.
            if case .exempt = $0.action { $0.at == .zero } else { false }
        }
        preview.expectations = []
        preview.runFor = horizon
        preview.settings.rules = scenario.settings.rules.map { rule in
            var r = rule
            r.autoRemediate = true
            return r
        }
        let simulated = try Simulator(scenario: preview).runTraced()
        let result = simulated.result
        let trace = simulated.trace
        self.horizon = horizon
        var byPolicy: [String: Int] = [:]
        for v in result.violations where v.startedAt == result.start { byPolicy[v.policyId, default: 0] += 1 }
        openAtStart = byPolicy
        var unevaluable: [String: Int] = [:]
        Evaluator(now: result.start).forEachUnevaluable(of: scenario.policies, in: scenario.inventory) { i, _ in
            unevaluable[scenario.policies[i].id, default: 0] += 1
        }
        cannotEvaluate = unevaluable
        var changes: [Change] = []
        for id in Set(trace.callChanges.map(\.resourceId)).sorted() {
            let original = scenario.inventory[id]
            let before = original?.properties ?? .null
            let after = result.finalInventory[id]?.properties ?? .null
            let deleted = original != nil && result.finalInventory[id] == nil
            var changed: [(name: String, before: Value, after: Value)] = []
            if original != nil, !deleted { Self.diff("", before, after, into: &changed) }
            // Tags are the resource's own, beside its properties (`tag:maid_status`).
            if let original, let final = result.finalInventory[id] {
                for key in Set(original.tags.keys).union(final.tags.keys).sorted()
                where original.tags[key] != final.tags[key] {
                    changed.append(
                        (
                            "tag:\(key)", original.tags[key].map(Value.string) ?? .null,
                            final.tags[key].map(Value.string) ?? .null
                        ))
                }
            }
            // The calls that changed it: a step may create or change a resource other than the
            // alert's (a flow log's log group).
            let calls = Set(trace.callChanges.filter { $0.resourceId == id }.map(\.callId))
            let attempts = result.attempts.filter { calls.contains($0.callId) }
            changes.append(
                Change(
                    resourceId: id, policies: Array(Set(attempts.map(\.policyId))).sorted(),
                    commands: attempts.map(\.command.text), created: original == nil, deleted: deleted,
                    properties: changed))
        }
        self.changes = changes
        commands = result.attempts.sorted { $0.callId < $1.callId }.map(\.command.text)
        warnings = result.warnings
        heldBack = result.records.filter {
            [.blocked, .awaitingApproval, .approvalTimedOut, .capBreach, .loop, .errorRateStop, .exemptionApplied]
                .contains($0.kind)
        }
        stillOpen = result.violations.filter { $0.endedAt == nil }.count
        backlogClearedAfter = result.violations.compactMap(\.resolvedAt).max().map { $0 - result.start }
        var steps: [Timestamp: Int] = [:]
        for v in result.violations {
            steps[v.startedAt, default: 0] += 1
            if let end = v.resolvedAt ?? v.endedAt { steps[end, default: 0] -= 1 }
        }
        var open = 0
        var series: [(after: SimDuration, open: Int)] = steps[result.start] == nil ? [(.zero, 0)] : []
        for (at, change) in steps.sorted(by: { $0.key < $1.key }) where change != 0 {
            open += change
            series.append((at - result.start, open))
        }
        openOverTime = series
    }

    /// The smallest paths at which `after` differs from `before`.
    static func diff(
        _ path: String, _ before: Value, _ after: Value, into out: inout [(name: String, before: Value, after: Value)]
    ) {
        guard before != after else { return }
        switch (before, after) {
        case (.object(let a), .object(let b)):
            for key in a.keys + b.keys.filter({ a[$0] == nil }) {
                diff(path.isEmpty ? key : path + "." + key, a[key] ?? .null, b[key] ?? .null, into: &out)
            }
        case (.array(let a), .array(let b)) where a.count == b.count:
            for i in a.indices { diff(path + "[\(i)]", a[i], b[i], into: &out) }
        default:
            out.append((name: path, before: before, after: after))
        }
    }
}
