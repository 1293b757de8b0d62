import CloudModel
import Foundation
import Policies
import TestSupport
import Testing

@testable import Loading

/// Prisma Cloud policy JSON read as Prisma keeps it: the repository's flattened keys, the policy
/// API's nested export, a list of policies; what cannot be read is refused at its place.
struct PrismaPolicyFileTests {
    static let query =
        "config from cloud.resource where cloud.type = 'aws' AND api.name = 'aws-ec2-describe-snapshots' "
        + "AND json.rule = 'createVolumePermissions[*].group contains all'"
    static let template =
        "aws ec2 --region ${region} modify-snapshot-attribute --snapshot-id ${resourceId} --attribute "
        + "createVolumePermission --operation-type remove --group-names all"

    /// The repository's layout: every key at the top, dotted.
    static func flattened(query: String = query, template: String = template, extra: String = "") -> String {
        """
        {
          "policyUpi": "T-AWS-1",
          "policyId": "0b5e0000-0000-4000-8000-000000000001",
          "policyType": "config",
          "cloudType": "aws",
          "severity": "high",
          "name": "Snapshot restorable by anyone",
          "description": "d",
          "rule.criteria": "0b5e0000-0000-4000-8000-000000000001",
          "searchModel.query": \(json(query)),
          "remediable": true,
          "remediation.cliScriptTemplate": \(json(template)),
          "remediation.description": "This CLI command requires 'ec2:ModifySnapshotAttribute' permission.",
          "remediation.impact": "",\(extra)
          "compliance.standard": "['CIS v3.0.0 (AWS)', 'ACME']"
        }
        """
    }

    static func json(_ text: String) -> String { Value.string(text).jsonText }

    func load(_ text: String, name: String = "p.json") throws -> (policies: [Policy], problems: [LoadError]) {
        let dir = try TestSupport.temporaryDirectory()
        let file = try TestSupport.write(text, to: name, in: dir)
        return PolicyLoader.loadReportingAll(file: file, source: file)
    }

    @Test func bothOfPrismasShapesLoadTheSamePolicy() throws {
        let nested = """
            [{
              "policyId": "0b5e0000-0000-4000-8000-000000000001",
              "name": "Snapshot restorable by anyone",
              "policyType": "config", "cloudType": "aws", "severity": "high", "description": "d",
              "rule": {"criteria": \(Self.json(Self.query)), "parameters": {"savedSearch": "false"}, "type": "Config"},
              "remediable": true,
              "remediation": {"cliScriptTemplate": \(Self.json(Self.template)),
                              "description": "This CLI command requires 'ec2:ModifySnapshotAttribute' permission."},
              "complianceMetadata": [{"standardName": "CIS v3.0.0 (AWS)", "requirementId": "2.2"}]
            }]
            """
        let a = try #require(try load(Self.flattened()).policies.first)
        let b = try #require(try load(nested).policies.first)
        for p in [a, b] {
            #expect(p.id == "0b5e0000-0000-4000-8000-000000000001")
            #expect(p.title == "Snapshot restorable by anyone")
            #expect(p.resourceType == "aws.ebs-snapshot")
            #expect(p.severity == .high)
            #expect(p.format == "prisma")
            #expect(p.remediation?.steps.map(\.operation) == ["ec2:ModifySnapshotAttribute"])
            #expect(p.notes.isEmpty, "\(p.notes)")
        }
        #expect(a.compliance == ["CIS v3.0.0 (AWS)", "ACME"])
        #expect(b.compliance == ["CIS v3.0.0 (AWS)/2.2"])
        #expect(a.origin == "Prisma T-AWS-1")
        #expect(a.remediation?.steps.map(\.parameters) == b.remediation?.steps.map(\.parameters))
        let shared = Resource(
            id: "snap-1", type: "aws.ebs-snapshot", account: "1", region: "us-east-1",
            properties: ["CreateVolumePermissions": [["Group": "all"]]])
        let own = Resource(
            id: "snap-2", type: "aws.ebs-snapshot", account: "1", region: "us-east-1",
            properties: ["CreateVolumePermissions": [["UserId": "222222222222"]]])
        for p in [a, b] {
            #expect(Evaluator(now: TestSupport.start).violates(p, shared))
            #expect(!Evaluator(now: TestSupport.start).violates(p, own))
        }
    }

    /// `cloud.account` and `cloud.region` are the policy's scope: a resource elsewhere is not
    /// flagged.
    @Test func accountAndRegionClausesScopeThePolicy() throws {
        let scoped = Self.query.replacingOccurrences(
            of: "AND api.name",
            with: "AND cloud.account IN ('111111111111') AND cloud.region = 'us-east-1' AND api.name")
        let p = try #require(try load(Self.flattened(query: scoped)).policies.first)
        #expect(p.scope == PolicyScope(accounts: ["111111111111"], regions: ["us-east-1"]))
        func snapshot(_ account: String, _ region: String) -> Resource {
            Resource(
                id: "snap-\(account)-\(region)", type: "aws.ebs-snapshot", account: account, region: region,
                properties: ["CreateVolumePermissions": [["Group": "all"]]])
        }
        let evaluator = Evaluator(now: TestSupport.start)
        #expect(evaluator.violates(p, snapshot("111111111111", "us-east-1")))
        #expect(!evaluator.violates(p, snapshot("222222222222", "us-east-1")))
        #expect(!evaluator.violates(p, snapshot("111111111111", "eu-west-1")))
        var inventory = Inventory()
        for r in [snapshot("111111111111", "us-east-1"), snapshot("222222222222", "us-east-1")] {
            try inventory.insert(r)
        }
        var found: [String] = []
        evaluator.forEachViolation(of: [p], in: inventory) { _, r in found.append(r.id) }
        #expect(found == ["snap-111111111111-us-east-1"])
    }

    /// A template naming what remsim does not model leaves a policy that detects: it loads
    /// without its remediation, and says why with the template's place.
    @Test func aTemplateRemsimCannotRunLeavesThePolicyDetecting() throws {
        let (policies, problems) = try load(
            Self.flattened(template: "aws ec2 modify-image-attribute --image-id ${resourceId} --launch-permission x"))
        #expect(problems.isEmpty, "\(problems)")
        let p = try #require(policies.first)
        #expect(p.remediation == nil)
        #expect(p.remediationRefused)
        #expect(p.notes.first?.contains("p.json:12:") == true, "\(p.notes)")
        #expect(p.notes.first?.contains("modify-image-attribute") == true, "\(p.notes)")
    }

    @Test func aPermissionTheDescriptionGrantsThatTheCallDoesNotNeedIsNoted() throws {
        let text = Self.flattened().replacingOccurrences(
            of: "'ec2:ModifySnapshotAttribute'", with: "'ec2:DescribeSnapshots'")
        let p = try #require(try load(text).policies.first)
        #expect(p.remediation != nil)
        #expect(
            p.notes == [
                "the remediation's description grants ec2:DescribeSnapshots; its calls need ec2:ModifySnapshotAttribute"
            ])
    }

    /// Each refusal names the file, the key and the line and column of what it refuses inside
    /// the query.
    @Test func refusalsPointIntoTheQuery() throws {
        func problem(_ query: String) throws -> LoadError {
            try #require(try load(Self.flattened(query: query)).problems.first)
        }
        // Line 10 holds the query: its string opens at column 24, so its character k is at
        // column 25 + k. The api.name's value is at character 67.
        let api = try problem(
            Self.query.replacingOccurrences(of: "aws-ec2-describe-snapshots", with: "aws-ecs-cluster"))
        #expect(api.line == 10)
        #expect(api.keyPath == "searchModel.query")
        #expect(api.column == 25 + 67)
        #expect(api.message.contains("api.name 'aws-ecs-cluster' has no resource type that remsim models"))
        let unmodelled = try problem(
            "config from cloud.resource where api.name = 'aws-s3api-get-bucket-acl' AND json.rule = "
                + "versioningConfiguration.status equals Enabled and acl.grants[*].grantee contains AllUsers")
        // The test of `acl` starts at character 137.
        #expect(unmodelled.column == 25 + 137)
        #expect(unmodelled.message.contains("'acl'"))
        let join = try problem(
            Self.query + " as X; config from cloud.resource where api.name = 'x' as Y; filter 'true'")
        #expect(join.message.contains("join"))
        let mismatch = try problem(
            Self.query.replacingOccurrences(of: "cloud.type = 'aws'", with: "cloud.type = 'gcp'"))
        #expect(mismatch.message.contains("cloud.type 'gcp' does not match"))
        let network = Self.flattened().replacingOccurrences(
            of: "\"policyType\": \"config\"", with: "\"policyType\": \"network\"")
        let refused = try #require(try load(network).problems.first)
        #expect(refused.line == 4)
        #expect(refused.message.contains("'network' policy"))
    }

    /// A JSON string's escapes count as the characters they stand for when the column is found.
    @Test func columnsCountEscapesInTheFile() throws {
        let query =
            "config from cloud.resource where api.name = 'aws-s3api-get-bucket-acl' AND json.rule = "
            + "\"versioningConfiguration.status equals Enabled and acl.grants[*].grantee contains AllUsers\""
        let e = try #require(try load(Self.flattened(query: query)).problems.first)
        // The test starts at character 138, and the `"` before it is written `\"`: one more.
        #expect(e.column == 25 + 138 + 1)
    }

    /// The project's own Prisma-format policies load whole, every one with its remediation.
    @Test func theProjectsPrismaPoliciesLoadWhole() throws {
        let dir = TestSupport.packageRoot.appendingPathComponent("Fixtures/policies/prisma").path
        let (files, problems) = PolicyLoader.fileReports(paths: [dir])
        #expect(problems.isEmpty, "\(problems)")
        #expect(files.count >= 13)
        for file in files {
            #expect(file.problems.isEmpty, "\(file.file): \(file.problems)")
            for p in file.policies {
                #expect(p.format == "prisma")
                #expect(p.isRemediable && p.notes.isEmpty, "\(p.id): \(p.notes)")
            }
        }
        let clouds = Set(files.flatMap(\.policies).map { $0.resourceType.split(separator: ".")[0] })
        #expect(clouds == ["aws", "azure", "gcp"])
        // Together they write every construct of the json.rule language.
        let written = try files.map { try String(contentsOfFile: $0.file, encoding: .utf8) }.joined(separator: "\n")
        for construct in [
            " equals ", " does not equal ", " equal ignore case ", " does not equal ignore case ", " contains ",
            " does not contain ", " exists", " does not exist", " is empty", " is not empty", " greater than ", " < ",
            " > ", " >= ", " <= ", " starts with ", " does not start with ", " ends with ", " does not end with ",
            " is member of (", " is not member of (", " matches ", "[*]", "[?any(", "[?none(", "[?(@.", " size ",
            " any equal ", " all equal ", "_Port.inRange(", " is true", " is false", " not (", " or (", "!isType ",
            " == ", " != ",
        ] {
            #expect(written.contains(construct), "no project policy writes '\(construct)'")
        }
    }
}
