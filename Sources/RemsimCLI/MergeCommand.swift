import ArgumentParser
import Foundation
import RunStore

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the databases of sharded runs (remsim run --shard I/N) into one run.",
        discussion: """
            The latest run in each database must be a complete shard of the same suite: the same N, each \
            shard once, the same remsim version, commit, fixtures and policies, no scenario twice. The merged \
            run is written to --db in one transaction, and is then compared, reported and gated like any other. \
            Exit code 1 when a scenario failed in any shard, 2 when the shards do not make one suite, 3 on a \
            database error.
            """
    )

    @Argument(help: "The shard jobs' run databases.")
    var shards: [String]

    @OptionGroup(title: "The database to record the merged run in (it may already hold earlier runs)")
    var database: DatabaseOptions

    @Flag(help: "Merge even when some shards are missing (the run then covers part of the suite).")
    var allowMissing = false

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard databases to merge") }
    }

    func run() throws {
        var loaded: [(source: String, contents: RunContents)] = []
        for path in shards {
            guard FileManager.default.fileExists(atPath: path) else { throw BadInput("\(path): no such file") }
            let database = try RunDatabase(readingFrom: path)
            guard let latest = try database.runs(limit: 1).first?.id else { throw BadInput("\(path): holds no run") }
            loaded.append((path, try database.contents(runId: latest)))
        }
        let problems = RunDatabase.checkShards(loaded, allowMissing: allowMissing)
        guard problems.isEmpty else { throw MergeProblems(problems) }
        let runId = try RunDatabase(path: database.db).merge(loaded)
        let scenarios = loaded.flatMap(\.contents.scenarios)
        let failed = scenarios.filter { !$0.scenario.passed }.count
        let line =
            "\(scenarios.count) scenarios from \(loaded.count) shard\(loaded.count == 1 ? "" : "s"): "
            + "\(scenarios.count - failed) passed, \(failed) failed"
        Console.out(
            (failed == 0 ? Console.style.green(line) : Console.style.red(line))
                + Console.style.dim(" · run \(runId) recorded in \(database.db)"))
        if failed > 0 { throw Exit.assertionFailed }
    }
}
