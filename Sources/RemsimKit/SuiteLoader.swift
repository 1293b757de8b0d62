import Loading
import Policies
import PolicyPack
import Simulation

/// Loads the scenarios under some paths, collecting every file's problem rather than stopping at
/// the first, so one `remsim validate` shows all that needs fixing.
struct SuiteLoader {
    var paths: [String]
    var confinement: PathConfinement = .automatic
    var fixtureCache: FixtureCache?

    func load(progress: (_ done: Int, _ total: Int, _ file: String) -> Void = { _, _, _ in }) -> (
        scenarios: [Scenario], errors: [LoadError]
    ) {
        let files: [String]
        do {
            files = try InputFiles.collect(paths)
        } catch {
            return ([], [error])
        }
        var loader = ScenarioLoader(pack: BuiltinPolicies.source, paths: confinement)
        loader.fixtureCache = fixtureCache
        var scenarios: [Scenario] = []
        var errors: [LoadError] = []
        var reported: Set<LoadError> = []
        for (done, file) in files.enumerated() {
            progress(done, files.count, InputFiles.display(file))
            let (scenario, problems) = loader.loadReportingAll(file: file)
            if var scenario {
                scenario.file = InputFiles.display(file)
                scenarios.append(scenario)
            }
            // Scenarios that share a broken fixture or policy file find its problems once each:
            // they are reported once.
            for var problem in problems {
                problem.file = InputFiles.display(problem.file)
                if reported.insert(problem).inserted { errors.append(problem) }
            }
        }
        if files.isEmpty {
            errors.append(
                LoadError(file: paths.joined(separator: ", "), message: "no scenario files (.yaml, .yml, .json) found"))
        }
        return (scenarios, errors)
    }
}
