import ArgumentParser
import Foundation
import Reports
import RunStore
import Simulation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios and record the run in the database.",
        discussion: """
            Every scenario is loaded and checked before any runs; a bad file stops the run with exit \
            code 2 and nothing is recorded. Exit code 1 means an expectation failed, or a scenario \
            stopped during its run for a reason only the run could find (STOP, with the reason; \
            recorded with the others).
            """
    )

    @Argument(help: "Scenario files or directories.")
    var paths: [String] = ["Scenarios"]

    @Option(help: "The run database.")
    var db: String = ".remsim/runs.sqlite"

    @Option(name: .customLong("label"), help: "A label for this run (repeatable), e.g. a branch or policy change.")
    var labels: [String] = []

    @Flag(help: "Print each scenario's timeline: injections, violations, alerts, calls and their outcomes.")
    var timeline = false

    @Option(help: "text (default), json or junit: the report on standard output; with json or junit the lines people read go to standard error.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Run only part I of N of the suite (e.g. 2/4), for parallel CI jobs; `remsim merge` combines their databases.", valueName: "I/N"))
    var shard: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, junit
    }

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    func execute() throws {
        let started = Date()
        var part: Shard?
        if let shard {
            guard let parsed = Shard(parsing: shard) else {
                Console.error("error: --shard: expected I/N with 1 ≤ I ≤ N, such as 2/4; found '\(shard)'")
                throw Exit.badInput
            }
            part = parsed
        }
        // The whole suite is loaded and checked even for one shard: every shard then refuses the
        // same bad file, and records the digests of the whole suite, so merged shards compare
        // cleanly with an unsharded run.
        let (suite, errors) = SuiteLoader(paths: paths, confinement: limits.confinement).load()
        guard errors.isEmpty else {
            for e in errors { Console.error("error: \(e)") }
            throw Exit.badInput
        }
        let scenarios = part?.select(suite) ?? suite

        // The database is opened, and checked, before anything runs: a file that cannot be
        // written, or is damaged, stops the run before a scenario line says anything.
        let database: RunDatabase
        do {
            database = try RunDatabase(path: db)
        } catch {
            Console.error("error: \(error)")
            throw Exit.databaseError
        }

        // Every scenario runs before anything is recorded; each line is printed as it finishes.
        // What the loader's preflight could not know and stops a scenario during its run is
        // that scenario's result (STOP, with the reason), recorded with the others.
        let style = Console.style
        let report = RunReport(style: style)
        var results: [ScenarioResult] = []
        for scenario in scenarios {
            let result: ScenarioResult
            do {
                result = try Simulator(scenario: scenario).run()
            } catch {
                // The loader ran the same preflight; reaching this is a bug, said as such.
                Console.error("error: \(scenario.file): \(error) (the preflight let this through: please report it)")
                throw Exit.badInput
            }
            let line = report.line(for: result) + (timeline ? "\n" + report.timeline(for: result) : "")
            if format == .text { Console.out(line) } else { Console.error(line) }
            results.append(result)
        }

        let runId: Int64
        do {
            runId = try database.beginRun(RunMetadata(
                startedAt: started, remsimVersion: Remsim.version, gitCommit: GitCommit.current(), labels: labels,
                fixturesDigest: RunDigest.fixtures(suite), policiesDigest: RunDigest.policies(suite), shard: part?.description))
            for result in results { try database.record(result, runId: runId) }
            try database.finishRun(runId, finishedAt: Date())
        } catch {
            Console.error("error: \(error)")
            throw Exit.databaseError
        }
        if let part { Console.error("shard \(part): \(scenarios.count) of the suite's \(suite.count) scenarios") }
        switch format {
        case .text: Console.out(report.summary(results: results, runId: runId, database: db))
        case .json: Console.out(MachineReport.json(results: results, runId: runId))
        case .junit: Console.out(MachineReport.junit(results: results))
        }
        if format != .text { Console.error(report.summary(results: results, runId: runId, database: db)) }
        // In GitHub Actions, failed assertions become annotations on the scenario files.
        if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
            for annotation in MachineReport.githubAnnotations(results: results) { Console.out(annotation) }
        }
        if results.contains(where: { !$0.passed }) { throw Exit.assertionFailed }
    }
}
