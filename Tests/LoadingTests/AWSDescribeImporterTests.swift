import CloudModel
import Foundation
import Loading
import Policies
import PolicyPack
import TestSupport
import Testing

/// Seeding fixtures from `aws … describe-…` output, on real-shaped samples.
struct AWSDescribeImporterTests {
    static let samples = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples/aws-describe").path
    var files: [String] { (try? InputFiles.collect([Self.samples])) ?? [] }

    @Test func describeOutputBecomesResourcesInTheAPIsShape() throws {
        let result = try AWSDescribeImporter.load(files: files, region: "us-east-1", account: nil)
        let byId = Dictionary(uniqueKeysWithValues: result.resources.map { ($0.id, $0) })
        #expect(
            Set(byId.keys) == [
                "sg-0123456789abcdef0", "i-1234567890abcdef0", "vpc-0a1b2c3d4e5f67890", "vpc-0fedcba9876543210",
                "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail",
            ])
        let sg = try #require(byId["sg-0123456789abcdef0"])
        #expect(sg.type == "aws.security-group")
        #expect(sg.account == "123456789012")
        #expect(sg.name == "web")
        #expect(sg.tags == ["env": "prod", "Name": "web-sg"])
        #expect(sg.properties["Tags"] == nil)
        #expect(sg.properties["IpPermissions"]?.arrayValue?.count == 2)
        #expect(sg.relations == ["attached-to": ["i-1234567890abcdef0"]])
        let instance = try #require(byId["i-1234567890abcdef0"])
        #expect(instance.region == "us-east-1")
        #expect(instance.name == "web-1")
        let vpc = try #require(byId["vpc-0a1b2c3d4e5f67890"])
        #expect(vpc.properties["FlowLogs"]?.arrayValue?.first?["FlowLogStatus"] == "ACTIVE")
        let trail = try #require(byId["arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail"])
        #expect(trail.account == "123456789012")
        #expect(trail.name == "org-trail")
        #expect(
            result.skipped.map(\.what) == ["Subnets (not modelled)", "flow logs of resources not imported as VPCs"])
        #expect(result.skipped.map(\.count) == [1, 1])
    }

    @Test func importedFixturesLoadAndThePackFindsWhatIsWrong() throws {
        let result = try AWSDescribeImporter.load(files: files, region: "us-east-1", account: "999999999999")
        #expect(result.resources.allSatisfy { $0.account == "999999999999" }, "--account overrides owner ids")
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try FixtureWriter(directory: dir).write { emit in for r in result.resources { try emit(r) } }
        let inventory = try FixtureLoader.load(paths: [dir])
        #expect(inventory.count == 5)
        #expect(
            TestSupport.violations(of: try BuiltinPolicies.load(), in: inventory) == [
                "aws-cloudtrail-log-file-validation arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail",
                "aws-ec2-imdsv2-required i-1234567890abcdef0",
                "aws-sg-ssh-open-to-world sg-0123456789abcdef0",
                "aws-vpc-flow-logs-enabled vpc-0fedcba9876543210",
            ])
    }

    @Test func whatTheOutputDoesNotSayMustBeGiven() throws {
        do {
            _ = try AWSDescribeImporter.load(
                files: [Self.samples + "/describe-vpcs-and-flow-logs.json"], region: nil, account: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "Vpcs[0]")
            #expect(error.line == 3)
            #expect(error.message.contains("give it with --region"))
        }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notDescribe = try TestSupport.write("[1, 2]", to: "x.json", in: dir)
        #expect(throws: LoadError.self) {
            try AWSDescribeImporter.load(files: [notDescribe], region: "r", account: nil)
        }
    }
}
