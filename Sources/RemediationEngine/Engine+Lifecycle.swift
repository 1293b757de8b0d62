import CloudModel
import CloudOperations
import Policies

/// What people and platforms do to alerts and rules, as timeline events: snooze, dismiss,
/// disable and enable policies and rules, switch auto-remediation, exempt, restart.
extension Engine {
    mutating func snooze(_ key: AlertKey, until: Timestamp, at now: Timestamp, effects: inout [EngineEffect]) {
        guard let i = alertIndex[key], alerts[i].status != .resolved, alerts[i].status != .dismissed else { return }
        awaitingVerification.remove(i)
        transition(i, to: .snoozed, reason: .snoozed, at: now, detail: "until \(until.iso8601)")
        setTimer(.snoozeEnd(alert: i), at: until, effects: &effects)
    }

    mutating func dismiss(_ key: AlertKey, at now: Timestamp) {
        // A resolved alert has nothing left to dismiss, as in Prisma Cloud.
        guard let i = alertIndex[key], alerts[i].status != .dismissed, alerts[i].status != .resolved else { return }
        awaitingVerification.remove(i)
        transition(i, to: .dismissed, reason: .dismissed, at: now)
    }

    mutating func setPolicy(
        _ id: String, enabled: Bool, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]
    ) {
        if enabled {
            guard disabledPolicies.remove(id) != nil else { return }
            // Enabling looks at everything again, as the platform's scan on enable does.
            for rule in rules where rule.covers(policy: id) {
                scan(rule: rule, at: now, view: view, schedule: false, effects: &effects)
            }
        } else {
            guard disabledPolicies.insert(id).inserted else { return }
            resolveActive(reason: .policyDisabled, at: now) { $0.policyId == id }
        }
    }

    mutating func setRule(
        _ name: String, enabled: Bool, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]
    ) {
        guard let rule = rule(named: name) else { return }
        if enabled {
            guard disabledRules.remove(name) != nil else { return }
            scan(rule: rule, at: now, view: view, schedule: false, effects: &effects)
        } else {
            guard disabledRules.insert(name).inserted else { return }
            resolveActive(reason: .alertRuleDisabled, at: now) { $0.ruleName == name }
        }
    }

    /// Switching auto-remediation on remediates the backlog: every open alert of the rule, as
    /// one batch under the rule's controls.
    mutating func setAutoRemediation(
        _ name: String, enabled: Bool, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]
    ) {
        guard let rule = rule(named: name) else { return }
        autoRemediation[name] = enabled
        guard enabled, !disabledRules.contains(name) else { return }
        var backlog: [Candidate] = []
        for i in alerts.indices where alerts[i].ruleName == name && alerts[i].status == .open {
            guard let policy = policy(id: alerts[i].policyId), policy.isRemediable,
                !disabledPolicies.contains(policy.id),
                let resource = view.resource(id: alerts[i].resourceId),
                let finding = Evaluator(now: now).finding(policy, resource)
            else { continue }
            backlog.append(Candidate(alert: i, policy: policy, finding: finding, resource: resource))
        }
        dispatch(backlog, rule: rule, at: now, view: view, effects: &effects)
    }

    mutating func setExpiryTimer(_ exemption: Exemption, effects: inout [EngineEffect]) {
        if let expires = exemption.expires { setTimer(.exemptionExpired(exemption), at: expires, effects: &effects) }
    }

    /// What the engine held in memory is gone: calls in flight (their outcomes will not be
    /// heard), retries and verification timers, the queue. Its alerts and attempts remain. Each
    /// interrupted remediation is looked at again once calls already sent have had time to
    /// land: resolved if they did the work, remediated again if not, so nothing is lost and
    /// nothing is done twice.
    mutating func restart(at now: Timestamp, effects: inout [EngineEffect]) {
        for (_, flight) in inFlight where attempts[flight.attemptIndex].outcome == nil {
            attempts[flight.attemptIndex].outcome = .failed(
                code: "OutcomeUnknown", message: "the engine restarted before the call's outcome arrived")
            record(
                .interrupted, at: now, rule: alerts[flight.alertIndex].ruleName, alert: flight.alertIndex,
                detail: "\(attempts[flight.attemptIndex].operation) was in flight")
        }
        inFlight.removeAll()
        timers = timers.filter { _, timer in
            switch timer {
            case .snoozeEnd, .exemptionExpired, .approvalTimeout: true
            case .verify, .retry, .recover: false
            }
        }
        awaitingVerification.removeAll()
        // Remediations waiting for a slot are picked up again too.
        let waiting = Set(queued.values.joined())
        queued.removeAll()
        running.removeAll()
        record(.restart, at: now, detail: "engine restarted")
        for i in alerts.indices
        where alerts[i].status == .pendingResolution || (alerts[i].status == .open && waiting.contains(i)) {
            let delay = rule(named: alerts[i].ruleName)?.controls.recoveryDelay ?? .minutes(5)
            setTimer(.recover(alert: i), at: now + delay, effects: &effects)
        }
    }

    /// Resolves every alert still in play that `selected` picks: a disabled policy or rule has
    /// nothing left to say about them.
    mutating func resolveActive(reason: TransitionReason, at now: Timestamp, where selected: (Alert) -> Bool) {
        for i in alerts.indices where selected(alerts[i]) && isActive(alerts[i].status) {
            awaitingVerification.remove(i)
            transition(i, to: .resolved, reason: reason, at: now)
        }
    }

    func isActive(_ status: AlertStatus) -> Bool {
        switch status {
        case .open, .pendingResolution, .failed, .snoozed: true
        case .resolved, .dismissed: false
        }
    }
}
