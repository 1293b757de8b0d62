import CloudModel
import Foundation
import RunStore
import Simulation
import TestSupport
import Testing

/// The run database under the two things CI does to it: jobs killed mid-run, and jobs writing at
/// once. Both run the real binary as separate processes.
struct CrashSafetyTests {
    let cli = CommandLineTests()

    /// Every row of a run, as text: an earlier run must read back exactly the same after a kill.
    static func fingerprint(_ db: RunDatabase, runId: Int64) throws -> String {
        let c = try db.contents(runId: runId)
        return String(describing: c.run)
            + c.scenarios.map { s in
                [
                    String(describing: s.scenario), String(describing: s.assertions), String(describing: s.alerts),
                    String(describing: s.attempts),
                    String(describing: s.violations), String(describing: s.metrics), String(describing: s.records),
                    String(describing: s.warnings),
                    String(describing: s.timeline),
                ].joined(separator: "\n")
            }.joined(separator: "\n")
    }

    /// A run is finished with every row, or marked incomplete.
    static func checkRuns(_ db: RunDatabase, scenarios: Int) throws -> (complete: Int, incomplete: Int) {
        var complete = 0
        var incomplete = 0
        for run in try db.runs(limit: 10_000) {
            let id = try #require(run.id)
            let results = try db.scenarioResults(runId: id)
            if run.status == .complete {
                complete += 1
                #expect(
                    run.scenarioCount == scenarios && results.count == scenarios,
                    "run \(id) is complete with \(results.count) of \(scenarios) scenarios")
                #expect(run.passedCount + run.failedCount == run.scenarioCount)
                for r in results {
                    let sid = try #require(r.id)
                    #expect(
                        try !db.assertionResults(scenarioResultId: sid).isEmpty,
                        "run \(id): \(r.name) has no assertions")
                    #expect(try !db.metrics(scenarioResultId: sid).isEmpty, "run \(id): \(r.name) has no metrics")
                }
            } else {
                incomplete += 1
                #expect(run.status == .incomplete)
                #expect(run.finishedAt == nil)
            }
        }
        return (complete, incomplete)
    }

    /// `remsim run` killed with SIGKILL at random moments: half anywhere in the run, half while it
    /// writes to the database. `REMSIM_KILL_COUNT` sets how many (default 6; 100 for the longer run
    /// README.md describes); `REMSIM_KILL_SEED` makes the moments reproducible.
    @Test func aKilledRunLeavesTheDatabaseSoundAndEarlierRunsIntact() throws {
        let env = ProcessInfo.processInfo.environment
        let kills = Int(env["REMSIM_KILL_COUNT"] ?? "") ?? 6
        var random = SeededGenerator(seed: UInt64(env["REMSIM_KILL_SEED"] ?? "") ?? 20_261_125)
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Twenty scenarios: enough that writing a run takes a while, few enough to repeat.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/Scenarios").filter {
            $0.hasSuffix(".yaml")
        }.sorted()
        for file in files.dropFirst(20) { try FileManager.default.removeItem(atPath: dir + "/Scenarios/" + file) }
        let scenarios = min(20, files.count)

        let started = Date()
        let first = try cli.run(["run", "--db", "runs.sqlite"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let whole = Date().timeIntervalSince(started)
        let earlier = try Self.fingerprint(try RunDatabase(path: dir + "/runs.sqlite"), runId: 1)

        var duringWrites = 0
        for attempt in 0..<kills {
            let process = try cli.start(["run", "--db", "runs.sqlite"], in: dir)
            let runsBefore = try RunDatabase(path: dir + "/runs.sqlite").runs(limit: 10_000).count
            if attempt % 2 == 0 {
                Thread.sleep(forTimeInterval: whole * Double(random.next() % 1000) / 1000)
            } else {
                // Wait until the run has begun writing, then a little more.
                let deadline = Date().addingTimeInterval(whole * 3)
                while process.isRunning, Date() < deadline,
                    try RunDatabase(path: dir + "/runs.sqlite").runs(limit: 10_000).count == runsBefore
                {
                    Thread.sleep(forTimeInterval: 0.002)
                }
                Thread.sleep(forTimeInterval: Double(random.next() % 200) / 1000)
            }
            if process.isRunning { duringWrites += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let db = try RunDatabase(path: dir + "/runs.sqlite")
            #expect(try db.integrityCheck() == "ok")
            #expect(try Self.fingerprint(db, runId: 1) == earlier, "the first run changed after kill \(attempt)")
            _ = try Self.checkRuns(db, scenarios: scenarios)
        }
        let db = try RunDatabase(path: dir + "/runs.sqlite")
        let (complete, incomplete) = try Self.checkRuns(db, scenarios: scenarios)
        #expect(complete >= 1)
        #expect(duringWrites > 0, "no kill landed while the run was still going")
        // An incomplete run is shown as such, and never taken as the latest run.
        let history = try cli.run(["history", "--db", "runs.sqlite", "--format", "json", "--limit", "100000"], in: dir)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(runs.filter { $0["status"] as? String == "incomplete" }.count == incomplete)
        let latest = try db.runId(for: "latest")
        #expect(try db.runs(limit: 10_000).first { $0.id == latest }?.status == .complete)
        print("kills: \(kills), \(duringWrites) while running; runs: \(complete) complete, \(incomplete) incomplete")
    }

    /// Eight `remsim run` processes on one new database at once: every one succeeds and every
    /// run is there with all its rows.
    @Test func eightConcurrentRunsAllLand() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenarios = [
            "Scenarios/ssh-opened-to-world-is-closed.yaml", "Scenarios/vpc-flow-logs-restored.yaml",
            "Scenarios/throttled-calls-retry-with-backoff.yaml", "Scenarios/terraform-drift-loop-is-quarantined.yaml",
        ]
        let processes = try (1...8).map { i in
            try cli.start(
                ["run"] + scenarios + ["--db", "shared.sqlite", "--label", "job\(i)"], in: dir, capture: true)
        }
        for p in processes { p.waitUntilExit() }
        for (i, p) in processes.enumerated() {
            let err = String(
                decoding: (p.standardError as? Pipe)?.fileHandleForReading.readDataToEndOfFile() ?? Data(),
                as: UTF8.self)
            #expect(p.terminationStatus == 0, "job \(i + 1): \(err)")
        }
        let db = try RunDatabase(path: dir + "/shared.sqlite")
        #expect(try db.integrityCheck() == "ok")
        let (complete, incomplete) = try Self.checkRuns(db, scenarios: scenarios.count)
        #expect(complete == 8 && incomplete == 0)
        let labels = try db.runs(limit: 100).compactMap { try db.snapshot(runId: $0.id ?? 0).labels.first }
        #expect(Set(labels) == Set((1...8).map { "job\($0)" }))
        // Every run holds the same rows but for ids and times.
        let first = try db.contents(runId: 1)
        for run in try db.runs(limit: 100) {
            let c = try db.contents(runId: run.id ?? 0)
            #expect(c.scenarios.map(\.timeline.count) == first.scenarios.map(\.timeline.count))
            #expect(c.scenarios.map(\.attempts.count) == first.scenarios.map(\.attempts.count))
            #expect(c.scenarios.map(\.assertions.count) == first.scenarios.map(\.assertions.count))
        }
    }
}
