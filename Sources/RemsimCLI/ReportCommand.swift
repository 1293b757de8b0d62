import ArgumentParser
import Foundation
import Reports
import RunStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A run, or a comparison of two runs, as one self-contained HTML file.",
        discussion: """
            With one run (default latest): the summary, each scenario's result and assertions, MTTR p95 per \
            policy as a chart, the trend of MTTR p95 over the last --trend runs, and each scenario's timeline \
            (injections, faults, detections, calls, failures, warnings, controls). With two runs: what changed \
            from the first to the second, then the second in full. Runs are named as for compare. The file \
            needs no network to open.
            """
    )

    @Argument(help: "A run, or two runs to compare (number, label, latest, previous).")
    var runs: [String] = ["latest"]

    @OptionGroup var database: DatabaseOptions

    @Option(name: .shortAndLong, help: "The HTML file to write.")
    var output: String = "remsim-report.html"

    @Option(help: "How many runs the MTTR trend covers, ending with the run reported.")
    var trend: Int = 20

    func validate() throws {
        guard (1...2).contains(runs.count) else { throw ValidationError("give one run, or two runs to compare") }
        guard trend >= 1 else { throw ValidationError("--trend must be at least 1") }
    }

    func run() throws {
        let db = try RunDatabase(readingFrom: database.db)
        let ids = try runs.map { r throws(RunStoreError) in try db.runId(for: r) }
        let html =
            ids.count == 2
            ? try RunHTMLReport.comparison(db, from: ids[0], to: ids[1], trend: trend)
            : try RunHTMLReport.run(db, runId: ids[0], trend: trend)
        try Console.writeFile(output, html)
        Console.out("wrote \(output) (\(html.utf8.count / 1024) KiB)")
    }
}
