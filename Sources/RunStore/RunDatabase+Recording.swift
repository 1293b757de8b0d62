import CloudModel
import Foundation
import GRDB
import RemediationEngine
import Simulation

/// Metadata of a run, known when it starts.
package struct RunMetadata: Sendable {
    package var startedAt: Date
    package var remsimVersion: String
    package var gitCommit: String?
    package var labels: [String]
    package var fixturesDigest: String?
    package var policiesDigest: String?
    /// "I/N" when the run covers one shard of the suite.
    package var shard: String?

    package init(
        startedAt: Date, remsimVersion: String, gitCommit: String?, labels: [String], fixturesDigest: String? = nil,
        policiesDigest: String? = nil, shard: String? = nil
    ) {
        self.startedAt = startedAt
        self.remsimVersion = remsimVersion
        self.gitCommit = gitCommit
        self.labels = labels
        self.fixturesDigest = fixturesDigest
        self.policiesDigest = policiesDigest
        self.shard = shard
    }
}

extension RunDatabase {
    /// Records a run and every scenario's results in one transaction: the database holds the
    /// whole run, marked complete with its counts, or nothing of it.
    @discardableResult
    ///
    /// The rows go through one prepared statement per table (`RowWriter`); `writing: .codable`
    /// writes the same rows through each record's `Codable` insert, for tests that compare them.
    package func recordRun(
        _ metadata: RunMetadata, results: [ScenarioResult], finishedAt: Date, writing mode: RowWriter.Mode = .prepared
    ) throws(RunStoreError) -> Int64 {
        try write { db in
            let runId = try Self.insertRun(metadata, db)
            let rows = RowWriter(db, mode: mode)
            for result in results { try Self.insert(result, runId: runId, rows, db) }
            try Self.finish(runId, at: finishedAt, db)
            return runId
        }
    }

    /// The run's row, `incomplete` until `finish` in the same transaction.
    static func insertRun(_ metadata: RunMetadata, _ db: Database) throws -> Int64 {
        do {
            var run = RunRecord(
                startedAt: Self.iso(metadata.startedAt), finishedAt: nil, status: .incomplete,
                remsimVersion: metadata.remsimVersion,
                gitCommit: metadata.gitCommit, labels: metadata.labels,
                scenarioCount: 0, passedCount: 0, failedCount: 0, fixturesDigest: metadata.fixturesDigest,
                policiesDigest: metadata.policiesDigest,
                shard: metadata.shard)
            try run.insert(db)
            return run.id ?? 0
        }
    }

    /// Stores one scenario's results and everything under them.
    @discardableResult
    static func insert(_ result: ScenarioResult, runId: Int64, _ rows: RowWriter, _ db: Database) throws -> Int64 {
        do {
            var scenario = ScenarioResultRecord(
                runId: runId, name: result.name, file: result.file, seed: Int64(bitPattern: result.seed),
                passed: result.passed,
                simulatedStart: result.start.milliseconds, simulatedEnd: result.end.milliseconds,
                eventsProcessed: result.eventsProcessed,
                error: result.error)
            try scenario.insert(db)
            let sid = scenario.id ?? 0
            for a in result.assertions {
                try rows.insert(
                    AssertionResultRecord(
                        scenarioResultId: sid, position: a.index, passed: a.passed, expected: a.expected,
                        found: a.found, origin: a.origin))
            }
            var alertRowIds: [Int: Int64] = [:]
            for alert in result.alerts {
                let aid = try rows.insert(
                    AlertRecord(
                        scenarioResultId: sid, number: alert.id, policyId: alert.policyId,
                        resourceId: alert.resourceId, ruleName: alert.ruleName, status: alert.status))
                alertRowIds[alert.id] = aid
                for (i, t) in alert.transitions.enumerated() {
                    try rows.insert(
                        AlertTransitionRecord(
                            alertId: aid, position: i, at: t.at.milliseconds, fromStatus: t.from,
                            toStatus: t.to, reason: t.reason, detail: t.detail))
                }
            }
            for attempt in result.attempts {
                var code: String?
                var message: String?
                var outcome: CallOutcome?
                switch attempt.outcome {
                case .succeeded?: outcome = .succeeded
                case .failed(let c, let m)?:
                    outcome = .failed
                    code = c
                    message = m
                case nil: break
                }
                let r = RemediationAttemptRecord(
                    scenarioResultId: sid, alertId: alertRowIds[attempt.alertId] ?? 0, callId: attempt.callId,
                    step: attempt.step,
                    operation: attempt.operation, parameters: attempt.parameters.jsonText,
                    command: attempt.command.text,
                    startedAt: attempt.startedAt.milliseconds, finishedAt: attempt.finishedAt?.milliseconds,
                    outcome: outcome,
                    errorCode: code, errorMessage: message, tryNumber: attempt.tryNumber, moot: attempt.moot)
                try rows.insert(r)
            }
            for (i, w) in result.warnings.enumerated() {
                let r = DisruptionWarningRow(
                    scenarioResultId: sid, position: i, at: w.at.milliseconds, kind: w.kind, severity: w.severity,
                    policyId: w.policyId,
                    resourceId: w.resourceId, operation: w.operation, affected: w.affected,
                    evidence: w.evidence, explanation: w.explanation, actor: w.actor)
                try rows.insert(r)
            }
            for (i, c) in result.outsideCalls.enumerated() {
                var code: String?
                var message: String?
                if case .failed(let c, let m) = c.outcome {
                    code = c
                    message = m
                }
                try rows.insert(
                    OutsideCallRecord(
                        scenarioResultId: sid, position: i, at: c.at.milliseconds, actor: c.actor,
                        operation: c.operation, resourceId: c.resourceId,
                        outcome: c.outcome.isSuccess ? .succeeded : .failed, errorCode: code, errorMessage: message))
            }
            for (i, e) in result.records.enumerated() {
                try rows.insert(
                    EngineRecordRow(
                        scenarioResultId: sid, position: i, at: e.at.milliseconds, kind: e.kind, ruleName: e.rule,
                        policyId: e.policyId, resourceId: e.resourceId, cause: e.cause, detail: e.detail))
            }
            for v in result.violations {
                let r = ViolationRecord(
                    scenarioResultId: sid, policyId: v.policyId, resourceId: v.resourceId, ruleName: v.ruleName,
                    startedAt: v.startedAt.milliseconds, endedAt: v.endedAt?.milliseconds,
                    detectedAt: v.detectedAt?.milliseconds,
                    remediationStartedAt: v.remediationStartedAt?.milliseconds, resolvedAt: v.resolvedAt?.milliseconds,
                    finalState: v.finalState)
                try rows.insert(r)
            }
            for (i, t) in result.timeline.enumerated() {
                try rows.insert(
                    TimelineEntryRecord(
                        scenarioResultId: sid, position: i, at: t.at.milliseconds, kind: t.kind,
                        resourceId: t.resourceId, text: t.text))
            }
            let groups: [(scope: MetricScope, name: String, violations: [Violation])] =
                [(.scenario, "", result.violations)]
                + result.violatedPolicies.map { p in (.policy, p, result.violations.filter { $0.policyId == p }) }
                + Set(result.violations.compactMap(\.ruleName)).sorted().map { r in
                    (.rule, r, result.violations.filter { $0.ruleName == r })
                }
            for group in groups {
                for kind in MetricKind.allCases {
                    let s = MetricSummary(kind: kind, violations: group.violations)
                    let r = MetricRecord(
                        scenarioResultId: sid, scope: group.scope, name: group.name, kind: kind, count: s.count,
                        unresolved: s.unresolved, meanMs: s.mean?.milliseconds, p50Ms: s.p50?.milliseconds,
                        p95Ms: s.p95?.milliseconds,
                        maxMs: s.max?.milliseconds)
                    try rows.insert(r)
                }
            }
            return sid
        }
    }

    /// Marks the run complete with its counts: the last write of a run.
    static func finish(_ runId: Int64, at finishedAt: Date, _ db: Database) throws {
        do {
            guard var run = try RunRecord.fetchOne(db, key: runId) else { throw RunStoreError.noSuchRun(String(runId)) }
            let results = try ScenarioResultRecord.filter(ScenarioResultRecord.Columns.runId == runId).fetchAll(db)
            run.scenarioCount = results.count
            run.passedCount = results.filter(\.passed).count
            run.failedCount = results.count - run.passedCount
            run.finishedAt = Self.iso(finishedAt)
            run.status = .complete
            try run.update(db)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do {
            return try writer.write(body)
        } catch let error as RunStoreError {
            throw error
        } catch let error as DatabaseError {
            throw .writeFailed(reason: error.message ?? error.description)
        } catch {
            throw .writeFailed(reason: "\(error)")
        }
    }

    static func iso(_ date: Date) -> String {
        Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded())).iso8601
    }
}
