import CloudModel
import Policies
import RemediationEngine

/// Pairs of policies whose remediations undo each other, found before anything runs.
///
/// For each remediable policy A and each of its `match` examples, the check runs A's remediation
/// on the simulated cloud; if the result violates another remediable policy B of the same type,
/// it runs B's remediation on that; if A is violated again, the two fight: in production each
/// would remediate the other's fix until a loop guard stops them. Examples are what make this a
/// check and not a guess, so it finds what the examples show.
package enum PolicyConflicts {
    package struct Conflict: Sendable, Hashable, CustomStringConvertible {
        /// The policy whose remediation is undone, and the one undoing it.
        package var policy: String
        package var undoneBy: String
        package var resourceType: String
        /// The example it showed on.
        package var example: String

        package var description: String {
            "\(policy) and \(undoneBy) undo each other's remediation on \(resourceType) (shown on \(policy)'s "
                + "example '\(example)': "
                + "\(policy)'s fix violates \(undoneBy), whose fix violates \(policy) again)"
        }
    }

    package static func find(in policies: [Policy], at now: Timestamp) -> [Conflict] {
        let evaluator = Evaluator(now: now)
        let remediable = policies.filter(\.isRemediable)
        var found: [Conflict] = []
        var pairs: Set<Set<String>> = []
        for a in remediable {
            for b in remediable where b.id != a.id && b.resourceType == a.resourceType && !pairs.contains([a.id, b.id])
            {
                for example in a.examples.match {
                    guard let fixedByA = remediate(a, example, evaluator), evaluator.violates(b, fixedByA),
                        let fixedByB = remediate(b, fixedByA, evaluator), evaluator.violates(a, fixedByB)
                    else { continue }
                    found.append(
                        Conflict(policy: a.id, undoneBy: b.id, resourceType: a.resourceType, example: example.name))
                    pairs.insert([a.id, b.id])
                    break
                }
            }
        }
        return found
    }

    /// The resource after `policy`'s remediation, or nil if it does not apply or fails.
    static func remediate(_ policy: Policy, _ resource: Resource, _ evaluator: Evaluator) -> Resource? {
        guard let finding = evaluator.finding(policy, resource),
            let plan = try? RemediationPlan(
                policy: policy, finding: finding, resource: resource,
                parameters: policy.remediation?.exampleParameters),
            var cloud = try? SimulatedCloud(inventory: Inventory([resource]))
        else { return nil }
        for (n, call) in plan.calls.enumerated() {
            let op = CloudOperation(
                callId: n, name: call.operation, cloud: resource.cloud ?? .aws, account: resource.account,
                region: resource.region, resourceId: resource.id, parameters: call.parameters, command: call.command)
            guard cloud.apply(op).outcome.isSuccess else { return nil }
        }
        return cloud.inventory[resource.id]
    }
}
