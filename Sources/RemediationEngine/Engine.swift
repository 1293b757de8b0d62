import CloudModel
import Policies

/// The remediation engine: a deterministic state machine with no I/O.
///
/// It never reads a clock, draws a random number or calls a cloud. A driver hands it events with
/// the instant they happen and a read-only view of resource state, and carries out the effects it
/// returns (calls, timers), feeding the outcomes back as events. The simulation is one driver; a
/// live one against a real API would be another, and nothing here knows which it is.
///
/// Verification goes through the same channel as detection, as in Prisma Cloud: once the last
/// step succeeds the alert stays `pendingResolution` until the rule next looks at the resource
/// (the remediation's own change event after the delivery delay, or the next scheduled scan),
/// and resolves only if that look finds it compliant. So a poll-mode rule's MTTR includes the
/// wait for the next scan.
public struct Engine: Sendable {
    public let policies: [Policy]
    public let rules: [AlertRule]

    /// Every alert ever raised, in the order raised.
    public private(set) var alerts: [Alert] = []
    /// Every call made, in the order made.
    public private(set) var attempts: [RemediationAttempt] = []

    private var alertIndex: [AlertKey: Int] = [:]
    private var policyIndex: [String: Int] = [:]
    private var inFlight: [Int: InFlight] = [:]
    private var nextCallId = 1
    /// Alerts whose remediation ran every step and now wait for a re-evaluation.
    private var awaitingVerification: Set<Int> = []
    /// Verification timers of event-mode rules, by timer id → alert index.
    private var verificationTimers: [Int: Int] = [:]
    private var nextTimerId = 1

    /// A remediation under way: its plan and the position of the call in flight.
    private struct InFlight: Sendable {
        var alertIndex: Int
        var plan: RemediationPlan
        var position: Int
        var attemptIndex: Int
    }

    public init(policies: [Policy], rules: [AlertRule]) {
        self.policies = policies
        self.rules = rules
        for (i, policy) in policies.enumerated() { policyIndex[policy.id] = i }
    }

    public func alert(policyId: String, resourceId: String) -> Alert? {
        alertIndex[AlertKey(policyId: policyId, resourceId: resourceId)].map { alerts[$0] }
    }

    /// Handles one event at `now`, reading state through `view`; returns what the driver must do.
    public mutating func handle(_ event: EngineEvent, at now: Timestamp, view: some InventoryView) -> [EngineEffect] {
        var effects: [EngineEffect] = []
        switch event {
        case .start:
            for rule in rules { scan(rule: rule, at: now, view: view, effects: &effects) }
        case .scanDue(let ruleName):
            guard let rule = rules.first(where: { $0.name == ruleName }) else { break }
            scan(rule: rule, at: now, view: view, effects: &effects)
        case .resourceChanged(let resourceId, let ruleName):
            guard let rule = rules.first(where: { $0.name == ruleName }) else { break }
            if let resource = view.resource(id: resourceId) {
                guard rule.scope.contains(resource) else { break }
                for policy in policies where policy.resourceType == resource.type && rule.covers(policy: policy.id) {
                    detect(policy: policy, resource: resource, rule: rule, at: now, effects: &effects)
                }
            } else {
                resolveDeleted(resourceId: resourceId, at: now)
            }
        case .operationFinished(let callId, let outcome):
            finish(callId: callId, outcome: outcome, at: now, view: view, effects: &effects)
        case .timerFired(let id):
            guard let index = verificationTimers.removeValue(forKey: id), awaitingVerification.contains(index) else { break }
            let alert = alerts[index]
            guard let resource = view.resource(id: alert.resourceId) else {
                resolveDeleted(resourceId: alert.resourceId, at: now)
                break
            }
            if let policy = policyIndex[alert.policyId].map({ policies[$0] }) { verify(index, policy: policy, resource: resource, at: now) }
        }
        return effects
    }

    // MARK: - Detection

    /// Evaluates everything in the rule's scope, and for a poll-mode rule schedules the next scan.
    private mutating func scan(rule: AlertRule, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]) {
        defer {
            if case .poll(let every) = rule.detection { effects.append(.scheduleScan(rule: rule.name, at: now + every)) }
        }
        // Each resource is read once for all the rule's policies of its type; only a resource
        // that violates a policy, or has an alert under it, needs the full detection. Detection
        // then runs policy by policy, in the order it always has, so the run is the same.
        let covered = policies.filter { rule.covers(policy: $0.id) }
        var candidates: [[Resource]] = Array(repeating: [], count: covered.count)
        var alerted: [String: Set<String>] = [:]
        for key in alertIndex.keys { alerted[key.policyId, default: []].insert(key.resourceId) }
        var seenTypes: Set<String> = []
        let evaluator = Evaluator(now: now)
        for policy in covered where seenTypes.insert(policy.resourceType).inserted {
            let group = covered.indices.filter { covered[$0].resourceType == policy.resourceType }
            let groupPolicies = group.map { covered[$0] }
            let groupAlerted = group.map { alerted[covered[$0].id] ?? [] }
            var hit = Array(repeating: false, count: group.count)
            view.forEachResource(ofType: policy.resourceType) { resource in
                guard rule.scope.contains(resource) else { return }
                for k in hit.indices { hit[k] = false }
                evaluator.forEachViolated(groupPolicies, resource) { hit[$0] = true }
                for (k, i) in group.enumerated() where hit[k] || (!groupAlerted[k].isEmpty && groupAlerted[k].contains(resource.id)) {
                    candidates[i].append(resource)
                }
            }
        }
        for (i, policy) in covered.enumerated() {
            for resource in candidates[i] { detect(policy: policy, resource: resource, rule: rule, at: now, effects: &effects) }
        }
        // Alerts of this rule whose resource has gone are resolved by the scan too.
        for i in alerts.indices where alerts[i].ruleName == rule.name && view.resource(id: alerts[i].resourceId) == nil {
            resolveDeleted(resourceId: alerts[i].resourceId, at: now)
        }
    }

    private mutating func detect(policy: Policy, resource: Resource, rule: AlertRule, at now: Timestamp, effects: inout [EngineEffect]) {
        let finding = Evaluator(now: now).finding(policy, resource)
        let key = AlertKey(policyId: policy.id, resourceId: resource.id)
        let existing = alertIndex[key]

        if let i = existing, awaitingVerification.contains(i) {
            verify(i, policy: policy, resource: resource, at: now)
            return
        }
        guard let finding else {
            if let i = existing, alerts[i].status == .open || alerts[i].status == .failed {
                transition(i, to: .resolved, reason: .resourceUpdated, at: now)
            }
            return
        }

        let index: Int
        if let i = existing {
            switch alerts[i].status {
            case .pendingResolution, .failed, .open:
                return  // already known: in progress, or a failure that is not retried on its own
            case .resolved:
                alerts[i].ruleName = rule.name
                transition(i, to: .open, reason: .violationResurfaced, at: now)
                index = i
            }
        } else {
            index = alerts.count
            alerts.append(Alert(
                id: alerts.count + 1, policyId: policy.id, resourceId: resource.id, ruleName: rule.name, status: .open,
                transitions: [AlertTransition(at: now, from: nil, to: .open, reason: .newAlert)]))
            alertIndex[key] = index
        }
        if rule.autoRemediate, policy.isRemediable {
            startRemediation(alert: index, policy: policy, finding: finding, resource: resource, at: now, effects: &effects)
        }
    }

    private mutating func resolveDeleted(resourceId: String, at now: Timestamp) {
        for i in alerts.indices where alerts[i].resourceId == resourceId && alerts[i].status != .resolved {
            awaitingVerification.remove(i)
            transition(i, to: .resolved, reason: .resourceDeleted, at: now)
        }
    }

    // MARK: - Remediation

    private mutating func startRemediation(
        alert index: Int, policy: Policy, finding: Finding, resource: Resource, at now: Timestamp, effects: inout [EngineEffect]
    ) {
        let plan: RemediationPlan
        do {
            plan = try RemediationPlan(policy: policy, finding: finding, resource: resource)
        } catch {
            transition(index, to: .failed, reason: .planFailed, at: now, detail: error.description)
            return
        }
        transition(index, to: .pendingResolution, reason: .remediationStarted, at: now)
        call(InFlight(alertIndex: index, plan: plan, position: 0, attemptIndex: 0), resource: resource, at: now, effects: &effects)
    }

    private mutating func call(_ flight: InFlight, resource: Resource, at now: Timestamp, effects: inout [EngineEffect]) {
        var flight = flight
        let planned = flight.plan.calls[flight.position]
        let callId = nextCallId
        nextCallId += 1
        let alert = alerts[flight.alertIndex]
        flight.attemptIndex = attempts.count
        attempts.append(RemediationAttempt(
            callId: callId, alertId: alert.id, policyId: alert.policyId, resourceId: alert.resourceId, step: planned.step,
            operation: planned.operation, parameters: planned.parameters, command: planned.command, startedAt: now))
        inFlight[callId] = flight
        effects.append(.callOperation(CloudOperation(
            callId: callId, name: planned.operation, cloud: resource.cloud ?? .aws, account: resource.account,
            region: resource.region, resourceId: resource.id, parameters: planned.parameters, command: planned.command)))
    }

    private mutating func finish(callId: Int, outcome: OperationOutcome, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]) {
        guard var flight = inFlight.removeValue(forKey: callId) else { return }
        attempts[flight.attemptIndex].finishedAt = now
        attempts[flight.attemptIndex].outcome = outcome
        let index = flight.alertIndex
        let alert = alerts[index]

        if case .failed(let code, let message) = outcome {
            let step = flight.plan.calls[flight.position].step
            transition(index, to: .failed, reason: .remediationFailed, at: now, detail: "step \(step) \(flight.plan.calls[flight.position].operation): \(code): \(message)")
            return
        }
        guard let resource = view.resource(id: alert.resourceId) else {
            transition(index, to: .resolved, reason: .resourceDeleted, at: now)
            return
        }
        flight.position += 1
        if flight.position < flight.plan.calls.count {
            call(flight, resource: resource, at: now, effects: &effects)
            return
        }
        // Every step succeeded: wait for the rule's next look at the resource.
        awaitingVerification.insert(index)
        if let rule = rules.first(where: { $0.name == alert.ruleName }), case .event(let delay) = rule.detection {
            // The remediation's own change event arrives after the delivery delay; this timer
            // stands in for it when the calls changed nothing (and so sent no event).
            let id = nextTimerId
            nextTimerId += 1
            verificationTimers[id] = index
            effects.append(.setTimer(id: id, at: now + delay))
        }
    }

    /// Resolved only if a fresh evaluation finds the resource compliant; a remediation whose
    /// steps all succeeded but left the violation is a failure.
    private mutating func verify(_ index: Int, policy: Policy, resource: Resource, at now: Timestamp) {
        awaitingVerification.remove(index)
        if Evaluator(now: now).violates(policy, resource) {
            transition(index, to: .failed, reason: .verificationFailed, at: now,
                       detail: "every step succeeded but the resource still violates \(policy.id)")
        } else {
            transition(index, to: .resolved, reason: .remediated, at: now)
        }
    }

    private mutating func transition(_ index: Int, to status: AlertStatus, reason: TransitionReason, at now: Timestamp, detail: String = "") {
        let from = alerts[index].status
        alerts[index].status = status
        alerts[index].transitions.append(AlertTransition(at: now, from: from, to: status, reason: reason, detail: detail))
    }
}
