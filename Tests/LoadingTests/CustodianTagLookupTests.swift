import CloudModel
import Foundation
import Policies
import RemediationEngine
import Testing

@testable import Loading

/// Custodian's tag values looked up from each resource: the path's value (as Python's `str`
/// writes it), its fallback where the path gives nothing, a value written only where the tag is
/// absent; and no call where nothing is left to write or a value cannot be worked out.
struct CustodianTagLookupTests {
    let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func policy(_ resource: String, _ action: String) throws -> Policy {
        let text = "policies:\n  - name: p\n    resource: \(resource)\n    actions:\n      - \(action)\n"
        return try #require(try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml").first)
    }

    /// The calls the action makes on `resource`, as `OPERATION PARAMETERS`.
    func calls(_ action: String, on resource: Resource) throws -> [String] {
        let policy = try policy(resource.type, action)
        let finding = try #require(Evaluator(now: now).finding(policy, resource))
        let plan = try RemediationPlan(policy: policy, finding: finding, resource: resource, now: now)
        return plan.calls.map { "\($0.operation) \($0.parameters.jsonText)" }
    }

    func instance(tags: [String: String], properties: Value = [:]) -> Resource {
        Resource(
            id: "i-1", type: "aws.ec2", account: "111111111111", region: "eu-west-1", tags: tags,
            properties: properties)
    }

    let ownerFromTeam =
        "{type: tag, tags: {Owner: {type: resource, key: \"Tags[?Key=='Team'].Value | [0]\", default-value: "
        + "unknown}, CostCenter: {type: resource, default-value: unassigned}, Where: \"{region}\"}}"

    @Test func eachResourceGetsItsOwnValues() throws {
        #expect(
            try calls(ownerFromTeam, on: instance(tags: ["Team": "web"])) == [
                #"ec2:CreateTags {"Resources":["i-1"],"Tags":[{"Key":"Owner","Value":"web"},{"Key":"CostCenter","Value":"unassigned"},{"Key":"Where","Value":"eu-west-1"}]}"#
            ])
        // No Team: the fallback; a CostCenter already there is left alone.
        #expect(
            try calls(ownerFromTeam, on: instance(tags: ["CostCenter": "cc-1"])) == [
                #"ec2:CreateTags {"Resources":["i-1"],"Tags":[{"Key":"Owner","Value":"unknown"},{"Key":"Where","Value":"eu-west-1"}]}"#
            ])
    }

    @Test func valuesAreWrittenAsPythonWritesThem() throws {
        let action = "{type: tag, tags: {n: {type: resource, key: Count}, b: {type: resource, key: Flag}}}"
        #expect(
            try calls(action, on: instance(tags: [:], properties: ["Count": 20, "Flag": true])) == [
                #"ec2:CreateTags {"Resources":["i-1"],"Tags":[{"Key":"n","Value":"20"},{"Key":"b","Value":"True"}]}"#
            ])
    }

    /// Nothing left to write, or a value Custodian cannot work out (no fallback, a list, a
    /// placeholder it does not know): no call.
    @Test func noCallWhereNothingIsLeftOrAValueCannotBeWorkedOut() throws {
        #expect(
            try calls(
                "{type: tag, tags: {CostCenter: {type: resource, default-value: x}}}",
                on: instance(tags: ["CostCenter": "y"])
            ).isEmpty)
        let team = "{type: tag, key: Owner, value: {type: resource, key: Team}}"
        #expect(try calls(team, on: instance(tags: [:])).isEmpty)
        #expect(try calls(team, on: instance(tags: [:], properties: ["Team": ["a", "b"]])).isEmpty)
        #expect(try calls(team, on: instance(tags: [:], properties: ["Team": "{oops}"])).isEmpty)
        #expect(
            try calls(team, on: instance(tags: [:], properties: ["Team": "{account_id}"])) == [
                #"ec2:CreateTags {"Resources":["i-1"],"Tags":[{"Key":"Owner","Value":"111111111111"}]}"#
            ])
    }

    @Test func theTaggingAPIGetsAMap() throws {
        let db = Resource(
            id: "orders", type: "aws.rds", account: "111111111111", region: "us-east-1",
            properties: ["DBInstanceIdentifier": "orders", "Engine": "postgres"])
        #expect(
            try calls("{type: tag, tags: {engine: {type: resource, key: Engine}}}", on: db) == [
                #"tag:TagResources {"ResourceARNList":["arn:aws:rds:us-east-1:111111111111:db:orders"],"Tags":{"engine":"postgres"}}"#
            ])
    }

    @Test func formsRemsimDoesNotReadAreRefused() {
        func error(_ resource: String, _ action: String) -> String {
            do {
                _ = try policy(resource, action)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        #expect(
            error("s3", "{type: tag, tags: {o: {type: resource, key: Name}}}").contains("not on buckets yet"))
        #expect(error("ec2", "{type: tag, tags: {o: {type: other, key: Name}}}").contains("'type: resource'"))
        #expect(error("ec2", "{type: tag, tags: {o: {type: resource}}}").contains("needs 'key'"))
        #expect(error("ec2", "{type: tag, tags: {o: {type: resource, key: 'a[', default-value: x}}}") != "loaded")
    }
}
