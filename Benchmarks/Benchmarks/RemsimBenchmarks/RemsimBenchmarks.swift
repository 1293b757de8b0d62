import Benchmark
import CloudModel
import Foundation
import GRDB
import Loading
import Policies
import PolicyPack
import RemediationEngine
import RemsimKit
import Simulation

/// Shared inputs, built once per benchmark process outside the measured region.
enum Inputs {
    static let policies: [Policy] = (try? BuiltinPolicies.load()) ?? []
    static let start = Timestamp(iso8601: "2026-01-01T00:00:00Z") ?? Timestamp(milliseconds: 0)
    static let million = InventoryGenerator(seed: 42).inventory(count: 1_000_000)
    static let hundredThousand = InventoryGenerator(seed: 42).inventory(count: 100_000)

    /// The fixture files `remsim generate --resources 1000000` wrote (`Benchmarks/regenerate`
    /// passes their folder in `REMSIM_BENCH_FIXTURES`), and a cache folder for them.
    static let fixtures = ProcessInfo.processInfo.environment["REMSIM_BENCH_FIXTURES"]
    static let cacheDirectory = NSTemporaryDirectory() + "remsim-bench-cache-\(getpid())"

    /// A simulated day over 100,000 resources with auto-remediation on: what the recording
    /// benchmarks write.
    static let day: (suite: ScenarioSuite, results: [ScenarioResult]) = {
        let suite = ScenarioSuite(scenarios: [
            Scenario(
                name: "day", inventory: hundredThousand, policies: policies,
                settings: EngineSettings(rules: [
                    AlertRule(name: "auto", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
                ]), runFor: .days(1), seed: 1)
        ])
        return (suite, (try? suite.run()) ?? [])
    }()

    /// The rows recording `day` writes, table by table in the order they were created (parents
    /// first), with the schema: what the raw insert loop writes.
    static let rows: (schema: [String], tables: [(name: String, rows: [[DatabaseValue]])]) = {
        let path = scratchDatabase()
        _ = try? day.suite.record(day.results, in: path, gitCommit: nil)
        guard let queue = try? DatabaseQueue(path: path) else { return ([], []) }
        return
            (try? queue.read { db in
                let tables = try String.fetchAll(
                    db,
                    sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        + "AND name != 'grdb_migrations' ORDER BY rowid")
                let schema = try String.fetchAll(
                    db,
                    sql:
                        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
                )
                return (
                    schema,
                    try tables.map { table in
                        (
                            table,
                            try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { Array($0.databaseValues) }
                        )
                    }
                )
            }) ?? ([], [])
    }()

    static func scratchDatabase() -> String {
        NSTemporaryDirectory() + "remsim-bench-\(getpid())-\(UUID().uuidString).sqlite"
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident, .cpuTotal],
        warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 10)

    // The whole built-in pack over one million resources, on one core, through the evaluator's
    // scan: each resource type's resources walked once, each resource read once for all the
    // policies of its type.
    Benchmark(
        "Built-in pack over 1M resources (evaluator)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .cpuTotal], maxIterations: 10, setup: { _ = Inputs.million })
    ) { benchmark in
        let evaluator = Evaluator(now: Inputs.start)
        var violations = 0
        evaluator.forEachViolation(of: Inputs.policies, in: Inputs.million) { _, _ in violations += 1 }
        blackHole(violations)
    }

    // The engine's own scan over one million resources, as a simulation's first poll runs it:
    // detection of every policy of the pack, alerts opened for what violates (no remediation).
    Benchmark(
        "Engine's first scan over 1M resources",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal], maxIterations: 5, setup: { _ = Inputs.million })
    ) { benchmark in
        var engine = Engine(
            policies: Inputs.policies,
            rules: [AlertRule(name: "scan", autoRemediate: false, detection: .poll(every: .hours(1)))])
        let effects = engine.handle(.scanDue(rule: "scan"), at: Inputs.start, view: Inputs.million)
        blackHole(effects.count)
        blackHole(engine.alerts.count)
    }

    // Peak memory of holding a generated inventory of one million resources (divide the peak
    // resident memory by 1,000,000 for the cost per resource).
    Benchmark(
        "Inventory of 1M resources, peak memory",
        configuration: .init(metrics: [.peakMemoryResident, .wallClock], warmupIterations: 0, maxIterations: 1)
    ) { benchmark in
        let inventory = InventoryGenerator(seed: 7).inventory(count: 1_000_000)
        blackHole(inventory.count)
    }

    // Loading the 100 JSON files of a generated million (348 MB) into an inventory, on every
    // core, without the cache: what the first run over new fixtures does.
    Benchmark(
        "Fixtures: 1M resources from JSON",
        configuration: .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident], maxIterations: 5)
    ) { benchmark in
        guard let fixtures = Inputs.fixtures else { return }
        let inventory = try FixtureLoader.load(paths: [fixtures], cache: nil)
        blackHole(inventory.count)
    }

    // The same files through the fixture cache, filled by the warm-up: what every later run does.
    Benchmark(
        "Fixtures: 1M resources from the cache",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .peakMemoryResident], warmupIterations: 1, maxIterations: 10,
            teardown: { try? FileManager.default.removeItem(atPath: Inputs.cacheDirectory) })
    ) { benchmark in
        guard let fixtures = Inputs.fixtures,
            let cache = FixtureCache.open(directory: Inputs.cacheDirectory, identity: "benchmarks").cache
        else { return }
        let inventory = try FixtureLoader.load(paths: [fixtures], cache: cache)
        blackHole(inventory.count)
    }

    // Engine events: one config-change event per resource, each evaluating every policy of the
    // resource's type (detection only, so every event is the same work). Throughput × 100,000 =
    // events per second.
    Benchmark(
        "Engine resourceChanged events x100k",
        configuration: .init(
            metrics: [.wallClock, .throughput], maxIterations: 10, setup: { _ = Inputs.hundredThousand })
    ) { benchmark in
        var engine = Engine(
            policies: Inputs.policies,
            rules: [AlertRule(name: "watch", autoRemediate: false, detection: .event(deliveryDelay: .seconds(90)))])
        let inventory = Inputs.hundredThousand
        var effects = 0
        for resource in inventory.all {
            effects +=
                engine.handle(
                    .resourceChanged(resourceId: resource.id, rule: "watch"), at: Inputs.start, view: inventory
                ).count
        }
        blackHole(effects)
        blackHole(engine.alerts.count)
    }

    // A whole simulated day over 100,000 resources with auto-remediation on: the initial scan,
    // every remediation call, its change event and its verification.
    Benchmark(
        "Simulated day, 100k resources, auto-remediation",
        configuration: .init(
            metrics: [.wallClock, .throughput, .peakMemoryResident], maxIterations: 5,
            setup: { _ = Inputs.hundredThousand })
    ) { benchmark in
        let scenario = Scenario(
            name: "bench", inventory: Inputs.hundredThousand, policies: Inputs.policies,
            settings: EngineSettings(rules: [
                AlertRule(name: "auto", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
            ]),
            runFor: .days(1), seed: 1)
        let result = try Simulator(scenario: scenario).run()
        blackHole(result.eventsProcessed)
    }

    // Recording that day's results in a new run database, as `remsim run` does: one
    // transaction, a prepared statement per table. The next benchmark writes the same rows with
    // nothing but a prepared insert loop; the two run side by side.
    Benchmark(
        "Recording a run: the 100k day's results",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxIterations: 10, setup: { _ = Inputs.rows })
    ) { benchmark in
        let path = Inputs.scratchDatabase()
        defer { Inputs.removeDatabase(path) }
        let run = try Inputs.day.suite.record(Inputs.day.results, in: path, gitCommit: nil)
        blackHole(run.runId)
    }

    Benchmark(
        "Recording a run: the same rows, raw prepared inserts",
        configuration: .init(metrics: [.wallClock, .cpuTotal], maxIterations: 10, setup: { _ = Inputs.rows })
    ) { benchmark in
        let path = Inputs.scratchDatabase()
        defer { Inputs.removeDatabase(path) }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            for sql in Inputs.rows.schema { try db.execute(sql: sql) }
            // Tables come in the order they were created, which is not always parents first:
            // the foreign keys are checked at the commit instead of at each row.
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
            for (table, rows) in Inputs.rows.tables where !rows.isEmpty {
                let marks = Array(repeating: "?", count: rows[0].count).joined(separator: ", ")
                let statement = try db.makeStatement(sql: "INSERT INTO \"\(table)\" VALUES (\(marks))")
                for row in rows { try statement.execute(arguments: StatementArguments(row)) }
            }
        }
    }
}
