import ArgumentParser
import Foundation
import Loading
import RemsimKit
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

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("label"), help: "A label for this run (repeatable), e.g. a branch or policy change.")
    var labels: [String] = []

    @Flag(help: "Print each scenario's timeline: injections, violations, alerts, calls and their outcomes.")
    var timeline = false

    @Option(
        help:
            "text (default), json, junit or sarif: the report on standard output; with the others the lines people read go to standard error."
    )
    var format: Format = .text

    @Option(
        help: ArgumentHelp(
            "Run only part I of N of the suite (e.g. 2/4), for parallel CI jobs; `remsim merge` combines their "
                + "databases.",
            valueName: "I/N"))
    var shard: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, junit, sarif
    }

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Also write a report to a file (repeatable): json, junit or sarif, e.g. --report junit=remsim.xml "
                + "--report sarif=remsim.sarif. Each file is written whole, after the run, failing or not.",
            valueName: "FORMAT=FILE"))
    var reports: [String] = []

    @Flag(name: .shortAndLong, help: "Print only the scenarios that fail or stop, and the summary.")
    var quiet = false

    @Flag(
        help: ArgumentHelp(
            "Run scenarios whose engine.external names programs (Cloud Custodian, a script), starting them.",
            discussion:
                "Without it those scenarios are listed as not run: a program a scenario file names runs with your rights."
        ))
    var allowEngines = false

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Fixture cache")
    var cacheOptions: CacheOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    func execute() throws {
        var part: Shard?
        if let shard {
            guard let parsed = Shard(parsing: shard) else {
                throw BadInput("--shard: expected I/N with 1 ≤ I ≤ N, such as 2/4; found '\(shard)'")
            }
            part = parsed
        }
        let reports = try ReportFile.parse(reports)
        // The whole suite is loaded and checked even for one shard: every shard then refuses the
        // same bad file. Each scenario's line is printed as it finishes.
        let progress = ProgressLine.current
        defer { progress.finish() }
        var suite = try ScenarioSuite.loadShowingProgress(
            paths, confinement: limits.confinement, cache: cacheOptions.cache, quiet: quiet)
        suite.allowsExternalEngines = allowEngines
        // Scenarios that start programs are left out without --allow-engines, and said so
        // under the summary, where --quiet keeps it.
        var notRun: String?
        if !allowEngines {
            let held = suite.scenarios.filter { !$0.settings.external.isEmpty }
            if !held.isEmpty {
                suite.scenarios.removeAll { !$0.settings.external.isEmpty }
                let programs = Set(held.flatMap { $0.settings.external.map { $0.command[0] } }).sorted()
                notRun =
                    "not run: \(held.count) scenario\(held.count == 1 ? "" : "s") starting programs "
                    + "(\(programs.joined(separator: ", "))): "
                    + held.map { InputFiles.display($0.file) }.joined(separator: ", ")
                    + "; --allow-engines runs them"
            }
        }
        let total = part?.select(suite.scenarios).count ?? suite.scenarios.count
        var finished = 0
        progress.update("running scenarios", 0, of: total)
        // The lines people read go to standard output with the text report, to standard error
        // beside a JSON or JUnit one; their colour is decided for the stream they go to.
        let report = RunReport(style: format == .text ? Console.style : Console.errorStyle)
        let toStandardOutput = format == .text
        let run = try suite.run(recordingIn: database.db, labels: labels, shard: part) { result in
            finished += 1
            progress.update("running scenarios", finished, of: total, result.name)
            if finished == total { progress.update("recording the run in \(database.db)", force: true) }
            if quiet && result.passed { return }
            let line = report.line(for: result) + (timeline ? "\n" + report.timeline(for: result) : "")
            if toStandardOutput { Console.out(line) } else { Console.error(line) }
        }
        progress.finish()
        if let part {
            Console.error("shard \(part): \(run.results.count) of the suite's \(run.scenarioCount) scenarios")
        }
        let summary = report.summary(results: run.results, runId: run.runId, database: run.database)
        for file in reports {
            try Console.writeFile(file.path, document(file.format, of: run))
        }
        if format == .text {
            Console.out(summary)
            if let notRun { Console.out(notRun) }
        } else {
            Console.out(document(format, of: run))
            Console.error(summary)
            if let notRun { Console.error(notRun) }
        }
        // In GitHub Actions, failed assertions and high warnings become annotations on the
        // scenario files; on standard error, so that the report on standard output stays one document.
        if GitHubAnnotation.enabled(environment: ProcessInfo.processInfo.environment) {
            for annotation in MachineReport.githubAnnotations(results: run.results) {
                Console.error(annotation.description)
            }
        }
        if !run.passed { throw Exit.assertionFailed }
    }

    /// A machine report of the run: one whole document.
    private func document(_ format: Format, of run: RecordedRun) -> String {
        switch format {
        case .text, .json: MachineReport.json(results: run.results, runId: run.runId)
        case .junit: MachineReport.junit(results: run.results, seconds: run.seconds)
        case .sarif: SARIFReport.log(SARIFReport.findings(results: run.results), version: ScenarioSuite.remsimVersion)
        }
    }
}

/// `--report FORMAT=FILE`: a machine report written to a file beside what the run prints.
struct ReportFile {
    let format: RunCommand.Format
    let path: String

    /// Reads the `--report` arguments and refuses, before anything runs, an unknown format, two
    /// reports to one file and a file in a folder that does not exist, so that a long run does not
    /// end in a report that cannot be written.
    static func parse(_ arguments: [String]) throws -> [ReportFile] {
        var seen: Set<String> = []
        return try arguments.map { argument in
            let formats = "json, junit or sarif"
            guard let equals = argument.firstIndex(of: "=") else {
                throw BadInput("--report: expected FORMAT=FILE (\(formats)), such as junit=remsim.xml")
            }
            let name = String(argument[..<equals])
            guard let format = RunCommand.Format(rawValue: name), format != .text else {
                throw BadInput("--report: unknown format '\(name.prefix(40))'; expected \(formats)")
            }
            let report = ReportFile(format: format, path: String(argument[argument.index(after: equals)...]))
            guard !report.path.isEmpty else { throw BadInput("--report \(name)=: no file named") }
            let path = URL(fileURLWithPath: report.path).standardizedFileURL.path
            guard seen.insert(path).inserted else {
                throw BadInput("--report: \(report.path) is named twice")
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw BadInput("--report: \(report.path) is a directory")
            }
            let folder = (path as NSString).deletingLastPathComponent
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue
            else { throw BadInput("--report: the folder of \(report.path) does not exist") }
            return report
        }
    }
}
