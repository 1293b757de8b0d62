import CloudModel
import Foundation
import Policies
import Testing

@testable import Loading

/// Custodian's `has-statement` and `missing-policy-statement` on buckets, case by case, beside
/// the differential test against Custodian on moto.
struct CustodianPolicyStatementTests {
    let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func matches(_ filter: String, _ policy: Value?) throws -> Bool {
        let text = "policies:\n  - name: p\n    resource: s3\n    filters:\n      - \(filter)\n"
        let loaded = try #require(try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml").first)
        var properties = Fields()
        properties["Name"] = "shop-logs"
        if let policy { properties["Policy"] = policy }
        let bucket = Resource(
            id: "shop-logs", type: "aws.s3", account: "111122223333", region: "eu-west-1", name: "shop-logs",
            properties: .object(properties))
        return Evaluator(now: now).finding(loaded, bucket) != nil
    }

    func policy(_ statements: Value...) -> Value { ["Version": "2012-10-17", "Statement": .array(statements)] }

    let tls: Value = [
        "Sid": "DenyHTTP", "Effect": "Deny", "Principal": "*", "Action": ["s3:GetObject", "S3:PutObject"],
        "Resource": "arn:aws:s3:::shop-logs/*", "Condition": ["Bool": ["aws:SecureTransport": "false"]],
    ]

    @Test func statementsCompareAsCustodianComparesThem() throws {
        // Actions without case and in any order; a string equals a list of one.
        #expect(
            try matches(
                "{type: has-statement, statements: [{Effect: Deny, Action: ['s3:putobject', 's3:getobject'], Resource: ['arn:aws:s3:::{bucket_name}/*']}]}",
                policy(tls)))
        // A statement's element not given by the bucket's statement: no match.
        #expect(
            try !matches("{type: has-statement, statements: [{Effect: Deny, NotAction: 's3:GetObject'}]}", policy(tls)))
        // Principal '*' is not {AWS: '*'}.
        #expect(try !matches("{type: has-statement, statements: [{Effect: Deny, Principal: {AWS: '*'}}]}", policy(tls)))
        // Condition keys compare without case; a partial match needs only what is given.
        #expect(
            try matches(
                "{type: has-statement, statements: [{Effect: Deny, Condition: {bool: {'AWS:securetransport': 'false'}}}]}",
                policy(tls)))
        #expect(
            try matches(
                "{type: has-statement, statements: [{Effect: Deny, Action: 's3:GetObject', PartialMatch: Action}]}",
                policy(tls)))
        #expect(
            try !matches(
                "{type: has-statement, statements: [{Effect: Deny, Action: 's3:GetObject'}]}", policy(tls)))
        // Statement ids, all of them; a bucket without a policy has none.
        #expect(try matches("{type: has-statement, statement_ids: [DenyHTTP]}", .string(policy(tls).jsonText)))
        #expect(try !matches("{type: has-statement, statement_ids: [DenyHTTP, Other]}", policy(tls)))
        #expect(try !matches("{type: has-statement, statement_ids: []}", nil))
    }

    @Test func missingStatementMatchesABucketWithoutPolicyOrWithoutTheIds() throws {
        #expect(try matches("{type: missing-policy-statement, statement_ids: [DenyHTTP]}", nil))
        #expect(try !matches("{type: missing-policy-statement, statement_ids: [DenyHTTP]}", policy(tls)))
        #expect(try matches("{type: missing-statement, statement_ids: [DenyHTTP, Other]}", policy(tls)))
        // A policy Custodian cannot read stops it; remsim reads no match.
        #expect(try !matches("{type: missing-policy-statement, statement_ids: [DenyHTTP]}", "{not json"))
    }

    /// Custodian formats every string of a required statement with Python's `str.format`.
    @Test func stringsAreFormattedAsPythonFormatsThem() {
        let args = ["bucket_name": "b", "account_id": "1", "region": "r", "bucket_region": "r"]
        #expect(BucketPolicy.format("arn:aws:s3:::{bucket_name}/*", args) == "arn:aws:s3:::b/*")
        // Another field (an IAM policy variable): the string is left as written.
        #expect(
            BucketPolicy.format("arn:aws:s3:::{bucket_name}/${aws:username}", args)
                == "arn:aws:s3:::{bucket_name}/${aws:username}")
        #expect(BucketPolicy.format("{{literal}} {account_id}", args) == "{literal} 1")
        #expect(BucketPolicy.format("{bucket_name!r}", args) == nil)
        #expect(BucketPolicy.format("a { b", args) == nil)
    }

    @Test(arguments: [
        ("{type: has-statement, statements: [{Action: 's3:*'}]}", "'Effect'"),
        ("{type: has-statement, statements: [{Effect: Deny, PartialMatch: Sid}]}", "'PartialMatch' names one of"),
        ("{type: has-statement, statements: [{Effect: Deny, Resource: 'arn:{bucket_name'}]}", "cannot format"),
        ("{type: missing-policy-statement, statements: []}", "unknown key 'statements'"),
    ])
    func whatIsRefused(_ filter: String, _ message: String) {
        let text = "policies:\n  - name: p\n    resource: s3\n    filters:\n      - \(filter)\n"
        do {
            _ = try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml")
            Issue.record("\(filter) loaded")
        } catch {
            #expect(error.line == 5, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }
}
