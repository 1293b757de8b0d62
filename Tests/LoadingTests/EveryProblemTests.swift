import Foundation
import Loading
import PolicyPack
import TestSupport
import Testing

/// `validate` reports every problem in every file, like a compiler: each top-level key, policy,
/// alert rule, timeline entry, expectation and fixture resource is read on its own, and what only
/// echoes another problem is not reported.
struct EveryProblemTests {
    static let scenario = """
        version: 1
        name: multi
        fixtures: [../Fixtures/net.yaml]
        policies: [builtin:aws-sg-ssh-open-to-world, ../pol/bad.yaml]
        colour: blue
        engine:
          api-latency: 3 seconds
          alert-rules:
            - name: r1
              policies: [aws-sg-ssh-open-to-world, one-in-the-bad-file]
              auto-remediate: yes-please
              detection: {mode: event}
            - name: r2
              detection: {mode: pol}
        timeline:
          - at: 10m
            inject: open-ingress
            resource: sg-nope
            with: {port: 22, cidr: 0.0.0.0/0}
          - at: 20m
            inject: open-ingres
            resource: sg-1
          - at: 30m
            disable-rule: r2
        run-for: 2h
        expect:
          - resource: sg-1
            compliant-with: [one-in-the-bad-file]
          - alert: {policy: aws-sg-ssh-open-to-world, resource: sg-1}
            status: resolvd
        """

    static let policies = """
        version: 1
        policies:
          - id: one-in-the-bad-file
            title: t
            resource: aws.s3
            severity: hgh
            filters:
              - {key: x, op: eqq, value: 1}
            colour: red
          - id: b bad
            title: t
            resource: aws.s4
            severity: high
            filters: [{key: y, op: eq, value: 1}]
        """

    static let fixture = BadInputTests.fixture

    func problems(scenario: String = Self.scenario, fixture: String = Self.fixture) throws -> [String] {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(scenario, to: "Scenarios/multi.yaml", in: dir)
        try TestSupport.write(Self.policies, to: "pol/bad.yaml", in: dir)
        try TestSupport.write(fixture, to: "Fixtures/net.yaml", in: dir)
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .anywhere)
        let (loaded, problems) = loader.loadReportingAll(file: dir + "/Scenarios/multi.yaml")
        #expect(loaded == nil)
        return problems.map { e in
            "\((e.file as NSString).lastPathComponent):\(e.line ?? 0): \(e.keyPath)"
        }
    }

    @Test func everyProblemOfAScenarioAndThePolicyFileItNamesInFileOrder() throws {
        let found = try problems()
        #expect(
            found == [
                "multi.yaml:5: colour",
                "multi.yaml:7: engine.api-latency",
                "multi.yaml:11: engine.alert-rules[0].auto-remediate",
                "multi.yaml:14: engine.alert-rules[1].detection.mode",
                "multi.yaml:18: timeline[0].resource",
                "multi.yaml:21: timeline[1].inject",
                "multi.yaml:30: expect[1].status",
                // The policy file: its problems, each policy and each key read on its own.
                "bad.yaml:6: policies[0].severity",
                "bad.yaml:8: policies[0].filters[0].op",
                "bad.yaml:9: policies[0].colour",
                "bad.yaml:10: policies[1].id",
                "bad.yaml:12: policies[1].resource",
            ], "\(found)")
        // Not reported, as echoes of problems above: `one-in-the-bad-file` named by a rule and an
        // expectation (its file could not be read), `disable-rule: r2` (r2 could not be read).
    }

    @Test func whenTheFixturesCannotBeLoadedTheirEveryProblemIsReportedAndNothingThatNamesAResource() throws {
        let fixture =
            Self.fixture + """

                  - id: sg-2
                    type: aws.security-grup
                  - id: sg-1
                    type: aws.security-group
                    colour: red
                """
        let found = try problems(fixture: fixture)
        #expect(found.contains("net.yaml:9: resources[1].type"))
        #expect(found.contains("net.yaml:12: resources[2].colour"))
        #expect(!found.contains { $0.contains("timeline[") || $0.contains("expect[") })
        #expect(found.contains("multi.yaml:7: engine.api-latency"))
    }

    @Test func aFileWithVeryManyProblemsShowsAHundredAndCountsTheRest() throws {
        var fixture = Self.fixture
        for i in 0..<150 { fixture += "\n  - {id: bad-\(i), type: aws.nope}" }
        let found = try problems(fixture: fixture)
        #expect(found.filter { $0.hasPrefix("net.yaml") }.count == 101)
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(fixture, to: "f.yaml", in: dir)
        let (inventory, problems) = FixtureLoader.loadReportingAll(paths: [dir + "/f.yaml"])
        #expect(inventory == nil)
        #expect(problems.count == 101 && problems.last?.message == "50 more problems not shown")
    }

    @Test func aValidScenarioHasNoProblemAndLoadsAsBefore() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .anywhere)
        let file = TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml"
        let (loaded, problems) = loader.loadReportingAll(file: file)
        #expect(problems.isEmpty)
        let scenario = try #require(loaded)
        #expect(scenario.timeline.count == 1 && scenario.expectations.count > 3)
        #expect(try loader.load(file: file).expectations.count == scenario.expectations.count)
    }
}
