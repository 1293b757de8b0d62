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
            let rule = AlertRule(name: "preview", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
            let scenario = Scenario(
                name: "impact", inventory: inventory, policies: try PolicyLoader.unique(chosen),
                settings: EngineSettings(rules: [rule]),
                runFor: horizon)
            return (
                scenario,
                "Enabling auto-remediation on \(fixtures.joined(separator: ", ")) (\(inventory.count) resources, "
                    + "\(chosen.count) policies):"
            )
        }
    }
}
