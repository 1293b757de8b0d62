import Endpoint
import Foundation
import Loading
import Policies
import PolicyPack
import RunStore
import Simulation

/// A suite of scenarios, loaded and checked as one, then run and recorded: the layer `remsim run`,
/// `validate`, `impact` and `replay` stand on, and what a user's own Swift code calls the same way.
///
/// ```swift
/// let suite = try ScenarioSuite.load(["Scenarios"])
/// for result in try suite.run() {
///     print(result.name, result.passed, result.assertions.filter { !$0.passed })
/// }
/// ```
public struct ScenarioSuite: Sendable {
    /// The version of remsim recorded with every run.
    public static let remsimVersion = "0.1.0"

    public var scenarios: [Scenario]
    /// Whether scenarios whose `engine.external` names programs may start them. Off by default:
    /// scenario files arrive in pull requests, and a program they name runs with the caller's
    /// rights. Such a scenario is not run when it is off, and its result says why.
    public var allowsExternalEngines = false

    public init(scenarios: [Scenario]) {
        self.scenarios = scenarios
    }

    /// Loads every scenario file under `paths` (files or directories), each checked by the same
    /// preflight the simulation runs. Every file's problem is collected, not just the first.
    /// `progress` hears of each file before it is read: how many were read, of how many, and its path.
    public static func load(
        _ paths: [String], confinement: PathConfinement = .automatic,
        progress: (_ done: Int, _ total: Int, _ file: String) -> Void = { _, _, _ in }
    ) throws(LoadErrors) -> ScenarioSuite {
        try load(paths, confinement: confinement, fixtureCache: nil, progress: progress)
    }

    /// Loads as `load(_:confinement:progress:)` does, reading fixture files through `fixtureCache`
    /// (what the command line does, with `.remsim/cache/fixtures`).
    public static func load(
        _ paths: [String], confinement: PathConfinement, fixtureCache: FixtureCache?,
        progress: (_ done: Int, _ total: Int, _ file: String) -> Void = { _, _, _ in }
    ) throws(LoadErrors) -> ScenarioSuite {
        let (scenarios, errors) = SuiteLoader(paths: paths, confinement: confinement, fixtureCache: fixtureCache)
            .load(progress: progress)
        guard errors.isEmpty else { throw LoadErrors(errors) }
        return ScenarioSuite(scenarios: scenarios)
    }

    /// Runs the scenarios (those of `shard` only, when given) one after another, handing each
    /// result to `each` as it finishes. A scenario the simulation stops during its run is a
    /// result with its `error`; a scenario the preflight should have refused is thrown.
    public func run(shard: Shard? = nil, each: (ScenarioResult) -> Void = { _ in }) throws(SuiteError)
        -> [ScenarioResult]
    {
        try timedRun(shard: shard, each: each).map(\.result)
    }

    /// Each result with the wall-clock seconds its simulation took (for JUnit's `time`).
    func timedRun(shard: Shard?, each: (ScenarioResult) -> Void) throws(SuiteError) -> [(
        result: ScenarioResult, seconds: Double
    )] {
        var results: [(ScenarioResult, Double)] = []
        let clock = ContinuousClock()
        for scenario in shard?.select(scenarios) ?? scenarios {
            do {
                let started = clock.now
                var result: ScenarioResult
                if scenario.settings.external.isEmpty {
                    result = try Simulator(scenario: scenario).run()
                } else if allowsExternalEngines {
                    result = try ExternalEngineRun(scenario: scenario).run().result
                } else {
                    result = try Simulator(scenario: scenario).run()
                    let programs = scenario.settings.external.map { $0.command[0] }
                    result.error =
                        "not run: it starts \(programs.joined(separator: ", ")) (engine.external), which runs only "
                        + "when external engines are allowed (remsim run --allow-engines)"
                }
                let elapsed = clock.now - started
                each(result)
                results.append(
                    (result, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
            } catch {
                throw .preflightMissed(file: scenario.file, problem: "\(error)")
            }
        }
        return results
    }

    /// Runs the scenarios as `run(shard:each:)` does, then records the run, in one transaction:
    /// the database holds the whole run or nothing of it. The database is opened, and checked,
    /// before any scenario runs.
    public func run(
        recordingIn path: String, labels: [String] = [], shard: Shard? = nil, gitCommit: String? = GitCommit.current(),
        each: (ScenarioResult) -> Void = { _ in }
    ) throws(SuiteError) -> RecordedRun {
        let started = Date()
        let database = try Self.open(path)
        let timed = try timedRun(shard: shard, each: each)
        return try record(
            timed.map(\.result), seconds: timed.map(\.seconds), in: database, path: path, labels: labels, shard: shard,
            gitCommit: gitCommit, startedAt: started)
    }

    /// Records results already run (by `run(shard:each:)`) as one run of this suite, in one
    /// transaction, as `run(recordingIn:…)` does after running them.
    public func record(
        _ results: [ScenarioResult], in path: String, labels: [String] = [], shard: Shard? = nil,
        gitCommit: String? = GitCommit.current(), startedAt: Date = Date()
    ) throws(SuiteError) -> RecordedRun {
        try record(
            results, seconds: results.map { _ in 0 }, in: try Self.open(path), path: path, labels: labels, shard: shard,
            gitCommit: gitCommit, startedAt: startedAt)
    }

    private static func open(_ path: String) throws(SuiteError) -> RunDatabase {
        do {
            return try RunDatabase(path: path)
        } catch {
            throw .database(error)
        }
    }

    private func record(
        _ results: [ScenarioResult], seconds: [Double], in database: RunDatabase, path: String, labels: [String],
        shard: Shard?, gitCommit: String?, startedAt: Date
    ) throws(SuiteError) -> RecordedRun {
        // The digests are of the whole suite even for one shard, so merged shards compare
        // cleanly with an unsharded run.
        let metadata = RunMetadata(
            startedAt: startedAt, remsimVersion: Self.remsimVersion, gitCommit: gitCommit, labels: labels,
            fixturesDigest: RunDigest.fixtures(scenarios), policiesDigest: RunDigest.policies(scenarios),
            shard: shard?.description)
        do {
            let runId = try database.recordRun(metadata, results: results, finishedAt: Date())
            return RecordedRun(
                runId: runId, database: path, results: results, seconds: seconds, scenarioCount: scenarios.count,
                shard: shard)
        } catch {
            throw .database(error)
        }
    }
}

/// A run recorded in a database.
public struct RecordedRun: Sendable {
    public let runId: Int64
    public let database: String
    public let results: [ScenarioResult]
    /// The wall-clock seconds each result's simulation took, in the order of `results`.
    public let seconds: [Double]
    /// Scenarios in the whole suite (more than `results` for a shard).
    public let scenarioCount: Int
    public let shard: Shard?

    public var passed: Bool { results.allSatisfy(\.passed) }
}

/// Why a suite could not be run or recorded.
public enum SuiteError: Error, Sendable, CustomStringConvertible {
    /// A scenario stopped for a reason its loading should have caught: a bug in remsim, said as such.
    case preflightMissed(file: String, problem: String)
    case database(RunStoreError)

    public var description: String {
        switch self {
        case .preflightMissed(let file, let problem):
            "\(file): \(problem) (the preflight let this through: please report it)"
        case .database(let error): error.description
        }
    }
}
