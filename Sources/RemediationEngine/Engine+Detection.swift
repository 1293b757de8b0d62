import CloudModel
import CloudOperations
import Policies

extension Engine {
    /// A violation that detection found and that may be remediated, once the rule's controls allow.
    struct Candidate {
        var alert: Int
        var policy: Policy
        var finding: Finding
        var resource: Resource
    }

    /// Evaluates everything in the rule's scope, and for a poll-mode rule schedules the next scan.
    mutating func scan(
        rule: AlertRule, at now: Timestamp, view: some InventoryView, schedule: Bool = true,
        effects: inout [EngineEffect]
    ) {
        defer {
            if schedule, case .poll(let every) = rule.detection {
                effects.append(.scheduleScan(rule: rule.name, at: now + every))
            }
        }
        guard !disabledRules.contains(rule.name) else { return }
        // Each resource is read once for all the rule's policies of its type; only a resource
        // that violates a policy, or has an alert under it, needs the full detection. Detection
        // then runs policy by policy, in the same order every time.
        let covered = policies.filter { rule.covers(policy: $0.id) && !disabledPolicies.contains($0.id) }
        var found: [[Resource]] = Array(repeating: [], count: covered.count)
        var alerted: [String: Set<String>] = [:]
        for key in alertIndex.keys { alerted[key.policyId, default: []].insert(key.resourceId) }
        var seenTypes: Set<String> = []
        var inScope = 0
        let evaluator = Evaluator(now: now)
        for policy in covered where seenTypes.insert(policy.resourceType).inserted {
            guard rule.scope.contains(type: policy.resourceType) else { continue }
            let group = covered.indices.filter { covered[$0].resourceType == policy.resourceType }
            let programs = group.map { covered[$0].compiled }
            let scopes = group.map { covered[$0].scope }
            let groupAlerted = group.map { alerted[covered[$0].id] ?? [] }
            let anyAlerted = groupAlerted.contains { !$0.isEmpty }
            var hit = Array(repeating: false, count: group.count)
            // Each resource is read in place; only one that violates a policy, or has an alert
            // under one, is handed out whole.
            view.scan(
                ofType: policy.resourceType,
                { properties, id, account, region, tags in
                    guard rule.scope.contains(account: account, region: region, tags: tags) else { return false }
                    inScope += 1
                    for k in hit.indices { hit[k] = anyAlerted && groupAlerted[k].contains(id) }
                    evaluator.forEachViolated(programs, properties: properties, tags: tags) { hit[$0] = true }
                    return hit.contains(true)
                },
                found: { resource in
                    for (k, i) in group.enumerated() where hit[k] && PolicyScope.contains(scopes[k], resource) {
                        // A policy reading what the resource's export could not say finds nothing.
                        guard resource.unknownProperties.isEmpty || !covered[i].cannotEvaluate(resource) else {
                            continue
                        }
                        found[i].append(resource)
                    }
                })
        }
        scopeSize[rule.name] = inScope
        var candidates: [Candidate] = []
        for (i, policy) in covered.enumerated() {
            for resource in found[i] {
                if let c = detect(policy: policy, resource: resource, rule: rule, at: now, view: view) {
                    candidates.append(c)
                }
            }
        }
        // Alerts of this rule whose resource has gone are resolved by the scan too.
        for i in alerts.indices where alerts[i].ruleName == rule.name && view.resource(id: alerts[i].resourceId) == nil
        {
            resolveDeleted(resourceId: alerts[i].resourceId, at: now)
        }
        dispatch(candidates, rule: rule, at: now, view: view, effects: &effects)
    }

    mutating func changed(
        resourceId: String, rule: AlertRule, at now: Timestamp, view: some InventoryView, effects: inout [EngineEffect]
    ) {
        guard let resource = view.resource(id: resourceId) else {
            resolveDeleted(resourceId: resourceId, at: now)
            return
        }
        guard rule.scope.contains(resource) else { return }
        var candidates: [Candidate] = []
        for policy in policies
        where policy.resourceType == resource.type && rule.covers(policy: policy.id)
            && !disabledPolicies.contains(policy.id)
        {
            if let c = detect(policy: policy, resource: resource, rule: rule, at: now, view: view) {
                candidates.append(c)
            }
        }
        dispatch(candidates, rule: rule, at: now, view: view, effects: &effects)
    }

    /// Updates the alert of (policy, resource) for what the resource looks like now; returns the
    /// violation if it is one to remediate.
    mutating func detect(
        policy: Policy, resource: Resource, rule: AlertRule, at now: Timestamp, view: some InventoryView
    ) -> Candidate? {
        let finding = Evaluator(now: now).finding(policy, resource)
        let key = AlertKey(policyId: policy.id, resourceId: resource.id)
        let existing = alertIndex[key]

        if let i = existing, awaitingVerification.contains(i) {
            // Open again when the violation is someone else's doing: remediated anew below.
            guard verify(i, policy: policy, resource: resource, at: now, view: view) != nil else { return nil }
        }
        guard let finding else {
            if let i = existing, alerts[i].status == .open || alerts[i].status == .failed {
                transition(i, to: .resolved, reason: .resourceUpdated, at: now)
            }
            return nil
        }
        let index: Int
        if let i = existing {
            switch alerts[i].status {
            case .pendingResolution, .failed, .snoozed, .dismissed:
                // In progress; a failure, which is not retried on its own; or set aside by a person.
                return nil
            case .open:
                index = i  // known, and not being fixed: remediated if the rule may now
            case .resolved:
                alerts[i].ruleName = rule.name
                transition(i, to: .open, reason: .violationResurfaced, at: now)
                index = i
            }
        } else {
            index = alerts.count
            alerts.append(
                Alert(
                    id: alerts.count + 1, policyId: policy.id, resourceId: resource.id, ruleName: rule.name,
                    status: .open,
                    transitions: [AlertTransition(at: now, from: nil, to: .open, reason: .newAlert)]))
            alertIndex[key] = index
        }
        guard remediates(rule), policy.isRemediable else { return nil }
        return Candidate(alert: index, policy: policy, finding: finding, resource: resource)
    }

    mutating func resolveDeleted(resourceId: String, at now: Timestamp) {
        for i in alerts.indices
        where alerts[i].resourceId == resourceId && alerts[i].status != .resolved && alerts[i].status != .dismissed {
            awaitingVerification.remove(i)
            transition(i, to: .resolved, reason: .resourceDeleted, at: now)
        }
    }

    /// Starts what the rule's controls allow of a batch of violations found together. Over the
    /// resource cap, the whole batch waits and the breach is recorded: changing part of it would
    /// leave an unpredictable subset fixed.
    mutating func dispatch(
        _ candidates: [Candidate], rule: AlertRule, at now: Timestamp, view: some InventoryView,
        effects: inout [EngineEffect]
    ) {
        var allowed: [Candidate] = []
        for c in candidates {
            if let exemption = exemptions.first(where: { $0.covers(c.resource, policy: c.policy.id, at: now) }) {
                if exemptionRecorded.insert(c.alert).inserted {
                    record(.exemptionApplied, at: now, rule: rule.name, alert: c.alert, detail: exemption.reason)
                }
                continue
            }
            allowed.append(c)
        }
        guard !allowed.isEmpty else { return }
        if halted.contains(rule.name) { return }
        if let cap = rule.controls.maxResources {
            let window = now - cap.window
            let recent = (starts[rule.name] ?? []).filter { $0 > window }.count
            let limit = cap.limit(scopeSize: scopeSize[rule.name] ?? countScope(rule, view: view))
            if recent + allowed.count > limit {
                record(
                    .capBreach, at: now, rule: rule.name,
                    detail:
                        "\(allowed.count) to remediate, \(recent) already in the last \(cap.window), limit "
                        + "\(limit): nothing changed"
                )
                return
            }
        }
        for c in allowed { start(c, rule: rule, at: now, view: view, effects: &effects) }
    }

    mutating func countScope(_ rule: AlertRule, view: some InventoryView) -> Int {
        var n = 0
        for type in Set(policies.filter { rule.covers(policy: $0.id) }.map(\.resourceType)) {
            view.forEachResource(ofType: type) { if rule.scope.contains($0) { n += 1 } }
        }
        scopeSize[rule.name] = n
        return n
    }
}
