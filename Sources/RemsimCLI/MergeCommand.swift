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

    @Option(help: "The database to record the merged run in (it may already hold earlier runs).")
    var db: String = ".remsim/runs.sqlite"

    @Flag(help: "Merge even when some shards are missing (the run then covers part of the suite).")
    var allowMissing = false

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard databases to merge") }
    }

    func run() throws {
        var loaded: [(source: String, contents: RunContents)] = []
        for path in shards {
            guard FileManager.default.fileExists(atPath: path) else {
                Console.error("error: \(path): no such file")
                throw Exit.badInput
            }
            do {
                let database = try RunDatabase(readingFrom: path)
                guard let latest = try database.runs(limit: 1).first?.id else {
                    Console.error("error: \(path): holds no run")
                    throw Exit.badInput
                }
                loaded.append((path, try database.contents(runId: latest)))
            } catch let error as RunStoreError {
                Console.error("error: \(error)")
                throw Exit.databaseError
            }
        }
        let problems = RunDatabase.checkShards(loaded, allowMissing: allowMissing)
        guard problems.isEmpty else {
            for p in problems { Console.error("error: \(p)") }
            throw Exit.badInput
        }
        let runId: Int64
        do {
            runId = try RunDatabase(path: db).merge(loaded)
        } catch {
            Console.error("error: \(error)")
            throw Exit.databaseError
        }
        let scenarios = loaded.flatMap(\.contents.scenarios)
        let failed = scenarios.filter { !$0.scenario.passed }.count
        let line = "\(scenarios.count) scenarios from \(loaded.count) shard\(loaded.count == 1 ? "" : "s"): \(scenarios.count - failed) passed, \(failed) failed"
        Console.out((failed == 0 ? Console.style.green(line) : Console.style.red(line)) + Console.style.dim(" · run \(runId) recorded in \(db)"))
        if failed > 0 { throw Exit.assertionFailed }
    }
}
