import CloudModel
import CloudOperations
import Foundation
import Loading
import Policies
import PolicyPack
import PropertyBased
import RemediationEngine
import Simulation
import TestSupport
import Testing

/// Invariants of the engine and the simulation, over many random scenarios on the acme fixtures:
/// random injections and drift at random times (among them all-traffic rules that two policies
/// share, and access keys that cross the 90-day threshold mid-run), random rules (scope,
/// detection, auto-remediation, retries, concurrency, caps, loop guards; sometimes two rules
/// splitting the policies), random faults, exemptions, snoozes, dismissals and restarts, random
/// latencies (sometimes minutes, so that changes land while calls are in flight), and poll
/// intervals that put a scan at the very end of the run. Each seed builds one scenario; a failing
/// seed reproduces it exactly.
///
/// `swift test` checks 150 scenarios per property (about a second); set `REMSIM_PROPERTY_COUNT`
/// for a longer run, e.g. `REMSIM_PROPERTY_COUNT=20000 swift test --filter EngineInvariantTests`.
struct EngineInvariantTests {
    static let count = Int(ProcessInfo.processInfo.environment["REMSIM_PROPERTY_COUNT"] ?? "") ?? 150

    static let inventory: Inventory = (try? FixtureLoader.load(paths: [TestSupport.fixturesDirectory])) ?? Inventory()
    static let policies: [Policy] = (try? BuiltinPolicies.load()) ?? []

    /// The scenario a seed stands for.
    static func scenario(seed: Int) -> Scenario {
        var r = SeededGenerator(seed: UInt64(seed))
        func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &r)] }
        var timeline: [TimelineEntry] = []
        let detection: AlertRule.Detection = pick([
            .event(deliveryDelay: .seconds(Int64.random(in: 0...300, using: &r))),
            .poll(every: .minutes(Int64.random(in: 5...60, using: &r))),
        ])
        var runFor = SimDuration.hours(Int64.random(in: 1...6, using: &r))
        if case .poll(let every) = detection, Bool.random(using: &r) {
            // The last scan falls on the last instant of the run.
            runFor = SimDuration(milliseconds: max(1, runFor.milliseconds / every.milliseconds) * every.milliseconds)
        }
        // A key that turns 90 days old at a random moment of the run, with nobody touching it.
        let crossing =
            Scenario.defaultStart - .days(90)
            + SimDuration(milliseconds: Int64.random(in: 0...runFor.milliseconds, using: &r))
        let agedKey = Injection.patch(
            set: [
                PathAssignment(
                    path: try! ValuePath(parsing: "AccessKeys[0].CreateDate"), value: .string(crossing.iso8601)),
                PathAssignment(path: try! ValuePath(parsing: "AccessKeys[0].Status"), value: "Active"),
            ], remove: [])
        for _ in 0..<Int.random(in: 0...8, using: &r) {
            let injection: Injection = pick([
                .openIngress(
                    protocol: "tcp", fromPort: pick([22, 3389, 0]), toPort: pick([22, 3389, 1024]),
                    cidr: pick(["0.0.0.0/0", "::/0", "10.0.0.0/8"])),
                .openIngress(protocol: "-1", fromPort: -1, toPort: -1, cidr: "0.0.0.0/0"),
                .removePublicAccessBlock, .ageAccessKey(days: Int.random(in: 30...400, using: &r), keyId: nil), agedKey,
                .disableLogFileValidation, .deleteFlowLogs,
            ])
            let candidates = inventory.all.filter { injection.resourceTypes?.contains($0.type) ?? true }
                .filter { resource in
                    // age-access-key and the aged key need a key to age
                    if case .ageAccessKey = injection {
                        return !(resource.properties["AccessKeys"]?.arrayValue?.isEmpty ?? true)
                    }
                    if injection == agedKey {
                        return resource.type == "aws.iam-user"
                            && !(resource.properties["AccessKeys"]?.arrayValue?.isEmpty ?? true)
                    }
                    return true
                }
            guard !candidates.isEmpty else { continue }
            let at = SimDuration(milliseconds: Int64.random(in: 0...runFor.milliseconds, using: &r))
            if case .openIngress(_, let from, let to, _) = injection, from > to { continue }
            let target = pick(candidates).id
            if Int.random(in: 0..<6, using: &r) == 0 {
                // Someone keeps putting it back.
                timeline.append(
                    TimelineEntry(
                        at: at,
                        action: .drift(
                            resourceId: target, injection, actor: "terraform",
                            every: .minutes(Int64.random(in: 10...60, using: &r)), until: nil)))
            } else {
                timeline.append(TimelineEntry(at: at, resourceId: target, injection: injection))
            }
        }
        let awsResources = inventory.all.filter { $0.cloud == .aws }
        for _ in 0..<Int.random(in: 0...3, using: &r) {
            let at = SimDuration(milliseconds: Int64.random(in: 0...runFor.milliseconds, using: &r))
            let window: SimDuration? = pick([nil, .minutes(30), .hours(2)])
            let scope = pick([
                FaultScope(), FaultScope(services: ["ec2"]), FaultScope(accounts: ["111111111111"]),
                FaultScope(resources: [pick(awsResources).id]),
            ])
            let kind: Fault.Kind = pick([
                .throttle(limit: Int.random(in: 0...3, using: &r), per: .minutes(1)), .accessDenied,
                .deleteDuringRemediation, .eventualConsistency(lag: .minutes(Int64.random(in: 1...10, using: &r))),
                .dropEvents, .delayEvents(by: .minutes(Int64.random(in: 1...30, using: &r))),
            ])
            timeline.append(TimelineEntry(at: at, action: .fault(Fault(kind: kind, scope: scope, window: window))))
        }
        if Int.random(in: 0..<3, using: &r) == 0 {
            // A throttled account for the whole run: remediations retry, and retries meet fixes
            // made meanwhile by the other policy or rule.
            timeline.append(
                TimelineEntry(
                    at: .zero,
                    action: .fault(
                        Fault(
                            kind: .throttle(limit: Int.random(in: 0...1, using: &r), per: .minutes(1)),
                            scope: FaultScope(clouds: [.aws]), window: nil))))
        }
        for _ in 0..<Int.random(in: 0...2, using: &r) {
            let at = SimDuration(milliseconds: Int64.random(in: 0...runFor.milliseconds, using: &r))
            let exemption = pick([
                Exemption(resourceId: pick(awsResources).id, reason: "random"),
                Exemption(tags: ["env": "staging"], reason: "random"),
            ])
            timeline.append(TimelineEntry(at: at, action: .exempt(exemption, expiresAfter: pick([nil, .minutes(45)]))))
        }
        for _ in 0..<Int.random(in: 0...2, using: &r) {
            let at = SimDuration(milliseconds: Int64.random(in: 0...runFor.milliseconds, using: &r))
            let policy = pick(policies).id
            let resource = pick(awsResources).id
            timeline.append(
                TimelineEntry(
                    at: at,
                    action: pick([
                        .restartEngine, .snooze(policy: policy, resourceId: resource, for: .minutes(30)),
                        .dismiss(policy: policy, resourceId: resource),
                        .setAutoRemediation(rule: "rule", enabled: true),
                        .setPolicyEnabled(policy: policy, enabled: false),
                    ])))
        }
        let scope = pick([
            AlertRule.Scope(), AlertRule.Scope(accounts: ["111111111111"]), AlertRule.Scope(regions: ["eu-west-1"]),
            AlertRule.Scope(tags: ["env": "staging"]),
        ])
        let controls = RemediationControls(
            maxAttempts: Int.random(in: 1...4, using: &r), concurrency: pick([nil, 1, 2]),
            errorRateStop: pick([nil, RemediationControls.ErrorRateStop(percent: 60, minimumCalls: 3)]),
            maxResources: pick([nil, RemediationControls.ResourceCap(count: Int.random(in: 1...5, using: &r))]),
            loopGuard: RemediationControls.LoopGuard(
                maxRemediations: Int.random(in: 2...5, using: &r), window: .hours(6)))
        let rule = AlertRule(
            name: "rule", scope: scope, policies: nil, autoRemediate: Bool.random(using: &r), detection: detection,
            controls: controls)
        var rules = [rule]
        if Int.random(in: 0..<4, using: &r) == 0 {
            // Two rules over one scope, the policies split between them: two remediations of
            // one resource run under different controls.
            let ids = policies.map(\.id)
            let second = ids.enumerated().filter {
                $0.element.contains("rdp") || ($0.offset % 2 == 1 && !$0.element.contains("ssh"))
            }.map(\.element)
            let first = ids.filter { !second.contains($0) }
            rules = [
                AlertRule(
                    name: "rule", scope: scope, policies: first.sorted(), autoRemediate: rule.autoRemediate,
                    detection: detection, controls: controls),
                AlertRule(
                    name: "other", scope: scope, policies: second.sorted(), autoRemediate: true, detection: detection,
                    controls: RemediationControls()),
            ]
        }
        // Sometimes calls take minutes, so that changes land while they are in flight.
        let latency =
            Int.random(in: 0..<4, using: &r) == 0
            ? Int64.random(in: 30_000...300_000, using: &r) : Int64.random(in: 0...2000, using: &r)
        return Scenario(
            name: "random-\(seed)", inventory: inventory, policies: policies,
            settings: EngineSettings(
                rules: rules, apiLatency: .milliseconds(latency),
                apiLatencyJitter: .milliseconds(Int64.random(in: 0...500, using: &r))),
            timeline: timeline.sorted { $0.at < $1.at }, runFor: runFor, seed: UInt64(seed))
    }

    @Test func theSameSeedGivesTheSameRun() async {
        await propertyCheck(count: max(1, Self.count / 3), input: Gen.int(in: 0...1_000_000)) { seed in
            let a = try? Simulator(scenario: Self.scenario(seed: seed)).run()
            let b = try? Simulator(scenario: Self.scenario(seed: seed)).run()
            #expect(a?.timeline == b?.timeline)
            #expect(a?.attempts == b?.attempts)
            #expect(a?.violations == b?.violations)
            #expect(a?.records == b?.records)
        }
    }

    @Test func theEngineChangesOnlyWhatItsRuleCovers() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...1_000_000)) { seed in
            let scenario = Self.scenario(seed: seed)
            guard let result = try? Simulator(scenario: scenario).run() else {
                Issue.record("seed \(seed) did not run")
                return
            }
            let rules = scenario.settings.rules
            let injected = Set(
                scenario.timeline.compactMap { entry -> String? in
                    switch entry.action {
                    case .inject(let id, _, _), .drift(let id, _, _, _, _): id
                    default: nil
                    }
                })
            // A resource a fault deleted under its remediation is changed by that fault.
            let deletedByFault = Set(
                result.timeline.filter { $0.kind == .fault && $0.text == "deleted while being remediated" }.map(
                    \.resourceId))
            let remediated = Set(result.attempts.map(\.resourceId))
            for original in Self.inventory.all
            where !injected.contains(original.id) && !remediated.contains(original.id)
                && !deletedByFault.contains(original.id)
            {
                #expect(
                    result.finalInventory[original.id] == original, "seed \(seed): \(original.id) changed without cause"
                )
            }
            let switchedOn = scenario.timeline.contains {
                if case .setAutoRemediation = $0.action { true } else { false }
            }
            for attempt in result.attempts {
                let resource = try #require(Self.inventory[attempt.resourceId])
                #expect(
                    rules.contains {
                        ($0.autoRemediate || switchedOn) && $0.covers(policy: attempt.policyId)
                            && $0.scope.contains(resource)
                    },
                    "seed \(seed): \(attempt.resourceId) remediated for \(attempt.policyId) outside every rule")
            }
            // Never a call on a resource while an exemption covered it.
            for entry in scenario.timeline {
                guard case .exempt(let exemption, let after) = entry.action else { continue }
                let from = scenario.start + entry.at
                let until = after.map { from + $0 }
                for attempt in result.attempts
                where attempt.startedAt >= from && (until.map { attempt.startedAt < $0 } ?? true)
                    && attempt.tryNumber == 1
                {
                    guard let resource = Self.inventory[attempt.resourceId] else { continue }
                    var e = exemption
                    e.expires = nil
                    let covered = e.covers(resource, policy: attempt.policyId, at: attempt.startedAt)
                    // A remediation already under way when the exemption came is let finish its steps.
                    let startedBefore =
                        result.alerts.first { $0.id == attempt.alertId }?.transitions
                        .last { $0.reason == .remediationStarted && $0.at <= attempt.startedAt }.map { $0.at < from }
                        ?? false
                    #expect(
                        !covered || startedBefore,
                        "seed \(seed): \(attempt.resourceId) remediated while exempt (\(exemption.reason))")
                }
            }
            // Only log groups are ever created, and nothing is deleted by the engine.
            for resource in result.finalInventory.all where Self.inventory[resource.id] == nil {
                #expect(resource.type == "aws.log-group", "seed \(seed): created \(resource.id)")
            }
        }
    }

    @Test func everyViolationAndAlertTellsAConsistentStory() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...1_000_000)) { seed in
            guard let result = try? Simulator(scenario: Self.scenario(seed: seed)).run() else {
                Issue.record("seed \(seed) did not run")
                return
            }
            for v in result.violations {
                if let t1 = v.detectedAt { #expect(t1 >= v.startedAt, "seed \(seed)") }
                if let t2 = v.remediationStartedAt { #expect(v.detectedAt.map { t2 >= $0 } ?? false, "seed \(seed)") }
                if let t3 = v.resolvedAt { #expect(v.detectedAt.map { t3 >= $0 } ?? false, "seed \(seed)") }
                if let end = v.endedAt { #expect(end >= v.startedAt, "seed \(seed)") }
            }
            for alert in result.alerts {
                #expect(alert.transitions.first?.reason == .newAlert, "seed \(seed)")
                for (previous, next) in zip(alert.transitions, alert.transitions.dropFirst()) {
                    #expect(
                        next.from == previous.to,
                        "seed \(seed): alert \(alert.id) jumps from \(previous.to) to \(next.from.map(\.rawValue) ?? "nil")"
                    )
                    #expect(next.at >= previous.at, "seed \(seed)")
                }
                #expect(alert.status == alert.transitions.last?.to, "seed \(seed)")
                if alert.status == .resolved, alert.reason == .remediated {
                    // Succeeded, or landed while the engine restarted and was found done afterwards.
                    #expect(
                        result.attempts.contains { a in
                            a.alertId == alert.id
                                && (a.outcome == .succeeded
                                    || a.outcome
                                        == .failed(
                                            code: "OutcomeUnknown",
                                            message: "the engine restarted before the call's outcome arrived"))
                        }, "seed \(seed)")
                }
            }
            // A remediation's calls never overlap: each starts after the previous one finished.
            for alert in result.alerts {
                let calls = result.attempts.filter { $0.alertId == alert.id }
                for (a, b) in zip(calls, calls.dropFirst()) {
                    #expect((a.finishedAt ?? a.startedAt) <= b.startedAt, "seed \(seed)")
                }
            }
        }
    }
}

extension EngineInvariantTests {
    @Test func aCallChangesOnlyWhatItsOperationDeclares() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...1_000_000)) { seed in
            guard let trace = try? Simulator(scenario: Self.scenario(seed: seed)).runTraced().trace else {
                Issue.record("seed \(seed) did not run")
                return
            }
            for change in trace.callChanges where !change.created && !change.deleted {
                guard let spec = OperationCatalog.spec(named: change.operation) else {
                    Issue.record("seed \(seed): \(change.operation) is not in the catalog")
                    continue
                }
                let declared = spec.effect.writtenProperties(parameters: change.parameters)
                #expect(
                    change.changed.isSubset(of: declared),
                    "seed \(seed): \(change.operation) changed \(change.changed.subtracting(declared).sorted()) on \(change.resourceId), declaring \(declared.sorted())"
                )
            }
        }
    }

    @Test func everyViolationEndsInExactlyTheStateItsAlertShows() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...1_000_000)) { seed in
            let scenario = Self.scenario(seed: seed)
            guard let result = try? Simulator(scenario: scenario).run() else {
                Issue.record("seed \(seed) did not run")
                return
            }
            let states = Violation.FinalState.allCases.map { s in result.violations.filter { $0.finalState == s }.count
            }
            #expect(states.reduce(0, +) == result.violations.count, "seed \(seed)")
            for v in result.violations {
                let alert = result.alerts.first { $0.policyId == v.policyId && $0.resourceId == v.resourceId }
                switch v.finalState {
                case .resolved:
                    #expect(v.endedAt != nil, "seed \(seed)")
                    #expect(
                        v.resolvedAt != nil || alert == nil || alert?.status == .resolved,
                        "seed \(seed): \(v.resourceId) reads resolved, its alert \(alert?.status.rawValue ?? "")")
                case .failed: #expect(alert?.status == .failed, "seed \(seed)")
                case .dismissed: #expect(alert?.status == .dismissed, "seed \(seed)")
                case .snoozed: #expect(alert?.status == .snoozed, "seed \(seed)")
                case .exempt:
                    #expect(alert?.status == .open, "seed \(seed)")
                    #expect(
                        result.records.contains { $0.kind == .exemptionApplied && $0.resourceId == v.resourceId },
                        "seed \(seed)")
                case .open:
                    #expect(v.resolvedAt == nil, "seed \(seed)")
                    if let alert {
                        #expect(
                            [.open, .pendingResolution].contains(alert.status)
                                || (alert.status == .resolved && v.endedAt == nil),
                            "seed \(seed): \(v.resourceId) reads open, its alert \(alert.status.rawValue)")
                    } else {
                        #expect(v.endedAt == nil, "seed \(seed)")
                    }
                }
            }
            // The other way round, for the latest violation of each alert: an alert that ends
            // failed, pending, open, snoozed or dismissed never has it read resolved. (Reads
            // that lag writes can fool the engine into reopening an alert on a resource that
            // complies; those scenarios are left out.)
            guard !Self.hasStaleReads(scenario) else { return }
            for alert in result.alerts {
                guard
                    let last = result.violations.last(where: {
                        $0.policyId == alert.policyId && $0.resourceId == alert.resourceId
                    })
                else { continue }
                if alert.status != .resolved {
                    #expect(
                        last.finalState != .resolved,
                        "seed \(seed): \(alert.resourceId) \(alert.policyId) reads resolved while its alert is \(alert.status.rawValue)"
                    )
                }
            }
        }
    }

    /// A remediation is never called failed while the resource complied (someone else fixed it
    /// first, a retry or a "not found" came after the fix), and never failed for a violation
    /// someone else brought back while it ran: such a change reopens the alert instead.
    @Test func noRemediationFailsForWhatItDidNotCause() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...1_000_000)) { seed in
            let scenario = Self.scenario(seed: seed)
            guard !Self.hasStaleReads(scenario), let simulated = try? Simulator(scenario: scenario).runTraced() else {
                return
            }
            let result = simulated.result
            let trace = simulated.trace
            for alert in result.alerts {
                for (k, t) in alert.transitions.enumerated()
                where t.to == .failed && [.remediationFailed, .verificationFailed].contains(t.reason) {
                    let violating = result.violations.contains { v in
                        v.policyId == alert.policyId && v.resourceId == alert.resourceId && v.startedAt <= t.at
                            && (v.endedAt.map { $0 > t.at } ?? true)
                    }
                    #expect(
                        violating,
                        "seed \(seed): alert \(alert.id) \(alert.policyId) on \(alert.resourceId) failed (\(t.reason)) at \(t.at) while it complied"
                    )
                    guard t.reason == .verificationFailed,
                        let started = alert.transitions[..<k].last(where: { $0.reason == .remediationStarted })?.at
                    else { continue }
                    let byOthers =
                        trace.timelineChanges.contains {
                            $0.resourceId == alert.resourceId && $0.at >= started && $0.at <= t.at
                        }
                        || trace.callChanges.contains { change in
                            guard change.resourceId == alert.resourceId,
                                let call = result.attempts.first(where: { $0.callId == change.callId }),
                                call.policyId != alert.policyId, let landed = call.finishedAt
                            else { return false }
                            return landed >= started && landed <= t.at
                        }
                    #expect(
                        !byOthers,
                        "seed \(seed): alert \(alert.id) failed verification after someone else changed \(alert.resourceId)"
                    )
                }
            }
            // Calls the engine found moot never count as failures of their rule.
            for attempt in result.attempts where attempt.moot {
                if case .failed(let code, _)? = attempt.outcome {
                    #expect(
                        code.lowercased().contains("notfound") || code.hasPrefix("NoSuch"),
                        "seed \(seed): \(code) taken as moot")
                } else {
                    Issue.record("seed \(seed): a call that succeeded is marked moot")
                }
            }
        }
    }

    /// The ground truth sees every violation, including those time alone starts: at the end of
    /// the run, a watched resource violates a policy exactly when one of its violations is still
    /// going on.
    @Test func theGroundTruthMatchesTheFinalState() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...1_000_000)) { seed in
            let scenario = Self.scenario(seed: seed)
            guard let result = try? Simulator(scenario: scenario).run() else {
                Issue.record("seed \(seed) did not run")
                return
            }
            let evaluator = Evaluator(now: result.end)
            for resource in result.finalInventory.all {
                for policy in scenario.policies where policy.resourceType == resource.type {
                    guard
                        scenario.settings.rules.contains(where: {
                            $0.covers(policy: policy.id) && $0.scope.contains(resource)
                        })
                    else { continue }
                    let going = result.violations.contains {
                        $0.policyId == policy.id && $0.resourceId == resource.id && $0.endedAt == nil
                    }
                    #expect(
                        evaluator.violates(policy, resource) == going,
                        "seed \(seed): \(resource.id) \(policy.id): violates \(!going), tracked \(going)")
                }
            }
        }
    }

    static func hasStaleReads(_ scenario: Scenario) -> Bool {
        scenario.timeline.contains { entry in
            if case .fault(let fault) = entry.action, case .eventualConsistency = fault.kind { return true }
            return false
        }
    }

    /// The random scenarios are worth checking: many of them remediate something.
    @Test func theRandomScenariosExerciseTheEngine() throws {
        var remediating = 0
        var failing = 0
        var resolved = 0
        var moot = 0
        var kinds: [EngineRecord.Kind: Int] = [:]
        var reasons: [TransitionReason: Int] = [:]
        for seed in 0..<60 {
            let result = try Simulator(scenario: Self.scenario(seed: seed)).run()
            for kind in Set(result.records.map(\.kind)) { kinds[kind, default: 0] += 1 }
            for reason in Set(result.alerts.flatMap { $0.transitions.map(\.reason) }) {
                reasons[reason, default: 0] += 1
            }
            if result.attempts.contains(where: \.moot) { moot += 1 }
            if !result.attempts.isEmpty { remediating += 1 }
            if result.alerts.contains(where: { $0.status == .failed }) { failing += 1 }
            if result.violations.contains(where: \.isResolved) { resolved += 1 }
        }
        #expect(remediating >= 15, "\(remediating) of 60 scenarios remediated anything")
        #expect(resolved >= 15, "\(resolved) of 60 scenarios resolved a violation")
        #expect(failing >= 1, "\(failing) of 60 scenarios had a failed remediation")
        // The controls and lifecycle events get exercised too.
        for kind in [EngineRecord.Kind.retry, .exemptionApplied, .restart, .queued] {
            #expect(kinds[kind, default: 0] >= 1, "no random scenario produced a \(kind) record: \(kinds)")
        }
        // Changes that land while a remediation runs, and calls made moot by another's fix.
        #expect(reasons[.changedDuringRemediation, default: 0] >= 1, "\(reasons)")
        #expect(moot >= 1, "no random scenario had a call made moot")
    }
}
