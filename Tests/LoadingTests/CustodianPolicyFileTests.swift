import CloudModel
import Foundation
import Loading
import Policies
import RemediationEngine
import TestSupport
import Testing

@testable import Loading

/// Custodian policy files as remsim reads them: what loads, what each policy becomes, and each
/// thing remsim cannot express refused where it is written.
struct CustodianPolicyFileTests {
    func load(_ text: String, file: String = "policies.yml") throws -> [Policy] {
        try PolicyLoader.load(file: file, data: Data(text.utf8), source: file)
    }

    /// The error loading `text` gives, or nil when it loads.
    func refusal(_ text: String, file: String = "policies.yml") -> LoadError? {
        do {
            _ = try load(text, file: file)
            return nil
        } catch {
            return error as? LoadError
        }
    }

    @Test func aFileLoadsUnchangedWithBareAndPrefixedNames() throws {
        let policies = try load(
            """
            policies:
              - name: a
                resource: s3
                description: |
                  Buckets without versioning.
                  More text.
                metadata: {severity: High, compliance: [CIS-AWS-3.0/2.1.3]}
                filters:
                  - Versioning.Status: absent
              - name: b
                resource: azure.storage
                mode: {type: periodic, schedule: rate(2 hours)}
                filters: []
            """)
        #expect(policies.map(\.id) == ["a", "b"])
        #expect(policies.map(\.resourceType) == ["aws.s3", "azure.storage"])
        #expect(policies[0].title == "Buckets without versioning.")
        #expect(policies[0].severity == .high && policies[0].compliance == ["CIS-AWS-3.0/2.1.3"])
        #expect(policies[0].format == "custodian")
        #expect(policies[1].detection == .poll(every: .hours(2)))
        #expect(policies[0].detection == .poll(every: nil))
        #expect(!policies[0].isRemediable)
    }

    @Test(arguments: [
        ("cloudtrail", DetectionHint.event), ("config-rule", .event), ("ec2-instance-state", .event),
        ("pull", .poll(every: nil)),
    ])
    func modesBecomeDetection(_ mode: String, _ hint: DetectionHint) throws {
        let policies = try load(
            """
            policies:
              - name: p
                resource: ec2
                mode: {type: \(mode)}
                filters: [{State.Name: running}]
            """)
        #expect(policies[0].detection == hint)
    }

    @Test(arguments: [
        (
            "  - name: p\n    resource: iam-user\n    filters:\n      - type: usage\n",
            5, 15, "'usage' filter on aws.iam-user"
        ),
        (
            "  - name: p\n    resource: s3\n    actions:\n      - type: delete\n",
            5, 15, "'delete' action on aws.s3"
        ),
        ("  - name: p\n    resource: elb\n", 3, 15, "does not model Custodian's resource 'elb'"),
        ("  - name: p\n    resource: ec2\n    conditions: []\n", 4, 17, "does not read Custodian's 'conditions'"),
        (
            "  - name: p\n    resource: ec2\n    mode: {type: periodic, schedule: 'cron(0 1 * * ? *)'}\n", 4, 38,
            "rate(N"
        ),
        (
            "  - name: p\n    resource: ec2\n    filters:\n      - {type: value, key: a, value: 1, value_type: resource_count}\n",
            5, 53, "'value_type: resource_count'"
        ),
        (
            "  - name: p\n    resource: iam-user\n    actions:\n      - {type: remove-keys, matched: true, age: 90}\n",
            5, 9, "both 'matched' and 'age'"
        ),
        (
            "  - name: p\n    resource: security-group\n    filters:\n      - {type: ingress, SGReferences: {key: x, value: 1}}\n",
            5, 39, "'SGReferences'"
        ),
        (
            "  - name: p\n    resource: ebs\n    actions:\n      - {type: delete, force: true}\n",
            5, 31, "ec2:DetachVolume"
        ),
        (
            "  - name: p\n    resource: rds\n    actions:\n      - {type: delete, copy-restore-info: true}\n",
            5, 43, "rds:AddTagsToResource"
        ),
        (
            "  - name: p\n    resource: azure.storage\n    actions:\n      - type: require-secure-transfer\n", 5, 9,
            "changes nothing in Custodian"
        ),
        (
            "  - name: p\n    resource: azure.storage\n    actions:\n      - {type: require-secure-transfer, minimum_tls_version: TLS1_3}\n",
            5, 62, "TLS1_0, TLS1_1, TLS1_2"
        ),
        (
            "  - name: p\n    resource: security-group\n    actions:\n      - {type: remove-permissions, ingress: [sg-1]}\n",
            5, 45, "custodian validate refuses a list"
        ),
        (
            "  - name: p\n    resource: azure.storage\n    actions:\n      - {type: set-firewall-rules, ip-rules: [ServiceTags.AppService]}\n",
            5, 47, "service tags"
        ),
        (
            "  - name: p\n    resource: azure.storage\n    actions:\n      - {type: set-firewall-rules, bypass-rules: [Logs]}\n",
            5, 51, "expected one of AzureServices, Logging, Metrics"
        ),
        (
            "  - name: p\n    resource: azure.storage\n    actions:\n      - {type: set-firewall-rules, default-action: deny}\n",
            5, 52, "Allow, Deny"
        ),
        (
            "  - name: p\n    resource: gcp.bucket\n    actions:\n      - {type: set-uniform-access, enabled: true}\n",
            5, 45, "'enabled'"
        ),
        (
            "  - name: p\n    resource: s3\n    filters:\n      - {type: global-grants, permissions: [READ, WRITES]}\n",
            5, 51, "one of READ, WRITE"
        ),
        (
            "  - name: p\n    resource: vpc\n    actions:\n      - {type: set-flow-log, state: false}\n", 5, 37,
            "ec2:DeleteFlowLogs"
        ),
        (
            "  - name: p\n    resource: vpc\n    actions:\n      - {type: set-flow-log, attrs: {LogGroupName: g}}\n",
            5, 37, "needs 'TrafficType'"
        ),
        (
            "  - name: p\n    resource: vpc\n    actions:\n      - {type: set-flow-log, TrafficType: ALL, attrs: {LogGroupName: g}}\n",
            5, 43, "put them under 'attrs'"
        ),
        (
            "  - name: p\n    resource: ec2\n    filters:\n      - {type: value, key: 'a[', value: 1}\n",
            5, 28, "is not a JMESPath expression"
        ),
        (
            "  - name: p\n    resource: ec2\n    filters:\n      - {type: value, key: a, op: regex, value: '('}\n",
            5, 49, "is not a regular expression"
        ),
    ])
    func whatRemsimCannotExpressIsRefusedWhereItIsWritten(
        _ policy: String, _ line: Int, _ column: Int, _ message: String
    ) {
        let error = refusal("policies:\n" + policy)
        #expect(error?.file == "policies.yml")
        #expect(error?.line == line && error?.column == column, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    /// RDS's `delete` takes a final snapshot where the instance can have one and skips it where
    /// it cannot, as Custodian decides per instance; instances of a cluster are left alone.
    @Test func deletingADatabaseDecidesTheFinalSnapshotPerInstance() throws {
        let policy = try #require(
            try load(
                """
                policies:
                  - name: p
                    resource: rds
                    actions: [delete]
                """
            ).first)
        let steps = try #require(policy.remediation?.steps)
        #expect(steps.map(\.operation) == ["rds:DeleteDBInstance", "rds:DeleteDBInstance"])
        #expect(steps[0].parameters["FinalDBSnapshotIdentifier"] == "Final-${resourceId}-${time:+0ms:%Y-%m-%d-%H-%M}")
        #expect(steps[1].parameters["SkipFinalSnapshot"] == true)
        let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!
        func calls(_ properties: Value) throws -> [String] {
            let db = Resource(id: "db", type: "aws.rds", account: "1", region: "r", properties: properties)
            guard let finding = Evaluator(now: now).finding(policy, db) else { return [] }
            let plan = try RemediationPlan(policy: policy, finding: finding, resource: db, now: now)
            return plan.calls.map { $0.parameters["SkipFinalSnapshot"] == true ? "skip" : "final" }
        }
        #expect(try calls(["DBInstanceStatus": "available"]) == ["final"])
        #expect(try calls(["DBInstanceStatus": "failed"]) == ["skip"])
        #expect(
            try calls(["DBInstanceStatus": "available", "ReadReplicaSourceDBInstanceIdentifier": "main"]) == ["skip"])
        #expect(try calls(["DBInstanceStatus": "available", "ReadReplicaSourceDBInstanceIdentifier": ""]) == ["final"])
        #expect(try calls(["DBInstanceStatus": "available", "DBClusterIdentifier": "aurora-1"]) == [])
    }

    @Test func valueFromReadsAFileBesideThePolicyAndNothingOutsideTheTree() throws {
        let base = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let dir = "\(base)/policies"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "10.0.0.0/8\n10.0.0.0/8\n192.168.0.0/16\n".write(
            toFile: "\(dir)/ranges.txt", atomically: true, encoding: .utf8)
        try "root:x:0:0\n".write(toFile: "\(base)/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/link.txt", withDestinationPath: "\(base)/secret.txt")
        let text = """
            policies:
              - name: p
                resource: security-group
                filters:
                  - type: value
                    key: Cidr
                    op: in
                    value_from: {url: "file:ranges.txt"}
            """
        let file = "\(dir)/p.yml"
        let policies = try PathConfinement.$current.withValue(.directories([dir])) {
            try load(text, file: file)
        }
        guard case .check(let check) = policies[0].filters[0], let value = check as? CustodianValueCheck else {
            Issue.record("not a value check")
            return
        }
        #expect(value.filter.value == ["10.0.0.0/8", "192.168.0.0/16"])
        // Out of the tree, by a relative path or through a link: refused, nothing of it quoted.
        for url in ["file:../secret.txt", "file:link.txt", "../secret.txt"] {
            let outside = text.replacingOccurrences(of: "file:ranges.txt", with: url)
            let error = PathConfinement.$current.withValue(.directories([dir])) {
                refusal(outside, file: file)
            }
            #expect(error?.message.contains("outside") == true, "\(url): \(String(describing: error))")
            #expect(error?.message.contains("root:x") == false)
            #expect(error?.line == 8)
        }
        let remote = text.replacingOccurrences(of: "file:ranges.txt", with: "s3://bucket/ranges.txt")
        #expect(refusal(remote)?.message.contains("not from s3://") == true)
    }

    @Test func anAlertRuleWithoutDetectionIsSplitByTheModesOfItsPolicies() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        version: 1
        resources:
          - {id: sg-1, type: aws.security-group, account: "111111111111", region: us-east-1, properties: {GroupId: sg-1}}
        """.write(toFile: "\(dir)/fixtures.yaml", atomically: true, encoding: .utf8)
        try """
        policies:
          - {name: on-change, resource: security-group, mode: {type: cloudtrail}, filters: [{GroupName: x}]}
          - {name: hourly, resource: security-group, filters: [{GroupName: y}]}
          - {name: quarter, resource: security-group, mode: {type: periodic, schedule: rate(15 minutes)}, filters: [{GroupName: z}]}
        """.write(toFile: "\(dir)/policies.yml", atomically: true, encoding: .utf8)
        func scenario(_ rule: String) -> String {
            """
            version: 1
            name: s
            fixtures: [fixtures.yaml]
            policies: [policies.yml]
            engine:
              alert-rules:
                - {name: c7n, auto-remediate: true\(rule)}
            run-for: 1h
            """
        }
        try scenario("").write(toFile: "\(dir)/s.yaml", atomically: true, encoding: .utf8)
        let rules = try ScenarioLoader(builtins: []).load(file: "\(dir)/s.yaml").settings.rules
        #expect(rules.map(\.name) == ["c7n/event", "c7n/poll-1h", "c7n/poll-15m"])
        #expect(
            rules.map(\.detection) == [
                .event(deliveryDelay: .seconds(90)), .poll(every: .hours(1)), .poll(every: .minutes(15)),
            ])
        #expect(rules.map(\.policies) == [["on-change"], ["hourly"], ["quarter"]])
        try scenario(", detection: {mode: poll, every: 5m}").write(
            toFile: "\(dir)/s.yaml", atomically: true, encoding: .utf8)
        let overridden = try ScenarioLoader(builtins: []).load(file: "\(dir)/s.yaml").settings.rules
        #expect(overridden.map(\.name) == ["c7n"] && overridden[0].detection == .poll(every: .minutes(5)))
    }
}
