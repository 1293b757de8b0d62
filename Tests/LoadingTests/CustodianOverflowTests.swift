import CloudModel
import Foundation
import Policies
import Testing

@testable import Loading

/// Numbers past what a span or an integer holds, in a Custodian file that arrives in a pull
/// request: an error at their place, or no match where Custodian itself raises; never a trap.
struct CustodianOverflowTests {
    let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func load(_ policy: String) -> Result<[Policy], LoadError> {
        Result { () throws(LoadError) in
            try PolicyLoader.load(file: "p.yml", data: Data(("policies:\n" + policy).utf8), source: "p.yml")
        }
    }

    func message(_ policy: String) -> String {
        if case .failure(let error) = load(policy) { return error.description }
        return "loaded"
    }

    @Test func spansPastAHundredYearsAreRefusedWhereTheyAreWritten() {
        #expect(
            message(
                "  - name: p\n    resource: s3\n    mode: {type: periodic, schedule: 'rate(6148914691236517186 minutes)'}\n"
            ).contains(
                "p.yml:4:38: policies[0].mode.schedule: the schedule 'rate(6148914691236517186 minutes)' is longer"))
        #expect(
            message("  - name: p\n    resource: ec2\n    actions: [{type: mark-for-op, op: stop, days: 1e300}]\n")
                .contains("'days' and 'hours' come to more than"))
        #expect(
            message("  - name: p\n    resource: ec2\n    filters: [{type: marked-for-op, skew: .inf}]\n").contains(
                "is not a finite number"))
        #expect(
            message("  - name: p\n    resource: ec2\n    filters: [{type: marked-for-op, skew: 1e18}]\n").contains(
                "'skew' and 'skew_hours' come to more than"))
    }

    /// Where Custodian raises (a span no date can be moved by), the filter does not match.
    @Test func valuesPastWhatADateOrAnIntegerHoldsDoNotMatch() throws {
        let instance = Resource(
            id: "i-1", type: "aws.ec2", account: "111111111111", region: "us-east-1",
            properties: ["LaunchTime": "2025-01-01T00:00:00Z", "Big": .int(Int.min), "Half": 2.5])
        func matches(_ filter: String) throws -> Bool {
            let policy = try load("  - name: p\n    resource: ec2\n    filters: [\(filter)]\n").get()[0]
            return Evaluator(now: now).finding(policy, instance) != nil
        }
        #expect(try !matches("{type: value, key: LaunchTime, value_type: age, op: gt, value: 1e300}"))
        #expect(try matches("{type: value, key: LaunchTime, value_type: age, op: gt, value: 300}"))
        // Python's integers: MIN % -1 is 0.
        #expect(try !matches("{type: value, key: Big, op: mod, value: -1}"))
        #expect(try matches("{type: value, key: 'ceil(`1e300`)', op: gt, value: 1}"))
        #expect(try matches("{type: value, key: 'floor(Half)', value: 2}"))
    }
}
