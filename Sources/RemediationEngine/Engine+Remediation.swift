import CloudModel
import CloudOperations
import Policies

extension Engine {
    /// Error codes worth another try: throttling and transient server faults, in each cloud's
    /// words. Anything else (access denied, not found, a bad parameter) fails at once.
    static let retryableCodes: Set<String> = [
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "SlowDown", "TooManyRequestsException",
        "RequestThrottled",
        "InternalFailure", "InternalError", "ServiceUnavailable", "InternalServerError",
        "TooManyRequests", "ServerBusy", "rateLimitExceeded", "userRateLimitExceeded", "backendError",
    ]

    /// Starts a remediation unless the loop guard stops it or the account and region have no
    /// free slot, in which case it waits its turn.
    mutating func start(
        _ c: Candidate, rule: AlertRule, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]
    ) {
        let guardSettings = rule.controls.loopGuard
        let since = now - guardSettings.window
        let recent = alerts[c.alert].transitions.filter { $0.reason == .remediationStarted && $0.at > since }.count
        if recent >= guardSettings.maxRemediations {
            quarantine(c.alert, rule: rule, recent: recent, at: now, view: view)
            return
        }
        let plan: RemediationPlan
        do {
            plan = try RemediationPlan(
                policy: c.policy, finding: c.finding, resource: c.resource, now: now, view: view,
                parameters: rule.parameterValues(for: c.policy))
        } catch {
            transition(c.alert, to: .failed, reason: .planFailed, at: now, detail: error.description)
            return
        }
        guard passesDisruptionGate(c, plan: plan, rule: rule, at: now, view: view, effects: &effects) else { return }
        let slot = SlotKey(rule: rule.name, account: c.resource.account, region: c.resource.region)
        if let cap = rule.controls.concurrency, running[slot, default: 0] >= cap {
            if !(queued[slot] ?? []).contains(c.alert) {
                queued[slot, default: []].append(c.alert)
                record(
                    .queued, at: now, rule: rule.name, alert: c.alert,
                    detail:
                        "\(cap) remediation\(cap == 1 ? "" : "s") already under way in \(c.resource.account) "
                        + "\(c.resource.region)"
                )
            }
            return
        }
        transition(c.alert, to: .pendingResolution, reason: .remediationStarted, at: now)
        acted[c.alert] = Acted(startedAt: now, elements: Set(c.finding.matched.flatMap(\.elements)))
        starts[rule.name, default: []].append(now)
        running[slot, default: 0] += 1
        call(
            InFlight(
                alertIndex: c.alert, plan: plan, position: 0, attemptIndex: 0, tries: 1, firstTryAt: now, slot: slot),
            resource: c.resource, at: now, effects: &effects)
    }

    /// The loop guard: the same resource remediated again and again. Stop, set it aside with an
    /// exception, and say who keeps undoing the fix.
    mutating func quarantine(_ index: Int, rule: AlertRule, recent: Int, at now: Timestamp, view: some InventoryView) {
        let alert = alerts[index]
        let window = rule.controls.loopGuard.window
        let cause = undoer(of: alert, since: now - window, view: view).map(Self.cause) ?? "unknown"
        // The quarantine is an exemption like any other, with the loop as its reason.
        exemptions.append(
            Exemption(
                resourceId: alert.resourceId, policies: [alert.policyId],
                reason: "quarantined: remediation loop with \(cause)"))
        exemptionRecorded.insert(index)
        transition(
            index, to: .failed, reason: .loopDetected, at: now,
            detail: "remediated \(recent) times in \(window), undone each time by \(cause); quarantined")
        record(
            .loop, at: now, rule: rule.name, alert: index, cause: cause, detail: "\(recent) remediations in \(window)")
        record(
            .quarantine, at: now, rule: rule.name, alert: index, cause: cause,
            detail: "no more remediation of this resource for \(alert.policyId)")
    }

    mutating func call(_ flight: InFlight, resource: Resource, at now: Timestamp, effects: inout [EngineEffect]) {
        var flight = flight
        let planned = flight.plan.calls[flight.position]
        let callId = nextCallId
        nextCallId += 1
        let alert = alerts[flight.alertIndex]
        flight.attemptIndex = attempts.count
        attempts.append(
            RemediationAttempt(
                callId: callId, alertId: alert.id, policyId: alert.policyId, resourceId: alert.resourceId,
                step: planned.step,
                operation: planned.operation, parameters: planned.parameters, command: planned.command, startedAt: now,
                tryNumber: flight.tries))
        inFlight[callId] = flight
        effects.append(
            .callOperation(
                CloudOperation(
                    callId: callId, name: planned.operation, cloud: resource.cloud ?? .aws, account: resource.account,
                    region: resource.region, resourceId: resource.id, parameters: planned.parameters,
                    command: planned.command,
                    actor: ResourceChange.remediationActor(policy: alert.policyId))))
    }

    mutating func finish(
        callId: Int, outcome: OperationOutcome, at now: Timestamp, view: some InventoryView,
        effects: inout [EngineEffect]
    ) {
        guard var flight = inFlight.removeValue(forKey: callId) else { return }
        attempts[flight.attemptIndex].finishedAt = now
        attempts[flight.attemptIndex].outcome = outcome
        let index = flight.alertIndex
        let alert = alerts[index]
        let rule = rule(named: alert.ruleName)
        // A person dismissed or snoozed the alert while the call ran: its outcome is recorded, no more.
        guard alert.status == .pendingResolution else {
            callLog[alert.ruleName, default: []].append((now, !outcome.isSuccess))
            release(flight.slot, at: now, view: view, effects: &effects)
            return
        }

        // An answer that says the work is already done (a log group that exists) is success.
        if case .failed(let code, _) = outcome, flight.plan.calls[flight.position].alreadyDone.contains(code) {
            attempts[flight.attemptIndex].moot = true
        } else if case .failed(let code, let message) = outcome {
            // A failed call is looked at again: when the resource complies (or is gone) the
            // violation is over whatever the call did, and the alert follows the resource, not
            // the call. "Not found" then only means the work was already done (another
            // policy's remediation or a person removed the rule first): not a failure at all.
            // Any other error (throttling, access denied) still counts as one.
            if isSettled(flight, at: now, view: view) {
                if Self.isNotFound(code) {
                    attempts[flight.attemptIndex].moot = true
                } else {
                    callLog[alert.ruleName, default: []].append((now, true))
                    if let rule { checkErrorRate(rule, at: now) }
                }
                proceed(flight, at: now, view: view, effects: &effects)
                return
            }
            callLog[alert.ruleName, default: []].append((now, true))
            let planned = flight.plan.calls[flight.position]
            let maxAttempts = rule?.controls.maxAttempts ?? 1
            let wait =
                rule.map {
                    $0.controls.backoff.delay(
                        retry: flight.tries, fraction: jitter(alert.id, flight.position, flight.tries))
                } ?? .zero
            // AWS Config's "attempts within N seconds": no retry past the window from the first try.
            let inWindow = rule?.controls.retryWindow.map { now + wait - flight.firstTryAt <= $0 } ?? true
            if Self.retryableCodes.contains(code), flight.tries < maxAttempts, inWindow, let rule {
                record(
                    .retry, at: now, rule: rule.name, alert: index,
                    detail:
                        "step \(planned.step) \(planned.operation): \(code); try \(flight.tries + 1) of "
                        + "\(maxAttempts) in \(wait)"
                )
                flight.tries += 1
                setTimer(.retry(flight), at: now + wait, effects: &effects)
            } else {
                let tries = flight.tries > 1 ? " (after \(flight.tries) tries)" : ""
                transition(
                    index, to: .failed, reason: .remediationFailed, at: now,
                    detail: "step \(planned.step) \(planned.operation): \(code): \(message)\(tries)")
                // The stop is decided before the freed slot goes to the next in line.
                if let rule { checkErrorRate(rule, at: now) }
                release(flight.slot, at: now, view: view, effects: &effects)
                return
            }
            if let rule { checkErrorRate(rule, at: now) }
            return
        }
        callLog[alert.ruleName, default: []].append((now, false))
        flight.position += 1
        flight.tries = 1
        flight.firstTryAt = now
        proceed(flight, at: now, view: view, effects: &effects)
    }

    /// Error codes that say the thing a call names is not there, in each cloud's words:
    /// `InvalidPermission.NotFound`, `InvalidGroup.NotFound`, `NoSuchEntity`, `NoSuchBucket`,
    /// `ResourceNotFoundException`, `DBInstanceNotFound`, Azure's `ResourceNotFound` and
    /// `NotFound`, GCP's `notFound`.
    static func isNotFound(_ code: String) -> Bool {
        code.hasPrefix("NoSuch") || code.lowercased().contains("notfound")
    }

    /// Whether the call deletes the resource it names (`ec2:DeleteVolume`).
    static func deletes(_ call: RemediationPlan.Call) -> Bool {
        if case .builtin(let effect) = OperationCatalog.spec(named: call.operation)?.effect {
            effect.deletes
        } else {
            false
        }
    }

    /// Whether the resource, looked at again now, is deleted or no longer violates the policy.
    func isSettled(_ flight: InFlight, at now: Timestamp, view: some InventoryView) -> Bool {
        let alert = alerts[flight.alertIndex]
        guard let resource = view.resource(id: alert.resourceId) else { return true }
        guard let policy = policy(id: alert.policyId) else { return false }
        return !Evaluator(now: now).violates(policy, resource)
    }

    /// Goes on with a remediation from where it stands, after looking at the resource again:
    /// the next call (a retry, or the next step) is planned from what violates now, so it acts
    /// on that and not on what violated when the remediation began (a rule someone added
    /// meanwhile is revoked too, a key that was already deactivated is not named again); calls
    /// of the current step already made are not made again. When the resource no longer
    /// violates before any call of this remediation changed it, someone else fixed it: the
    /// alert resolves (`resourceUpdated`, naming who) and nothing counts as a failure. When
    /// nothing is left to call, the remediation waits for its verification.
    mutating func proceed(
        _ flight: InFlight, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]
    ) {
        var flight = flight
        let index = flight.alertIndex
        let alert = alerts[index]
        guard let resource = view.resource(id: alert.resourceId) else {
            if flight.position > 0, flight.position <= flight.plan.calls.count,
                case let call = flight.plan.calls[flight.position - 1], Self.deletes(call)
            {
                // The remediation deleted it, as its policy asked (`delete`, `terminate` aside).
                transition(
                    index, to: .resolved, reason: .remediated, at: now,
                    detail: "deleted by step \(call.step) \(call.operation)")
            } else {
                transition(index, to: .resolved, reason: .resourceDeleted, at: now)
            }
            release(flight.slot, at: now, view: view, effects: &effects)
            return
        }
        if flight.position < flight.plan.calls.count, let policy = policy(id: alert.policyId) {
            if let finding = Evaluator(now: now).finding(policy, resource) {
                flight.plan = replanned(
                    flight, policy: policy, finding: finding, resource: resource, at: now, view: view)
                acted[index, default: Acted(startedAt: now, elements: [])].elements.formUnion(
                    finding.matched.flatMap(\.elements))
            } else if flight.position == 0 {
                let by =
                    undoer(of: alert, since: acted[index]?.startedAt ?? now, view: view)
                    .map { " by \($0.actor) at \(moment($0.at))" } ?? ""
                transition(
                    index, to: .resolved, reason: .resourceUpdated, at: now,
                    detail: "complied before the remediation changed anything: changed\(by)")
                release(flight.slot, at: now, view: view, effects: &effects)
                return
            } else {
                // Complies half-way: the steps left are not needed; what was done is verified.
                flight.position = flight.plan.calls.count
            }
        }
        if flight.position < flight.plan.calls.count {
            call(flight, resource: resource, at: now, effects: &effects)
            return
        }
        // Every step succeeded: wait for the rule's next look at the resource.
        awaitingVerification.insert(index)
        release(flight.slot, at: now, view: view, effects: &effects)
        if let rule = rule(named: alert.ruleName), case .event(let delay) = rule.detection {
            // The remediation's own change event arrives after the delivery delay; this timer
            // stands in for it when the calls changed nothing (and so sent no event).
            setTimer(.verify(alert: index), at: now + delay, effects: &effects)
        }
    }

    /// The remediation's calls from its position on, planned again for `finding`: the calls
    /// made so far stay, the current step's calls already made are left out, and a plan that
    /// cannot be made for the new finding keeps the old calls.
    func replanned(
        _ flight: InFlight, policy: Policy, finding: Finding, resource: Resource, at now: Timestamp,
        view: some InventoryView
    ) -> RemediationPlan {
        let parameters = rule(named: flight.slot.rule)?.parameterValues(for: policy) ?? [:]
        guard
            let fresh = try? RemediationPlan(
                policy: policy, finding: finding, resource: resource, now: now, view: view, parameters: parameters)
        else {
            return flight.plan
        }
        let step = flight.plan.calls[flight.position].step
        let made = flight.plan.calls[..<flight.position]
        let madeInStep = made.filter { $0.step == step }
        let remaining = fresh.calls.filter { $0.step > step || ($0.step == step && !madeInStep.contains($0)) }
        return RemediationPlan(calls: Array(made) + remaining)
    }

    /// The latest change to the alert's resource at or after `since` by anyone but the alert's
    /// own remediation, to something the policy reads: who fixed it first, or who undid the fix.
    /// A change to something else (a tag, another setting) is no one's doing as far as this
    /// policy goes.
    func undoer(of alert: Alert, since: Timestamp, view: some InventoryView) -> ResourceChange? {
        let own = ResourceChange.remediationActor(policy: alert.policyId)
        let reads = policy(id: alert.policyId)?.topLevelReads
        return view.changes(of: alert.resourceId, since: since).last { $0.actor != own && $0.touches(reads) }
    }

    /// How a loop names who keeps undoing a fix: an actor, or `policy P` for a remediation.
    static func cause(_ change: ResourceChange) -> String {
        change.remediatingPolicy.map { "policy \($0)" } ?? change.actor
    }

    /// An instant as the timeline shows it: time into the run.
    func moment(_ t: Timestamp) -> String { epoch.map { "+\(t - $0)" } ?? t.iso8601 }

    /// Halts the rule's remediation when too many of its recent calls failed.
    mutating func checkErrorRate(_ rule: AlertRule, at now: Timestamp) {
        guard let stop = rule.controls.errorRateStop, !halted.contains(rule.name) else { return }
        let recent = (callLog[rule.name] ?? []).filter { $0.at > now - stop.window }
        guard recent.count >= stop.minimumCalls else { return }
        let failed = recent.filter(\.failed).count
        guard failed * 100 >= stop.percent * recent.count else { return }
        halted.insert(rule.name)
        record(
            .errorRateStop, at: now, rule: rule.name,
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
            // What waited may have been fixed, dismissed, deleted, exempted or switched off meanwhile.
            guard alert.status == .open, remediates(rule), !disabledRules.contains(rule.name),
                let policy = policy(id: alert.policyId),
                !disabledPolicies.contains(policy.id), let resource = view.resource(id: alert.resourceId),
                let finding = Evaluator(now: now).finding(policy, resource)
            else { continue }
            dispatch(
                [Candidate(alert: next, policy: policy, finding: finding, resource: resource)], rule: rule, at: now,
                view: view, effects: &effects)
            if alerts[next].status == .pendingResolution { return }
        }
    }

    /// Resolved only if a fresh evaluation finds the resource compliant. A resource that still
    /// violates is the remediation's failure (`verificationFailed`) only when the violation is
    /// still in what it acted on and nobody else changed the resource since it started.
    /// Otherwise the alert opens again, the cause named (`changedDuringRemediation` with the
    /// actor, or `violationChanged` when other elements now violate, as a key crossing an age
    /// threshold does), and the finding is returned: the caller remediates it anew, under the
    /// rule's controls and loop guard.
    mutating func verify(_ index: Int, policy: Policy, resource: Resource, at now: Timestamp, view: some InventoryView)
        -> Finding?
    {
        awaitingVerification.remove(index)
        guard let finding = Evaluator(now: now).finding(policy, resource) else {
            transition(index, to: .resolved, reason: .remediated, at: now)
            return nil
        }
        let remediation = acted[index]
        let elements = finding.matched.flatMap(\.elements)
        if let change = undoer(of: alerts[index], since: remediation?.startedAt ?? now, view: view) {
            transition(
                index, to: .open, reason: .changedDuringRemediation, at: now,
                detail:
                    "\(change.actor) changed it at \(moment(change.at)), after the remediation began; it "
                    + "violates \(policy.id) again"
            )
            return finding
        }
        if !elements.isEmpty, let remediation, remediation.elements.isDisjoint(with: elements) {
            let shown = elements.prefix(2).map(\.jsonText).joined(separator: ", ") + (elements.count > 2 ? ", …" : "")
            transition(
                index, to: .open, reason: .violationChanged, at: now,
                detail:
                    "what the remediation acted on complies; \(elements.count) other "
                    + "element\(elements.count == 1 ? "" : "s") violate\(elements.count == 1 ? "s" : "") now: \(shown)"
            )
            return finding
        }
        transition(
            index, to: .failed, reason: .verificationFailed, at: now,
            detail: "every step succeeded but the resource still violates \(policy.id)")
        return nil
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
            if let policy = policy(id: alert.policyId),
                verify(index, policy: policy, resource: resource, at: now, view: view) != nil
            {
                reopenOrResolve(index, reason: nil, at: now, view: view, effects: &effects)
            }
        case .retry(let flight):
            guard alerts[flight.alertIndex].status == .pendingResolution else {
                release(flight.slot, at: now, view: view, effects: &effects)
                return
            }
            // Looked at again before the retry: fixed meanwhile, nothing is called.
            proceed(flight, at: now, view: view, effects: &effects)
        case .snoozeEnd(let index):
            guard alerts[index].status == .snoozed else { return }
            reopenOrResolve(index, reason: .snoozeExpired, at: now, view: view, effects: &effects)
        case .exemptionExpired(let exemption):
            // Open alerts the exemption held back are remediated now, if their rule remediates.
            for i in alerts.indices where alerts[i].status == .open {
                guard let resource = view.resource(id: alerts[i].resourceId),
                    exemption.covers(resource, policy: alerts[i].policyId, at: now - .milliseconds(1))
                else { continue }
                exemptionRecorded.remove(i)
                reopenOrResolve(i, reason: nil, at: now, view: view, effects: &effects)
            }
        case .recover(let index):
            reopenOrResolve(index, reason: nil, at: now, view: view, effects: &effects, recovering: true)
        case .approvalTimeout(let index):
            guard awaitingApproval.remove(index) != nil else { return }
            approvalExpired.insert(index)
            record(
                .approvalTimedOut, at: now, rule: alerts[index].ruleName, alert: index,
                detail: "no approval came; nothing was changed")
        }
    }

    /// Looks at an alert's resource again and acts on what it finds: resolved if compliant,
    /// otherwise open (with `reason`, when the status changes) and remediated if its rule does.
    mutating func reopenOrResolve(
        _ index: Int, reason: TransitionReason?, at now: Timestamp, view: some InventoryView,
        effects: inout [EngineEffect], recovering: Bool = false
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
            transition(
                index, to: .open, reason: reason ?? (recovering ? .remediationInterrupted : .violationResurfaced),
                at: now)
        }
        guard remediates(rule), policy.isRemediable, !disabledRules.contains(rule.name),
            !disabledPolicies.contains(policy.id)
        else { return }
        dispatch(
            [Candidate(alert: index, policy: policy, finding: finding, resource: resource)], rule: rule, at: now,
            view: view, effects: &effects)
    }
}
