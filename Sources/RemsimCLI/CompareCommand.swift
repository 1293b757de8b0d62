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

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("fail-on"), help: "Regressions that make the command exit 1.")
    var failOn: String?

    @Option(help: "text or json.")
    var format: TextOrJSON = .text

    func run() throws {
        let gate =
            try failOn.map { spec in
                do { return try RegressionGate(parsing: spec) } catch { throw BadInput("\(error)") }
            } ?? RegressionGate()
        let db = try RunDatabase(readingFrom: database.db)
        let comparison = RunComparison(
            try db.snapshot(runId: try db.runId(for: before)), try db.snapshot(runId: try db.runId(for: after)))
        let failures = gate.failures(comparison)
        if format == .json {
            Console.out(ComparisonReport.json(comparison, failures: failures))
        } else {
            Console.out(ComparisonReport.text(comparison))
            if !failures.isEmpty {
                Console.out(
                    "\n" + Console.style.red("regressions (--fail-on):") + "\n"
                        + failures.map { "  " + $0 }.joined(separator: "\n"))
            }
        }
        if !failures.isEmpty { throw Exit.assertionFailed }
    }
}
