import CloudModel
import Foundation
import Policies
import PolicyPack
import TestSupport
import Testing

@testable import Loading

/// Seeding fixtures from AWS Config, Azure Resource Graph and Cloud Asset Inventory exports, on
/// real-shaped samples: the resources come out in the shape the built-in policies read, so the
/// pack finds exactly what is wrong in them.
struct ExportImporterTests {
    static let samples = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples").path

    func violations(_ resources: [Resource]) throws -> [String] {
        TestSupport.violations(of: try BuiltinPolicies.load(), in: try Inventory(resources)) { $0.name }
    }

    @Test func configItemsBecomeDescribeShapedResources() throws {
        let result = try AWSConfigImporter.load(files: [
            Self.samples + "/aws-config/config-snapshot.json", Self.samples + "/aws-config/config-batch-get.json",
        ])
        let byId = Dictionary(uniqueKeysWithValues: result.resources.map { ($0.id, $0) })
        let sg = try #require(byId["sg-0f1e2d3c4b5a69788"])
        #expect(sg.type == "aws.security-group")
        #expect(sg.account == "444455556666")
        #expect(sg.tags == ["team": "ops", "Name": "legacy-admin"])
        #expect(sg.properties["GroupId"] == "sg-0f1e2d3c4b5a69788")
        #expect(
            sg.properties["IpPermissions"]?.arrayValue?.first == [
                "FromPort": 22, "IpProtocol": "tcp", "Ipv6Ranges": [], "PrefixListIds": [], "ToPort": 22,
                "UserIdGroupPairs": [],
                "IpRanges": [["CidrIp": "0.0.0.0/0"], ["CidrIp": "10.0.0.0/8"]],
            ])
        #expect(sg.properties["Tags"] == nil)
        #expect(sg.relations == ["attached-to": ["i-0aa11bb22cc33dd44"]])
        let bucket = try #require(byId["acme-legacy-exports"])
        #expect(bucket.properties["Versioning"] == ["Status": "Suspended"])
        #expect(bucket.properties["PublicAccessBlockConfiguration"]?["BlockPublicPolicy"] == false)
        #expect(
            bucket.properties["ServerSideEncryptionConfiguration"]?["Rules"]?.arrayValue?.first?[
                "ApplyServerSideEncryptionByDefault"]?["SSEAlgorithm"] == "AES256")
        #expect(bucket.properties["Logging"] == .emptyObject)
        let db = try #require(byId["legacy-reports"])
        #expect(db.properties["DBInstanceIdentifier"] == "legacy-reports")
        #expect(db.properties["MultiAZ"] == true)
        let trail = try #require(byId["arn:aws:cloudtrail:us-east-1:444455556666:trail/main"])
        #expect(trail.properties["LogFileValidationEnabled"] == false, "a configuration given as a JSON string is read")
        #expect(byId["arn:aws:sns:us-east-1:444455556666:alerts"]?.type == "aws.AWS::SNS::Topic")
        #expect(result.inert.map(\.type) == ["aws.AWS::SNS::Topic"])
        #expect(result.skipped.map(\.what) == ["resources whose latest configuration item says they were deleted"])
        let found = try violations(result.resources)
        #expect(
            found == [
                "aws-cloudtrail-log-file-validation main", "aws-ec2-imdsv2-required jump-host",
                "aws-ec2-public-ip jump-host",
                "aws-rds-publicly-accessible legacy-reports", "aws-s3-access-logging acme-legacy-exports",
                "aws-s3-public-access-block acme-legacy-exports",
                "aws-s3-versioning-enabled acme-legacy-exports", "aws-sg-ssh-open-to-world legacy-admin",
            ], "\(found)")
    }

    @Test func resourceGraphRowsKeepARMsShape() throws {
        let result = try AzureResourceGraphImporter.load(files: [
            Self.samples + "/azure-resource-graph/resource-graph.json"
        ])
        let storage = try #require(result.resources.first { $0.name == "stlegacyfiles" })
        #expect(storage.type == "azure.storage")
        #expect(storage.account == "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
        #expect(storage.region == "northeurope")
        #expect(storage.tags == ["owner": "finance"])
        #expect(storage.azureResourceGroup == "rg-legacy")
        #expect(storage.properties["subscriptionId"] == nil && storage.properties["identity"] == nil)
        #expect(storage.properties["sku"] == ["name": "Standard_LRS", "tier": "Standard"])
        #expect(result.inert.map(\.type) == ["azure.microsoft.cdn/profiles"])
        #expect(
            try violations(result.resources) == [
                "azure-nsg-ssh-open-to-internet nsg-legacy", "azure-storage-secure-transfer stlegacyfiles",
            ])
    }

    @Test func assetInventoryLinesBecomeResourcesWithTheirIAMPolicies() throws {
        let result = try GCPAssetInventoryImporter.load(
            files: [Self.samples + "/gcp-asset-inventory/asset-export.ndjson"], project: "acme-legacy-1234")
        let bucket = try #require(result.resources.first { $0.type == "gcp.bucket" })
        #expect(bucket.id == "//storage.googleapis.com/acme-legacy-public-1234")
        #expect(bucket.account == "acme-legacy-1234", "a bucket's name holds no project: --project gives it")
        #expect(bucket.region == "us")
        #expect(bucket.tags == ["team": "marketing"])
        #expect(bucket.properties["iamPolicy"]?["bindings"]?.arrayValue?.count == 2, "the iam-policy line is attached")
        let instance = try #require(result.resources.first { $0.type == "gcp.instance" })
        #expect(instance.region == "us-central1-a")
        #expect(instance.name == "legacy-web")
        #expect(result.inert.map(\.type) == ["gcp.pubsub.googleapis.com/Topic"])
        #expect(
            try violations(result.resources) == [
                "gcp-bucket-public acme-legacy-public-1234", "gcp-firewall-ssh-open-to-world default-allow-ssh",
            ])
    }

    @Test func aBadLineIsReportedWithItsOwnLineNumber() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/bad.ndjson"
        let good =
            #"{"name":"//compute.googleapis.com/projects/p/global/firewalls/a","asset_type":"compute.googleapis.com/Firewall","resource":{"data":{"name":"a"}}}"#
        try (good + "\n\n" + #"{"name": "x", "asset_type": }"# + "\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect {
            try GCPAssetInventoryImporter.load(files: [file], project: nil)
        } throws: { error in
            guard let e = error as? LoadError else { return false }
            return e.line == 3 && e.file == file
        }
        try (good + "\n" + #"{"asset_type":"compute.googleapis.com/Firewall","resource":{"data":{}}}"# + "\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect {
            try GCPAssetInventoryImporter.load(files: [file], project: nil)
        } throws: { error in
            (error as? LoadError).map { $0.line == 2 && $0.message == "missing 'name'" } ?? false
        }
    }

    @Test func anInertResourceLoadsOnlyWhenMarked() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func load(_ entry: String) throws -> Inventory {
            try "version: 1\nresources:\n  - \(entry)\n".write(
                toFile: dir + "/f.yaml", atomically: true, encoding: .utf8)
            return try FixtureLoader.load(paths: [dir + "/f.yaml"])
        }
        #expect(
            try load("{id: t, type: aws.AWS::SNS::Topic, inert: true, account: '1', region: r}")["t"]?.cloud == .aws)
        #expect(throws: LoadError.self) { try load("{id: t, type: aws.AWS::SNS::Topic, account: '1', region: r}") }
        #expect(throws: LoadError.self) { try load("{id: t, type: aws.s3, inert: true, account: '1', region: r}") }
        #expect(throws: LoadError.self) { try load("{id: t, type: sns, inert: true, account: '1', region: r}") }
    }
}

/// Exports are read in one pass, an item at a time; whatever is wrong in one is still named at
/// its file, line, column and key path.
struct ExportReadingTests {
    func problem(_ text: String, _ load: (String) throws(LoadError) -> Void) throws -> LoadError {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try TestSupport.write(text, to: "export.json", in: dir)
        do throws(LoadError) {
            try load(file)
        } catch {
            #expect(error.file == file)
            return error
        }
        Issue.record("expected an error")
        return LoadError(file: "", message: "")
    }

    func describe(_ file: String) throws(LoadError) {
        _ = try AWSDescribeImporter.load(files: [file], region: "us-east-1", account: nil)
    }

    @Test func anItemsProblemIsPlacedAtTheItem() throws {
        let e = try problem(
            """
            {
              "SecurityGroups": [
                {"GroupId": "sg-1", "OwnerId": "1"},
                {"GroupName": "b", "OwnerId": "1"}
              ]
            }
            """, describe)
        #expect((e.keyPath, e.line, e.column, e.message) == ("SecurityGroups[1]", 4, 5, "missing 'GroupId'"))

        let twice = try problem(
            """
            {"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "1"},
                      {"VpcId": "vpc-1", "OwnerId": "1"}]}
            """, describe)
        #expect((twice.keyPath, twice.line, twice.column) == ("Vpcs[1]", 2, 11))
        #expect(twice.message == "'vpc-1' appears twice in the import")

        let instance = try problem(
            """
            {"Reservations": [
              {"OwnerId": "1", "Instances": [{"InstanceId": "i-1"}, {"Placement": {}}]}
            ]}
            """, describe)
        #expect((instance.keyPath, instance.line) == ("Reservations[0].Instances[1]", 2))
        #expect(instance.message == "missing 'InstanceId'")
    }

    @Test func syntaxAndDuplicateKeysAreFoundWhereTheyAre() throws {
        let duplicate = try problem(
            """
            {"SecurityGroups": [
              {"GroupId": "sg-1",
               "GroupId": "sg-2", "OwnerId": "1"}]}
            """, describe)
        #expect((duplicate.keyPath, duplicate.line, duplicate.column) == ("SecurityGroups[0].GroupId", 3, 4))
        #expect(duplicate.message == "duplicate key 'GroupId' (also at line 2)")

        let syntax = try problem("{\"SecurityGroups\": [\n  {\"GroupId\": \"sg-1\" \"OwnerId\": \"1\"}]}", describe)
        #expect((syntax.line, syntax.column) == (2, 22))
        #expect(syntax.message.hasPrefix("invalid JSON: expected ',' or '}'"))

        let notAList = try problem("{\"Vpcs\": {\"VpcId\": \"vpc-1\"}}", describe)
        #expect((notAList.keyPath, notAList.line, notAList.column) == ("Vpcs", 1, 10))

        let notAnObject = try problem("\n  [1, 2]", describe)
        #expect((notAnObject.line, notAnObject.column) == (2, 3))
        #expect(notAnObject.message == "expected the JSON object an `aws …` describe, list or get call prints")

        let empty = try problem(" \n", describe)
        #expect(empty.message == "the file is empty")
    }

    @Test func aConfigurationThatIsABadJSONStringIsNamedAtItsItem() throws {
        let e = try problem(
            """
            {"Results": [
              "{\\"resourceType\\": \\"AWS::EC2::VPC\\", \\"awsAccountId\\": \\"1\\", \\"awsRegion\\": \\"r\\", \\"resourceId\\": \\"vpc-1\\"}",
              "{\\"resourceType\\": "
            ]}
            """
        ) { file throws(LoadError) in _ = try AWSConfigImporter.load(files: [file]) }
        #expect((e.keyPath, e.line, e.column) == ("Results[1]", 3, 3))
        #expect(
            e.message
                == "a JSON string that is not valid JSON: the text ends where a value was expected at character 18")

        let notConfig = try problem("{\n  \"NextToken\": \"x\"\n}") { file throws(LoadError) in
            _ = try AWSConfigImporter.load(files: [file])
        }
        #expect((notConfig.line, notConfig.column) == (1, 1))
        #expect(notConfig.message.hasSuffix("not an AWS Config export"))
    }

    /// A minified export (one line, as Config delivers snapshots) is read in one pass: an item's
    /// place is worked out only for a problem.
    @Test func aMinifiedExportReadsWhole() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let groups = (0..<5_000).map { #"{"GroupId":"sg-\#($0)","OwnerId":"1","IpPermissions":[]}"# }
        let file = try TestSupport.write(
            #"{"SecurityGroups":["# + groups.joined(separator: ",") + "]}", to: "sg.json", in: dir)
        let result = try AWSDescribeImporter.load(files: [file], region: "r", account: nil)
        #expect(result.resources.count == 5_000)
        #expect(result.resources.last?.properties["IpPermissions"] == .array([]))
    }
}
