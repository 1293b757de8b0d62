import CloudModel
import Foundation
import Loading
import Policies
import PolicyPack
import RemediationEngine
import Simulation
import TestSupport
import Testing

struct SimulatorTests {
    func sshScenario(
        detection: AlertRule.Detection, seed: UInt64 = 1, jitter: SimDuration = .zero,
        injections: [SimDuration] = [.minutes(10)]
    ) throws -> Scenario {
        let policy = try TestSupport.policy(TestSupport.sshPolicyYAML)
        let inventory = try Inventory([
            TestSupport.securityGroup("sg-1", permissions: [TestSupport.permission(22, cidrs: ["10.0.0.0/8"])]),
            TestSupport.securityGroup("sg-2", permissions: [TestSupport.permission(443, cidrs: ["0.0.0.0/0"])]),
        ])
        let timeline = injections.enumerated().map { i, at in
            TimelineEntry(
                at: at, resourceId: i % 2 == 0 ? "sg-1" : "sg-2",
                injection: .openIngress(protocol: "tcp", fromPort: 22, toPort: 22, cidr: "0.0.0.0/0"))
        }
        return Scenario(
            name: "ssh", inventory: inventory, policies: [policy],
            settings: EngineSettings(
                rules: [AlertRule(name: "r", autoRemediate: true, detection: detection)],
                apiLatency: .milliseconds(300), apiLatencyJitter: jitter),
            timeline: timeline, runFor: .hours(3), seed: seed)
    }

    /// An expectation on a resource that is not there says whether it went or was never made.
    @Test func aMissingResourceIsGoneOrNeverMade() throws {
        var scenario = try sshScenario(detection: .event(deliveryDelay: .seconds(90)))
        scenario.expectations = [
            Expectation(check: .compliant(resource: "sg-3", policies: [scenario.policies[0].id])),
            Expectation(check: .compliant(resource: "sg-1", policies: [scenario.policies[0].id])),
        ]
        let result = try Simulator(scenario: scenario).run()
        #expect(result.assertions.first?.found == "sg-3 was never made")
        #expect(result.assertions.last?.passed == true)
    }

    @Test func anInjectedViolationIsDetectedFixedAndMeasured() throws {
        let result = try Simulator(scenario: try sshScenario(detection: .event(deliveryDelay: .seconds(90)))).run()
        let v = try #require(result.violations.first)
        #expect(result.violations.count == 1)
        #expect(v.mttd == .seconds(90))
        #expect(v.exposure == .milliseconds(90_300), "exposure ends when the revoke lands")
        #expect(
            v.mttr == .milliseconds(180_300 - 90_000), "resolved when the remediation's own change event is evaluated")
        #expect(
            result.finalInventory["sg-1"]?.properties["IpPermissions"] == [
                TestSupport.permission(22, cidrs: ["10.0.0.0/8"])
            ])
        #expect(result.alerts.first?.status == .resolved)
    }

    @Test func pollModeDetectsAtTheNextScanAndVerifiesAtTheOneAfter() throws {
        let result = try Simulator(scenario: try sshScenario(detection: .poll(every: .minutes(30)))).run()
        let v = try #require(result.violations.first)
        #expect(v.mttd == .minutes(20), "injected at 10m, first scan after the start at 30m")
        #expect(v.mttr == .minutes(30))
        #expect(v.exposure == .milliseconds(20 * 60_000 + 300))
    }

    @Test func theSameSeedGivesTheSameRunAndAnotherSeedMayNot() throws {
        let injections: [SimDuration] = [.minutes(1), .minutes(2), .minutes(50), .minutes(51)]
        func run(_ seed: UInt64) throws -> ScenarioResult {
            try Simulator(
                scenario: try sshScenario(
                    detection: .event(deliveryDelay: .seconds(30)), seed: seed, jitter: .seconds(5),
                    injections: injections)
            ).run()
        }
        let a = try run(7)
        let b = try run(7)
        let c = try run(8)
        #expect(a.timeline == b.timeline)
        #expect(a.attempts == b.attempts)
        #expect(a.violations == b.violations)
        #expect(a.alerts == b.alerts)
        #expect(a.attempts.map(\.finishedAt) != c.attempts.map(\.finishedAt), "jitter is drawn from the seed")
    }

    @Test func percentilesUseTheNearestRank() {
        func violations(_ mttds: [Int64]) -> [Violation] {
            mttds.map {
                Violation(
                    policyId: "p", resourceId: "r", startedAt: Timestamp(milliseconds: 0),
                    detectedAt: Timestamp(milliseconds: $0))
            }
        }
        let s = MetricSummary(kind: .mttd, violations: violations(Array(1...20)))
        #expect(s.p50 == .milliseconds(10))
        #expect(s.p95 == .milliseconds(19))
        #expect(s.max == .milliseconds(20))
        #expect(s.mean == .milliseconds(10))
        let one = MetricSummary(kind: .mttd, violations: violations([7]))
        #expect(one.p95 == .milliseconds(7))
        var undetected = violations([5])
        undetected.append(Violation(policyId: "p", resourceId: "r2", startedAt: Timestamp(milliseconds: 0)))
        let partial = MetricSummary(kind: .mttd, violations: undetected)
        #expect(partial.count == 1)
        #expect(partial.unresolved == 1, "a violation never detected is counted, not dropped")
    }

    @Test func aTimelineEntryForADeletedResourceIsAnError() throws {
        var s = try sshScenario(detection: .event(deliveryDelay: .seconds(1)))
        s.timeline = [
            TimelineEntry(at: .minutes(1), resourceId: "sg-2", injection: .deleteResource, origin: "s.yaml:3:5"),
            TimelineEntry(
                at: .minutes(2), resourceId: "sg-2", injection: .removePublicAccessBlock, origin: "s.yaml:6:5"),
        ]
        #expect(
            throws: SimulationError.resourceDeleted(
                "sg-2", at: .minutes(1), deletedBy: "s.yaml:3:5", origin: "s.yaml:6:5")
        ) {
            try Simulator(scenario: s).run()
        }
    }

    /// The shipped scenario files, by name: one test case each, run concurrently.
    static let shippedScenarios: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: TestSupport.scenariosDirectory)) ?? [])
        .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }.sorted()

    /// Custodian's `notify` is recorded, with its recipients and transport, where the alert of its
    /// policy opens; nothing is sent.
    @Test func aCustodianNotifyIsRecordedWhereItsAlertOpens() throws {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let scenario = try loader.load(
            file: TestSupport.scenariosDirectory + "/custodian-policies-remediate-as-custodian-would.yaml")
        let result = try Simulator(scenario: scenario).run()
        let notifying = scenario.policies.filter { !$0.notifications.isEmpty }.map(\.id)
        #expect(!notifying.isEmpty)
        let opened = result.alerts.filter { notifying.contains($0.policyId) }
        #expect(!opened.isEmpty)
        for alert in opened {
            let at = try #require(alert.transitions.first?.at)
            let records = result.timeline.filter {
                $0.resourceId == alert.resourceId && $0.text.hasPrefix("alert \(alert.id) \(alert.policyId): notify ")
            }
            #expect(records.count == 1)
            #expect(records.first?.at == at)
            #expect(records.first?.text.contains("secops@example.com by sqs") == true)
            #expect(records.first?.text.hasSuffix("(recorded, not sent)") == true)
        }
    }

    @Test func theShippedScenariosAreThere() {
        #expect(Self.shippedScenarios.count >= 8)
    }

    @Test(arguments: shippedScenarios)
    func shippedScenarioPassesAndIsReproducible(file: String) throws {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let scenario = try loader.load(file: TestSupport.scenariosDirectory + "/" + file)
        let first = try Simulator(scenario: scenario).run()
        let second = try Simulator(scenario: scenario).run()
        for a in first.assertions where !a.passed {
            Issue.record("\(scenario.name): expected \(a.expected), found \(a.found)")
        }
        #expect(first.error == nil, "\(scenario.name) stopped: \(first.error ?? "")")
        #expect(first.timeline == second.timeline, "\(scenario.name) is not deterministic")
    }
}

/// `unchanged` catches a remediation that touches more than its own resource: the check a
/// policy author relies on to know a fix has no collateral.
struct UnchangedExpectationTests {
    /// Two functions with one name in two regions; the remediation, which also upgrades the
    /// runtime, names the function in us-east-1 by its name.
    func scenario(expect except: [String]) throws -> Scenario {
        func function(_ region: String) -> Resource {
            Resource(
                id: "arn:aws:lambda:\(region):1:function:f", type: "aws.lambda", account: "1", region: region,
                name: "f",
                properties: ["FunctionName": "f", "TracingConfig": ["Mode": "Active"]])
        }
        let policy = try TestSupport.policy(
            """
            version: 1
            id: tracing
            title: t
            resource: aws.lambda
            severity: low
            filters: [{key: TracingConfig.Mode, op: ne, value: Active}]
            remediation:
              steps:
                - operation: lambda:UpdateFunctionConfiguration
                  parameters: {FunctionName: "${resourceName}", TracingConfig: {Mode: Active}, Runtime: python3.13}
            """)
        let target = "arn:aws:lambda:us-east-1:1:function:f"
        return Scenario(
            name: "u", inventory: try Inventory([function("us-east-1"), function("eu-west-1")]), policies: [policy],
            settings: EngineSettings(rules: [
                AlertRule(name: "r", autoRemediate: true, detection: .event(deliveryDelay: .seconds(30)))
            ]),
            timeline: [
                TimelineEntry(
                    at: .minutes(5), resourceId: target,
                    injection: .patch(
                        set: [
                            PathAssignment(path: try ValuePath(parsing: "TracingConfig.Mode"), value: "PassThrough")
                        ], remove: []))
            ],
            runFor: .hours(1), expectations: [Expectation(check: .unchanged(except: except))])
    }

    @Test func onlyTheRemediatedResourceChanged() throws {
        let result = try Simulator(scenario: try scenario(expect: ["arn:aws:lambda:us-east-1:1:function:f"])).run()
        #expect(result.passed, "\(result.assertions)")
        #expect(
            result.finalInventory["arn:aws:lambda:eu-west-1:1:function:f"]?.properties["TracingConfig"] == [
                "Mode": "Active"
            ])
    }

    @Test func aChangeOutsideTheListFailsAndIsNamed() throws {
        let result = try Simulator(scenario: try scenario(expect: [])).run()
        let verdict = try #require(result.assertions.first)
        #expect(!verdict.passed)
        #expect(verdict.expected == "no resource changed")
        #expect(verdict.found == "1 changed: arn:aws:lambda:us-east-1:1:function:f (Runtime changed)")
    }
}

/// `--shard I/N` deals a suite in turn: every scenario in exactly one part, parts within one of
/// each other in size, and only `I/N` with 1 ≤ I ≤ N accepted.
struct ShardTests {
    @Test func everyItemIsInExactlyOneShardAndTheShardsAreEven() {
        for count in 1...9 {
            for size in 0...40 {
                let items = Array(0..<size)
                let parts = (1...count).map { Shard(index: $0, count: count).select(items) }
                #expect(parts.flatMap { $0 }.sorted() == items)
                let sizes = parts.map(\.count)
                #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
            }
        }
    }

    @Test func onlyIOfNIsAShard() {
        #expect(Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        #expect(Shard(parsing: "1/1") == Shard(index: 1, count: 1))
        for bad in ["0/4", "5/4", "2/0", "2", "2/4/1", "a/b", "-1/3", "/3", ""] {
            #expect(Shard(parsing: bad) == nil, "\(bad)")
        }
    }
}
