import CloudModel
import Policies
import RemediationEngine

/// The simulation's ground truth: which resources violate which policies, and since when.
/// It re-evaluates a resource after every change, independently of the engine. Only violations
/// that some alert rule is responsible for (the rule covers the policy and its scope holds the
/// resource) count: what no rule watches is not the engine's to detect.
struct ViolationTracker {
    private let policiesByType: [String: [Policy]]
    private let rules: [AlertRule]
    private var open: [AlertKey: Int] = [:]
    private var episodes: [Violation] = []

    init(policies: [Policy], rules: [AlertRule]) {
        policiesByType = Dictionary(grouping: policies, by: \.resourceType)
        self.rules = rules
    }

    private func watched(_ policy: Policy, _ resource: Resource) -> Bool {
        rules.contains { $0.covers(policy: policy.id) && $0.scope.contains(resource) }
    }

    mutating func observeAll(_ inventory: Inventory, at now: Timestamp) {
        for type in policiesByType.keys.sorted() {
            inventory.forEach(ofType: type) { resource in _ = observe(resourceId: resource.id, type: type, resource: resource, at: now) }
        }
    }

    /// Re-evaluates one resource (nil when it was deleted); returns timeline records of what changed.
    mutating func observe(resourceId: String, type: String, resource: Resource?, at now: Timestamp) -> [TimelineRecord] {
        var records: [TimelineRecord] = []
        let evaluator = Evaluator(now: now)
        for policy in policiesByType[type] ?? [] {
            let key = AlertKey(policyId: policy.id, resourceId: resourceId)
            let violating = resource.map { watched(policy, $0) && evaluator.violates(policy, $0) } ?? false
            if violating, open[key] == nil {
                open[key] = episodes.count
                episodes.append(Violation(policyId: policy.id, resourceId: resourceId, startedAt: now))
                records.append(TimelineRecord(at: now, kind: .violation, resourceId: resourceId, text: "now violates \(policy.id)"))
            } else if !violating, let i = open.removeValue(forKey: key) {
                episodes[i].endedAt = now
                records.append(TimelineRecord(at: now, kind: .violationEnded, resourceId: resourceId, text: "no longer violates \(policy.id)"))
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
            v.finalState = Self.finalState(v, alert: byKey[AlertKey(policyId: v.policyId, resourceId: v.resourceId)], exempted: exempted)
            return v
        }
    }

    /// The episode's t1–t3 from its alert's transitions within it.
    static func join(_ episode: Violation, _ alert: Alert?) -> Violation {
        var v = episode
        guard let alert else { return v }
        let t0 = v.startedAt
        let end = v.endedAt
        guard let opened = alert.transitions.first(where: { t in t.to == .open && t.at >= t0 && (end.map { t.at <= $0 } ?? true) }) else {
            return v
        }
        v.ruleName = alert.ruleName
        v.detectedAt = opened.at
        v.remediationStartedAt = alert.transitions.first { $0.reason == .remediationStarted && $0.at >= opened.at }?.at
        v.resolvedAt = alert.transitions.first { $0.to == .resolved && $0.at >= opened.at }?.at
        return v
    }

    /// Exactly one state per violation: resolved once the resource stopped violating; otherwise
    /// what its alert says at the end.
    static func finalState(_ v: Violation, alert: Alert?, exempted: [AlertKey: Timestamp]) -> Violation.FinalState {
        if v.endedAt != nil { return .resolved }
        guard let alert else { return .open }
        switch alert.status {
        case .dismissed: return .dismissed
        case .snoozed: return .snoozed
        case .failed: return .failed
        case .resolved: return .open  // resolved without the violation ending: a policy or rule switched off
        case .pendingResolution: return .open
        case .open:
            let openedAt = alert.transitions.last { $0.to == .open }?.at ?? v.startedAt
            if let at = exempted[alert.key], at >= openedAt { return .exempt }
            return .open
        }
    }
}
