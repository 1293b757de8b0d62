import CloudModel
import Policies
import RemediationEngine
import Simulation

extension Replay {
    /// One scenario per `match` example of each remediable AWS policy in `policies`: the example
    /// with the policy's `no-match` examples beside it (what a call may refer to, such as the
    /// bucket access logs go to), an alert rule that remediates the backlog, and nothing injected.
    /// Replaying them runs every AWS remediation the pack ships, exactly as rendered, on the
    /// resources its own examples describe.
    package static func exampleScenarios(of policies: [Policy]) throws -> [Scenario] {
        var scenarios: [Scenario] = []
        for policy in policies where policy.isRemediable && policy.resourceType.hasPrefix("aws.") {
            for (n, example) in policy.examples.match.enumerated() {
                let neighbours = policy.examples.noMatch.filter { $0.id != example.id }
                var rule = AlertRule(
                    name: "examples", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
                // The values the policy's examples are run with (the log bucket its examples hold).
                rule.parameters = policy.remediation?.exampleParameters ?? [:]
                scenarios.append(
                    Scenario(
                        name: "\(policy.id) example \(n + 1)", file: policy.source,
                        inventory: try Inventory([example] + neighbours), policies: [policy],
                        settings: EngineSettings(rules: [rule]), runFor: .seconds(3600)))
            }
        }
        return scenarios
    }
}
