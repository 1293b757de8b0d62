import CloudModel
import Loading
import Policies
import PolicyPack
import RemediationEngine
import Simulation
import TestSupport
import Testing

/// Every built-in remediation, run against the simulated cloud on each of its policy's `match`
/// examples, succeeds and leaves the example compliant: the steps name what the operations need,
/// and the operations do what the policy expects of them. The `no-match` examples stand beside it,
/// as the resources a call may refer to (the bucket access logs go to).
struct BuiltinRemediationTests {
    static let remediable = BuiltinPolicyExampleTests.policies.filter(\.isRemediable)

    @Test(arguments: remediable.map(\.id))
    func remediationFixesEveryMatchExample(id: String) throws {
        let policy = try #require(Self.remediable.first { $0.id == id })
        let evaluator = Evaluator(now: BuiltinPolicyExampleTests.at)
        for example in policy.examples.match {
            var cloud = SimulatedCloud(
                inventory: try Inventory([example] + policy.examples.noMatch.filter { $0.id != example.id }))
            let finding = try #require(evaluator.finding(policy, example))
            let plan = try RemediationPlan(
                policy: policy, finding: finding, resource: example, parameters: policy.remediation?.exampleParameters)
            for (n, call) in plan.calls.enumerated() {
                let cloudName = try #require(example.cloud)
                let op = CloudOperation(
                    callId: n, name: call.operation, cloud: cloudName, account: example.account, region: example.region,
                    resourceId: example.id, parameters: call.parameters, command: call.command)
                let result = cloud.apply(op)
                #expect(result.outcome == .succeeded, "\(id) on '\(example.id)': `\(call.command)` → \(result.outcome)")
            }
            let after = try #require(cloud.inventory[example.id])
            #expect(
                !evaluator.violates(policy, after),
                "\(id): '\(example.id)' still violates after \(plan.calls.map(\.command))")
            #expect(
                plan.calls.allSatisfy { !$0.command.text.contains("{\"") || $0.command.words.first == "aws" },
                "\(id): a command fell back to JSON: \(plan.calls.map(\.command))")
        }
    }
}

/// The scan that reads each resource once for all the policies of its type finds exactly what
/// evaluating each policy on its own finds.
struct GroupedScanTests {
    @Test func groupedScanFindsWhatPolicyByPolicyFinds() throws {
        let policies = try BuiltinPolicies.load()
        let inventory = InventoryGenerator(seed: 9, violationPercent: 20).inventory(count: 5_000)
        let evaluator = Evaluator(now: BuiltinPolicyExampleTests.at)
        var oneByOne: [String] = []
        for policy in policies {
            inventory.forEach(ofType: policy.resourceType) { r in
                if evaluator.violates(policy, r) { oneByOne.append("\(policy.id) \(r.id)") }
            }
        }
        var grouped: [String] = []
        evaluator.forEachViolation(of: policies, in: inventory) { i, r in grouped.append("\(policies[i].id) \(r.id)") }
        #expect(oneByOne.count > 500)
        #expect(grouped.sorted() == oneByOne.sorted())
    }
}

/// `remsim validate`'s check for policies whose remediations undo each other.
struct PolicyConflictTests {
    @Test func theBuiltInPackHasNoPairThatUndoesItself() throws {
        #expect(PolicyConflicts.find(in: try BuiltinPolicies.load(), at: BuiltinPolicyExampleTests.at).isEmpty)
    }

    @Test func aUserPolicyThatUndoesABuiltInOneIsReported() throws {
        let costSaver = try PolicyLoader.load(paths: [
            TestSupport.packageRoot.appendingPathComponent("Fixtures/policies/cost-saver-suspend-versioning.yaml").path
        ])
        let conflicts = PolicyConflicts.find(
            in: try BuiltinPolicies.load() + costSaver, at: BuiltinPolicyExampleTests.at)
        #expect(
            conflicts.map { [$0.policy, $0.undoneBy] } == [
                ["cost-saver-suspend-versioning", "aws-s3-versioning-enabled"]
            ])
        #expect(conflicts.first?.example == "ex-backups")
    }
}
