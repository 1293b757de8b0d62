import Foundation
import GitHead
import Loading
import RemsimKit
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Runs the built `remsim` binary as a user would, in a scratch copy of the scenarios.
struct CommandLineTests {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String? { TestSupport.remsimBinary }

    func run(
        _ arguments: [String], in directory: String, environment: [String: String] = [:], input: Data? = nil
    ) throws -> Outcome {
        let binary = try #require(Self.binary, "the remsim binary is not built")
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["GITHUB_ACTIONS"] = nil
        for (key, value) in environment { env[key] = value }
        let ran = try TestSupport.runProgram(binary, arguments, in: directory, environment: env, input: input)
        return Outcome(status: ran.status, stdout: ran.stdout, stderr: ran.stderr)
    }

    /// Starts the binary without waiting for it; output is discarded unless `capture`.
    func start(_ arguments: [String], in directory: String, capture: Bool = false) throws -> Process {
        let binary = try #require(Self.binary, "the remsim binary is not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = capture ? Pipe() : FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A scratch directory holding copies of Scenarios/ and Fixtures/.
    func workspace() throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        for name in ["Scenarios", "Fixtures"] {
            try FileManager.default.copyItem(
                atPath: TestSupport.packageRoot.appendingPathComponent(name).path, toPath: dir + "/" + name)
        }
        return dir
    }

    @Test func runPassesEveryScenarioAndRecordsTheRun() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(["run"], in: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("PASS") }.count >= 8)
        #expect(!lines.contains { $0.hasPrefix("FAIL") })
        #expect(r.stdout.contains("MTTR p95"))
        #expect(r.stdout.contains("run 1 recorded in .remsim/runs.sqlite"))
        #expect(FileManager.default.fileExists(atPath: dir + "/.remsim/runs.sqlite"))
        let again = try run(["run", "--db", "other.sqlite"], in: dir)
        #expect(
            again.stdout.replacingOccurrences(of: "other.sqlite", with: ".remsim/runs.sqlite") == r.stdout,
            "same scenarios, same output")
    }

    /// Makes the workspace's SSH scenario fail (its MTTR bound becomes 30s, MTTR is 1m30.3s);
    /// returns its path in the workspace.
    func failingScenario(in dir: String) throws -> String {
        let file = "Scenarios/ssh-opened-to-world-is-closed.yaml"
        let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8).replacingOccurrences(
            of: "p95: {le: 5m}", with: "p95: {le: 30s}")
        try text.write(toFile: dir + "/" + file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func aBrokenExpectationExitsOneAndSaysWhatWasFound() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/" + (try failingScenario(in: dir))
        let r = try run(["run", file], in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("FAIL  ssh-opened-to-world-is-closed"))
        #expect(r.stdout.contains("expected mttr p95 for aws-sg-ssh-open-to-world ≤ 30s"))
        #expect(r.stdout.contains("found 1m30.3s over 1 violation(s)"))
        #expect(r.stdout.contains("ssh-opened-to-world-is-closed.yaml:41:5"))
    }

    /// Under GitHub Actions the report on standard output stays one document (here JUnit that
    /// parses to its end), and the annotations go to standard error, escaped, at their lines.
    @Test func inGitHubActionsAnnotationsGoToStandardErrorAndTheReportStaysWhole() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try failingScenario(in: dir)
        let github = ["GITHUB_ACTIONS": "true"]
        let r = try run(["run", file, "--format", "junit"], in: dir, environment: github)
        #expect(r.status == 1)
        #expect(XMLParser(data: Data(r.stdout.utf8)).parse(), "\(r.stdout)")
        #expect(!r.stdout.contains("::error"))
        #expect(
            r.stderr.contains(
                "::error file=\(file),line=41,col=5,title=remsim scenario failed::ssh-opened-to-world-is-closed: "
                    + "expected mttr p95 for aws-sg-ssh-open-to-world ≤ 30s; found 1m30.3s over 1 violation(s)"),
            "\(r.stderr)")
        let json = try run(["run", file, "--format", "json", "--db", "other.sqlite"], in: dir, environment: github)
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) }

        // A file that cannot be loaded is annotated at its line and column.
        try TestSupport.write(
            "version: 1\nname: broken\nfixtures: [../Fixtures/acme]\npolicies: [builtin:nope]\n",
            to: "Scenarios/broken.yaml", in: dir)
        let bad = try run(["validate"], in: dir, environment: github)
        #expect(bad.status == 2)
        #expect(
            bad.stderr.contains(
                "::error file=Scenarios/broken.yaml,line=4,col=12,title=remsim%3A invalid file::policies[0]: no built-in policy 'nope'"
            ),
            "\(bad.stderr)")
    }

    /// One run writes every report a CI job uploads: the same documents `--format` prints, while
    /// the lines people read stay on standard output; a failing run writes them too.
    @Test func oneRunWritesTheReportFilesItIsAskedFor() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try failingScenario(in: dir)
        let r = try run(
            ["run", file, "--report", "junit=out.xml", "--report", "sarif=out.sarif", "--report", "json=out.json"],
            in: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("FAIL  ssh-opened-to-world-is-closed"))
        let junit = try String(contentsOfFile: dir + "/out.xml", encoding: .utf8)
        #expect(XMLParser(data: Data(junit.utf8)).parse())
        #expect(junit.contains("<failure"))
        let sarif = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out.sarif")))
        let results = ((sarif as? [String: Any])?["runs"] as? [[String: Any]])?.first?["results"] as? [Any]
        #expect(results?.count == 1)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out.json")))
        #expect((json as? [String: Any])?["passed"] as? Bool == false)
        // The file is the document --format prints (but for the wall times in JUnit).
        let printed = try run(["run", file, "--format", "sarif", "--db", "other.sqlite"], in: dir)
        #expect(printed.stdout == (try String(contentsOfFile: dir + "/out.sarif", encoding: .utf8)) + "\n")

        // Refused before anything runs: nothing is recorded and no file is written.
        for (arguments, message) in [
            (["--report", "html=x.html"], "--report: unknown format 'html'; expected json, junit or sarif"),
            (["--report", "junit"], "--report: expected FORMAT=FILE"),
            (["--report", "junit=missing/x.xml"], "--report: the folder of missing/x.xml does not exist"),
            (["--report", "junit=a.xml", "--report", "sarif=./a.xml"], "--report: ./a.xml is named twice"),
        ] {
            let refused = try run(["run", file, "--db", "refused.sqlite"] + arguments, in: dir)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("error: " + message), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/refused.sqlite"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/a.xml"))
        }
    }

    @Test func badInputExitsTwoAndWritesNothing() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(
            "version: 1\nname: broken\nfixtures: [../Fixtures/acme]\npolicies: [builtin:nope]\n",
            to: "Scenarios/broken.yaml", in: dir)
        let r = try run(["run"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("Scenarios/broken.yaml:4:12: policies[0]: no built-in policy 'nope'"))
        #expect(
            !FileManager.default.fileExists(atPath: dir + "/.remsim/runs.sqlite"), "nothing is recorded for bad input")
        let v = try run(["validate"], in: dir)
        #expect(v.status == 2)
        #expect(v.stderr.contains("broken.yaml"))
    }

    /// A folder remsim cannot write is bad input like any other: exit 2, with the path.
    @Test func anOutputThatCannotBeWrittenExitsTwoNamingIt() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write("not a folder\n", to: "blocked", in: dir)
        let r = try run(["generate", "--resources", "10", "--output", "blocked/fixtures"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains("blocked/fixtures"), "\(r.stderr)")
    }

    /// `--quiet` prints the failures and the summary; FORCE_COLOR colours even a pipe, over NO_COLOR.
    @Test func quietRunsSayOnlyWhatFailedAndForceColourWins() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let failing = try failingScenario(in: dir)
        let passing = "Scenarios/public-access-block-restored.yaml"
        let quiet = try run(["run", failing, passing, "--quiet"], in: dir)
        #expect(quiet.status == 1)
        #expect(quiet.stdout.contains("FAIL  ssh-opened-to-world-is-closed"))
        #expect(!quiet.stdout.contains("public-access-block-restored"))
        #expect(quiet.stdout.contains("2 scenarios: 1 passed, 1 failed"), "\(quiet.stdout)")
        #expect(!quiet.stdout.contains("\u{1B}["), "no colour in a pipe")
        let forced = try run(["run", passing, "--db", "forced.sqlite"], in: dir, environment: ["FORCE_COLOR": "1"])
        #expect(forced.stdout.contains("\u{1B}["), "\(forced.stdout)")
    }

    /// `policies list`, `policies show` and `validate` answer programs too: one JSON document each.
    @Test func policiesAndValidateSpeakJSON() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let list = try run(["policies", "list", "--format", "json"], in: dir)
        let policies = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(
            policies.contains { $0["id"] as? String == "aws-sg-ssh-open-to-world" && $0["remediable"] as? Bool == true }
        )
        let show = try run(["policies", "show", "aws-s3-public-access-block", "--format", "json"], in: dir)
        let policy = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(
            (policy["commands"] as? [String])?.first?.hasPrefix("aws --region us-east-1 s3api put-public-access-block")
                == true, "\(show.stdout)")
        let valid = try run(["validate", "--format", "json"], in: dir)
        let ok = try #require(try JSONSerialization.jsonObject(with: Data(valid.stdout.utf8)) as? [String: Any])
        #expect(valid.status == 0 && ok["valid"] as? Bool == true && (ok["scenarios"] as? Int ?? 0) > 0)
        try TestSupport.write("version: 1\nname: b\n", to: "Scenarios/zz-bad.yaml", in: dir)
        let bad = try run(["validate", "--format", "json"], in: dir)
        let problems = try #require(try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any])
        #expect(bad.status == 2 && problems["valid"] as? Bool == false)
        let first = try #require((problems["problems"] as? [[String: Any]])?.first)
        #expect(first["file"] as? String == "Scenarios/zz-bad.yaml" && first["line"] as? Int == 1, "\(bad.stdout)")
        let sarif = try run(["validate", "--format", "sarif"], in: dir)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let results = (log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]] ?? []
        // Every problem of the file (no fixtures, policies, engine, run-for), each an invalid-file result.
        #expect(sarif.status == 2 && results.count == 4, "\(sarif.stdout)")
        #expect(results.allSatisfy { $0["ruleId"] as? String == "remsim/invalid-file" })
    }

    /// `--version` names the version and the commit the binary was built from: this checkout's.
    @Test func versionNamesTheCommitTheBinaryWasBuiltFrom() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(["--version"], in: dir)
        #expect(r.status == 0)
        let commit = GitHead.commit(inRepository: TestSupport.packageRoot.path)
        let expected = commit.map { "commit \($0)" } ?? "not built from a git checkout"
        #expect(r.stdout == "\(ScenarioSuite.remsimVersion) (\(expected))\n", "\(r.stdout)")
    }

    /// The completion scripts README documents come out of the binary for each shell.
    @Test func completionScriptsNameEveryCommand() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for shell in ["bash", "zsh", "fish"] {
            let r = try run(["--generate-completion-script", shell], in: dir)
            #expect(r.status == 0)
            for command in ["run", "validate", "compare", "replay", "impact"] {
                #expect(r.stdout.contains(command), "\(shell) completions lack \(command)")
            }
        }
    }

    /// A user's policy whose `match` example does not match fails validation at that example.
    @Test func validateRunsAUsersPolicyExamples() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(TestSupport.versioningPolicyYAML, to: "mine/versioning.yaml", in: dir)
        let r = try run(["validate", "--policies", "mine"], in: dir)
        #expect(r.status == 2)
        #expect(
            r.stderr.contains(
                "mine/versioning.yaml:11:7: examples.match[1]: example 'enabled-by-mistake' must match policy "
                    + "'buckets-versioned'"), "\(r.stderr)")
    }

    /// `validate --policies` reports each policy file: what loaded and how, what was refused
    /// and where, then a count; a refused file fails it.
    @Test func validateReportsEachPolicyFile() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let prisma = "Fixtures/policies/prisma/aws/rds-instance-public.json"
        let text = try String(contentsOfFile: dir + "/" + prisma, encoding: .utf8)
        try TestSupport.write(
            text.replacingOccurrences(of: "0d6b-4f1e-9a53-aa10b2c3d404", with: "0d6b-4f1e-9a53-aa10b2c3d499")
                .replacingOccurrences(of: "--no-publicly-accessible", with: "--no-such-option"),
            to: "mine/no-remediation.json", in: dir)
        try TestSupport.write(
            text.replacingOccurrences(of: "0d6b-4f1e-9a53-aa10b2c3d404", with: "0d6b-4f1e-9a53-aa10b2c3d498")
                .replacingOccurrences(of: "aws-rds-describe-db-instances", with: "aws-rds-db-cluster"),
            to: "mine/refused.json", in: dir)
        let good = try run(["validate", "--policies", "Fixtures/policies/prisma/aws"], in: dir)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(
            good.stdout.contains(
                "Fixtures/policies/prisma/aws/snapshots-shared-with-everyone.json: 2 policies (Prisma Cloud JSON, "
                    + "its RQL translated to filters)"), "\(good.stdout)")
        #expect(
            good.stdout.contains("policies: 6 files, 7 policies loaded (7 translated from Prisma RQL), 0 files refused")
        )
        let r = try run(["validate", "--policies", "mine"], in: dir)
        #expect(r.status == 2)
        #expect(
            r.stdout.contains(
                "mine/no-remediation.json: 1 policy (Prisma Cloud JSON, its RQL translated to filters; 1 without its remediation)"
            ), "\(r.stdout)")
        #expect(r.stdout.contains("mine/refused.json: refused (1 problem)"))
        #expect(
            r.stdout.contains(
                "policies: 2 files, 1 policy loaded (1 translated from Prisma RQL, 1 without their remediation), 1 file refused"
            ))
        #expect(
            r.stderr.contains(
                "warning: 5c1e7a42-0d6b-4f1e-9a53-aa10b2c3d499 (mine/no-remediation.json): remediation not loaded:"),
            "\(r.stderr)")
        #expect(r.stderr.contains("mine/refused.json:10:"), "\(r.stderr)")
        #expect(r.stderr.contains("api.name 'aws-rds-db-cluster' has no resource type that remsim models"))
        let json = try run(["validate", "--policies", "mine", "--format", "json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let files = try #require(document["policyFiles"] as? [[String: Any]])
        #expect(files.map { $0["loaded"] as? Bool } == [true, false])
    }

    /// A typo in an expectation's `where` key is a warning at the expectation's line, in text,
    /// JSON and SARIF: with `ne` such an expectation would hold whatever happens.
    @Test func validateWarnsOfAWhereKeyNoResourceOfTheTypeHas() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = "Scenarios/ssh-opened-to-world-is-closed.yaml"
        let text = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
        try text.replacingOccurrences(
            of: "key: \"IpPermissions[].IpRanges[].CidrIp\", op: contains",
            with: "key: \"IpPermissions[].IpRange[].CidrIp\", op: contains"
        ).write(toFile: dir + "/" + file, atomically: true, encoding: .utf8)
        let warning =
            "where key 'IpPermissions[].IpRange[].CidrIp': no aws.security-group resource has 'IpRange' under "
            + "'IpPermissions[]'; did you mean 'IpRanges'?"
        let r = try run(["validate", file], in: dir)
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: \(file):28:5: " + warning), "\(r.stderr)")
        let json = try run(["validate", file, "--format", "json"], in: dir)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((document["warnings"] as? [String])?.contains { $0.hasSuffix(warning) } == true, "\(json.stdout)")
        let sarif = try run(["validate", file, "--format", "sarif"], in: dir)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let result = try #require(((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        #expect(result["ruleId"] as? String == "remsim/unknown-filter-key")
        let region =
            ((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]
            as? [String: Any]
        #expect(region?["startLine"] as? Int == 28, "\(sarif.stdout)")
    }

    @Test func validateAndPoliciesSpeakPlainly() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let v = try run(["validate"], in: dir)
        #expect(v.status == 0)
        #expect(v.stdout.contains("scenarios valid"))
        let list = try run(["policies", "list"], in: dir)
        #expect(list.stdout.contains("aws-vpc-flow-logs-enabled"))
        let show = try run(["policies", "show", "aws-s3-public-access-block"], in: dir)
        #expect(show.stdout.contains("CIS-AWS-3.0/2.1.4"))
        #expect(show.stdout.contains("$ aws --region us-east-1 s3api put-public-access-block --bucket no-block-at-all"))
        let missing = try run(["policies", "show", "aws-s3"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no policy 'aws-s3'"))
    }

    @Test func importTurnsDescribeOutputIntoFixtures() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples/aws-describe").path
        let files = try InputFiles.collect([samples])
        let r = try run(["import", "aws-describe"] + files + ["--region", "us-east-1", "--output", "fx"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains("imported 5 resources (1 aws.cloudtrail, 1 aws.ec2, 1 aws.security-group, 2 aws.vpc)"))
        #expect(r.stdout.contains("not imported: 1 Subnets (not modelled)"))
        #expect(try FixtureLoader.load(paths: [dir + "/fx"]).count == 5)
        let missing = try run(["import", "aws-describe", samples + "/describe-security-groups.json"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("give it with --region"))
        // A YAML limit does not bound a JSON export: asking for one is an error, not a no-op.
        let yamlLimit = try run(
            ["import", "aws-describe"] + files + ["--region", "us-east-1", "--output", "fy", "--max-yaml-values", "9"],
            in: dir)
        #expect(yamlLimit.status != 0)
        #expect(yamlLimit.stderr.contains("--max-yaml-values does not apply to import"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/fy"))
    }

    @Test func importReadsStandardInputAndSaysWhatIsUnknown() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples").path
        let buckets = try Data(
            contentsOf: URL(fileURLWithPath: samples + "/aws-describe-needs-place/list-buckets.json"))
        let r = try run(
            ["import", "aws-describe", "-", "--account", "210987654321", "--output", "fx"], in: dir, input: buckets)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imported 2 resources (2 aws.s3)"))
        #expect(r.stdout.contains("with properties unknown (policies reading them cannot evaluate them): 2"))
        #expect(
            r.stderr.contains("warning: 2 aws.s3 from `aws s3api list-buckets` lack PublicAccessBlockConfiguration"))
        // A problem on standard input is placed there.
        let bad = try run(
            ["import", "aws-config", "-", "--output", "fy"], in: dir, input: Data("{\"Results\": 3}".utf8))
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("<standard input>:1:13"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/fy"))
    }

    @Test func aConfigHistoryBecomesAScenarioThatNamesTheLoop() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples").path
        let made = try run(
            ["import", "aws-config-history", samples + "/aws-config-history", "--output", "Scenarios/payments"], in: dir
        )
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("8 changes on the timeline (by dana 3, release-pipeline 1, terraform-ci 4)"))
        #expect(FileManager.default.fileExists(atPath: dir + "/Scenarios/payments/payments.yaml"))
        let ran = try run(["run", "Scenarios/payments/payments.yaml", "--db", "runs.sqlite"], in: dir)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.contains("3 calls · 1 loop"))
        // The Azure and GCP histories, the same way.
        let azure = try run(
            ["import", "azure-change-history", samples + "/azure-change-history", "--output", "Scenarios/storage"],
            in: dir)
        #expect(azure.status == 0, "\(azure.stderr)")
        #expect(azure.stdout.contains("7 changes on the timeline (by dana@contoso.com 3, ops-bot@contoso.com 4)"))
        let azureRun = try run(["run", "Scenarios/storage/storage.yaml", "--db", "runs.sqlite"], in: dir)
        #expect(azureRun.stdout.contains("3 calls · 1 loop"), "\(azureRun.stdout)")
        let gcp = try run(
            ["import", "gcp-asset-history", samples + "/gcp-asset-history", "--output", "Scenarios/bucket"], in: dir)
        #expect(gcp.status == 0, "\(gcp.stderr)")
        #expect(gcp.stdout.contains("8 changes on the timeline (by unknown 8)"))
        #expect(gcp.stderr.contains("Cloud Asset Inventory records no actor"))
        let wrongDays = try run(["import", "aws-config", samples + "/aws-config-history", "--days", "30"], in: dir)
        #expect(wrongDays.status != 0)
        #expect(wrongDays.stderr.contains("--days applies to the histories only"))
    }

    @Test func importReadsConfigResourceGraphAndAssetInventoryExports() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples").path
        let config = try run(
            [
                "import", "aws-config", samples + "/aws-config/config-snapshot.json",
                samples + "/aws-config/config-batch-get.json",
                "--output", "aws",
            ], in: dir)
        #expect(config.status == 0, "\(config.stderr)")
        #expect(
            config.stdout.contains(
                "imported 6 resources (1 aws.cloudtrail, 1 aws.ec2, 1 aws.rds, 1 aws.s3, 1 aws.security-group)"))
        #expect(config.stdout.contains("kept as inert (not modelled): 1 aws.AWS::SNS::Topic"))
        #expect(
            config.stdout.contains("not imported: 1 resources whose latest configuration item says they were deleted"))
        let azure = try run(
            [
                "import", "azure-resource-graph", samples + "/azure-resource-graph/resource-graph.json", "--output",
                "azure",
            ], in: dir)
        #expect(
            azure.stdout.contains("kept as inert (not modelled): 1 azure.microsoft.cdn/profiles"), "\(azure.stderr)")
        let gcp = try run(
            [
                "import", "gcp-asset-inventory", samples + "/gcp-asset-inventory/asset-export.ndjson",
                "--project", "acme-legacy-1234", "--output", "gcp",
            ], in: dir)
        #expect(
            gcp.stdout.contains("imported 4 resources (1 gcp.bucket, 1 gcp.firewall, 1 gcp.instance)"), "\(gcp.stderr)")
        // Inert resources load back; the whole import is one inventory.
        #expect(try FixtureLoader.load(paths: [dir + "/aws", dir + "/azure", dir + "/gcp"]).count == 14)
        let wrongOption = try run(
            ["import", "aws-config", samples + "/aws-config/config-batch-get.json", "--region", "x"], in: dir)
        #expect(wrongOption.status != 0)
        #expect(wrongOption.stderr.contains("--region and --account apply to aws-describe only"))
    }

    @Test func generateWritesALoadableInventory() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(
            ["generate", "--resources", "2500", "--seed", "4", "--per-file", "1000", "--output", "gen"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2500 resources written to 3 files"))
        let first = try String(contentsOfFile: dir + "/gen/resources-00001.json", encoding: .utf8)
        let inventory = try FixtureLoader.load(paths: [dir + "/gen"])
        #expect(inventory.count == 2500)
        #expect(inventory.types.count == 6)
        _ = try run(
            ["generate", "--resources", "2500", "--seed", "4", "--per-file", "1000", "--output", "again"], in: dir)
        #expect(
            try String(contentsOfFile: dir + "/again/resources-00001.json", encoding: .utf8) == first,
            "the same seed writes the same inventory")
        let bad = try run(["generate", "--resources", "0"], in: dir)
        #expect(bad.status != 0)
    }
}

/// The CI loop: run with a label, run again after a change, compare and fail on the regression;
/// JUnit and JSON for the CI system; the history of runs.
struct CIWorkflowTests {
    @Test func runCompareAndGateOnARegression() throws {
        let cli = CommandLineTests()
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenario = "Scenarios/ssh-opened-to-world-is-closed.yaml"
        let first = try cli.run(["run", scenario, "--label", "main", "--format", "junit"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        // JUnit that an XML parser accepts, one test case per scenario.
        let parser = XMLParser(data: Data(first.stdout.utf8))
        #expect(parser.parse(), "\(first.stdout)")
        #expect(first.stdout.contains(#"<testcase name="ssh-opened-to-world-is-closed""#))
        #expect(first.stderr.contains("1 scenario: 1 passed"), "the lines people read go to standard error")

        // A change that slows remediation: the API takes 40 s.
        let path = dir + "/" + scenario
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "api-latency: 300ms", with: "api-latency: 40s")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let second = try cli.run(["run", scenario, "--label", "feature", "--format", "json"], in: dir)
        #expect(second.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect(json["passed"] as? Bool == true)
        #expect((json["scenarios"] as? [[String: Any]])?.first?["name"] as? String == "ssh-opened-to-world-is-closed")

        let ok = try cli.run(["compare", "main", "feature"], in: dir)
        #expect(ok.status == 0, "no gate: the comparison is information")
        #expect(ok.stdout.contains("aws-sg-ssh-open-to-world: 1m30.3s → 2m10s (+39.7s, +44%)"), "\(ok.stdout)")
        let gated = try cli.run(["compare", "--fail-on", "mttr-p95-increase=20%"], in: dir)
        #expect(gated.status == 1)
        #expect(gated.stdout.contains("MTTR p95 of aws-sg-ssh-open-to-world rose 44% (limit 20%)"))
        let missing = try cli.run(["compare", "main", "nightly"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no run 'nightly' in the database"))

        let history = try cli.run(["history", "--format", "json"], in: dir)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(runs.map { $0["labels"] as? [String] ?? [] } == [["feature"], ["main"]], "newest first")
        let feature = try cli.run(["history", "--label", "feature"], in: dir)
        #expect(feature.stdout.split(separator: "\n").count == 2, "a header and one run")
    }

    /// A suite split over parallel jobs and merged is the same run as the suite run whole.
    @Test func shardsMergeIntoTheRunTheWholeSuiteMakes() throws {
        let cli = CommandLineTests()
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = [
            "Scenarios/ssh-opened-to-world-is-closed.yaml", "Scenarios/public-access-block-restored.yaml",
            "Scenarios/vpc-flow-logs-restored.yaml", "Scenarios/nsg-rdp-from-internet-is-denied.yaml",
            "Scenarios/gcp-firewall-rdp-from-anywhere-is-disabled.yaml",
        ]
        var names: [[String]] = []
        for i in 1...2 {
            let shard = try cli.run(
                ["run"] + suite + [
                    "--shard", "\(i)/2", "--db", "shard\(i).sqlite", "--label", "ci", "--format", "json",
                ], in: dir)
            #expect(shard.status == 0, "\(shard.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(shard.stdout.utf8)) as? [String: Any])
            names.append(((json["scenarios"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        }
        #expect(names.map(\.count) == [3, 2], "dealt in turn: the parts differ by at most one")
        #expect(Set(names[0]).isDisjoint(with: names[1]))
        let again = try cli.run(
            ["run"] + suite + ["--shard", "1/2", "--db", "again.sqlite", "--format", "json"], in: dir)
        #expect(
            again.stdout.contains(names[0][0]) && !again.stdout.contains(names[1][0]),
            "the same suite splits the same way")

        #expect(try cli.run(["run"] + suite + ["--db", "main.sqlite"], in: dir).status == 0)
        let partial = try cli.run(["merge", "shard1.sqlite", "--db", "main.sqlite"], in: dir)
        #expect(partial.status == 2)
        #expect(partial.stderr.contains("shard 2/2 of 2 missing"), "\(partial.stderr)")
        let notShard = try cli.run(["merge", "main.sqlite", "shard2.sqlite", "--db", "other.sqlite"], in: dir)
        #expect(notShard.status == 2)
        #expect(notShard.stderr.contains("is not a shard"))

        let merged = try cli.run(["merge", "shard1.sqlite", "shard2.sqlite", "--db", "main.sqlite"], in: dir)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(
            merged.stdout.contains("5 scenarios from 2 shards: 5 passed, 0 failed · run 2 recorded in main.sqlite"),
            "\(merged.stdout)")
        let compared = try cli.run(
            [
                "compare", "1", "2", "--db", "main.sqlite", "--fail-on", "assertion-flip,scenario-removed,new-warning",
                "--format", "json",
            ], in: dir)
        #expect(compared.status == 0, "\(compared.stdout)")
        let diff = try #require(try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [String: Any])
        #expect((diff["caveats"] as? [Any])?.isEmpty ?? true, "same version, fixtures and policies: \(compared.stdout)")
        #expect((diff["mttrByPolicy"] as? [Any])?.isEmpty ?? true, "\(compared.stdout)")
        let history = try cli.run(["history", "--db", "main.sqlite", "--format", "json"], in: dir)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(runs.first?["labels"] as? [String] == ["ci"])
        #expect(runs.first?["scenarios"] as? Int == 5)
    }
}
