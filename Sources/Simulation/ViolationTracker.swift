import CloudModel
import Policies
import RemediationEngine

/// The simulation's ground truth: which resources violate which policies, and since when.
/// It re-evaluates a resource after every change, independently of the engine. Only violations
/// that some alert rule is responsible for (the rule covers the policy and its scope holds the
/// resource) count: what no rule watches is not the engine's to detect.
struct ViolationTracker {
    private let policiesByType: [String: [Policy]]
    /// The age thresholds of the policies of each type whose verdict time alone can change
    /// (`value-type: age`), worked out once.
    private let agingByType: [String: [SimDuration]]
    /// The checks of each type's policies whose verdict falls due at instants of their own
    /// (Custodian's `marked-for-op`).
    private let crossingByType: [String: [ResourceCheck]]
    private let rules: [AlertRule]
    private var open: [AlertKey: Int] = [:]
    private var episodes: [Violation] = []

    init(policies: [Policy], rules: [AlertRule]) {
        policiesByType = Dictionary(grouping: policies, by: \.resourceType)
        agingByType = Dictionary(grouping: policies.filter { !$0.ageThresholds.isEmpty }, by: \.resourceType).mapValues
        { $0.flatMap(\.ageThresholds) }
        crossingByType = Dictionary(grouping: policies.filter { !$0.crossingChecks.isEmpty }, by: \.resourceType)
            .mapValues { $0.flatMap(\.crossingChecks) }
        self.rules = rules
    }

    /// Whether the resources of a type can start or stop violating with nobody changing them.
    func ages(_ type: String) -> Bool { agingByType[type] != nil || crossingByType[type] != nil }

    /// When the resource must be looked at again although nothing changes it: an age threshold
    /// of a policy of its type is crossed then (`Evaluator.nextAgeCrossing`).
    func nextCrossing(of resource: borrowing Resource, after now: Timestamp) -> Timestamp? {
        let evaluator = Evaluator(now: now)
        let aged = agingByType[resource.type].flatMap { evaluator.nextAgeCrossing(thresholds: $0, resource) }
        let due = crossingByType[resource.type].flatMap { evaluator.nextCrossing(of: $0, resource) }
        return [aged, due].compactMap { $0 }.min()
    }

    private func watched(_ policy: Policy, _ resource: Resource) -> Bool {
        rules.contains { $0.covers(policy: policy.id) && $0.scope.contains(resource) }
    }

    mutating func observeAll(_ inventory: Inventory, at now: Timestamp) {
        for type in policiesByType.keys.sorted() {
            inventory.forEach(ofType: type) { resource in
                _ = observe(resourceId: resource.id, type: type, resource: resource, at: now)
            }
        }
    }

    /// Re-evaluates one resource (nil when it was deleted); returns timeline records of what changed.
    mutating func observe(resourceId: String, type: String, resource: Resource?, at now: Timestamp) -> [TimelineRecord]
    {
        var records: [TimelineRecord] = []
        let evaluator = Evaluator(now: now)
        for policy in policiesByType[type] ?? [] {
            let key = AlertKey(policyId: policy.id, resourceId: resourceId)
            let violating = resource.map { watched(policy, $0) && evaluator.violates(policy, $0) } ?? false
            if violating, open[key] == nil {
                open[key] = episodes.count
                episodes.append(Violation(policyId: policy.id, resourceId: resourceId, startedAt: now))
                records.append(
                    TimelineRecord(at: now, kind: .violation, resourceId: resourceId, text: "now violates \(policy.id)")
                )
            } else if !violating, let i = open.removeValue(forKey: key) {
                episodes[i].endedAt = now
                records.append(
                    TimelineRecord(
                        at: now, kind: .violationEnded, resourceId: resourceId, text: "no longer violates \(policy.id)")
                )
            }
        }
        return records
    }

    /// The episodes with the engine's detection, remediation and resolution times filled in.
    func violations(joinedWith alerts: [Alert], records: [EngineRecord] = []) -> [Violation] {
        let byKey = Dictionary(alerts.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var exempted: [AlertKey: Timestamp] = [:]
        for r in records where r.kind == .exemptionApplied {
            if let p = r.policyId, let id = r.resourceId { exempted[AlertKey(policyId: p, resourceId: id)] = r.at }
        }
        return episodes.map { episode in
            var v = Self.join(episode, byKey[AlertKey(policyId: episode.policyId, resourceId: episode.resourceId)])
            v.finalState = Self.finalState(
                v, alert: byKey[AlertKey(policyId: v.policyId, resourceId: v.resourceId)], exempted: exempted)
            return v
        }
    }

    /// The episode's t1–t3 from its alert's transitions.
    ///
    /// - t1, detected: the alert's first opening within the episode; or its start, when the
    ///   alert was already open then (nobody had looked since an earlier episode ended).
    /// - t2: the first remediation started from t1 on.
    /// - t3, resolved: the alert's first resolution once the violation had ended. One alert
    ///   covers every episode it did not resolve in between: when a violation comes back before
    ///   its remediation is verified (an access key crossing 90 days while another one is being
    ///   deactivated), both episodes resolve with the alert.
    static func join(_ episode: Violation, _ alert: Alert?) -> Violation {
        var v = episode
        guard let alert else { return v }
        let t0 = v.startedAt
        let end = v.endedAt
        let opened =
            alert.transitions.first { t in t.to == .open && t.at >= t0 && (end.map { t.at <= $0 } ?? true) }?.at
            ?? (alert.status(at: t0) == .open ? t0 : nil)
        guard let opened else { return v }
        v.ruleName = alert.ruleName
        v.detectedAt = opened
        v.remediationStartedAt = alert.transitions.first { $0.reason == .remediationStarted && $0.at >= opened }?.at
        if let end {
            v.resolvedAt = alert.transitions.first { $0.to == .resolved && $0.at >= Swift.max(opened, end) }?.at
        }
        return v
    }

    /// Exactly one state per violation, and the one its alert shows: resolved when the alert
    /// resolved after the violation ended; otherwise what the alert says at the end of the run
    /// (a remediation under way or not yet verified reads `open`). A violation that ended with
    /// no alert to say otherwise (it came and went between two scans) is resolved; one whose
    /// alert was closed by switching its policy or rule off while it still violates is open.
    static func finalState(_ v: Violation, alert: Alert?, exempted: [AlertKey: Timestamp]) -> Violation.FinalState {
        if v.resolvedAt != nil { return .resolved }
        guard let alert else { return v.endedAt != nil ? .resolved : .open }
        switch alert.status {
        case .resolved: return v.endedAt != nil ? .resolved : .open
        case .dismissed: return .dismissed
        case .snoozed: return .snoozed
        case .failed: return .failed
        case .pendingResolution: return .open
        case .open:
            let openedAt = alert.transitions.last { $0.to == .open }?.at ?? v.startedAt
            if let at = exempted[alert.key], at >= openedAt { return .exempt }
            return .open
        }
    }
}
