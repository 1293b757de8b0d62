import ArgumentParser
import Reports
import RunStore

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "What changed between two runs; with --fail-on, exit 1 on a regression.",
        discussion: """
            Runs are named by number, by label (the latest run with it), or as latest and previous. \
            The comparison lists assertions that flipped, scenarios added and removed, MTTR p95 per policy \
            and per scenario, warnings and loops added and removed, and changed remediation counts, and \
            says when the runs were made by different remsim versions or from different fixtures or policies.

            --fail-on takes a comma-separated list: \(RegressionGate.names.joined(separator: ", ")).
            """
    )

    @Argument(help: "The earlier run.")
    var before: String = "previous"

    @Argument(help: "The later run.")
    var after: String = "latest"

    @Option(help: "The run database.")
    var db: String = ".remsim/runs.sqlite"

    @Option(name: .customLong("fail-on"), help: "Regressions that make the command exit 1.")
    var failOn: String?

    @Option(help: "text or json.")
    var format: HistoryCommand.OutputFormat = .table

    func run() throws {
        var gate = RegressionGate()
        if let failOn {
            do {
                gate = try RegressionGate(parsing: failOn)
            } catch {
                Console.error("error: \(error)")
                throw Exit.badInput
            }
        }
        let comparison: RunComparison
        switch load() {
        case .success(let c):
            comparison = c
        case .failure(let error):
            Console.error("error: \(error)")
            if case .noSuchRun = error { throw Exit.badInput }
            throw Exit.databaseError
        }
        let failures = gate.failures(comparison)
        if format == .json {
            Console.out(ComparisonReport.json(comparison, failures: failures))
        } else {
            Console.out(ComparisonReport.text(comparison))
            if !failures.isEmpty { Console.out("\n" + Console.style.red("regressions (--fail-on):") + "\n" + failures.map { "  " + $0 }.joined(separator: "\n")) }
        }
        if !failures.isEmpty { throw Exit.assertionFailed }
    }

    func load() -> Result<RunComparison, RunStoreError> {
        Result { () throws(RunStoreError) -> RunComparison in
            let database = try RunDatabase(readingFrom: db)
            let a = try database.runId(for: before), b = try database.runId(for: after)
            return RunComparison(try database.snapshot(runId: a), try database.snapshot(runId: b))
        }
    }
}
