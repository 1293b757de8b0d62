import ArgumentParser
import Reports
import RunStore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Recorded runs, newest first: labels, commit, pass/fail counts, MTTR p95 per policy."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Only runs with this label.")
    var label: String?

    @Option(help: "Only runs that include this scenario.")
    var scenario: String?

    @Option(help: "How many runs at most.")
    var limit: Int = 20

    @Option(help: "text or json.")
    var format: TextOrJSON = .text

    func run() throws {
        let database = try RunDatabase(readingFrom: self.database.db)
        var runs: [RunRecord] = []
        var mttr: [Int64: [String: Int64?]] = [:]
        for run in try database.runs(limit: 100_000) {
            guard runs.count < limit, let id = run.id else { continue }
            let snapshot = try database.snapshot(runId: id)
            if let label, !snapshot.labels.contains(label) { continue }
            if let scenario, !snapshot.scenarios.contains(where: { $0.name == scenario }) { continue }
            runs.append(run)
            mttr[id] = snapshot.mttrP95ByPolicy
        }
        Console.out(
            format == .json
                ? ComparisonReport.historyJSON(runs, mttr: mttr) : ComparisonReport.history(runs, mttr: mttr))
    }
}
