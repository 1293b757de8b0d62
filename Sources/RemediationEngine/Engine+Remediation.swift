import CloudModel
import Policies

extension Engine {
    /// Error codes worth another try: throttling and transient server faults, in each cloud's
    /// words. Anything else (access denied, not found, a bad parameter) fails at once.
    static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "SlowDown", "TooManyRequestsException", "RequestThrottled",
        "InternalFailure", "InternalError", "ServiceUnavailable", "InternalServerError",
        "TooManyRequests", "ServerBusy", "rateLimitExceeded", "userRateLimitExceeded", "backendError",
    ]

    /// Starts a remediation unless the loop guard stops it or the account and region have no
    /// free slot, in which case it waits its turn.
    mutating func start(_ c: Candidate, rule: AlertRule, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]) {
        let guardSettings = rule.controls.loopGuard
        let since = now - guardSettings.window
        let recent = alerts[c.alert].transitions.filter { $0.reason == .remediationStarted && $0.at > since }.count
        if recent >= guardSettings.maxRemediations {
            quarantine(c.alert, rule: rule, recent: recent, at: now, view: view)
            return
        }
        let plan: RemediationPlan
        do {
            plan = try RemediationPlan(policy: c.policy, finding: c.finding, resource: c.resource)
        } catch {
            transition(c.alert, to: .failed, reason: .planFailed, at: now, detail: error.description)
            return
        }
        guard passesDisruptionGate(c, plan: plan, rule: rule, at: now, view: view, effects: &effects) else { return }
        let slot = SlotKey(rule: rule.name, account: c.resource.account, region: c.resource.region)
        if let cap = rule.controls.concurrency, running[slot, default: 0] >= cap {
            if !(queued[slot] ?? []).contains(c.alert) {
                queued[slot, default: []].append(c.alert)
                record(.queued, at: now, rule: rule.name, alert: c.alert,
                       detail: "\(cap) remediation\(cap == 1 ? "" : "s") already under way in \(c.resource.account) \(c.resource.region)")
            }
            return
        }
        transition(c.alert, to: .pendingResolution, reason: .remediationStarted, at: now)
        starts[rule.name, default: []].append(now)
        running[slot, default: 0] += 1
        call(InFlight(alertIndex: c.alert, plan: plan, position: 0, attemptIndex: 0, tries: 1, firstTryAt: now, slot: slot),
             resource: c.resource, at: now, effects: &effects)
    }

    /// The loop guard: the same resource remediated again and again. Stop, set it aside with an
    /// exception, and say who keeps undoing the fix.
    mutating func quarantine(_ index: Int, rule: AlertRule, recent: Int, at now: Timestamp, view: some InventoryView) {
        let alert = alerts[index]
        let cause: String
        if let change = view.lastChange(of: alert.resourceId) {
            cause = change.remediatingPolicy.map { "policy \($0)" } ?? change.actor
        } else {
            cause = "unknown"
        }
        let window = rule.controls.loopGuard.window
        // The quarantine is an exemption like any other, with the loop as its reason.
        exemptions.append(Exemption(resourceId: alert.resourceId, policies: [alert.policyId], reason: "quarantined: remediation loop with \(cause)"))
        exemptionRecorded.insert(index)
        transition(index, to: .failed, reason: .loopDetected, at: now,
                   detail: "remediated \(recent) times in \(window), undone each time by \(cause); quarantined")
        record(.loop, at: now, rule: rule.name, alert: index, cause: cause, detail: "\(recent) remediations in \(window)")
        record(.quarantine, at: now, rule: rule.name, alert: index, cause: cause, detail: "no more remediation of this resource for \(alert.policyId)")
    }

    mutating func call(_ flight: InFlight, resource: Resource, at now: Timestamp, effects: inout [EngineEffect]) {
        var flight = flight
        let planned = flight.plan.calls[flight.position]
        let callId = nextCallId
        nextCallId += 1
        let alert = alerts[flight.alertIndex]
        flight.attemptIndex = attempts.count
        attempts.append(RemediationAttempt(
            callId: callId, alertId: alert.id, policyId: alert.policyId, resourceId: alert.resourceId, step: planned.step,
            operation: planned.operation, parameters: planned.parameters, command: planned.command, startedAt: now, tryNumber: flight.tries))
        inFlight[callId] = flight
        effects.append(.callOperation(CloudOperation(
            callId: callId, name: planned.operation, cloud: resource.cloud ?? .aws, account: resource.account,
            region: resource.region, resourceId: resource.id, parameters: planned.parameters, command: planned.command,
            actor: ResourceChange.remediationActor(policy: alert.policyId))))
    }

    mutating func finish(callId: Int, outcome: OperationOutcome, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]) {
        guard var flight = inFlight.removeValue(forKey: callId) else { return }
        attempts[flight.attemptIndex].finishedAt = now
        attempts[flight.attemptIndex].outcome = outcome
        let index = flight.alertIndex
        let alert = alerts[index]
        let rule = rule(named: alert.ruleName)
        callLog[alert.ruleName, default: []].append((now, !outcome.isSuccess))
        // A person dismissed or snoozed the alert while the call ran: its outcome is recorded, no more.
        guard alert.status == .pendingResolution else {
            release(flight.slot, at: now, view: view, effects: &effects)
            return
        }

        if case .failed(let code, let message) = outcome {
            let planned = flight.plan.calls[flight.position]
            let maxAttempts = rule?.controls.maxAttempts ?? 1
            let wait = rule.map { $0.controls.backoff.delay(retry: flight.tries, fraction: jitter(alert.id, flight.position, flight.tries)) } ?? .zero
            // AWS Config's "attempts within N seconds": no retry past the window from the first try.
            let inWindow = rule?.controls.retryWindow.map { now + wait - flight.firstTryAt <= $0 } ?? true
            if Self.retryableCodes.contains(code), flight.tries < maxAttempts, inWindow, let rule {
                record(.retry, at: now, rule: rule.name, alert: index,
                       detail: "step \(planned.step) \(planned.operation): \(code); try \(flight.tries + 1) of \(maxAttempts) in \(wait)")
                flight.tries += 1
                setTimer(.retry(flight), at: now + wait, effects: &effects)
            } else {
                let tries = flight.tries > 1 ? " (after \(flight.tries) tries)" : ""
                transition(index, to: .failed, reason: .remediationFailed, at: now,
                           detail: "step \(planned.step) \(planned.operation): \(code): \(message)\(tries)")
                // The stop is decided before the freed slot goes to the next in line.
                if let rule { checkErrorRate(rule, at: now) }
                release(flight.slot, at: now, view: view, effects: &effects)
                return
            }
            if let rule { checkErrorRate(rule, at: now) }
            return
        }
        guard let resource = view.resource(id: alert.resourceId) else {
            transition(index, to: .resolved, reason: .resourceDeleted, at: now)
            release(flight.slot, at: now, view: view, effects: &effects)
            return
        }
        flight.position += 1
        flight.tries = 1
        flight.firstTryAt = now
        if flight.position < flight.plan.calls.count {
            call(flight, resource: resource, at: now, effects: &effects)
            return
        }
        // Every step succeeded: wait for the rule's next look at the resource.
        awaitingVerification.insert(index)
        release(flight.slot, at: now, view: view, effects: &effects)
        if let rule, case .event(let delay) = rule.detection {
            // The remediation's own change event arrives after the delivery delay; this timer
            // stands in for it when the calls changed nothing (and so sent no event).
            setTimer(.verify(alert: index), at: now + delay, effects: &effects)
        }
    }

    /// Halts the rule's remediation when too many of its recent calls failed.
    mutating func checkErrorRate(_ rule: AlertRule, at now: Timestamp) {
        guard let stop = rule.controls.errorRateStop, !halted.contains(rule.name) else { return }
        let recent = (callLog[rule.name] ?? []).filter { $0.at > now - stop.window }
        guard recent.count >= stop.minimumCalls else { return }
        let failed = recent.filter(\.failed).count
        guard failed * 100 >= stop.percent * recent.count else { return }
        halted.insert(rule.name)
        record(.errorRateStop, at: now, rule: rule.name,
               detail: "\(failed) of the last \(recent.count) calls failed (stop at \(stop.percent)%): remediation halted")
        for key in queued.keys where key.rule == rule.name { queued[key] = nil }
    }

    /// A remediation's slot is free: the next one waiting in that account and region starts.
    mutating func release(_ slot: SlotKey, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]) {
        running[slot, default: 1] -= 1
        guard let rule = rule(named: slot.rule) else { return }
        while var waiting = queued[slot], !waiting.isEmpty, !halted.contains(rule.name) {
            let next = waiting.removeFirst()
            queued[slot] = waiting
            let alert = alerts[next]
            // What waited may have been fixed, dismissed or deleted meanwhile.
            guard alert.status == .open, let policy = policy(id: alert.policyId), let resource = view.resource(id: alert.resourceId),
                  let finding = Evaluator(now: now).finding(policy, resource)
            else { continue }
            start(Candidate(alert: next, policy: policy, finding: finding, resource: resource), rule: rule, at: now, view: view, effects: &effects)
            return
        }
    }

    /// Resolved only if a fresh evaluation finds the resource compliant; a remediation whose
    /// steps all succeeded but left the violation is a failure.
    mutating func verify(_ index: Int, policy: Policy, resource: Resource, at now: Timestamp) {
        awaitingVerification.remove(index)
        if Evaluator(now: now).violates(policy, resource) {
            transition(index, to: .failed, reason: .verificationFailed, at: now,
                       detail: "every step succeeded but the resource still violates \(policy.id)")
        } else {
            transition(index, to: .resolved, reason: .remediated, at: now)
        }
    }

    mutating func fire(_ timer: Timer, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]) {
        switch timer {
        case .verify(let index):
            guard awaitingVerification.contains(index) else { return }
            let alert = alerts[index]
            guard let resource = view.resource(id: alert.resourceId) else {
                resolveDeleted(resourceId: alert.resourceId, at: now)
                return
            }
            if let policy = policy(id: alert.policyId) { verify(index, policy: policy, resource: resource, at: now) }
        case .retry(let flight):
            let alert = alerts[flight.alertIndex]
            guard alert.status == .pendingResolution else {
                release(flight.slot, at: now, view: view, effects: &effects)
                return
            }
            guard let resource = view.resource(id: alert.resourceId) else {
                transition(flight.alertIndex, to: .resolved, reason: .resourceDeleted, at: now)
                release(flight.slot, at: now, view: view, effects: &effects)
                return
            }
            call(flight, resource: resource, at: now, effects: &effects)
        case .snoozeEnd(let index):
            guard alerts[index].status == .snoozed else { return }
            reopenOrResolve(index, reason: .snoozeExpired, at: now, view: view, effects: &effects)
        case .exemptionExpired(let exemption):
            // Open alerts the exemption held back are remediated now, if their rule remediates.
            for i in alerts.indices where alerts[i].status == .open {
                guard let resource = view.resource(id: alerts[i].resourceId),
                      exemption.covers(resource, policy: alerts[i].policyId, at: now - .milliseconds(1)) else { continue }
                exemptionRecorded.remove(i)
                reopenOrResolve(i, reason: nil, at: now, view: view, effects: &effects)
            }
        case .recover(let index):
            reopenOrResolve(index, reason: nil, at: now, view: view, effects: &effects, recovering: true)
        case .approvalTimeout(let index):
            guard awaitingApproval.remove(index) != nil else { return }
            approvalExpired.insert(index)
            record(.approvalTimedOut, at: now, rule: alerts[index].ruleName, alert: index, detail: "no approval came; nothing was changed")
        }
    }

    /// Looks at an alert's resource again and acts on what it finds: resolved if compliant,
    /// otherwise open (with `reason`, when the status changes) and remediated if its rule does.
    mutating func reopenOrResolve(
        _ index: Int, reason: TransitionReason?, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect], recovering: Bool = false
    ) {
        let alert = alerts[index]
        guard let resource = view.resource(id: alert.resourceId) else {
            resolveDeleted(resourceId: alert.resourceId, at: now)
            return
        }
        guard let policy = policy(id: alert.policyId), let rule = rule(named: alert.ruleName) else { return }
        guard let finding = Evaluator(now: now).finding(policy, resource) else {
            // Compliant: after a restart, the interrupted calls did their work.
            transition(index, to: .resolved, reason: recovering ? .remediated : .resourceUpdated, at: now)
            return
        }
        if alert.status != .open {
            transition(index, to: .open, reason: reason ?? (recovering ? .remediationInterrupted : .violationResurfaced), at: now)
        }
        guard remediates(rule), policy.isRemediable, !disabledRules.contains(rule.name), !disabledPolicies.contains(policy.id) else { return }
        dispatch([Candidate(alert: index, policy: policy, finding: finding, resource: resource)], rule: rule, at: now, view: view, effects: &effects)
    }
}
