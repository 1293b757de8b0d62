import CloudModel
import CloudOperations
import Policies

extension Engine {
    /// Assesses what the plan would disrupt and applies the rule's mode: `warn` records and goes
    /// on; `block` stops at a warning that reaches the threshold; `approve` waits for a person
    /// (with a timeout). Returns whether the remediation may run now.
    mutating func passesDisruptionGate(
        _ c: Candidate, plan: RemediationPlan, rule: AlertRule, at now: Timestamp, view: some InventoryView,
        effects: inout [EngineEffect]
    ) -> Bool {
        let settings = rule.disruption
        let found = DisruptionAnalyzer.assess(
            plan, policy: c.policy.id, resource: c.resource, view: view, now: now,
            epoch: epoch ?? now, lookback: settings.lookback)
        if warned.insert(c.alert).inserted {
            warnings += found.map { w in
                var w = w
                w.at = now
                return w
            }
        }
        let worst = found.map(\.severity).max() ?? .none
        guard worst >= settings.threshold, worst > .none else { return true }
        let why = found.filter { $0.severity >= settings.threshold }.map {
            "\($0.kind) (\($0.severity.rawValue)): \($0.explanation)"
        }.joined(separator: "; ")
        switch settings.mode {
        case .warn:
            return true
        case .block:
            if !blockedRecorded(c.alert) {
                record(.blocked, at: now, rule: rule.name, alert: c.alert, detail: "not remediated: \(why)")
            }
            return false
        case .approve:
            if approved.contains(c.alert) { return true }
            if approvalExpired.contains(c.alert) || awaitingApproval.contains(c.alert) { return false }
            awaitingApproval.insert(c.alert)
            record(
                .awaitingApproval, at: now, rule: rule.name, alert: c.alert,
                detail: "waiting up to \(settings.approvalTimeout) for approval: \(why)")
            setTimer(.approvalTimeout(alert: c.alert), at: now + settings.approvalTimeout, effects: &effects)
            return false
        }
    }

    /// A blocked remediation is recorded once per episode, not at every scan that finds it again.
    func blockedRecorded(_ alert: Int) -> Bool {
        let opened = alerts[alert].transitions.last { $0.to == .open }?.at ?? .init(milliseconds: 0)
        return records.contains {
            $0.kind == .blocked && $0.policyId == alerts[alert].policyId && $0.resourceId == alerts[alert].resourceId
                && $0.at >= opened
        }
    }

    /// The approval a waiting remediation needs: it runs now, under the rule's other controls.
    mutating func approve(_ key: AlertKey, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]) {
        guard let i = alertIndex[key], awaitingApproval.remove(i) != nil else { return }
        approved.insert(i)
        record(.approved, at: now, rule: alerts[i].ruleName, alert: i, detail: "approved")
        reopenOrResolve(i, reason: nil, at: now, view: view, effects: &effects)
    }
}
