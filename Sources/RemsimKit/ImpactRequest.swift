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
    case inventory(fixtures: [String], policies: [String])

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
            return (loaded, "Enabling auto-remediation for \(InputFiles.display(file)):")
        case .inventory(let fixtures, let references):
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
            let preview = AlertRule(
                name: "preview", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
            let rules = preview.splitByModes(of: chosen, defaultPoll: .hours(1)) { _ in preview.detection }
            let scenario = Scenario(
                name: "impact", inventory: inventory, policies: try PolicyLoader.unique(chosen),
                settings: EngineSettings(rules: rules),
                runFor: horizon)
            return (
                scenario,
                "Enabling auto-remediation on \(fixtures.joined(separator: ", ")) (\(inventory.count) resources, "
                    + "\(chosen.count) policies):"
            )
        }
    }
}
