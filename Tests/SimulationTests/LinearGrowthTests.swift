import CloudModel
import Foundation
import Policies
import PolicyPack
import RemediationEngine
import Simulation
import Testing

/// Nothing in a run may grow faster than the inventory. Counted, not timed: the resources the
/// run's walks and lookups hand out (`Inventory.visits`), for an estate and for one twice its
/// size with twice the changes.
struct LinearGrowthTests {
    /// `n` users each with an access key older than 90 days, `n` functions each configured with
    /// one of those keys, `n` instances; the whole built-in pack, remediating.
    func visits(users n: Int) throws -> (visits: Int, keyWarnings: Int) {
        var resources: [Resource] = []
        for i in 0..<n {
            let key = "AKIA" + String(format: "%016d", i)
            resources.append(
                Resource(
                    id: "iam-user/111111111111/user-\(i)", type: "aws.iam-user", account: "111111111111",
                    region: "global", name: "user-\(i)",
                    properties: [
                        "UserName": .string("user-\(i)"),
                        "AccessKeys": [
                            [
                                "AccessKeyId": .string(key), "Status": "Active",
                                "CreateDate": "2025-01-01T00:00:00Z",
                            ]
                        ],
                    ]))
            resources.append(
                Resource(
                    id: "function-\(i)", type: "aws.lambda", account: "111111111111", region: "us-east-1",
                    properties: ["FunctionName": .string("function-\(i)")], relations: ["uses-key": [key]]))
            resources.append(
                Resource(
                    id: "i-\(i)", type: "aws.ec2", account: "111111111111", region: "us-east-1",
                    properties: ["InstanceId": .string("i-\(i)"), "State": ["Name": "running"]]))
        }
        var inventory = try Inventory(resources)
        let counter = VisitCounter()
        inventory.visits = counter
        let scenario = Scenario(
            name: "keys", inventory: inventory, policies: try BuiltinPolicies.load(),
            settings: EngineSettings(
                rules: [AlertRule(name: "r", autoRemediate: true, detection: .poll(every: .hours(1)))],
                apiLatency: .milliseconds(300), apiLatencyJitter: .zero),
            runFor: .hours(3))
        let result = try Simulator(scenario: scenario).run()
        let deactivated = result.finalInventory.resources(ofType: "aws.iam-user").filter {
            $0.properties["AccessKeys"]?.arrayValue?.first?["Status"] == "Inactive"
        }
        #expect(deactivated.count == n, "every old key is deactivated")
        return (counter.resources, result.warnings.filter { $0.kind == "key-in-use" && !$0.affected.isEmpty }.count)
    }

    @Test func aDoubledEstateWithDoubledChangesDoesAtMostTwiceTheWork() throws {
        let small = try visits(users: 150)
        let large = try visits(users: 300)
        // Each key's warning names the function that uses it: the path under test ran.
        #expect(small.keyWarnings == 150 && large.keyWarnings == 300)
        #expect(
            Double(large.visits) <= 2.1 * Double(small.visits),
            "150 users: \(small.visits) resources visited; 300 users: \(large.visits)")
    }
}
