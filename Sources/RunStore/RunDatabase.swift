import Foundation
import GRDB

/// The database of runs: one SQLite file (default `.remsim/runs.sqlite`), in WAL mode so that
/// readers never block the writer, with named migrations and constraints in the schema.
///
/// Following GRDB's `AppDatabase` pattern: one Sendable value wrapping the connection pool, one
/// record type per table, every write in a transaction.
public struct RunDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`, and migrates it to the current schema.
    public init(path: String) throws(RunStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create the directory \(directory)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        // Processes opening the same file at once (parallel CI jobs on one history) take turns:
        // GRDB's migrator reads which migrations are applied, then applies the rest, and two
        // processes doing that together would both create the same tables.
        let lock = try OpenLock(path: path + ".lock", database: path)
        defer { lock.release() }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            // A damaged file is never written into: what is added to it could be lost, and what
            // reads it later would fail. SQLite's quick_check reads every page once.
            let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            guard check == ["ok"] else {
                throw Self.damaged(path, "SQLite's quick_check: " + check.joined(separator: "; ").split(whereSeparator: \.isNewline).prefix(3).joined(separator: "; "))
            }
            try Self.refuseNewerSchema(pool, path: path)
            try Self.migrator.migrate(pool)
            writer = pool
        } catch let error as RunStoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            throw Self.damaged(path, "SQLite: " + (error.message ?? error.description))
        } catch let error as DatabaseError {
            throw .cannotOpen(path: path, reason: error.message ?? error.description)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// Opens an existing database to read it, and nothing else: no directory, lock file or
    /// database is created, and a file on a read-only file system can be read. A missing file is
    /// an error (`history`, `compare`, `report` on a mistyped path must not invent an empty
    /// history). A database an older remsim wrote is migrated first, with the lock, when the file
    /// can be written; otherwise it is refused, saying so.
    public init(readingFrom path: String) throws(RunStoreError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .cannotOpen(path: path, reason: "no such file (runs are recorded there by `remsim run --db \(path)`)")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            let queue: DatabaseQueue
            do {
                let plain = try DatabaseQueue(path: path, configuration: config)
                _ = try plain.read { db in try Self.recordedMigrations(db) }
                queue = plain
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN && !Self.writable(path) {
                // A WAL file on a read-only file system: SQLite cannot make its shared-memory
                // file beside it, so the file is read as immutable, which needs none.
                queue = try DatabaseQueue(path: Self.immutableURI(path), configuration: config)
            }
            try Self.refuseNewerSchema(queue, path: path)
            let applied = try queue.read { db in try Self.recordedMigrations(db) }
            if !Set(Self.migrator.migrations).isSubset(of: applied) {
                guard Self.writable(path) else {
                    throw RunStoreError.cannotOpen(path: path, reason: "an older remsim wrote it, and it cannot be upgraded here (read-only); upgrade it where it can be written, with any command that records")
                }
                try queue.close()
                self = try RunDatabase(path: path)
                return
            }
            writer = queue
        } catch let error as RunStoreError {
            throw error
        } catch let error as DatabaseError {
            throw .cannotOpen(path: path, reason: error.message ?? error.description)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    static func damaged(_ path: String, _ found: String) -> RunStoreError {
        .cannotOpen(path: path, reason: "the file is damaged (\(found)); nothing was written to it. Keep a copy, then record into a new file with --db")
    }

    /// A file, and its folder, that this process may write.
    static func writable(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return FileManager.default.isWritableFile(atPath: path) && FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
    }

    /// `file:PATH?immutable=1`, the path escaped as SQLite's URI filenames want.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var escaped = ""
        for c in absolute.unicodeScalars {
            if c == "%" || c == "?" || c == "#" { escaped += String(format: "%%%02X", c.value) } else { escaped.unicodeScalars.append(c) }
        }
        return "file:\(escaped)?immutable=1"
    }

    /// A database a newer remsim wrote has migrations this one does not know: writing to it
    /// could break what that version expects, and reading it could misread it; it is refused.
    static func refuseNewerSchema(_ reader: some DatabaseReader, path: String) throws {
        let unknown = try reader.read { db in
            try Set(Self.migrator.appliedIdentifiers(db)).union(Self.recordedMigrations(db)).subtracting(Self.migrator.migrations)
        }
        guard unknown.isEmpty else {
            throw RunStoreError.cannotOpen(
                path: path, reason: "it was written by a newer remsim (schema \(unknown.sorted().joined(separator: ", ")) unknown here); use that version or a newer one")
        }
    }

    /// Every migration the file says it has, known here or not (GRDB's own table).
    static func recordedMigrations(_ db: Database) throws -> Set<String> {
        guard try db.tableExists("grdb_migrations") else { return [] }
        return try Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
    }

    /// An in-memory database, for tests.
    public static func inMemory() throws -> RunDatabase {
        try RunDatabase(writer: DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        try Self.migrator.migrate(writer)
        self.writer = writer
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs") { db in
            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("startedAt", .text).notNull()
                t.column("finishedAt", .text)
                t.column("status", .text).notNull().check { ["incomplete", "complete"].contains($0) }
                t.column("remsimVersion", .text).notNull()
                t.column("gitCommit", .text)
                t.column("labels", .text).notNull().defaults(to: "[]")
                t.column("scenarioCount", .integer).notNull().defaults(to: 0)
                t.column("passedCount", .integer).notNull().defaults(to: 0)
                t.column("failedCount", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "scenarioResult") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("run", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("file", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("passed", .boolean).notNull()
                t.column("simulatedStart", .integer).notNull()
                t.column("simulatedEnd", .integer).notNull()
                t.column("eventsProcessed", .integer).notNull()
                t.uniqueKey(["runId", "file", "name"])
            }
            try db.create(table: "assertionResult") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("passed", .boolean).notNull()
                t.column("expected", .text).notNull()
                t.column("found", .text).notNull()
                t.column("origin", .text).notNull()
                t.uniqueKey(["scenarioResultId", "position"])
            }
            try db.create(table: "alert") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("number", .integer).notNull()
                t.column("policyId", .text).notNull()
                t.column("resourceId", .text).notNull()
                t.column("ruleName", .text).notNull()
                t.column("status", .text).notNull().check { ["open", "pendingResolution", "resolved", "failed"].contains($0) }
                t.uniqueKey(["scenarioResultId", "number"])
                t.uniqueKey(["scenarioResultId", "policyId", "resourceId"])
            }
            try db.create(table: "alertTransition") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("alert", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("fromStatus", .text)
                t.column("toStatus", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("detail", .text).notNull()
                t.uniqueKey(["alertId", "position"])
            }
            try db.create(table: "remediationAttempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.belongsTo("alert", onDelete: .cascade).notNull()
                t.column("callId", .integer).notNull()
                t.column("step", .integer).notNull().check { $0 >= 1 && $0 <= 5 }
                t.column("operation", .text).notNull()
                t.column("parameters", .text).notNull()
                t.column("command", .text).notNull()
                t.column("startedAt", .integer).notNull()
                t.column("finishedAt", .integer)
                t.column("outcome", .text).check { $0 == nil || ["succeeded", "failed"].contains($0) }
                t.column("errorCode", .text)
                t.column("errorMessage", .text)
                t.uniqueKey(["scenarioResultId", "callId"])
            }
            try db.create(table: "violation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("policyId", .text).notNull()
                t.column("resourceId", .text).notNull()
                t.column("ruleName", .text)
                t.column("startedAt", .integer).notNull()
                t.column("endedAt", .integer)
                t.column("detectedAt", .integer)
                t.column("remediationStartedAt", .integer)
                t.column("resolvedAt", .integer)
            }
            try db.create(table: "metric") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                /// What the figures are over: the whole scenario, one policy, or one alert rule.
                t.column("scope", .text).notNull().check { ["scenario", "policy", "rule"].contains($0) }
                /// The policy id or rule name; empty for the scenario.
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull().check { ["mttd", "mttr", "exposure"].contains($0) }
                t.column("count", .integer).notNull()
                t.column("unresolved", .integer).notNull()
                t.column("meanMs", .integer)
                t.column("p50Ms", .integer)
                t.column("p95Ms", .integer)
                t.column("maxMs", .integer)
                t.uniqueKey(["scenarioResultId", "scope", "name", "kind"])
            }
        }
        // Snoozed and dismissed alerts, retries, violations' final states, and what the engine's
        // controls did. SQLite cannot widen a CHECK in place: the alert table is rebuilt, as
        // GRDB's migration guide does it (foreign keys are checked once the migration is done).
        // The allowed values are written out, not read from the enums: a migration must mean
        // the same thing forever.
        migrator.registerMigration("v2-engine-controls") { db in
            try db.create(table: "newAlert") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("number", .integer).notNull()
                t.column("policyId", .text).notNull()
                t.column("resourceId", .text).notNull()
                t.column("ruleName", .text).notNull()
                t.column("status", .text).notNull().check { ["open", "pendingResolution", "resolved", "failed", "snoozed", "dismissed"].contains($0) }
                t.uniqueKey(["scenarioResultId", "number"])
                t.uniqueKey(["scenarioResultId", "policyId", "resourceId"])
            }
            try db.execute(sql: "INSERT INTO newAlert SELECT id, scenarioResultId, number, policyId, resourceId, ruleName, status FROM alert")
            try db.drop(table: "alert")
            try db.rename(table: "newAlert", to: "alert")
            try db.alter(table: "remediationAttempt") { t in
                t.add(column: "tryNumber", .integer).notNull().defaults(to: 1)
            }
            try db.alter(table: "violation") { t in
                // Null for violations recorded before final states were.
                t.add(column: "finalState", .text).check { $0 == nil || ["resolved", "failed", "exempt", "dismissed", "snoozed", "open"].contains($0) }
            }
            try db.create(table: "engineRecord") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("kind", .text).notNull().check {
                    ["retry", "queued", "capBreach", "errorRateStop", "loop", "quarantine", "exemptionApplied", "restart", "interrupted"].contains($0)
                }
                t.column("ruleName", .text)
                t.column("policyId", .text)
                t.column("resourceId", .text)
                t.column("cause", .text)
                t.column("detail", .text).notNull()
                t.uniqueKey(["scenarioResultId", "position"])
            }
        }
        // Disruption warnings with their evidence, and the record kinds of the disruption modes.
        migrator.registerMigration("v3-disruption") { db in
            try db.create(table: "newEngineRecord") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("kind", .text).notNull().check {
                    ["retry", "queued", "capBreach", "errorRateStop", "loop", "quarantine", "exemptionApplied", "restart", "interrupted",
                     "blocked", "awaitingApproval", "approved", "approvalTimedOut"].contains($0)
                }
                t.column("ruleName", .text)
                t.column("policyId", .text)
                t.column("resourceId", .text)
                t.column("cause", .text)
                t.column("detail", .text).notNull()
                t.uniqueKey(["scenarioResultId", "position"])
            }
            try db.execute(sql: "INSERT INTO newEngineRecord SELECT * FROM engineRecord")
            try db.drop(table: "engineRecord")
            try db.rename(table: "newEngineRecord", to: "engineRecord")
            try db.create(table: "disruptionWarning") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("severity", .text).notNull().check { ["none", "low", "medium", "high"].contains($0) }
                t.column("policyId", .text).notNull()
                t.column("resourceId", .text).notNull()
                t.column("operation", .text).notNull()
                t.column("affected", .text).notNull()   // JSON list of resource ids
                t.column("evidence", .text).notNull()   // JSON list of lines
                t.column("explanation", .text).notNull()
                t.uniqueKey(["scenarioResultId", "position"])
            }
        }
        // What a run ran on, so that comparing runs of different fixtures or policies says so.
        migrator.registerMigration("v4-run-digests") { db in
            try db.alter(table: "run") { t in
                t.add(column: "fixturesDigest", .text)
                t.add(column: "policiesDigest", .text)
            }
        }
        // Each scenario's story (injections, faults, detections, calls, warnings, controls) for
        // reports; the shard a run covered, and the runs a merged run was made of.
        migrator.registerMigration("v5-timeline-shards") { db in
            try db.create(table: "timelineEntry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("kind", .text).notNull().check {
                    ["injection", "fault", "violation", "detection", "warning", "remediation", "call", "failure", "control", "violationEnded", "resolution"].contains($0)
                }
                t.column("resourceId", .text).notNull()
                t.column("text", .text).notNull()
                t.uniqueKey(["scenarioResultId", "position"])
            }
            try db.alter(table: "run") { t in
                t.add(column: "shard", .text)        // "I/N" for a shard of a suite
                t.add(column: "mergedFrom", .text)   // JSON list of the shard runs a merged run holds
            }
        }
        // Why a scenario stopped before its end, and calls found moot (the work was already
        // done when they failed with "not found").
        migrator.registerMigration("v6-outcomes") { db in
            try db.alter(table: "scenarioResult") { t in
                t.add(column: "error", .text)
            }
            try db.alter(table: "remediationAttempt") { t in
                t.add(column: "moot", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }
}

/// An advisory lock (`flock`) on a file beside the database, held while a process opens and
/// migrates it. The file stays: removing it would let two processes lock two different files.
struct OpenLock {
    let fd: Int32

    /// Locks `path`, the lock file of the database at `database` (which errors name).
    init(path: String, database: String, timeout: Double = 60) throws(RunStoreError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .cannotOpen(path: database, reason: "cannot create its lock file \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(fd)
                throw .cannotOpen(path: database, reason: "another remsim kept it locked for \(Int(timeout))s while opening it (lock file \(path))")
            }
            usleep(5_000)
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

public enum RunStoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case writeFailed(reason: String)
    case readFailed(reason: String)
    case noSuchRun(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the run database \(path): \(reason)"
        case .writeFailed(let reason): "cannot write to the run database: \(reason)"
        case .readFailed(let reason): "cannot read the run database: \(reason)"
        case .noSuchRun(let ref): "no run '\(ref)' in the database"
        }
    }
}
