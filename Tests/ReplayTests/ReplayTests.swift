import CloudModel
import CloudOperations
import Foundation
import Loading
import PolicyPack
import RemediationEngine
import Simulation
import TestSupport
import Testing

@testable import Replay

struct ReplayEndpointTests {
    @Test(arguments: ["http://127.0.0.1:5000", "http://localhost:4566", "http://[::1]:5000", "https://127.1.2.3"])
    func loopbackEndpointsAreAccepted(_ url: String) throws {
        _ = try ReplayEndpoint(url, allowRemote: false)
    }

    @Test(arguments: ["https://ec2.us-east-1.amazonaws.com", "http://10.0.0.5:5000", "http://127.0.0.1.example.com"])
    func otherEndpointsNeedTheFlag(_ url: String) throws {
        #expect(throws: ReplayEndpoint.Problem.self) { try ReplayEndpoint(url, allowRemote: false) }
        _ = try ReplayEndpoint(url, allowRemote: true)
    }

    @Test func notAURLIsSaidSo() {
        #expect(throws: ReplayEndpoint.Problem.notAURL("localhost")) {
            try ReplayEndpoint("localhost", allowRemote: false)
        }
    }
}

/// Replays against moto's server, started on a free loopback port for each test (moto and the
/// AWS CLI from PyPI; CI installs them).
struct MotoReplayTests {
    static let tools: Bool = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return ["moto_server", "aws"].allSatisfy { name in
            paths.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
        }
    }()

    @Test func motoIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_MOTO"] == "1" {
            #expect(Self.tools, "REMSIM_REQUIRE_MOTO=1 but moto_server or aws is not on the PATH")
        }
    }

    func withMoto<T>(_ body: (AWSCLI) throws -> T) throws -> T { try MotoServer.run { cli, _ in try body(cli) } }

    func scenario(_ name: String) throws -> Scenario {
        try ScenarioLoader(builtins: try BuiltinPolicies.load()).load(
            file: TestSupport.scenariosDirectory + "/\(name).yaml")
    }

    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func aSecurityGroupRemediationEndsAsSimulatedAndTheReplayCleansUp() throws {
        try withMoto { cli in
            let outcome = Replay(scenario: try scenario("ssh-opened-to-world-is-closed"), cli: cli, replayId: "t1")
                .run()
            #expect(outcome.status == .matched, "\(outcome.differences)")
            #expect(Array(outcome.compared.prefix(2)) == ["vpc-01a11bb22cc33dd44", "sg-0a1b2c3d4e5f61001"])
            #expect(outcome.commands.count == 1 && outcome.commands[0].contains("revoke-security-group-ingress"))
            #expect(!outcome.commands[0].contains("sg-0a1b2c3d4e5f61001"), "the command names the endpoint's group")
            #expect(outcome.cleanup.isEmpty)
            // The group of the same name in eu-west-1, untouched, and its VPC.
            #expect(outcome.untouched == ["sg-0a1b2c3d4e5f62001"] && outcome.compared.count == 4, "\(outcome.compared)")
            let left = try cli.run([
                "--region", "us-east-1", "ec2", "describe-security-groups", "--filters",
                "Name=tag:remsim-replay,Values=t1",
            ])
            #expect(left["SecurityGroups"]?.arrayValue?.isEmpty == true, "what the replay made is gone")
        }
    }

    /// A simulator whose model of RevokeSecurityGroupIngress were wrong (here: it also removed
    /// the bastion range) is caught: the endpoint keeps the range, and the replay says where.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func aWrongSimulatorModelIsReportedPropertyByProperty() throws {
        let s = try scenario("ssh-opened-to-world-is-closed")
        var wrong = try Simulator(scenario: s).runTraced()
        var group = try #require(wrong.result.finalInventory["sg-0a1b2c3d4e5f61001"])
        let rules = (group.properties["IpPermissions"]?.arrayValue ?? []).filter { $0["FromPort"] != 22 }
        group.properties = group.properties.setting("IpPermissions", to: .array(rules))
        wrong.result.finalInventory.upsert(group)
        try withMoto { cli in
            let outcome = Replay(scenario: s, cli: cli, replayId: "t2").run(simulated: wrong)
            #expect(outcome.status == .differed)
            let difference = try #require(outcome.differences.first)
            #expect(outcome.differences.count == 1)
            #expect(difference.resourceId == "sg-0a1b2c3d4e5f61001" && difference.property == "IpPermissions")
            #expect(difference.endpoint.arrayValue?.contains("tcp 22-22 10.0.0.0/8") == true, "\(difference)")
            #expect(difference.simulated.arrayValue?.contains("tcp 22-22 10.0.0.0/8") == false)
        }
    }

    /// The simulated cloud given a wrong model of one operation (revoking one ingress rule
    /// removes them all) predicts an end state the endpoint does not reach, and the replay says
    /// which group and which rules.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func aWrongModelOfOneOperationIsCaught() throws {
        let s = try scenario("ssh-opened-to-world-is-closed")
        var revoke = try #require(OperationCatalog.spec(named: "ec2:RevokeSecurityGroupIngress"))
        revoke.effect = .setValue("IpPermissions", [])
        var simulator = Simulator(scenario: s)
        simulator.models = [revoke.name: revoke]
        let wrong = try simulator.runTraced()
        #expect(
            wrong.result.finalInventory["sg-0a1b2c3d4e5f61001"]?.properties["IpPermissions"] == [],
            "the wrong model is used")
        try withMoto { cli in
            let outcome = Replay(scenario: s, cli: cli, replayId: "t16").run(simulated: wrong)
            #expect(outcome.status == .differed)
            #expect(outcome.differences.count == 1, "\(outcome.differences)")
            let difference = try #require(outcome.differences.first)
            #expect(difference.resourceId == "sg-0a1b2c3d4e5f61001" && difference.property == "IpPermissions")
            #expect(
                difference.simulated == [] && difference.endpoint.arrayValue?.contains("tcp 22-22 10.0.0.0/8") == true,
                "\(difference)")

            let right = Replay(scenario: s, cli: cli, replayId: "t17").run()
            #expect(right.status == .matched, "the catalog's model matches")
        }
    }

    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func whatCannotBeReplayedSaysWhy() throws {
        try withMoto { cli in
            let lambda = Replay(scenario: try scenario("lambda-tracing-switched-back-on"), cli: cli, replayId: "t3")
                .run()
            guard case .notReplayable(let reason) = lambda.status else {
                Issue.record("replayed")
                return
            }
            #expect(
                reason.hasPrefix(
                    "the endpoint does not support lambda:UpdateFunctionConfiguration with TracingConfig: moto "
                        + "5.2.1 ignores"
                ), "\(reason)")
            let deleted = Replay(
                scenario: try scenario("resource-deleted-during-remediation"), cli: cli, replayId: "t4"
            ).run()
            guard case .notReplayable(let why) = deleted.status else {
                Issue.record("replayed")
                return
            }
            #expect(
                why.contains("'fault delete-during-remediation', which deletes a resource while a call is under way"),
                "\(why)")
        }
    }

    /// Buckets logging to a log bucket are made in their pre-remediation state (the log bucket
    /// first, writable by S3's log delivery), fixed by the real command, compared, and deleted
    /// with the access logs S3 delivered to them. A bucket of the same name already on the
    /// endpoint is never taken over: the replay stops before creating anything, and it stays.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func bucketsAreMadeComparedAndDeletedButNeverTakenOver() throws {
        try withMoto { cli in
            let s = try scenario("incident-website-bucket-closed-with-warnings")
            let outcome = Replay(scenario: s, cli: cli, replayId: "t5").run()
            #expect(outcome.status == .matched, "\(outcome.differences)")
            #expect(outcome.compared.first == "acme-logs", "the log bucket is made first")
            #expect(
                outcome.commands.count == 2 && outcome.commands.allSatisfy { $0.contains("put-public-access-block") })
            #expect(outcome.cleanup.isEmpty, "\(outcome.cleanup)")
            #expect(try cli.run(["s3api", "list-buckets"])["Buckets"]?.arrayValue?.isEmpty == true)

            try cli.run(["s3api", "create-bucket", "--bucket", "acme-logs"])
            let again = Replay(scenario: s, cli: cli, replayId: "t6").run()
            #expect(
                again.status
                    == .notReplayable(
                        "the bucket 'acme-logs' already exists on the endpoint, and a replay touches only what "
                            + "it creates"
                    ))
            let names = try cli.run(["s3api", "list-buckets"])["Buckets"]?.arrayValue?.compactMap {
                $0["Name"]?.stringValue
            }
            #expect(names == ["acme-logs"], "nothing else was created, and the bucket that was there stays")
        }
    }

    /// A simulator that predicted the revoke to fail (as if the rule were not there) is caught
    /// when the endpoint carries it out; calls a throttling fault failed are not made at all.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func predictedFailuresMustFailAndFaultedCallsAreNotMade() throws {
        let s = try scenario("ssh-opened-to-world-is-closed")
        var wrong = try Simulator(scenario: s).runTraced()
        wrong.result.attempts[0].outcome = .failed(
            code: "InvalidPermission.NotFound", message: "The specified rule does not exist in this security group.")
        let throttled = try scenario("throttled-calls-retry-with-backoff")
        let simulatedThrottling = try Simulator(scenario: throttled).runTraced()
        #expect(!simulatedThrottling.trace.faultedCalls.isEmpty, "the scenario throttles some calls")
        try withMoto { cli in
            let outcome = Replay(scenario: s, cli: cli, replayId: "t7").run(simulated: wrong)
            #expect(outcome.status == .differed)
            #expect(
                outcome.differences.contains {
                    $0.property.hasSuffix("(ec2 revoke-security-group-ingress)")
                        && $0.simulated == "failed: InvalidPermission.NotFound" && $0.endpoint == "succeeded"
                },
                "\(outcome.differences)")
            let replayed = Replay(scenario: throttled, cli: cli, replayId: "t8").run(simulated: simulatedThrottling)
            #expect(replayed.status == .matched, "\(replayed.differences)")
            #expect(
                replayed.commands.count == simulatedThrottling.result.attempts.count
                    - simulatedThrottling.trace.faultedCalls.count)
        }
    }
    /// What `aws --version` prints (version 1 prints it on standard error).
    func awsVersion() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["aws", "--version"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The Python CLI's driver, loaded once, answers as an `aws` process per call does: the same
    /// JSON, the same exit status and error message, each call with its own region.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func theDriverLoadedOnceAnswersAsAProcessPerCall() throws {
        try withMoto { cli in
            // The AWS CLI from PyPI (version 1, a Python script, here or behind a pyenv shim) is
            // recognised; version 2 is a program of its own and runs once per call.
            let version = try awsVersion()
            let pythonCLI =
                version.hasPrefix("aws-cli/1.") || ProcessInfo.processInfo.environment["REMSIM_REQUIRE_MOTO"] == "1"
            if pythonCLI {
                #expect(cli.loadsTheDriverOnce, "aws from PyPI is recognised: \(version)")
            }
            let wrapper = try wrappedAWS("")
            defer { try? FileManager.default.removeItem(atPath: wrapper) }
            var perCall = cli
            perCall.program = wrapper
            #expect(!perCall.loadsTheDriverOnce, "a wrapper script runs once per call")
            try cli.run(["--region", "eu-west-1", "ec2", "create-vpc", "--cidr-block", "10.9.0.0/16"])
            for region in ["eu-west-1", "us-east-1"] {
                let once = try cli.run([
                    "--region", region, "ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.9.0.0/16",
                ])
                let each = try perCall.run([
                    "--region", region, "ec2", "describe-vpcs", "--filters", "Name=cidr,Values=10.9.0.0/16",
                ])
                #expect(once == each)
                #expect(once["Vpcs"]?.arrayValue?.count == (region == "eu-west-1" ? 1 : 0))
            }
            let missing = [
                "--region", "us-east-1", "ec2", "describe-security-groups", "--group-ids", "sg-00000000000000000",
            ]
            var failures: [AWSCLI.Failure] = []
            for c in [cli, perCall] {
                do throws(AWSCLI.Failure) { try c.run(missing) } catch { failures.append(error) }
            }
            #expect(
                failures.count == 2 && failures[0].status == failures[1].status
                    && failures[0].message == failures[1].message, "\(failures)")
            #expect(failures.first?.message.contains("InvalidGroup.NotFound") == true)

            // A driver that dies makes the calls fail, with a message, and remsim goes on.
            guard pythonCLI else { return }
            let pid = try #require(cli.driver?.processIdentifier)
            kill(pid, SIGKILL)
            for _ in 0..<2 {
                do throws(AWSCLI.Failure) {
                    try cli.run(["--region", "us-east-1", "sts", "get-caller-identity"])
                    Issue.record("a call succeeded without its driver")
                } catch {
                    #expect(error.message.contains("driver"), "\(error.message)")
                }
            }
        }
    }

    /// Injections after the first call are made on the endpoint where they came in the
    /// simulation: between the calls. The RDP scenario opens 3389 on a second group (to ::/0)
    /// after the first revoke has landed, and the second revoke must find that rule there.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func theTimelinesChangesComeBetweenTheCalls() throws {
        let s = try scenario("rdp-opened-to-world-is-closed")
        let simulated = try Simulator(scenario: s).runTraced()
        let first = try #require(simulated.result.attempts.map(\.startedAt).min())
        let later = simulated.trace.timelineChanges.filter { $0.at > first }
        #expect(later.count == 1 && later[0].callsLanded == 1, "the second opening comes after the first call landed")
        try withMoto { cli in
            let outcome = Replay(scenario: s, cli: cli, replayId: "t10").run(simulated: simulated)
            #expect(outcome.status == .matched, "\(outcome.differences)")
            #expect(outcome.changes == ["\(later[0].actor) changed \(later[0].resourceId)"])
            #expect(
                outcome.commands.count == 2
                    && outcome.commands.allSatisfy { $0.contains("revoke-security-group-ingress") })

            // Without the change between the calls, the second revoke finds nothing to revoke:
            // the endpoint refuses it where the simulation had it succeed.
            var without = simulated
            without.trace.timelineChanges.removeAll { $0.at > first }
            let missing = Replay(scenario: s, cli: cli, replayId: "t11").run(simulated: without)
            #expect(missing.status == .differed)
            #expect(
                missing.differences.contains { $0.property.hasPrefix("call ") && $0.simulated == "succeeded" },
                "\(missing.differences)")
        }
    }

    /// A change between the calls to a type the replay cannot change on an endpoint stops the
    /// replay with the reason (never a silent pass), and what was made is deleted.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func aChangeTheReplayCannotMakeIsSaidSo() throws {
        var s = try scenario("rds-made-public-is-made-private")
        s.timeline.append(
            TimelineEntry(
                at: .seconds(90 * 60), resourceId: "prod-orders-use1",
                injection: .patch(
                    set: [PathAssignment(path: try ValuePath(parsing: "MultiAZ"), value: false)], remove: []),
                actor: "dba"))
        try withMoto { cli in
            let outcome = Replay(scenario: s, cli: cli, replayId: "t18").run()
            #expect(
                outcome.status
                    == .notReplayable(
                        "its timeline changes prod-orders-use1 between the calls, and remsim does not yet change "
                            + "a aws.rds on an endpoint"
                    ),
                "\(outcome.status)")
            #expect(outcome.cleanup.isEmpty, "\(outcome.cleanup)")
            let left =
                try cli.run(["--region", "us-east-1", "rds", "describe-db-instances"])["DBInstances"]?.arrayValue ?? []
            #expect(left.isEmpty, "what the replay made is gone")
        }
    }

    /// A call that changes more than its target (here an `aws` that also opens port 9999 on every
    /// other group the replay made) is caught on an untouched group next to the target.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func aCallThatAlsoChangesAnotherResourceIsCaughtOnAnUntouchedOne() throws {
        try withMoto { cli in
            let url = try #require(cli.endpoint.url?.absoluteString)
            let program = try wrappedAWS(
                """
                *revoke-security-group-ingress*)
                  aws "$@" || exit $?
                  for r in us-east-1 eu-west-1 us-west-2; do
                    for g in $(aws --endpoint-url \(url) --region $r ec2 describe-security-groups --filters Name=tag-key,Values=remsim-replay --query 'SecurityGroups[].GroupId' --output text); do
                      case " $* " in *" $g "*) continue;; esac
                      aws --endpoint-url \(url) --region $r ec2 authorize-security-group-ingress --group-id "$g" --protocol tcp --port 9999 --cidr 0.0.0.0/0 >/dev/null 2>&1
                    done
                  done
                  exit 0;;
                """)
            defer { try? FileManager.default.removeItem(atPath: program) }
            var wrapped = cli
            wrapped.program = program
            let s = try scenario("ssh-opened-to-world-is-closed")
            let clean = Replay(scenario: s, cli: cli, replayId: "t12").run()
            #expect(clean.status == .matched, "\(clean.differences)")
            let neighbour = try #require(clean.untouched.first, "an untouched group is made next to the target")
            #expect(clean.untouched.count == 1 && s.inventory[neighbour]?.type == "aws.security-group")

            let outcome = Replay(scenario: s, cli: wrapped, replayId: "t13").run()
            #expect(outcome.status == .differed)
            #expect(outcome.differences.map(\.resourceId) == [neighbour], "\(outcome.differences)")
            #expect(outcome.differences.first?.endpoint.arrayValue?.contains("tcp 9999-9999 0.0.0.0/0") == true)

            var none = Replay(scenario: s, cli: wrapped, replayId: "t14")
            none.untouched = .neighbours(0)
            #expect(none.run().status == .matched, "with no untouched resource made, nothing sees the side effect")
        }
    }

    /// `--untouched all` makes every resource of the fixtures remsim can make: here the group, its
    /// VPC, an encrypted EBS volume and an IAM role, all compared and all deleted afterwards.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func everyUntouchedResourceIsMadeComparedAndDeleted() throws {
        var s = try scenario("ssh-opened-to-world-is-closed")
        let kept = [
            "sg-0a1b2c3d4e5f61001", "vpc-01a11bb22cc33dd44", "vol-05697aacd3527285d",
            "iam-role/111111111111/prod-lambda-exec",
        ]
        s.inventory = try Inventory(s.inventory.all.filter { kept.contains($0.id) })
        try #require(s.inventory.all.count == 4, "the fixtures hold the four")
        try withMoto { cli in
            var replay = Replay(scenario: s, cli: cli, replayId: "t15")
            replay.untouched = .all
            let outcome = replay.run()
            #expect(outcome.status == .matched, "\(outcome.differences) \(outcome.leftOut)")
            #expect(Set(outcome.untouched) == ["vol-05697aacd3527285d", "iam-role/111111111111/prod-lambda-exec"])
            #expect(outcome.cleanup.isEmpty, "\(outcome.cleanup)")
            let volumes = try cli.run([
                "--region", "us-east-1", "ec2", "describe-volumes", "--filters", "Name=tag-key,Values=remsim-replay",
            ])
            #expect(volumes["Volumes"]?.arrayValue?.isEmpty == true)
            let roles = try cli.run(["iam", "list-roles"])["Roles"]?.arrayValue?.compactMap {
                $0["RoleName"]?.stringValue
            }
            #expect(roles?.contains("prod-lambda-exec") == false)
        }
    }

    /// An `aws` that behaves as `behaviour` (a shell `case` on the arguments) before running the
    /// real one.
    func wrappedAWS(_ behaviour: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aws-\(UUID().uuidString)").path
        try "#!/bin/sh\ncase \"$*\" in\n\(behaviour)\nesac\nexec aws \"$@\"\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// A deletion the endpoint refuses is reported, not lost.
    @Test(.enabled(if: tools, "moto_server and aws are not on the PATH (pip install 'moto[server]' awscli)"))
    func whatCouldNotBeDeletedIsReported() throws {
        let program = try wrappedAWS(
            "*delete-security-group*) echo 'An error occurred (DependencyViolation) when calling the "
                + "DeleteSecurityGroup operation: in use' >&2; exit 254;;"
        )
        defer { try? FileManager.default.removeItem(atPath: program) }
        try withMoto { cli in
            var wrapped = cli
            wrapped.program = program
            let outcome = Replay(scenario: try scenario("ssh-opened-to-world-is-closed"), cli: wrapped, replayId: "t9")
                .run()
            #expect(outcome.status == .matched)
            // The group and the untouched one next to it.
            #expect(outcome.cleanup.count == 2, "\(outcome.cleanup)")
            #expect(
                outcome.cleanup.contains {
                    $0.hasPrefix("sg-0a1b2c3d4e5f61001 (sg-") && $0.contains("DependencyViolation")
                })
        }
    }

    /// Ctrl-C while the replay sets up: the call under way finishes, what was made is deleted,
    /// and `remsim replay` exits 130.
    @Test(.enabled(if: tools && TestSupport.remsimBinary != nil, "moto_server, aws or the remsim binary is missing"))
    func anInterruptedReplayDeletesWhatItMade() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)").path
        let program = try wrappedAWS("*authorize-security-group-ingress*) touch '\(marker)'; sleep 2;;")
        defer {
            try? FileManager.default.removeItem(atPath: program)
            try? FileManager.default.removeItem(atPath: marker)
        }
        try withMoto { cli in
            let child = Process()
            child.executableURL = URL(fileURLWithPath: try #require(TestSupport.remsimBinary))
            child.arguments = [
                "replay", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--endpoint-url",
                try #require(cli.endpoint.url?.absoluteString), "--aws", program,
            ]
            child.currentDirectoryURL = TestSupport.packageRoot
            let err = Pipe()
            child.standardOutput = FileHandle.nullDevice
            child.standardError = err
            try child.run()
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: marker), child.isRunning, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
            try #require(FileManager.default.fileExists(atPath: marker), "the replay reached the group's rules")
            kill(child.processIdentifier, SIGINT)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            child.waitUntilExit()
            #expect(child.terminationStatus == 130, "\(stderr)")
            #expect(stderr.contains("interrupted"))
            let groups = try cli.run([
                "--region", "us-east-1", "ec2", "describe-security-groups", "--filters",
                "Name=tag-key,Values=remsim-replay",
            ])
            let vpcs = try cli.run([
                "--region", "us-east-1", "ec2", "describe-vpcs", "--filters", "Name=tag-key,Values=remsim-replay",
            ])
            #expect(
                groups["SecurityGroups"]?.arrayValue?.isEmpty == true && vpcs["Vpcs"]?.arrayValue?.isEmpty == true,
                "nothing the replay made is left")
        }
    }
}

/// The replay of the built-in pack: one scenario per `match` example of every remediable AWS
/// policy, each remediating its backlog.
struct BuiltinExampleReplayTests {
    @Test func everyAWSRemediationHasAnExampleScenario() throws {
        let policies = try BuiltinPolicies.load()
        let aws = policies.filter { $0.isRemediable && $0.resourceType.hasPrefix("aws.") }
        let scenarios = try Replay.exampleScenarios(of: policies)
        #expect(scenarios.count == aws.reduce(0) { $0 + $1.examples.match.count })
        #expect(Set(scenarios.flatMap { $0.policies.map(\.id) }) == Set(aws.map(\.id)))
        for scenario in scenarios {
            let result = try Simulator(scenario: scenario).run()
            #expect(!result.attempts.isEmpty, "\(scenario.name): the example's backlog is remediated")
        }
    }

    @Test func motoIsRecognisedByItsIdentityAndItsGapsApply() throws {
        #expect(EndpointGap.endpoint(fromCallerArn: "arn:aws:sts::123456789012:user/moto") == .moto)
        #expect(EndpointGap.endpoint(fromCallerArn: "arn:aws:sts::111111111111:assumed-role/ci/session") == nil)
        let scenario = try ScenarioLoader(builtins: try BuiltinPolicies.load()).load(
            file: TestSupport.scenariosDirectory + "/lambda-tracing-switched-back-on.yaml")
        let attempts = try Simulator(scenario: scenario).run().attempts
        #expect(EndpointGap.gap(of: .moto, in: attempts)?.parameter == "TracingConfig")
        #expect(EndpointGap.gap(of: nil, in: attempts) == nil, "AWS itself has no known gap")
    }

    @Test func storedZipsCarryTheirCRC() {
        #expect(StoredZip.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        let zip = StoredZip.archive(["index.py": Data("x".utf8)])
        #expect(zip.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
        #expect(zip.suffix(22).prefix(4) == Data([0x50, 0x4B, 0x05, 0x06]))
    }
}

/// Helpers the suites that talk to moto share.
enum MotoServer {
    /// A moto server on a free loopback port for the length of `body`, which gets an AWS CLI
    /// pointed at it and its URL.
    static func run<T>(_ body: (AWSCLI, String) throws -> T) throws -> T {
        // A port the system says is free, and a server that is still running once it answers:
        // an answer from a server of someone else's on the same port would be no test at all.
        for _ in 0..<5 {
            let port = freePort() ?? 20_000 + Int(getpid() % 10_000) + Int.random(in: 0..<5_000)
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            server.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer {
                // moto's server does not stop on SIGTERM.
                kill(server.processIdentifier, SIGKILL)
                server.waitUntilExit()
            }
            let url = "http://127.0.0.1:\(port)"
            let cli = AWSCLI(
                endpoint: try ReplayEndpoint(url, allowRemote: false),
                environment: [
                    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_DEFAULT_REGION": "us-east-1",
                ])
            // Wait for it to answer.
            var ready = false
            for _ in 0..<100 where !ready && server.isRunning {
                ready = (try? cli.run(["sts", "get-caller-identity"])) != nil
                if !ready { Thread.sleep(forTimeInterval: 0.1) }
            }
            guard ready, server.isRunning else { continue }
            return try body(cli, url)
        }
        try #require(Bool(false), "moto did not start")
        fatalError("unreachable")
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now.
    static func freePort() -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { return nil }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
