import CloudModel
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
/// random injections at random times, random rules (scope, detection, auto-remediation), random
/// latencies. Each seed builds one scenario; a failing seed reproduces it exactly.
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
        let runFor = SimDuration.hours(Int64.random(in: 1...6, using: &r))
        for _ in 0..<Int.random(in: 0...8, using: &r) {
            let injection: Injection = pick([
                .openIngress(protocol: "tcp", fromPort: pick([22, 3389, 0]), toPort: pick([22, 3389, 1024]), cidr: pick(["0.0.0.0/0", "::/0", "10.0.0.0/8"])),
                .removePublicAccessBlock, .ageAccessKey(days: Int.random(in: 30...400, using: &r), keyId: nil),
                .disableLogFileValidation, .deleteFlowLogs,
            ])
            let candidates = inventory.all.filter { injection.resourceTypes?.contains($0.type) ?? true }
                .filter { resource in
                    // age-access-key needs a key to age
                    if case .ageAccessKey = injection { return !(resource.properties["AccessKeys"]?.arrayValue?.isEmpty ?? true) }
                    return true
                }
            guard !candidates.isEmpty else { continue }
            let at = SimDuration(milliseconds: Int64.random(in: 0...runFor.milliseconds, using: &r))
            if case .openIngress(_, let from, let to, _) = injection, from > to { continue }
            timeline.append(TimelineEntry(at: at, resourceId: pick(candidates).id, injection: injection))
        }
        let scope = pick([AlertRule.Scope(), AlertRule.Scope(accounts: ["111111111111"]), AlertRule.Scope(regions: ["eu-west-1"]),
                          AlertRule.Scope(tags: ["env": "staging"])])
        let detection: AlertRule.Detection = pick([
            .event(deliveryDelay: .seconds(Int64.random(in: 0...300, using: &r))), .poll(every: .minutes(Int64.random(in: 5...60, using: &r))),
        ])
        let rule = AlertRule(name: "rule", scope: scope, policies: nil, autoRemediate: Bool.random(using: &r), detection: detection)
        return Scenario(
            name: "random-\(seed)", inventory: inventory, policies: policies,
            settings: EngineSettings(rules: [rule], apiLatency: .milliseconds(Int64.random(in: 0...2000, using: &r)),
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
        }
    }

    @Test func theEngineChangesOnlyWhatItsRuleCovers() async {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...1_000_000)) { seed in
            let scenario = Self.scenario(seed: seed)
            guard let result = try? Simulator(scenario: scenario).run() else {
                Issue.record("seed \(seed) did not run")
                return
            }
            let rule = scenario.settings.rules[0]
            let injected = Set(scenario.timeline.compactMap(\.action.resourceId))
            let remediated = Set(result.attempts.map(\.resourceId))
            for original in Self.inventory.all where !injected.contains(original.id) && !remediated.contains(original.id) {
                #expect(result.finalInventory[original.id] == original, "seed \(seed): \(original.id) changed without cause")
            }
            for id in remediated {
                let resource = try #require(Self.inventory[id])
                #expect(rule.autoRemediate && rule.scope.contains(resource), "seed \(seed): \(id) remediated outside the rule")
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
                    #expect(next.from == previous.to, "seed \(seed): alert \(alert.id) jumps from \(previous.to) to \(next.from.map(\.rawValue) ?? "nil")")
                    #expect(next.at >= previous.at, "seed \(seed)")
                }
                #expect(alert.status == alert.transitions.last?.to, "seed \(seed)")
                if alert.status == .resolved, alert.reason == .remediated {
                    #expect(result.attempts.contains { $0.alertId == alert.id && $0.outcome == .succeeded }, "seed \(seed)")
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
    /// The random scenarios are worth checking: many of them remediate something.
    @Test func theRandomScenariosExerciseTheEngine() throws {
        var remediating = 0, failing = 0, resolved = 0
        for seed in 0..<60 {
            let result = try Simulator(scenario: Self.scenario(seed: seed)).run()
            if !result.attempts.isEmpty { remediating += 1 }
            if result.alerts.contains(where: { $0.status == .failed }) { failing += 1 }
            if result.violations.contains(where: \.isResolved) { resolved += 1 }
        }
        #expect(remediating >= 15, "\(remediating) of 60 scenarios remediated anything")
        #expect(resolved >= 15, "\(resolved) of 60 scenarios resolved a violation")
        #expect(failing >= 1, "\(failing) of 60 scenarios had a failed remediation")
    }
}
