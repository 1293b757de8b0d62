import GRDB

extension RunDatabase {
    /// The schema, one named migration per change, applied in order and never edited once
    /// shipped. The allowed values of status columns are written out, not read from the enums:
    /// a migration must mean the same thing forever.
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
                t.column("status", .text).notNull().check {
                    ["open", "pendingResolution", "resolved", "failed"].contains($0)
                }
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
                t.column("status", .text).notNull().check {
                    ["open", "pendingResolution", "resolved", "failed", "snoozed", "dismissed"].contains($0)
                }
                t.uniqueKey(["scenarioResultId", "number"])
                t.uniqueKey(["scenarioResultId", "policyId", "resourceId"])
            }
            try db.execute(
                sql:
                    "INSERT INTO newAlert SELECT id, scenarioResultId, number, policyId, resourceId, ruleName, "
                    + "status FROM alert"
            )
            try db.drop(table: "alert")
            try db.rename(table: "newAlert", to: "alert")
            try db.alter(table: "remediationAttempt") { t in
                t.add(column: "tryNumber", .integer).notNull().defaults(to: 1)
            }
            try db.alter(table: "violation") { t in
                // Null for violations recorded before final states were.
                t.add(column: "finalState", .text).check {
                    $0 == nil || ["resolved", "failed", "exempt", "dismissed", "snoozed", "open"].contains($0)
                }
            }
            try db.create(table: "engineRecord") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("scenarioResult", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("kind", .text).notNull().check {
                    [
                        "retry", "queued", "capBreach", "errorRateStop", "loop", "quarantine", "exemptionApplied",
                        "restart", "interrupted",
                    ].contains($0)
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
                    [
                        "retry", "queued", "capBreach", "errorRateStop", "loop", "quarantine", "exemptionApplied",
                        "restart", "interrupted",
                        "blocked", "awaitingApproval", "approved", "approvalTimedOut",
                    ].contains($0)
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
                t.column("affected", .text).notNull()  // JSON list of resource ids
                t.column("evidence", .text).notNull()  // JSON list of lines
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
                    [
                        "injection", "fault", "violation", "detection", "warning", "remediation", "call", "failure",
                        "control", "violationEnded", "resolution",
                    ].contains($0)
                }
                t.column("resourceId", .text).notNull()
                t.column("text", .text).notNull()
                t.uniqueKey(["scenarioResultId", "position"])
            }
            try db.alter(table: "run") { t in
                t.add(column: "shard", .text)  // "I/N" for a shard of a suite
                t.add(column: "mergedFrom", .text)  // JSON list of the shard runs a merged run holds
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
        // Every single-column index a foreign key was given whose column already leads one of
        // the table's unique keys (`timelineEntry(scenarioResultId)` beside
        // `UNIQUE(scenarioResultId, position)`): the unique key serves its lookups and cascades,
        // and each row recorded paid for maintaining both.
        migrator.registerMigration("v7-redundant-indexes") { db in
            for index in try Self.redundantIndexes(db) { try db.drop(index: index) }
        }
        // Calls from external engines (and tools on `remsim serve`), and who was about to make the
        // call a disruption warning is about, when it was not remsim's engine.
        migrator.registerMigration("v8-external-engines") { db in
            try db.alter(table: "disruptionWarning") { t in
                t.add(column: "actor", .text)
            }
            try db.create(table: "outsideCall") { t in
                t.autoIncrementedPrimaryKey("id")
                // Looked up and cascaded through the unique key it leads, as v7 left the others.
                t.column("scenarioResultId", .integer).notNull().references("scenarioResult", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("operation", .text).notNull()
                t.column("resourceId", .text).notNull()
                t.column("outcome", .text).notNull().check { ["succeeded", "failed"].contains($0) }
                t.column("errorCode", .text)
                t.column("errorMessage", .text)
                t.uniqueKey(["scenarioResultId", "position"])
            }
        }
        return migrator
    }

    /// The single-column, non-unique indexes whose column leads a unique index of the same table.
    static func redundantIndexes(_ db: Database) throws -> [String] {
        var redundant: [String] = []
        let tables = try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for table in tables {
            let indexes = try Row.fetchAll(
                db, sql: "SELECT name, \"unique\" FROM pragma_index_list(?)", arguments: [table])
            var leadingUnique: Set<String> = []
            var single: [(name: String, column: String)] = []
            for index in indexes {
                let name: String = index["name"]
                let columns = try String.fetchAll(
                    db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [name])
                guard let first = columns.first else { continue }
                if index["unique"] as Bool {
                    leadingUnique.insert(first)
                } else if columns.count == 1 {
                    single.append((name, first))
                }
            }
            redundant += single.filter { leadingUnique.contains($0.column) }.map(\.name).sorted()
        }
        return redundant
    }
}
