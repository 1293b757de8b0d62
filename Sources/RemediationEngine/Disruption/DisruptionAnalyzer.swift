import CloudModel
import CloudOperations

/// Says what a remediation would break before it runs: every impact rule that knows the
/// operation assesses each call of the plan.
package enum DisruptionAnalyzer {
    package static let rules: [any ImpactRule] = [
        IngressImpact(), BucketAccessImpact(), AccessKeyImpact(), NetworkACLImpact(), InstanceMetadataImpact(),
        InstanceStateImpact(), DeletionImpact(),
    ]

    package static func assess(
        _ plan: RemediationPlan, policy: String, resource: Resource, view: some InventoryView, now: Timestamp,
        epoch: Timestamp, lookback: SimDuration
    ) -> [DisruptionWarning] {
        var out: [DisruptionWarning] = []
        for call in plan.calls {
            let context = ImpactContext(
                operation: call.operation, parameters: call.parameters, resource: resource, view: view,
                now: now, epoch: epoch, lookback: lookback)
            for rule in rules where rule.operations.contains(call.operation) {
                for var w in rule.assess(context) where w.severity > .none {
                    w.policyId = policy
                    if !out.contains(w) { out.append(w) }
                }
            }
        }
        return out
    }

    /// What a remediation calling `operation` can disrupt, for `remsim policies show`.
    package static func summaries(for operation: String) -> [String] {
        rules.filter { $0.operations.contains(operation) }.map(\.summary)
    }
}
