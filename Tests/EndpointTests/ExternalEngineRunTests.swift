import CloudModel
import Foundation
import Loading
import PolicyPack
import Simulation
import TestSupport
import Testing

@testable import Endpoint

/// Scenarios whose remediation engine is another program, run as `remsim run --allow-engines`
/// runs them: the shipped worked examples with their real programs (Cloud Custodian, a script
/// of AWS CLI calls), and what a misbehaving program does to its scenario's result.
struct ExternalEngineRunTests {
    static let custodianFolder: String? = ProcessInfo.processInfo.environment["REMSIM_CUSTODIAN"].map {
        ($0 as NSString).deletingLastPathComponent
    }
    /// The examples that close SSH on one group (a Config-change handler among them: the
    /// Custodian environment's python has boto3).
    static let examples = [
        "custodian-closes-ssh-opened-to-the-world", "cli-script-closes-ssh-opened-to-the-world",
        "handler-config-change-closes-ssh", "handler-s3-report-closes-ssh",
    ]

    static func load(_ file: String) throws -> Scenario {
        try ScenarioLoader(pack: BuiltinPolicies.source).load(file: file)
    }

    static func run(_ scenario: Scenario) throws -> (Simulated, [ExternalEngineRun.RunRecord]) {
        var run = ExternalEngineRun(scenario: scenario)
        run.searchPath = custodianFolder.map { [$0] } ?? []
        run.timeout = .seconds(120)
        return try run.runRecording()
    }

    @Test(
        .enabled(if: ServedEndpoint.tools && custodianFolder != nil, "aws or REMSIM_CUSTODIAN is missing"),
        arguments: examples)
    func theWorkedExamplesPassWithTheirRealPrograms(_ name: String) throws {
        let scenario = try Self.load("\(TestSupport.scenariosDirectory)/engines/\(name).yaml")
        let (simulated, runs) = try Self.run(scenario)
        let result = simulated.result
        #expect(result.error == nil)
        for assertion in result.assertions where !assertion.passed {
            Issue.record("\(assertion.expected): \(assertion.found)")
        }
        #expect(!result.assertions.isEmpty)
        #expect(runs.allSatisfy { $0.status == 0 }, "\(runs.map { "\($0.engine): \($0.lastError)" })")
        // One run changed the group, at a simulated time after the injection, as the engine.
        let changing = runs.filter { $0.calls > 0 }
        #expect(changing.count == 1)
        let engine = try #require(scenario.settings.external.first?.name)
        #expect(result.timeline.contains { $0.kind == .call && $0.text.hasSuffix("(by \(engine))") })
        #expect(result.outsideCalls.map(\.actor) == [engine])
        #expect(result.outsideCalls.map(\.operation) == ["ec2:RevokeSecurityGroupIngress"])
        let failed = result.outsideCalls.filter { !$0.outcome.isSuccess }
        #expect(failed.isEmpty)
        #expect(result.timeline.contains { $0.kind == .violationEnded && $0.resourceId == "sg-0a1b2c3d4e5f61001" })
    }

    /// A scenario over one security group whose only engine is `command` (none when nil), with
    /// `timeline` as its timeline's entries.
    static func scenario(command: String?, every: String = "10m", timeline: String = "") throws -> Scenario {
        let dir = try TestSupport.temporaryDirectory()
        try TestSupport.write(
            """
            version: 1
            resources:
              - id: sg-0000000000000001
                type: aws.security-group
                account: "111111111111"
                region: us-east-1
                name: web
                properties:
                  GroupId: sg-0000000000000001
                  GroupName: web
                  IpPermissions: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, IpRanges: [{CidrIp: 0.0.0.0/0}]}]
            """, to: "fixtures.yaml", in: dir)
        let file = try TestSupport.write(
            """
            version: 1
            name: misbehaving-engine
            fixtures: [fixtures.yaml]
            policies: [builtin:aws-sg-ssh-open-to-world]
            engine:
              alert-rules:
                - {name: detect, policies: [aws-sg-ssh-open-to-world], auto-remediate: false, detection: {mode: poll, every: 5m}}
            \(command.map { "  external: [{name: misbehaving, command: \($0), every: \(every)}]" } ?? "")
            \(timeline.isEmpty ? "" : "timeline:\n" + timeline)
            run-for: 25m
            """, to: "scenario.yaml", in: dir)
        return try load(file)
    }

    @Test func aProgramThatFailsFailsItsScenarioAndTheStorySaysHow() throws {
        let scenario = try Self.scenario(command: #"[sh, -c, "echo looking >&2; echo 'no credentials' >&2; exit 3"]"#)
        let (simulated, runs) = try Self.run(scenario)
        #expect(runs.map(\.status) == [3, 3])
        #expect(runs.map { $0.at - scenario.start } == [.minutes(10), .minutes(20)])
        let failed = simulated.result.assertions.filter { !$0.passed }
        #expect(failed.map(\.expected) == ["misbehaving exits 0 each time it runs"])
        #expect(failed.first?.found == "it exited 3 at +10m, +20m: no credentials")
        #expect(!simulated.result.passed)
        #expect(
            simulated.result.timeline.contains {
                $0.kind == .failure && $0.text == "misbehaving exited 3: no credentials"
            })
    }

    @Test(.enabled(if: ServedEndpoint.tools, "the AWS CLI is missing"))
    func aRequestTheEndpointDoesNotServeFailsTheScenarioNamingIt() throws {
        let scenario = try Self.scenario(command: "[sh, -c, \"aws ec2 describe-key-pairs || true\"]", every: "20m")
        let (simulated, runs) = try Self.run(scenario)
        #expect(runs.map(\.status) == [0])
        let failed = simulated.result.assertions.filter { !$0.passed }
        #expect(failed.map(\.found) == ["not served: ec2:DescribeKeyPairs"])
        #expect(
            simulated.result.timeline.contains {
                $0.text == "misbehaving asked for ec2:DescribeKeyPairs: operation not served"
            })
    }

    @Test func theClockStandsStillButForEachRequestsLatency() throws {
        let scenario = try Self.scenario(command: #"[sh, -c, "sleep 1"]"#, every: "20m")
        let (simulated, runs) = try Self.run(scenario)
        // A wall-clock second of the program's is no simulated time: it made no request.
        #expect(runs.map { $0.at - scenario.start } == [.minutes(20)])
        let finished = simulated.result.timeline.first { $0.text.hasPrefix("misbehaving finished") }
        #expect(finished.map { $0.at - scenario.start } == .minutes(20))
    }

    @Test(arguments: [
        ("command: ''", "the command is empty"),
        ("command: 'a; b'", "one command, run without a shell"),
        ("command: x\n      environment: {AWS_ENDPOINT_URL: http://example.com}", "AWS_ENDPOINT_URL is set by remsim"),
        ("command: x\n      first: 2h", "the first run at 2h is after the end of the run"),
        ("command: x\n      shell: bash", "shell"),
        ("command: x\n      handler: h.py:handler", "an engine is a command or a handler, not both"),
        ("command: x\n      event: scheduled", "'event' is for a handler"),
        ("handler: h.py", "a handler is 'file.py:function'"),
        ("handler: h.py:not-a-name", "'not-a-name' is not a Python function name"),
        ("handler: nowhere.py:handler", "the handler's file nowhere.py is not there"),
        ("environment: {}", "an engine needs 'command' or 'handler'"),
        ("command: x\n      disruption: {mode: approve}", "cannot wait for approval"),
        ("command: x\n      bucket: b", "'bucket' is for a handler"),
    ])
    func badEnginesAreRefusedWhereTheyAreWritten(_ lines: String, _ message: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try TestSupport.write(
            """
            version: 1
            name: bad-engine
            fixtures: [\(TestSupport.fixturesDirectory)]
            policies: [builtin:aws-sg-ssh-open-to-world]
            engine:
              alert-rules:
                - {name: detect, policies: [aws-sg-ssh-open-to-world], auto-remediate: false, detection: {mode: poll, every: 5m}}
              external:
                - name: bad
                  every: 10m
                  \(lines)
            run-for: 1h
            """, to: "scenario.yaml", in: dir)
        #expect {
            try ScenarioLoader(pack: BuiltinPolicies.source, paths: .anywhere).load(file: file)
        } throws: { error in
            let text = "\(error)"
            return text.contains(message) && text.contains("scenario.yaml:")
        }
    }
}

extension ExternalEngineRunTests {
    @Test func aScriptOutsideTheScenariosTreeIsRefusedUnread() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write("echo outside", to: "outside.sh", in: dir)
        try FileManager.default.createDirectory(atPath: dir + "/tree/.git", withIntermediateDirectories: true)
        let file = try TestSupport.write(
            """
            version: 1
            name: outside
            fixtures: [\(TestSupport.fixturesDirectory)]
            policies: [builtin:aws-sg-ssh-open-to-world]
            engine:
              alert-rules:
                - {name: detect, policies: [aws-sg-ssh-open-to-world], auto-remediate: false, detection: {mode: poll, every: 5m}}
              external:
                - {name: outside, command: [sh, ../outside.sh], every: 10m}
            run-for: 1h
            """, to: "tree/scenario.yaml", in: dir)
        #expect {
            try ScenarioLoader(
                pack: BuiltinPolicies.source,
                paths: .directories([dir + "/tree", TestSupport.fixturesDirectory])
            ).load(file: file)
        } throws: { error in
            let text = "\(error)"
            return text.contains("scenario.yaml:9:32: engine.external[0].command:") && text.contains("outside.sh")
                && text.contains("is outside") && !text.contains("echo outside")
        }
    }
}

extension ExternalEngineRunTests {
    /// Reads on the wire see what the engine's reads see: under an eventual-consistency fault, a
    /// program's own write is not visible until the lag has passed.
    @Test func aReadOnTheWireLagsAWriteAsTheScenariosFaultSays() throws {
        let scenario = try Self.scenario(
            command: nil,
            timeline: "  - {at: 0s, fault: {kind: eventual-consistency, lag: 5m, scope: {services: [ec2]}}}")
        let live = try LiveCloud(scenario: scenario)
        live.withState { try? $0.session.advance(to: $0.session.now + .seconds(1)) }  // the fault is on
        let endpoint = AWSEndpoint(defaultAccount: "111111111111")
        let describe = TestEndpoint.ec2("Action=DescribeSecurityGroups&GroupId.1=sg-0000000000000001")
        func openToTheWorld() -> Bool { live.respond(to: describe, with: endpoint).text.contains("0.0.0.0/0") }
        let revoke = live.respond(
            to: TestEndpoint.ec2(
                "Action=RevokeSecurityGroupIngress&GroupId=sg-0000000000000001&IpProtocol=tcp&FromPort=22&ToPort=22"
                    + "&CidrIp=0.0.0.0%2F0"),
            with: endpoint)
        #expect(revoke.status == 200, "\(revoke.text)")
        // The cloud changed at once; a read does not see it for five minutes.
        #expect(live.withState { $0.session.inventory["sg-0000000000000001"]?.properties["IpPermissions"] } == [])
        #expect(openToTheWorld())
        live.withState { try? $0.session.advance(to: $0.session.now + .minutes(4)) }
        #expect(openToTheWorld())
        live.withState { try? $0.session.advance(to: $0.session.now + .minutes(2)) }
        #expect(!openToTheWorld())
    }
}
