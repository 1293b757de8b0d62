import CloudModel
import Loading
import Policies
import PolicyPack
import RemediationEngine
import Simulation

/// What `remsim impact` previews: a scenario file's fixtures, policies and alert rules, or
/// fixtures and policies named directly under one rule that remediates everything.
package enum ImpactRequest: Sendable {
    case scenario(String)
    /// `parameters`: values of the policies' remediation parameters (`--param NAME=VALUE`).
    case inventory(fixtures: [String], policies: [String], parameters: [String: Value] = [:])

    /// The scenario to preview, and the report's title.
    package func scenario(
        horizon: SimDuration, confinement: PathConfinement = .automatic, fixtureCache: FixtureCache? = nil
    ) throws(LoadError) -> (scenario: Scenario, title: String) {
        let pack = BuiltinPolicies.source
        switch self {
        case .scenario(let file):
            var loader = ScenarioLoader(pack: pack, paths: confinement)
            loader.fixtureCache = fixtureCache
            let loaded = try loader.load(file: file)
            // A preview turns every rule's remediation on: each needs what it takes.
            if let unset = loaded.unsetParameters(everyRule: true).first {
                throw LoadError(
                    file: file, message: "the preview turns every rule's auto-remediation on, and " + unset.message)
            }
            return (loaded, "Enabling auto-remediation for \(InputFiles.display(file)):")
        case .inventory(let fixtures, let references, let parameters):
            guard !fixtures.isEmpty else {
                throw LoadError(
                    file: "--fixtures", message: "give a scenario file, or --fixtures with the inventory to preview")
            }
            let inventory = try FixtureLoader.load(paths: fixtures, cache: fixtureCache)
            var chosen: [Policy] = []
            for reference in references {
                do throws(PolicyReference.Problem) {
                    if let named = try PolicyReference(reference).builtins(from: pack) {
                        chosen += named
                        continue
                    }
                } catch {
                    throw LoadError(file: "--policies", message: error.message)
                }
                do {
                    chosen += try PolicyLoader.load(paths: [reference])
                } catch  where error.message == "no such file or directory" && error.line == nil {
                    throw LoadError(file: "--policies", message: PolicyReference.missingPath(reference))
                }
            }
            // Policies that name their own mode (Custodian's) are detected that way; the others
            // by change events.
            var preview = AlertRule(
                name: "preview", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
            let declared = Set(chosen.flatMap { $0.remediation?.parameters.map(\.name) ?? [] })
            for name in parameters.keys.sorted() where !declared.contains(name) {
                throw LoadError(
                    file: "--param",
                    message: "no policy previewed takes a parameter '\(name)' (taken: "
                        + "\(declared.isEmpty ? "none" : declared.sorted().joined(separator: ", ")))")
            }
            preview.parameters = parameters
            let rules = preview.splitByModes(of: chosen, defaultPoll: .hours(1)) { _ in preview.detection }
            let scenario = Scenario(
                name: "impact", inventory: inventory, policies: try PolicyLoader.unique(chosen),
                settings: EngineSettings(rules: rules),
                runFor: horizon)
            if let unset = scenario.unsetParameters(everyRule: true).first {
                throw LoadError(
                    file: "--param",
                    message: "policy '\(unset.policy)' needs its remediation parameter '\(unset.parameter)' "
                        + "(\(unset.description)): give it with --param \(unset.parameter)=VALUE")
            }
            return (
                scenario,
                "Enabling auto-remediation on \(fixtures.joined(separator: ", ")) (\(inventory.count) resources, "
                    + "\(chosen.count) policies):"
            )
        }
    }
}
