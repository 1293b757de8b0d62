import CloudModel
import Foundation
import GRDB
import Loading
import PolicyPack
import RemediationEngine
import Reports
import Simulation
import TestSupport
import Testing

@testable import RunStore

struct RunDatabaseTests {
    func result(_ name: String = "ssh-opened-to-world-is-closed") throws -> ScenarioResult {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        return try Simulator(scenario: try loader.load(file: TestSupport.scenariosDirectory + "/\(name).yaml")).run()
    }

    func metadata() -> RunMetadata {
        RunMetadata(
            startedAt: Date(timeIntervalSince1970: 1_767_225_600), remsimVersion: "test", gitCommit: "abc",
            labels: ["ci", "main"])
    }

    @Test func aFileDatabaseIsMigratedByNameAndInWALMode() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nested/runs.sqlite"
        let db = try RunDatabase(path: path)
        #expect(
            try db.appliedMigrations() == [
                "v1-runs", "v2-engine-controls", "v3-disruption", "v4-run-digests", "v5-timeline-shards", "v6-outcomes",
                "v7-redundant-indexes", "v8-external-engines",
            ])
        #expect(try db.integrityCheck() == "ok")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        _ = try RunDatabase(path: path)  // opening again migrates nothing and fails nothing
    }

    /// Every foreign key keeps an index that leads with its column (lookups and cascading deletes
    /// stay indexed), and no index is kept beside a unique key that leads with the same column: a
    /// database made before the index was dropped loses it when opened.
    @Test func foreignKeysAreIndexedOnceEach() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/runs.sqlite"
        let old = try DatabaseQueue(path: path)
        try RunDatabase.migrator.migrate(old, upTo: "v6-outcomes")
        #expect(try old.read { try RunDatabase.redundantIndexes($0) }.contains("timelineEntry_on_scenarioResultId"))
        try old.close()

        _ = try RunDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.read { db in
            #expect(try RunDatabase.redundantIndexes(db) == [])
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            var keys = 0
            for table in tables {
                let leading = try Set(
                    String.fetchAll(
                        db,
                        sql: """
                            SELECT (SELECT name FROM pragma_index_info(l.name) WHERE seqno = 0)
                            FROM pragma_index_list(?) AS l
                            """, arguments: [table]))
                for column in try String.fetchAll(
                    db, sql: "SELECT \"from\" FROM pragma_foreign_key_list(?)", arguments: [table])
                {
                    keys += 1
                    #expect(leading.contains(column), "\(table).\(column) has no index")
                }
            }
            #expect(keys >= 10)
            let plan = try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT * FROM timelineEntry WHERE scenarioResultId = 1"
            ).map { $0["detail"] as String }
            #expect(plan.contains { $0.contains("USING INDEX sqlite_autoindex_timelineEntry_1") }, "\(plan)")
        }
    }

    /// The scenario result row ids of a run just recorded, by scenario name.
    func recorded(_ results: [ScenarioResult], in db: RunDatabase) throws -> (runId: Int64, ids: [String: Int64]) {
        let runId = try db.recordRun(
            metadata(), results: results, finishedAt: Date(timeIntervalSince1970: 1_767_225_660))
        let rows = try db.scenarioResults(runId: runId)
        return (runId, Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0.id ?? 0) }))
    }

    /// The prepared statements write exactly the rows each record's `Codable` insert writes:
    /// every table, column by column, for scenarios with alerts, calls (moot and failed ones),
    /// warnings, engine records, stops and violations of every kind.
    @Test func preparedRowsAreTheRowsTheRecordsWouldWrite() throws {
        let results = try [
            "ssh-opened-to-world-is-closed", "throttled-calls-retry-with-backoff", "snooze-dismiss-and-disable",
            "retry-finds-the-rule-already-removed", "changes-during-every-remediation-end-in-a-loop",
            "incident-all-traffic-rule-waits-for-approval",
        ].map { try result($0) }
        let prepared = try RunDatabase.inMemory()
        let codable = try RunDatabase.inMemory()
        let finished = Date(timeIntervalSince1970: 1_767_225_660)
        try prepared.recordRun(metadata(), results: results, finishedAt: finished, writing: .prepared)
        try codable.recordRun(metadata(), results: results, finishedAt: finished, writing: .codable)
        var compared = 0
        for table in [
            "run", "scenarioResult", "assertionResult", "alert", "alertTransition", "remediationAttempt", "violation",
            "metric", "engineRecord", "disruptionWarning", "timelineEntry",
        ] {
            let sql = "SELECT * FROM \(table) ORDER BY id"
            let a = try prepared.read { try Row.fetchAll($0, sql: sql) }
            let b = try codable.read { try Row.fetchAll($0, sql: sql) }
            #expect(a == b, "\(table)")
            #expect(!a.isEmpty, "\(table) holds rows")
            compared += a.count
        }
        #expect(compared > 300)
    }

    @Test func aRunIsRecordedWholeInOneTransaction() throws {
        let db = try RunDatabase.inMemory()
        let runId = try db.recordRun(
            metadata(), results: [try result()], finishedAt: Date(timeIntervalSince1970: 1_767_225_660))
        let run = try #require(try db.runs().first)
        #expect(run.id == runId)
        #expect(run.status == .complete)
        #expect(run.scenarioCount == 1)
        #expect(run.passedCount == 1)
        #expect(run.labels == ["ci", "main"])
        #expect(run.finishedAt == "2026-01-01T00:01:00Z")
        // Stored as the JSON text it always was.
        let labels = try db.read {
            try String.fetchOne($0, sql: "SELECT labels FROM run WHERE id = ?", arguments: [runId])
        }
        #expect(labels == #"["ci","main"]"#)
        var slashed = metadata()
        slashed.labels = ["feature/x"]
        let second = try db.recordRun(slashed, results: [], finishedAt: Date(timeIntervalSince1970: 1_767_225_660))
        let slashedText = try db.read {
            try String.fetchOne($0, sql: "SELECT labels FROM run WHERE id = ?", arguments: [second])
        }
        #expect(slashedText == #"["feature/x"]"#)
    }

    @Test func aRunThatCannotBeRecordedWholeLeavesNothing() throws {
        let db = try RunDatabase.inMemory()
        let r = try result()
        // The same scenario twice breaks the schema's uniqueness in the middle of the run.
        #expect(throws: RunStoreError.self) { try db.recordRun(metadata(), results: [r, r], finishedAt: Date()) }
        #expect(try db.runs().isEmpty)
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM scenarioResult") } == 0)
    }

    @Test func mootCallsAndStoppedRunsAreStoredAsSuch() throws {
        let db = try RunDatabase.inMemory()
        let moot = try result("two-policies-revoke-one-rule-at-once")
        var stopped = try result()
        stopped.name = "stopped"
        stopped.error = "stopped 1h into the run: too many events"
        let (runId, ids) = try recorded([moot, stopped], in: db)
        let sid = try #require(ids[moot.name])
        let stoppedId = try #require(ids["stopped"])
        let attempts = try db.attempts(scenarioResultId: sid)
        #expect(attempts.filter(\.moot).map(\.errorCode) == ["InvalidPermission.NotFound"])
        #expect(attempts.filter { !$0.moot }.allSatisfy { $0.outcome == .succeeded })
        let rows = try db.scenarioResults(runId: runId)
        #expect(rows.first { $0.id == stoppedId }?.error == stopped.error)
        #expect(rows.first { $0.id == stoppedId }?.passed == false)
        #expect(rows.first { $0.id == sid }?.error == nil)
    }

    @Test func everythingAScenarioProducedIsStored() throws {
        let db = try RunDatabase.inMemory()
        let r = try result()
        let (runId, ids) = try recorded([r], in: db)
        let sid = try #require(ids[r.name])
        let scenarios = try db.scenarioResults(runId: runId)
        #expect(scenarios.map(\.name) == [r.name])
        #expect(scenarios.first?.seed == 7)
        #expect(try db.assertionResults(scenarioResultId: sid).count == r.assertions.count)
        let alerts = try db.alerts(scenarioResultId: sid)
        #expect(alerts.map(\.status) == r.alerts.map(\.status))
        let alertId = try #require(alerts.first?.id)
        #expect(try db.transitions(alertId: alertId).map(\.reason) == [.newAlert, .remediationStarted, .remediated])
        let attempts = try db.attempts(scenarioResultId: sid)
        #expect(attempts.count == 1)
        #expect(attempts.first?.command.hasPrefix("aws --region us-east-1 ec2 revoke-security-group-ingress") == true)
        #expect(attempts.first?.outcome == .succeeded)
        #expect(try db.violations(scenarioResultId: sid).count == r.violations.count)
        let metrics = try db.metrics(scenarioResultId: sid)
        let mttr = try #require(metrics.first { $0.scope == .scenario && $0.kind == .mttr })
        #expect(mttr.p95Ms == r.summary(.mttr).p95?.milliseconds)
        #expect(mttr.p95Ms == 90_300)
        #expect(
            metrics.contains { $0.scope == .policy && $0.name == "aws-sg-ssh-open-to-world" && $0.kind == .exposure })
        let byRule = try #require(metrics.first { $0.scope == .rule && $0.name == "prod-auto" && $0.kind == .mttd })
        #expect(byRule.count == 1)
        #expect(byRule.maxMs == 90_000)
        let story = try db.timeline(scenarioResultId: sid)
        #expect(story.map(\.kind) == r.timeline.map(\.kind))
        #expect(story.map(\.text) == r.timeline.map(\.text))
        #expect(story.first?.kind == .injection)
        #expect(story.contains { $0.kind == .call && $0.text == attempts.first?.command })
    }

    /// An external engine's calls and the warnings about them are stored (through the prepared
    /// statements as through `Codable`), and a comparison counts the calls by engine.
    @Test func anExternalEnginesCallsAndWarningsAreStoredAndCompared() throws {
        var r = try result()
        let at = r.start + SimDuration.minutes(15)
        r.outsideCalls = [
            OutsideCall(
                at: at, actor: "custodian", operation: "ec2:RevokeSecurityGroupIngress",
                resourceId: "sg-0a1b2c3d4e5f61001", outcome: .succeeded),
            OutsideCall(
                at: at, actor: "custodian", operation: "s3:PutPublicAccessBlock", resourceId: "shop-www",
                outcome: .failed(code: "AccessDenied", message: "remsim's disruption guardrail refused it")),
        ]
        var warning = DisruptionWarning(
            kind: "website", severity: .high, resourceId: "shop-www", operation: "s3:PutPublicAccessBlock",
            explanation: "the bucket hosts a public static website")
        warning.at = at
        warning.actor = "custodian"
        r.warnings.append(warning)
        let prepared = try RunDatabase.inMemory()
        let codable = try RunDatabase.inMemory()
        let finished = Date(timeIntervalSince1970: 1_767_225_660)
        let first = try prepared.recordRun(metadata(), results: [r], finishedAt: finished, writing: .prepared)
        try codable.recordRun(metadata(), results: [r], finishedAt: finished, writing: .codable)
        for table in ["outsideCall", "disruptionWarning"] {
            let sql = "SELECT * FROM \(table) ORDER BY id"
            #expect(
                try prepared.read { try Row.fetchAll($0, sql: sql) } == codable.read { try Row.fetchAll($0, sql: sql) })
        }
        let sid = try #require(try prepared.scenarioResults(runId: first).first?.id)
        let calls = try prepared.outsideCalls(scenarioResultId: sid)
        #expect(calls.map(\.actor) == ["custodian", "custodian"])
        #expect(calls.map(\.outcome) == [.succeeded, .failed])
        #expect(calls.last?.errorCode == "AccessDenied")
        #expect(try prepared.warnings(scenarioResultId: sid).last?.actor == "custodian")

        r.outsideCalls.removeLast()
        let second = try prepared.recordRun(metadata(), results: [r], finishedAt: finished)
        let comparison = RunComparison(try prepared.snapshot(runId: first), try prepared.snapshot(runId: second))
        #expect(
            comparison.countsChanged.map { "\($0.what) \($0.before) → \($0.after)" } == ["calls by custodian 2 → 1"])
        #expect(try prepared.snapshot(runId: first).warnings.contains { $0.source == "by custodian" })
    }

    @Test func theSchemaRefusesWhatCannotBe() throws {
        let db = try RunDatabase.inMemory()
        let (runId, ids) = try recorded([try result()], in: db)
        let sid = try #require(ids.values.first)
        #expect(throws: (any Error).self) {
            try db.write { db in
                try db.execute(sql: "UPDATE run SET status = 'finished' WHERE id = ?", arguments: [runId])
            }
        }
        #expect(throws: (any Error).self) {
            try db.write { db in
                try db.execute(sql: "UPDATE alert SET status = 'closed' WHERE scenarioResultId = ?", arguments: [sid])
            }
        }
        #expect(throws: (any Error).self) {  // no such run
            try db.write { db in
                try db.execute(sql: "UPDATE scenarioResult SET runId = 999 WHERE id = ?", arguments: [sid])
            }
        }
    }
}

/// A database written before the engine's controls existed is migrated in place, its runs kept.
struct RunDatabaseMigrationTests {
    @Test func aVersionOneDatabaseIsMigratedWithItsRunsKept() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/old.sqlite"
        let old = try DatabaseQueue(path: path)
        try RunDatabase.migrator.migrate(old, upTo: "v1-runs")
        try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO run (id, startedAt, status, remsimVersion) VALUES (1, '2026-01-01T00:00:00Z', 'complete', 'old');
                    INSERT INTO scenarioResult (id, runId, name, file, seed, passed, simulatedStart, simulatedEnd, eventsProcessed)
                        VALUES (1, 1, 's', 's.yaml', 1, 1, 0, 1, 1);
                    INSERT INTO alert (id, scenarioResultId, number, policyId, resourceId, ruleName, status) VALUES (1, 1, 1, 'p', 'r', 'rule', 'resolved');
                    INSERT INTO violation (scenarioResultId, policyId, resourceId, startedAt) VALUES (1, 'p', 'r', 0);
                    """)
        }
        try old.close()

        let db = try RunDatabase(path: path)
        #expect(
            try db.appliedMigrations() == [
                "v1-runs", "v2-engine-controls", "v3-disruption", "v4-run-digests", "v5-timeline-shards", "v6-outcomes",
                "v7-redundant-indexes", "v8-external-engines",
            ])
        #expect(try db.integrityCheck() == "ok")
        #expect(try db.runs().map(\.remsimVersion) == ["old"])
        #expect(try db.alerts(scenarioResultId: 1).map(\.status) == [.resolved])
        #expect(try db.violations(scenarioResultId: 1).first?.finalState == nil, "old violations have no final state")
        #expect(try db.timeline(scenarioResultId: 1).isEmpty, "old runs have no stored story")
        #expect(try db.runs().first?.shard == nil && db.runs().first?.mergedFrom == nil)
        #expect(try db.snapshot(runId: 1).scenarios.map(\.name) == ["s"], "an old run still compares and reports")
    }

    @Test func everyStatusStateAndRecordKindTheEngineHasFitsTheSchema() throws {
        let db = try RunDatabase.inMemory()
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let results = try [
            "throttled-calls-retry-with-backoff", "snooze-dismiss-and-disable", "terraform-drift-loop-is-quarantined",
            "incident-all-traffic-rule-waits-for-approval", "incident-default-group-remediation-blocked",
        ].map { name in
            try Simulator(scenario: try loader.load(file: TestSupport.scenariosDirectory + "/\(name).yaml")).run()
        }
        let runId = try db.recordRun(
            RunMetadata(startedAt: Date(timeIntervalSince1970: 0), remsimVersion: "t", gitCommit: nil, labels: []),
            results: results, finishedAt: Date(timeIntervalSince1970: 1))
        let sids = try db.scenarioResults(runId: runId).compactMap(\.id)
        let records = try sids.flatMap { try db.engineRecords(scenarioResultId: $0) }
        #expect(Set(records.map(\.kind)).isSuperset(of: [.retry, .loop, .quarantine]))
        #expect(records.contains { $0.kind == .loop && $0.cause == "terraform" })
        let attempts = try sids.flatMap { try db.attempts(scenarioResultId: $0) }
        #expect(attempts.contains { $0.tryNumber > 1 })
        let statuses = try sids.flatMap { try db.alerts(scenarioResultId: $0) }.map(\.status)
        #expect(Set(statuses).isSuperset(of: [.dismissed, .failed, .resolved]))
        #expect(Set(records.map(\.kind)).isSuperset(of: [.awaitingApproval, .approved, .blocked]))
        let warnings = try sids.flatMap { try db.warnings(scenarioResultId: $0) }
        let collateral = try #require(warnings.first { $0.kind == "collateral-ports" })
        #expect(collateral.severity == .high)
        #expect(collateral.evidence == ["traffic seen on port 443", "traffic seen on port 8443"])
        #expect(collateral.affected == ["i-06b6b6b6b6b6b6b61"])
        let states = try sids.flatMap { try db.violations(scenarioResultId: $0) }.compactMap(\.finalState)
        #expect(Set(states).isSuperset(of: [.resolved, .failed, .dismissed]))
    }

    @Test func aDatabaseFromANewerRemsimIsRefusedWithAClearMessage() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/new.sqlite"
        _ = try RunDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-future')") }
        try queue.close()
        #expect {
            try RunDatabase(path: path)
        } throws: { error in
            "\(error)".contains("written by a newer remsim (schema v9-future unknown here)")
        }
    }
}

/// `remsim compare`'s answer, from two recorded runs of the same scenario.
struct RunComparisonTests {
    @Test func flipsSlowerRemediationAndNewWarningsAreFoundAndGated() throws {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let scenario = try loader.load(file: TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml")
        var slower = scenario
        slower.settings.apiLatency = .seconds(40)
        slower.expectations[5] = Expectation(
            check: .metric(
                .mttr, policy: "aws-sg-ssh-open-to-world", statistic: .p95,
                bound: Bound(op: .le, value: 60_000, isDuration: true)))
        let db = try RunDatabase.inMemory()
        func record(_ s: Scenario, labels: [String], policies: String) throws -> Int64 {
            try db.recordRun(
                RunMetadata(
                    startedAt: Date(timeIntervalSince1970: 0), remsimVersion: "t", gitCommit: nil, labels: labels,
                    fixturesDigest: "f", policiesDigest: policies),
                results: [try Simulator(scenario: s).run()], finishedAt: Date(timeIntervalSince1970: 1))
        }
        let a = try record(scenario, labels: ["main"], policies: "p1")
        let b = try record(slower, labels: ["feature"], policies: "p2")
        #expect(try db.runId(for: "latest") == b)
        #expect(try db.runId(for: "previous") == a)
        #expect(try db.runId(for: "main") == a)
        #expect(throws: RunStoreError.self) { try db.runId(for: "nope") }

        let c = RunComparison(try db.snapshot(runId: a), try db.snapshot(runId: b))
        #expect(c.caveats == ["the runs used different policies"])
        #expect(c.flips.map(\.assertion) == ["6. mttr p95 for aws-sg-ssh-open-to-world ≤ 1m"])
        #expect(c.flips.first?.before == true && c.flips.first?.after == false)
        let delta = try #require(c.mttrByPolicy.first)
        #expect(delta.name == "aws-sg-ssh-open-to-world")
        #expect(delta.beforeMs == 90_300)
        #expect(delta.afterMs == 130_000)
        #expect(c.warningsAdded.isEmpty && c.loopsAdded.isEmpty && c.scenariosAdded.isEmpty)

        #expect(RegressionGate().failures(c).isEmpty, "no gate, no failure")
        let gate = try RegressionGate(parsing: "assertion-flip, mttr-p95-increase=50%")
        #expect(
            gate.failures(c) == [
                "assertion flipped to failing in ssh-opened-to-world-is-closed: 6. mttr p95 for "
                    + "aws-sg-ssh-open-to-world ≤ 1m"
            ],
            "+44% is under the 50% limit")
        #expect(try RegressionGate(parsing: "mttr-p95-increase=40%").failures(c).count == 2, "policy and scenario")
        #expect(throws: RegressionGate.GateError.self) { try RegressionGate(parsing: "mttr-p95-increase=lots") }
        #expect(RunComparison(try db.snapshot(runId: a), try db.snapshot(runId: a)).isUnchanged)
    }

    /// A policy that has violations in one run only was removed, added, or not violated: said as
    /// such, and never a slower MTTR for a gate.
    @Test func aPolicyInOneRunOnlyIsNotARegression() throws {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let ssh = try loader.load(file: TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml")
        let s3 = try loader.load(file: TestSupport.scenariosDirectory + "/public-access-block-restored.yaml")
        let db = try RunDatabase.inMemory()
        func record(_ scenarios: [Scenario]) throws -> Int64 {
            try db.recordRun(
                RunMetadata(startedAt: Date(timeIntervalSince1970: 0), remsimVersion: "t", gitCommit: nil, labels: []),
                results: try scenarios.map { try Simulator(scenario: $0).run() },
                finishedAt: Date(timeIntervalSince1970: 1))
        }
        let a = try record([ssh, s3])
        let b = try record([s3])
        let c = RunComparison(try db.snapshot(runId: a), try db.snapshot(runId: b))
        #expect(c.policiesOnlyBefore == ["aws-sg-ssh-open-to-world"])
        #expect(c.policiesOnlyAfter.isEmpty)
        #expect(!c.mttrByPolicy.contains { $0.name == "aws-sg-ssh-open-to-world" })
        let gate = try RegressionGate(parsing: "mttr-p95-increase=1%")
        #expect(gate.failures(c).isEmpty, "\(gate.failures(c))")
        #expect(
            ComparisonReport.text(c).contains("only (removed, or nothing violated them):\n  aws-sg-ssh-open-to-world"))
        let back = RunComparison(try db.snapshot(runId: b), try db.snapshot(runId: a))
        #expect(back.policiesOnlyAfter == ["aws-sg-ssh-open-to-world"] && gate.failures(back).isEmpty)
    }
}
