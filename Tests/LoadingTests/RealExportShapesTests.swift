import CloudModel
import Foundation
import Policies
import PolicyPack
import RemediationEngine
import Simulation
import TestSupport
import Testing

@testable import Loading

/// Every shape the clouds' exports come in, each sample written for the project in the format the
/// cloud documents: what is modelled is imported, what is not is counted with its reason, and
/// what is imported but not whole is warned about.
struct RealExportShapesTests {
    static let samples = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples").path

    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: samples + "/" + folder)) ?? []).sorted().map {
            samples + "/" + folder + "/" + $0
        }
    }

    static func byId(_ result: ImportResult) -> [String: Resource] {
        Dictionary(uniqueKeysWithValues: result.resources.map { ($0.id, $0) })
    }

    /// Violations of the built-in pack at `now`, as "policy name".
    static func violations(_ resources: [Resource], at now: Timestamp) throws -> [String] {
        TestSupport.violations(of: try BuiltinPolicies.load(), in: try Inventory(resources), at: now) { $0.name }
    }

    static let now = Timestamp(iso8601: "2026-11-30T06:00:00Z")!

    // MARK: - AWS CLI

    @Test func everyModelledTypeTheAWSCLIListsIsImported() throws {
        let result = try AWSDescribeImporter.load(files: Self.files("aws-describe-estate"), region: nil, account: nil)
        let types = Dictionary(grouping: result.resources, by: \.type).mapValues(\.count)
        #expect(
            types == [
                "aws.rds": 1, "aws.rds-snapshot": 1, "aws.iam-user": 3, "aws.iam-role": 1,
                "aws.kms-key": 1, "aws.app-elb": 1, "aws.lambda": 1, "aws.distribution": 1, "aws.redshift": 1,
                "aws.log-group": 1,
            ])
        #expect(result.inert.isEmpty, "nothing modelled is kept as not modelled")
        let r = Self.byId(result)
        // Accounts and regions come from what the output says: ARNs, zones.
        let db = try #require(r["orders-db"])
        #expect((db.account, db.region) == ("210987654321", "eu-west-1"))
        #expect(db.tags == ["team": "orders"])
        #expect(db.properties["TagList"] == nil)
        #expect(try #require(r["orders-analytics"]).region == "eu-west-1")
        #expect(try #require(r["EDFDVBD6EXAMPLE"]).region == "global")
        #expect(
            try #require(r["arn:aws:lambda:eu-west-1:210987654321:function:orders-receipts"]).name == "orders-receipts")
        // What other calls print about a resource is merged into it.
        #expect(r["orders-db-before-upgrade"]?.properties["DBSnapshotAttributes"]?.arrayValue?.count == 1)
        #expect(r["1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"]?.properties["KeyRotationEnabled"] == .bool(false))
        // list-users and get-account-authorization-details describe one user.
        let ci = try #require(r["iam-user/210987654321/ci-deployer"])
        #expect(ci.properties["GroupList"]?.arrayValue == ["deployers"])
        #expect(ci.tags == ["owner": "platform"])
        #expect(
            result.skipped.map(\.what) == [
                "GroupDetailList: IAM groups are not modelled", "Policies: IAM managed policies are not modelled",
                "credential report rows of the root account (not an IAM user)",
                "load balancers of type network (not modelled: aws.app-elb is application)",
            ])
        // The page that goes on, the ALB without its attributes, the key without its id.
        #expect(result.warnings.count == 3)
        #expect(
            result.warnings.contains {
                $0.contains("describe-db-instances-page-1.json is a page of output that goes on")
            })
        #expect(
            result.warnings.contains {
                $0.hasPrefix("1 aws.app-elb from `aws elbv2 describe-load-balancers` lack Attributes")
            })
        #expect(result.warnings.contains { $0.hasPrefix("2 access keys are known from the credential report only") })
    }

    @Test func theCredentialReportAndListAccessKeysLetTheStaleKeyPolicyFire() throws {
        let dir = Self.samples + "/aws-describe-estate/"
        let result = try AWSDescribeImporter.load(
            files: [dir + "list-users.json", dir + "list-access-keys-ci-deployer.json", dir + "credential-report.csv"],
            region: nil, account: nil)
        let r = Self.byId(result)
        // ci-deployer: two listed keys; the report's rows are the same keys (created at the same
        // time), and give the first one's last use.
        let ci = try #require(r["iam-user/210987654321/ci-deployer"])
        #expect(
            ci.properties["AccessKeys"]?.arrayValue?.compactMap { $0["AccessKeyId"]?.stringValue } == [
                "AKIA2EXAMPLECIDEP001", "AKIA2EXAMPLECIDEP002",
            ])
        #expect(ci.usage["access-key-last-used"]?.arrayValue?.first?["key"] == "AKIA2EXAMPLECIDEP001")
        #expect(ci.usage["access-key-last-used"]?.arrayValue?.first?["service"] == "s3")
        // dana: known from the report only; ops-bot: a user only the report names, added.
        let dana = try #require(r["iam-user/210987654321/dana"])
        #expect(dana.properties["AccessKeys"]?.arrayValue?.first?["AccessKeyId"] == nil)
        let bot = try #require(r["iam-user/210987654321/ops-bot"])
        #expect(bot.properties["AccessKeys"]?.arrayValue?.first?["Status"] == "Inactive")
        #expect(bot.properties["Arn"] == "arn:aws:iam::210987654321:user/ops-bot")
        #expect(
            try Self.violations(result.resources, at: Self.now) == [
                "aws-iam-access-key-older-than-90-days ci-deployer",
                "aws-iam-access-key-older-than-90-days dana",
            ])
        // The report as `aws iam get-credential-report` prints it (base64) reads the same.
        let tmp = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let csv = try Data(contentsOf: URL(fileURLWithPath: dir + "credential-report.csv"))
        let json = try TestSupport.write(
            #"{"Content": "\#(csv.base64EncodedString())", "ReportFormat": "text/csv", "GeneratedTime": "2026-11-30T06:00:00+00:00"}"#,
            to: "get-credential-report.json", in: tmp)
        let fromJSON = try AWSDescribeImporter.load(
            files: [dir + "list-users.json", dir + "list-access-keys-ci-deployer.json", json], region: nil, account: nil
        )
        #expect(fromJSON.resources == result.resources)
    }

    @Test func whatTheOutputDoesNotSayIsAskedFor() throws {
        let dir = Self.samples + "/aws-describe-needs-place/"
        for file in ["describe-volumes.json", "list-buckets.json", "get-account-password-policy.json"] {
            #expect(throws: LoadError.self) {
                try AWSDescribeImporter.load(files: [dir + file], region: "eu-west-1", account: nil)
            }
        }
        do {
            _ = try AWSDescribeImporter.load(files: [dir + "describe-snapshots.json"], region: nil, account: nil)
            Issue.record("expected an error")
        } catch {
            #expect((error.keyPath, error.line) == ("Snapshots[0]", 3))
            #expect(error.message.hasSuffix("give it with --region"))
        }
        let result = try AWSDescribeImporter.load(
            files: Self.files("aws-describe-needs-place"), region: "eu-west-1", account: "210987654321")
        let r = Self.byId(result)
        #expect(r["vol-049df61146c4d7901"]?.region == "eu-west-1", "the volume's zone places it")
        #expect(r["orders-static-us"]?.region == "us-east-1", "the bucket's BucketRegion places it")
        #expect(r["iam-password-policy/210987654321"]?.type == "aws.iam-password-policy")
        #expect(r["snap-0fedcba9876543210"]?.properties["CreateVolumePermissions"]?.arrayValue?.count == 1)
        #expect(result.skipped.isEmpty, "Owner and Prefix are the call's, not resources")
        #expect(
            result.warnings == [
                "2 aws.s3 from `aws s3api list-buckets` lack PublicAccessBlockConfiguration, Versioning, "
                    + "ServerSideEncryptionConfiguration, Logging: the output does not hold them, so they are imported "
                    + "with them unknown and policies reading them cannot evaluate them; import the buckets' AWS Config "
                    + "configuration items instead (`remsim import aws-config`), which hold them"
            ])
        // The buckets' unknown properties are not found absent: the S3 policies cannot evaluate them.
        #expect(r["orders-static-us"]?.unknownProperties.count == 4)
        #expect(
            try Self.violations(result.resources, at: Self.now) == [
                "aws-ebs-snapshot-public snap-0fedcba9876543210", "aws-ebs-volume-encrypted api-root",
                "aws-iam-password-policy-strong account-password-policy",
            ])
    }

    // MARK: - AWS Config

    @Test func aConfigHistoryImportsEachResourcesLatestVersion() throws {
        let dir = Self.samples + "/aws-config-shapes/"
        let result = try AWSConfigImporter.load(
            files: [dir + "get-resource-config-history.json", dir + "get-resource-config-history-deleted.json"])
        #expect(result.resources.map(\.id) == ["sg-0aa1bb2cc3dd4ee50"])
        let sg = try #require(result.resources.first)
        #expect(sg.properties["IpPermissions"]?.arrayValue?.compactMap { $0["FromPort"]?.intValue } == [443])
        #expect(
            result.skipped.map(\.what) == [
                "earlier configuration items of a history (the latest of each is imported)",
                "resources whose latest configuration item says they were deleted",
            ])
        #expect(result.skipped.map(\.count) == [3, 1])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("nextToken is set") == true)
        // The same item twice is still an error.
        do {
            _ = try AWSConfigImporter.load(files: [dir + "configuration-item.json", dir + "configuration-item.json"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("appears twice in the import, captured at the same time"))
        }
    }

    @Test func aSelectQuerysUsualProjectionsAndBareItemsImport() throws {
        let dir = Self.samples + "/aws-config-shapes/"
        let result = try AWSConfigImporter.load(
            files: [
                dir + "select-resource-config.json", dir + "configuration-item.json",
                dir + "change-notification.json", dir + "configuration-items-list.json",
            ])
        let r = Self.byId(result)
        #expect(
            Set(r.keys) == [
                "vol-0123abcd4567ef890", "orders-db", "sg-0cc3dd4ee5ff60a71", "sg-0dd4ee5ff60a71b82",
                "sg-0ee5ff60a71b82c93",
            ])
        let volume = try #require(r["vol-0123abcd4567ef890"])
        #expect((volume.type, volume.region, volume.account) == ("aws.ebs", "eu-west-1", "210987654321"))
        #expect(volume.tags == ["Name": "reports-data"])
        #expect(r["orders-db"]?.type == "aws.rds")
        #expect(try Self.violations(result.resources, at: Self.now).contains("aws-rds-publicly-accessible orders-db"))
        // Without resourceType or arn, the type must be given.
        do {
            _ = try AWSConfigImporter.load(files: [dir + "select-without-type.json"])
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "Results[0]")
            #expect(error.message.contains("--resource-type"))
        }
        let typed = try AWSConfigImporter.load(
            files: [dir + "select-without-type.json"], resourceType: "AWS::EC2::SecurityGroup")
        #expect(typed.resources.map(\.type) == ["aws.security-group"])
        #expect(
            try Self.violations(typed.resources, at: Self.now) == ["aws-sg-rdp-open-to-world sg-0bb2cc3dd4ee5ff60"])
    }

    // MARK: - Azure

    @Test func resourceGraphRowsWithoutIdOrPropertiesAreReadForWhatTheyAre() throws {
        let result = try AzureResourceGraphImporter.load(files: Self.files("azure-shapes"))
        let r = Self.byId(result)
        let storage = try #require(
            r[
                "/subscriptions/8f2a5c1e-3b4d-4e6f-9a0b-1c2d3e4f5a6b/resourceGroups/orders-rg/providers/microsoft.storage/storageaccounts/ordersstore01"
            ])
        #expect(storage.type == "azure.storage")
        #expect(storage.properties["id"]?.stringValue == storage.id)
        #expect(
            r[
                "/subscriptions/8f2a5c1e-3b4d-4e6f-9a0b-1c2d3e4f5a6b/resourceGroups/orders-rg/providers/microsoft.sql/servers/orders-sql/databases/orders"
            ]?
            .type == "azure.sqldatabase", "a child's name gives one name per type segment")
        #expect(result.warnings.count == 3)
        #expect(result.warnings.contains { $0.hasPrefix("1 row has `properties: null`") })
        #expect(
            result.warnings.contains {
                $0.hasPrefix(
                    "1 azure.sqldatabase without 'transparentDataEncryption', which Resource Graph does not hold")
            })
        #expect(result.warnings.contains { $0.contains("skip_token is set") })
        // The Key Vault `az resource list` printed without properties is not a purge-protection
        // violation: the policy cannot evaluate it.
        let vault = try #require(
            r[
                "/subscriptions/8f2a5c1e-3b4d-4e6f-9a0b-1c2d3e4f5a6b/resourceGroups/orders-rg/providers/Microsoft.KeyVault/vaults/orders-kv"
            ])
        #expect(vault.propertiesUnknown)
        let policies = try BuiltinPolicies.load()
        let vaultPolicy = try #require(policies.first { $0.id == "azure-keyvault-recoverable" })
        #expect(Evaluator(now: Self.now).violates(vaultPolicy, vault) == false)
        var unevaluable: [String] = []
        Evaluator(now: Self.now).forEachUnevaluable(of: policies, in: try Inventory(result.resources)) { i, resource in
            unevaluable.append("\(policies[i].id) \(resource.name)")
        }
        // So is the database whose TDE Resource Graph does not hold.
        #expect(unevaluable == ["azure-keyvault-recoverable orders-kv", "azure-sql-database-tde orders-sql/orders"])
        // Without the unknown mark, the same empty properties would read as a violation.
        var known = vault
        known.unknownProperties = []
        #expect(Evaluator(now: Self.now).violates(vaultPolicy, known))
    }

    // MARK: - GCP

    @Test func anOrganisationDumpPutsEveryAssetInItsProjectById() throws {
        let result = try GCPAssetInventoryImporter.load(files: Self.files("gcp-shapes"), project: nil)
        let accounts = Dictionary(uniqueKeysWithValues: result.resources.map { ($0.id, $0.account) })
        #expect(accounts["//storage.googleapis.com/orders-prod-exports"] == "orders-prod")
        #expect(accounts["//storage.googleapis.com/billing-archive-7"] == "billing-prod")
        #expect(accounts["//cloudresourcemanager.googleapis.com/projects/412345678901"] == "orders-prod")
        #expect(
            accounts["//compute.googleapis.com/projects/orders-prod/zones/europe-west1-b/instances/orders-api-1"]
                == "orders-prod", "a search result's versioned resource is its data")
        #expect(Set(result.resources.map(\.account)) == ["orders-prod", "billing-prod"])
        #expect(result.skipped.isEmpty)
        // A search result without --read-mask='*' holds no data: imported, its properties unknown.
        let staticBucket = try #require(
            result.resources.first { $0.id == "//storage.googleapis.com/orders-prod-static" })
        #expect(staticBucket.propertiesUnknown)
        #expect(staticBucket.account == "orders-prod")
        #expect(result.warnings.count == 2)
        #expect(result.warnings.first?.hasPrefix("1 search result holds no resource data") == true)
        // Two exported buckets came without their IAM policy (another content type).
        #expect(result.warnings.last?.hasPrefix("2 buckets have no IAM policy in the export") == true)
        #expect(
            result.resources.filter { $0.unknownProperties == ["iamPolicy"] }.map(\.id).sorted() == [
                "//storage.googleapis.com/billing-archive-7", "//storage.googleapis.com/orders-prod-exports",
            ])
        #expect(
            try Self.violations(result.resources, at: Self.now) == [
                "gcp-bucket-uniform-access orders-prod-exports", "gcp-firewall-ssh-open-to-world allow-ssh",
                "gcp-instance-block-project-ssh-keys orders-api-1", "gcp-instance-public-ip orders-api-1",
            ])
        // Without the project's own asset or a name that holds its id, the number stays, warned.
        let onlyBucket = try TestSupport.write(
            try String(contentsOfFile: Self.samples + "/gcp-shapes/org-export.ndjson", encoding: .utf8)
                .split(separator: "\n")[2] + "\n",
            to: "bucket.ndjson", in: try TestSupport.temporaryDirectory())
        let alone = try GCPAssetInventoryImporter.load(files: [onlyBucket], project: nil)
        #expect(alone.resources.first?.account == "522345678902")
        #expect(alone.warnings.first?.hasPrefix("project 522345678902 is named by number only") == true)
    }
}

/// What an export could not say stays unknown through the fixture files and the cache, and a
/// fixture written by hand can say it.
struct UnknownPropertiesTests {
    @Test func unknownPropertiesSurviveFixturesAndTheCache() throws {
        var bucket = Resource(
            id: "orders-exports", type: "aws.s3", account: "210987654321", region: "eu-west-1",
            properties: ["Name": "orders-exports"])
        bucket.unknownProperties = ["Versioning", "Logging"]
        var vault = Resource(
            id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv", type: "azure.keyvault",
            account: "s", region: "westeurope")
        vault.unknownProperties = [Resource.everyProperty]
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try FixtureWriter(directory: dir).write { emit in
            try emit(bucket)
            try emit(vault)
        }
        let loaded = try FixtureLoader.load(paths: [dir])
        #expect(loaded["orders-exports"]?.unknownProperties == ["Versioning", "Logging"])
        #expect(loaded[vault.id]?.propertiesUnknown == true)
        #expect(FixtureWriter.value(of: vault)["unknown-properties"] == "all")

        var writer = ArchiveWriter()
        ResourceArchive.write([bucket, vault], to: &writer)
        let read = try writer.bytes.withUnsafeBytes { bytes in
            var reader = ArchiveReader(bytes)
            return try ResourceArchive.read(from: &reader)
        }
        #expect(read == [bucket, vault])
    }

    @Test func aRunCountsWhatItsPoliciesCannotEvaluate() throws {
        var vault = Resource(
            id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv", type: "azure.keyvault",
            account: "s", region: "westeurope")
        vault.unknownProperties = [Resource.everyProperty]
        let known = Resource(
            id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv2", type: "azure.keyvault",
            account: "s", region: "westeurope", properties: ["properties": ["enablePurgeProtection": true]])
        var inventory = try Inventory([vault, known])
        #expect(inventory.withUnknownProperties == 1)
        let policies = try BuiltinPolicies.load().filter { $0.id == "azure-keyvault-recoverable" }
        let scenario = Scenario(
            name: "imported-vaults", inventory: inventory, policies: policies,
            settings: EngineSettings(rules: [
                AlertRule(name: "all", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
            ]), runFor: .hours(1))
        let result = try Simulator(scenario: scenario).run()
        #expect(result.cannotEvaluate == ["azure-keyvault-recoverable": 1])
        #expect(result.attempts.isEmpty, "nothing to remediate: one vault is compliant, the other unknown")
        // The count follows the resources in and out.
        inventory.modify(id: vault.id) { $0.unknownProperties = [] }
        #expect(inventory.withUnknownProperties == 0)
        inventory.upsert(vault)
        #expect(inventory.withUnknownProperties == 1)
        inventory.remove(id: vault.id)
        #expect(inventory.withUnknownProperties == 0)
    }

    @Test func aFixtureSaysWhatIsUnknownOrIsToldWhatItMayWrite() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try TestSupport.write(
            """
            version: 1
            resources:
              - id: kv
                type: azure.keyvault
                account: s
                region: westeurope
                unknown-properties: all
            """, to: "good.yaml", in: dir)
        #expect(try FixtureLoader.load(paths: [good])["kv"]?.propertiesUnknown == true)
        let bad = try TestSupport.write(
            """
            version: 1
            resources:
              - id: kv
                type: azure.keyvault
                account: s
                region: westeurope
                unknown-properties: some
            """, to: "bad.yaml", in: dir)
        do {
            _ = try FixtureLoader.load(paths: [bad])
            Issue.record("expected an error")
        } catch {
            #expect((error.line, error.column) == (7, 25))
            #expect(error.message == "expected 'all' or a list of top-level property names, found a string")
        }
    }
}

/// AWS Config records no access keys: given beside the items, the credential report or
/// `list-access-keys` adds them; without them, a user's keys are unknown, not absent.
struct ConfigAccessKeyTests {
    static let user = #"""
        {"configurationItems": [{
          "version": "1.3", "accountId": "210987654321", "configurationItemCaptureTime": "2026-11-30T05:00:00Z",
          "configurationItemStatus": "OK", "resourceType": "AWS::IAM::User", "resourceId": "AIDA2EXAMPLE0000001",
          "resourceName": "ci-deployer", "arn": "arn:aws:iam::210987654321:user/ci-deployer", "awsRegion": "global",
          "configuration": {"path": "/", "userName": "ci-deployer", "userId": "AIDA2EXAMPLE0000001",
            "arn": "arn:aws:iam::210987654321:user/ci-deployer", "createDate": "2023-04-11T09:00:00Z"}
        }]}
        """#

    @Test func keysGivenBesideConfigItemsLetTheStaleKeyPolicyFire() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let items = try TestSupport.write(Self.user, to: "config.json", in: dir)
        let alone = try AWSConfigImporter.load(files: [items])
        #expect(alone.resources.first?.unknownProperties == ["AccessKeys"])
        #expect(
            alone.warnings.first?.hasPrefix("1 aws.iam-user without AccessKeys, which AWS Config does not record")
                == true)
        #expect(try RealExportShapesTests.violations(alone.resources, at: RealExportShapesTests.now).isEmpty)

        let keys = RealExportShapesTests.samples + "/aws-describe-estate/list-access-keys-ci-deployer.json"
        let withKeys = try AWSConfigImporter.load(files: [items, keys])
        let user = try #require(withKeys.resources.first)
        #expect(user.unknownProperties.isEmpty)
        #expect(user.properties["AccessKeys"]?.arrayValue?.count == 2)
        #expect(withKeys.warnings.isEmpty)
        #expect(
            try RealExportShapesTests.violations(withKeys.resources, at: RealExportShapesTests.now) == [
                "aws-iam-access-key-older-than-90-days ci-deployer"
            ])
    }
}

/// A scenario's clock starts when the estate it runs over was exported, unless it says otherwise,
/// and never before.
struct ExportTimeTests {
    static func scenario(start: String?, in dir: String) throws -> String {
        try TestSupport.write(
            """
            version: 1
            name: over-an-export
            fixtures: [fixtures]
            policies: [builtin:aws-iam-access-key-older-than-90-days]
            \(start.map { "start: \"\($0)\"" } ?? "")
            engine:
              alert-rules: [{name: all, auto-remediate: false, detection: {mode: event}}]
            run-for: 1h
            """, to: "s.yaml", in: dir)
    }

    @Test func theClockStartsAtTheExportsTimeAndNeverBeforeIt() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let estate = RealExportShapesTests.samples + "/aws-describe-estate/"
        let result = try AWSDescribeImporter.load(
            files: [estate + "list-users.json", estate + "list-access-keys-ci-deployer.json"], region: nil,
            account: nil)
        _ = try FixtureWriter(directory: dir + "/fixtures", asOf: RealExportShapesTests.now).write { emit in
            for r in result.resources { try emit(r) }
        }
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .anywhere)
        // No start: the export's time, at which ci-deployer's first key is 21 months old.
        let atExport = try loader.load(file: try Self.scenario(start: nil, in: dir))
        #expect(atExport.start == RealExportShapesTests.now)
        #expect(
            TestSupport.violations(of: atExport.policies, in: atExport.inventory, at: atExport.start) == [
                "aws-iam-access-key-older-than-90-days iam-user/210987654321/ci-deployer"
            ])
        // A start before the export is refused at its line, naming the fixture file.
        let early = try Self.scenario(start: "2026-01-01T00:00:00Z", in: dir)
        do {
            _ = try loader.load(file: early)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 5)
            #expect(
                error.message.contains("resources-00001.json:1 were exported at 2026-11-30T06:00:00Z, after this start")
            )
        }
        let later = try loader.load(file: try Self.scenario(start: "2026-12-01T00:00:00Z", in: dir))
        #expect(later.start == Timestamp(iso8601: "2026-12-01T00:00:00Z"))
    }

    @Test func anExportSaysWhenItWasTaken() throws {
        let samples = RealExportShapesTests.samples
        #expect(
            try AWSConfigImporter.load(files: [samples + "/aws-config-shapes/get-resource-config-history.json"]).asOf
                == Timestamp(iso8601: "2026-10-20T09:30:00Z"))
        #expect(
            try GCPAssetInventoryImporter.load(files: [samples + "/gcp-shapes/org-export.ndjson"], project: nil).asOf
                == Timestamp(iso8601: "2026-11-30T05:00:00Z"))
        // A YAML fixture says it too, and a bad time is placed.
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try TestSupport.write(
            "version: 1\nas-of: 2026-11-30T06:00:00Z\naccount: \"1\"\nregion: r\nresources: []\n", to: "a.yaml", in: dir
        )
        #expect(try FixtureLoader.load(paths: [good]).asOf?.at == RealExportShapesTests.now)
        let bad = try TestSupport.write(
            "version: 1\nas-of: last tuesday\naccount: \"1\"\nregion: r\nresources: []\n", to: "b.yaml", in: dir)
        do {
            _ = try FixtureLoader.load(paths: [bad])
            Issue.record("expected an error")
        } catch {
            #expect((error.line, error.column) == (2, 8))
        }
        let badJSON = try TestSupport.write(
            #"{"version": 1, "as-of": "soon", "resources": []}"#, to: "c.json", in: dir)
        do {
            _ = try FixtureLoader.load(paths: [badJSON])
            Issue.record("expected an error")
        } catch {
            #expect(error.keyPath == "as-of")
            #expect(error.message.hasPrefix("expected an ISO 8601 time"))
        }
    }
}

/// A bucket's ACL and policy, as AWS Config records them, in the shape `get-bucket-acl` and
/// `get-bucket-policy` print: the pack finds a grant to everyone.
struct ConfigBucketAccessTests {
    @Test func aConfigBucketsACLAndPolicyAreImportedAndAPublicGrantIsFound() throws {
        let file = RealExportShapesTests.samples + "/aws-config-shapes/configuration-item-bucket-acl.json"
        let result = try AWSConfigImporter.load(files: [file])
        let bucket = try #require(result.resources.first)
        let grants = try #require(bucket.properties["Acl"]?["Grants"]?.arrayValue)
        #expect(
            grants.map { $0["Grantee"]?["URI"]?.stringValue ?? $0["Grantee"]?["ID"]?.stringValue ?? "" } == [
                "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
                "http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/s3/LogDelivery",
            ])
        #expect(grants.map { $0["Permission"]?.stringValue ?? "" } == ["FULL_CONTROL", "READ", "WRITE"])
        #expect(bucket.properties["Acl"]?["Owner"]?["DisplayName"] == "orders-prod")
        #expect(
            bucket.properties["Policy"]?.stringValue?.contains("\"Sid\": \"PublicRead\"") == true,
            "the policy text, as get-bucket-policy prints it")
        let found = try RealExportShapesTests.violations(result.resources, at: RealExportShapesTests.now)
        #expect(found.contains("aws-s3-acl-grants-public orders-static-site"))
        #expect(found.contains("aws-s3-public-access-block orders-static-site"))
    }
}

/// What `custodian run` writes, read back: each policy's resources with its metadata.
struct CustodianResourcesTests {
    @Test func azureResourcesComeInAndGCPOnesAreCountedWithTheExportToUse() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let vault =
            "/subscriptions/8f2a5c1e-3b4d-4e6f-9a0b-1c2d3e4f5a6b/resourceGroups/orders-rg/providers/Microsoft.KeyVault/vaults/orders-kv"
        try FileManager.default.createDirectory(atPath: dir + "/kv-purge/", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/gcp-fw/", withIntermediateDirectories: true)
        _ = try TestSupport.write(
            #"{"policy": {"name": "kv-purge", "resource": "azure.keyvault"}, "execution": {"start": 1764482400.5}, "config": {"region": "", "account_id": "8f2a5c1e-3b4d-4e6f-9a0b-1c2d3e4f5a6b"}}"#,
            to: "kv-purge/metadata.json", in: dir)
        _ = try TestSupport.write(
            #"[{"id": "\#(vault)", "name": "orders-kv", "type": "Microsoft.KeyVault/vaults", "location": "westeurope", "tags": {"team": "orders"}, "properties": {"enableSoftDelete": true}, "c7n:MatchedFilters": ["properties.enablePurgeProtection"]}]"#,
            to: "kv-purge/resources.json", in: dir)
        _ = try TestSupport.write(
            #"{"policy": {"name": "gcp-fw", "resource": "gcp.firewall"}, "execution": {"start": 1764482400}, "config": {}}"#,
            to: "gcp-fw/metadata.json", in: dir)
        _ = try TestSupport.write(
            #"[{"name": "allow-ssh", "sourceRanges": ["0.0.0.0/0"]}]"#, to: "gcp-fw/resources.json", in: dir)
        let result = try CustodianResourcesImporter.load(files: try InputFiles.collect([dir], extensions: ["json"]))
        let kv = try #require(result.resources.first)
        #expect(result.resources.count == 1)
        #expect((kv.id, kv.type, kv.region, kv.tags) == (vault, "azure.keyvault", "westeurope", ["team": "orders"]))
        #expect(kv.properties["c7n:MatchedFilters"] == nil)
        #expect(kv.properties["tags"] == nil)
        #expect(
            try RealExportShapesTests.violations(result.resources, at: RealExportShapesTests.now) == [
                "azure-keyvault-recoverable orders-kv"
            ])
        #expect(result.asOf == Timestamp(milliseconds: 1_764_482_400_500))
        #expect(
            result.skipped.map(\.what) == [
                "Custodian's c7n: annotations",
                "GCP resources (remsim names them as Cloud Asset Inventory does: import `gcloud asset export` instead)",
            ])
        // Without its metadata.json, a resources.json says nothing of its type: an error.
        try FileManager.default.removeItem(atPath: dir + "/kv-purge/metadata.json")
        #expect(throws: LoadError.self) {
            try CustodianResourcesImporter.load(files: [dir + "/kv-purge/resources.json"])
        }
    }
}
