import CloudModel
import Foundation
import Loading
import Policies
import PolicyPack
import Reports
import Simulation
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

struct GitHubAnnotationTests {
    /// GitHub's toolkit escapes `%`, CR and LF in a message, and `:` and `,` too in a property.
    @Test func messagesAndPropertiesAreEscapedAsGitHubReadsThem() {
        let a = GitHubAnnotation(
            .error, file: "Scenarios/a,b:c.yaml", line: 3, column: 9, title: "remsim: failed",
            message: "100% sure\nsecond line, with: colons\r")
        #expect(
            a.description == "::error file=Scenarios/a%2Cb%3Ac.yaml,line=3,col=9,title=remsim%3A failed::"
                + "100%25 sure%0Asecond line, with: colons%0D")
    }

    @Test func anOriginGivesFileLineAndColumn() {
        let a = GitHubAnnotation(.warning, origin: "dir/x:y.yaml:12:5", title: "t", message: "m")
        #expect(a.file == "dir/x:y.yaml" && a.line == 12 && a.column == 5)
        #expect(GitHubAnnotation(.notice, origin: "Scenarios/a.yaml", title: "t", message: "m").line == nil)
    }
}

struct TerminalStyleTests {
    @Test(
        arguments: [
            (true, [:], true), (false, [:], false), (true, ["NO_COLOR": "1"], false), (true, ["NO_COLOR": ""], true),
            (false, ["FORCE_COLOR": "1"], true), (true, ["FORCE_COLOR": "0"], true),
            (false, ["FORCE_COLOR": "false"], false),
            (false, ["FORCE_COLOR": "1", "NO_COLOR": "1"], true),
        ] as [(Bool, [String: String], Bool)])
    func colourIsDecidedPerStreamWithForceAndNoColor(isTerminal: Bool, environment: [String: String], colour: Bool) {
        #expect(TerminalStyle.forStream(isTerminal: isTerminal, environment: environment).colour == colour)
    }
}

struct ReportTests {
    func result(breaking: Bool = false) throws -> ScenarioResult {
        var scenario = try ScenarioLoader(builtins: try BuiltinPolicies.load())
            .load(file: TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml")
        if breaking {
            scenario.expectations.append(
                Expectation(
                    check: .metric(
                        .mttr, policy: nil, statistic: .p95, bound: Bound(op: .le, value: 1000, isDuration: true)),
                    origin: "s.yaml:9:3"))
        }
        return try Simulator(scenario: scenario).run()
    }

    /// JUnit as the Jenkins xunit schema (junit-10.xsd) has it: test cases hold only a failure
    /// or an error, the simulated span and seed are the suite's properties, `time` is the wall
    /// time given, class names are dotted paths, and no control character reaches the XML.
    @Test func junitIsShapedAsJenkinsReadsIt() throws {
        var passing = try result()
        passing.file = "Scenarios/aws/ssh.yaml"
        var failing = try result(breaking: true)
        failing.name = "broken\u{1}name"
        let xml = MachineReport.junit(results: [passing, failing], seconds: [0.25, 1.5])
        #expect(XMLParser(data: Data(xml.utf8)).parse(), "\(xml)")
        #expect(
            xml.contains(
                #"<testcase name="ssh-opened-to-world-is-closed" classname="Scenarios.aws.ssh" time="0.250"/>"#),
            "\(xml)")
        #expect(xml.contains(#"<testcase name="broken\#u{FFFD}name""#) && xml.contains(#"time="1.500">"#))
        #expect(xml.contains(#"failures="1" errors="0" skipped="0" time="1.750""#))
        #expect(xml.contains(#"<property name="ssh-opened-to-world-is-closed.simulated" value="2h"/>"#), "\(xml)")
        #expect(!xml.contains("\u{1}"))
        // Properties only at the suite, before the test cases.
        let testcases = try #require(xml.range(of: "<testcase"))
        #expect(!xml[testcases.lowerBound...].contains("<propert"))
    }

    /// SARIF 2.1.0: each failed assertion a result of its rule at its file, line and column.
    @Test func sarifPlacesEachFailureAtItsLine() throws {
        let failing = try result(breaking: true)
        let log = SARIFReport.log(SARIFReport.findings(results: [failing]), version: "t")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [String: Any])
        #expect(json["version"] as? String == "2.1.0")
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["remsim/assertion-failed"])
        let physical = try #require(
            ((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "s.yaml")
        #expect((physical["region"] as? [String: Any])?["startLine"] as? Int == 9)
        #expect(SARIFReport.uri("Scenarios/a b%.yaml") == "Scenarios/a%20b%25.yaml")
    }

    /// The sample `PASS` lines README.md shows are what `remsim run` prints for those scenarios.
    @Test func readmeSampleLinesAreWhatRunPrints() throws {
        let readme = try String(
            contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let samples = readme.split(separator: "\n").filter { $0.hasPrefix("PASS  ") }.map(String.init)
        #expect(!samples.isEmpty)
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        for sample in samples {
            let name = String(sample.dropFirst(6).prefix { $0 != " " })
            let scenario = try loader.load(file: TestSupport.scenariosDirectory + "/\(name).yaml")
            let line = RunReport(style: TerminalStyle(colour: false)).line(for: try Simulator(scenario: scenario).run())
            #expect(line.split(separator: "\n").first.map(String.init) == sample)
        }
    }

    @Test func tablesAlignTheirColumns() {
        var table = TextTable(header: ["ID", "TITLE"])
        table.append(["a", "first"])
        table.append(["longer-id", "second"])
        #expect(table.render() == "ID         TITLE\na          first\nlonger-id  second")
    }

    @Test func aPassingLineGivesTheFigures() throws {
        let line = RunReport(style: TerminalStyle(colour: false)).line(for: try result())
        #expect(
            line
                == "PASS  ssh-opened-to-world-is-closed  MTTD p95 1m30s · MTTR p95 1m30.3s · exposure p95 "
                + "1m30.3s · 9/9 assertions · 1 call · 1 warning"
        )
    }

    @Test func aFailingLineSaysWhatWasExpectedAndFound() throws {
        let line = RunReport(style: TerminalStyle(colour: false)).line(for: try result(breaking: true))
        #expect(line.hasPrefix("FAIL  ssh-opened-to-world-is-closed"))
        #expect(line.contains("9/10 assertions"))
        #expect(
            line.contains("✘ expected mttr p95 ≤ 1s\n        found 1m30.3s over 1 violation(s)\n        at s.yaml:9:3"))
    }

    @Test func colourOnlyWhenAsked() throws {
        let plain = RunReport(style: TerminalStyle(colour: false)).summary(
            results: [try result()], runId: 3, database: "db")
        #expect(plain == "1 scenario: 1 passed, 0 failed · run 3 recorded in db")
        let coloured = RunReport(style: TerminalStyle(colour: true)).summary(
            results: [try result()], runId: 3, database: "db")
        #expect(coloured.contains("\u{1B}[32m1 scenario: 1 passed, 0 failed\u{1B}[0m"))
    }

    @Test func theTimelineIsInCauseAndEffectOrder() throws {
        let text = RunReport(style: TerminalStyle(colour: false)).timeline(for: try result())
        let kinds = text.split(separator: "\n").dropFirst().compactMap {
            $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
        }
        #expect(
            kinds == [
                "injection", "violation", "detection", "warning", "remediation", "call", "violationEnded", "resolution",
            ])
        #expect(text.contains("+11m30s"))
    }

    /// A Custodian action that calls one way or another, or not at all, says when each call is made.
    @Test func policyShowSaysWhenEachOfACustodianActionsCallsIsMade() throws {
        let file = TestSupport.packageRoot.appendingPathComponent("Fixtures/policies/custodian/ownership.yml").path
        let delete = try #require(try PolicyLoader.load(file: file, source: file).first { $0.id.hasSuffix("when-due") })
        let lines = PolicyReport.show(delete, at: TestSupport.start).split(separator: "\n").map(String.init)
        let steps = lines.filter { $0.hasPrefix("    1. ") || $0.hasPrefix("    2. ") }
        #expect(steps.count == 2)
        #expect(!steps.contains { $0.contains("once per matched element") })
        let conditions = lines.filter { $0.hasPrefix("       only when: ") }
        #expect(
            conditions == [
                "       only when: DBClusterIdentifier absent and DBInstanceStatus not-in [\"creating\",\"failed\","
                    + "\"incompatible-restore\",\"incompatible-network\"] and ReadReplicaSourceDBInstanceIdentifier empty",
                "       only when: DBClusterIdentifier absent, unless DBInstanceStatus not-in [\"creating\",\"failed\","
                    + "\"incompatible-restore\",\"incompatible-network\"] and ReadReplicaSourceDBInstanceIdentifier empty",
            ])
    }

    /// Tags looked up from each resource are shown as they are worked out.
    @Test func policyShowSaysHowLookedUpTagsAreWorkedOut() throws {
        let text = """
            policies:
              - name: owner
                resource: ec2
                actions:
                  - type: tag
                    tags:
                      Owner: {type: resource, key: "Tags[?Key=='Team'].Value | [0]", default-value: unknown}
                      CostCenter: {type: resource, default-value: unassigned}
            """
        let policy = try #require(try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml").first)
        let shown = PolicyReport.show(policy, at: TestSupport.start)
        #expect(shown.contains("    1. ec2:CreateTags  (needs permission ec2:CreateTags)\n"))
        #expect(
            shown.contains(
                "       tags, for each resource: Owner = Tags[?Key=='Team'].Value | [0], else unknown; "
                    + "CostCenter = unassigned where the resource has no CostCenter tag"))
    }

    @Test func policyShowNamesPermissionsRenderedCommandsAndGaps() throws {
        let pack = try BuiltinPolicies.load()
        let trail = try #require(pack.first { $0.id == "aws-cloudtrail-log-file-validation" })
        let text = PolicyReport.show(trail, at: TestSupport.start)
        #expect(text.contains("compliance: CIS-AWS-3.0/3.2"))
        #expect(text.contains("1. cloudtrail:UpdateTrail  (needs permission cloudtrail:UpdateTrail)"))
        #expect(
            text.contains(
                "$ aws --region us-east-1 cloudtrail update-trail --name org-trail --enable-log-file-validation"))
        var custom = trail
        custom.remediation = Remediation(steps: [
            RemediationStep(operation: "cloudtrail:DeleteTrail", parameters: ["Name": "${resourceName}"])
        ])
        #expect(PolicyReport.show(custom, at: TestSupport.start).contains("not modelled by the simulated cloud"))
        // A step whose variable looks a key up needs that lookup's permission too.
        custom.remediation = Remediation(steps: [
            RemediationStep(
                operation: "s3:PutBucketEncryption",
                parameters: [
                    "Bucket": "${resourceName}",
                    "ServerSideEncryptionConfiguration": [
                        "Rules": [["ApplyServerSideEncryptionByDefault": ["KMSMasterKeyID": "${kmsKeyArn:alias/data}"]]]
                    ],
                ])
        ])
        let kms = PolicyReport.show(custom, at: TestSupport.start)
        #expect(kms.contains("(needs permissions s3:PutEncryptionConfiguration, kms:DescribeKey)"), "\(kms)")
        #expect(PolicyReport.list(pack).split(separator: "\n").count == pack.count + 2)
        #expect(
            PolicyReport.list(pack).hasSuffix(
                "\(pack.count) policies (\(pack.filter { $0.resourceType.hasPrefix("aws.") }.count) aws, "
                    + "\(pack.filter { $0.resourceType.hasPrefix("azure.") }.count) azure, \(pack.filter { $0.resourceType.hasPrefix("gcp.") }.count) gcp), \(pack.filter(\.isRemediable).count) remediable"
            ))
    }
}
