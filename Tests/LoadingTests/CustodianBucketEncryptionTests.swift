import CloudModel
import Foundation
import Policies
import RemediationEngine
import Testing

@testable import Loading

/// Custodian's `set-bucket-encryption` with `aws:kms` looks its key up as `kms:DescribeKey`
/// does, in the bucket's account and region, and puts the key's ARN; a key that is not there
/// fails the bucket with no call.
struct CustodianBucketEncryptionTests {
    let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func policy(_ action: String) throws -> Policy {
        let text = "policies:\n  - name: p\n    resource: s3\n    actions:\n      - \(action)\n"
        return try #require(try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml").first)
    }

    func error(_ action: String) -> String {
        do {
            _ = try policy(action)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    let bucket = Resource(
        id: "data", type: "aws.s3", account: "111111111111", region: "us-east-1", name: "data",
        properties: ["Name": "data"])

    var inventory: Inventory {
        get throws {
            var inventory = Inventory()
            try inventory.insert(bucket)
            let keys: [(id: String, account: String, region: String, name: String, properties: Value)] = [
                ("k-named", "111111111111", "us-east-1", "alias/data", ["KeyId": "k-named"]),
                ("k-listed", "111111111111", "us-east-1", "k-listed", ["AliasNames": ["alias/archive", "alias/cold"]]),
                // The same alias in another region and in another account: neither is the bucket's.
                ("k-west", "111111111111", "us-west-2", "alias/west", [:]),
                ("k-other", "222222222222", "us-east-1", "alias/other", [:]),
            ]
            for key in keys {
                try inventory.insert(
                    Resource(
                        id: key.id, type: "aws.kms-key", account: key.account, region: key.region, name: key.name,
                        properties: key.properties))
            }
            return inventory
        }
    }

    /// The configuration the action puts on the bucket, or the plan's error.
    func put(_ key: String, bucketKey: String = "") throws -> String {
        let policy = try policy("{type: set-bucket-encryption, crypto: 'aws:kms', key: '\(key)'\(bucketKey)}")
        let finding = try #require(Evaluator(now: now).finding(policy, bucket))
        do {
            let plan = try RemediationPlan(
                policy: policy, finding: finding, resource: bucket, now: now, view: inventory)
            #expect(plan.calls.map(\.operation) == ["s3:PutBucketEncryption"])
            let rule = try #require(
                plan.calls.first?.parameters["ServerSideEncryptionConfiguration"]?["Rules"]?.arrayValue?.first)
            return (rule["ApplyServerSideEncryptionByDefault"]?.jsonText ?? "") + " "
                + (rule["BucketKeyEnabled"]?.jsonText ?? "")
        } catch {
            return "\(error)"
        }
    }

    @Test func theKeyIsNamedAsDescribeKeyTakesIt() throws {
        let named = #"{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"arn:aws:kms:us-east-1:111111111111:key/k-named"}"#
        #expect(try put("alias/data") == named + " true")
        #expect(try put("k-named") == named + " true")
        #expect(try put("arn:aws:kms:us-east-1:111111111111:key/k-named") == named + " true")
        #expect(
            try put("arn:aws:kms:us-east-1:111111111111:alias/data", bucketKey: ", bucket-key: false") == named
                + " false")
        let listed = #"{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"arn:aws:kms:us-east-1:111111111111:key/k-listed"}"#
        #expect(try put("alias/cold") == listed + " true")
    }

    @Test func aKeyElsewhereIsNotFoundAndTheBucketIsLeftAsItIs() throws {
        for key in ["alias/west", "alias/other", "arn:aws:kms:us-east-1:222222222222:key/k-other", "alias/nothing"] {
            #expect(
                try put(key)
                    == "step 1: no KMS key '\(key)' in 111111111111 us-east-1 (by key id, key ARN, alias name or alias ARN)"
            )
        }
    }

    /// In the engine, a key that is not there fails the alert with no call made.
    @Test func theEngineFailsTheAlertWithoutACall() throws {
        let policy = try policy("{type: set-bucket-encryption, crypto: 'aws:kms', key: alias/nothing}")
        var engine = Engine(
            policies: [policy],
            rules: [AlertRule(name: "r", autoRemediate: true, detection: .event(deliveryDelay: .zero))])
        let effects = engine.handle(.start, at: now, view: try inventory)
        #expect(!effects.contains { if case .callOperation = $0 { true } else { false } })
        let alert = try #require(engine.alerts.first)
        #expect(alert.status == .failed)
        #expect(alert.reason == .planFailed)
        #expect(alert.transitions.last?.detail.contains("no KMS key 'alias/nothing'") == true)
    }

    @Test func theFormsCustodianCannotRunAreRefused() {
        #expect(
            error("{type: set-bucket-encryption, crypto: 'aws:kms'}").contains(
                "p.yml:5:47: policies[0].actions[0].crypto: 'crypto: aws:kms' needs 'key'"))
        #expect(
            error("{type: set-bucket-encryption, key: alias/data}").contains(
                "'key' goes with 'crypto: aws:kms'"))
        #expect(error("{type: set-bucket-encryption, crypto: aws:dsse}").contains("'crypto' is AES256 or aws:kms"))
    }
}
