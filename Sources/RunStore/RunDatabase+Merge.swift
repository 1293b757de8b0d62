import CloudModel
import Foundation
import GRDB

extension RunDatabase {
    /// Everything stored for a run.
    package func contents(runId: Int64) throws(RunStoreError) -> RunContents {
        try read { db in
            guard let run = try RunRecord.fetchOne(db, key: runId) else { throw RunStoreError.noSuchRun(String(runId)) }
            var scenarios: [RunContents.ScenarioRows] = []
            for s in try ScenarioResultRecord.filter(ScenarioResultRecord.Columns.runId == runId).order(
                ScenarioResultRecord.Columns.id
            ).fetchAll(db) {
                let byScenario = SharedColumns.scenarioResultId == s.id
                let alerts = try AlertRecord.filter(byScenario).order(AlertRecord.Columns.id).fetchAll(db).map {
                    alert in
                    (
                        alert: alert,
                        transitions: try AlertTransitionRecord.filter(AlertTransitionRecord.Columns.alertId == alert.id)
                            .order(AlertTransitionRecord.Columns.position).fetchAll(db)
                    )
                }
                scenarios.append(
                    RunContents.ScenarioRows(
                        scenario: s,
                        assertions: try AssertionResultRecord.filter(byScenario).order(
                            AssertionResultRecord.Columns.position
                        ).fetchAll(db),
                        alerts: alerts,
                        attempts: try RemediationAttemptRecord.filter(byScenario).order(
                            RemediationAttemptRecord.Columns.id
                        ).fetchAll(db),
                        violations: try ViolationRecord.filter(byScenario).order(ViolationRecord.Columns.id).fetchAll(
                            db),
                        metrics: try MetricRecord.filter(byScenario).order(MetricRecord.Columns.id).fetchAll(db),
                        records: try EngineRecordRow.filter(byScenario).order(EngineRecordRow.Columns.position)
                            .fetchAll(db),
                        warnings: try DisruptionWarningRow.filter(byScenario).order(
                            DisruptionWarningRow.Columns.position
                        ).fetchAll(db),
                        timeline: try TimelineEntryRecord.filter(byScenario).order(TimelineEntryRecord.Columns.position)
                            .fetchAll(db),
                        outsideCalls: try OutsideCallRecord.filter(byScenario).order(
                            OutsideCallRecord.Columns.position
                        ).fetchAll(db)))
            }
            return RunContents(run: run, scenarios: scenarios)
        }
    }

    /// Checks that shard runs make one suite: each a complete shard of the same N, no shard
    /// twice, none missing (unless `allowMissing`), the same remsim version, commit, fixtures and
    /// policies, and no scenario in two shards.
    package static func checkShards(_ shards: [(source: String, contents: RunContents)], allowMissing: Bool)
        -> [MergeProblem]
    {
        var problems: [MergeProblem] = []
        var parsed: [(source: String, index: Int, count: Int)] = []
        for (source, c) in shards {
            guard c.run.status == .complete else {
                problems.append(.incomplete(source: source, run: c.run.id ?? 0))
                continue
            }
            let parts = (c.run.shard ?? "").split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2 else {
                problems.append(.notAShard(source: source, run: c.run.id ?? 0))
                continue
            }
            parsed.append((source, parts[0], parts[1]))
        }
        let counts = Set(parsed.map(\.count))
        if counts.count > 1 {
            problems.append(
                .shardCountsDiffer(parsed.map { "\($0.source) is \($0.index)/\($0.count)" }.joined(separator: ", ")))
        } else if let n = counts.first {
            for (index, group) in Dictionary(grouping: parsed, by: \.index).sorted(by: { $0.key < $1.key })
            where group.count > 1 {
                problems.append(.shardTwice(shard: "\(index)/\(n)", sources: group.map(\.source)))
            }
            let missing = (1...n).filter { i in !parsed.contains { $0.index == i } }.map { "\($0)/\(n)" }
            if !missing.isEmpty && !allowMissing { problems.append(.shardsMissing(missing, of: n)) }
        }
        for (field, value) in [
            ("remsim version", { (r: RunRecord) in r.remsimVersion }), ("git commit", { $0.gitCommit ?? "none" }),
            ("fixtures", { $0.fixturesDigest ?? "unknown" }), ("policies", { $0.policiesDigest ?? "unknown" }),
        ] {
            let values = shards.map { value($0.contents.run) }
            if Set(values).count > 1 { problems.append(.differ(field: field, values: Array(Set(values)).sorted())) }
        }
        // With a shard given twice, every one of its scenarios would be reported again.
        guard problems.isEmpty else { return problems }
        var seen: [String: String] = [:]
        for (source, c) in shards {
            for s in c.scenarios {
                if let other = seen[s.scenario.name] {
                    problems.append(.scenarioTwice(name: s.scenario.name, sources: [other, source]))
                } else {
                    seen[s.scenario.name] = source
                }
            }
        }
        return problems
    }

    /// Records shard runs as one complete run, in one transaction: all of it or nothing. The
    /// merged run starts when the first shard started and finishes when the last one finished;
    /// its labels are all the shards' labels.
    package func merge(_ shards: [(source: String, contents: RunContents)]) throws(RunStoreError) -> Int64 {
        try write { db in
            let runs = shards.map(\.contents.run)
            var labels: [String] = []
            for run in runs { for l in run.labels where !labels.contains(l) { labels.append(l) } }
            let scenarios = shards.flatMap(\.contents.scenarios)
            let passed = scenarios.filter(\.scenario.passed).count
            let from = shards.map {
                MergedShard(database: $0.source, run: $0.contents.run.id ?? 0, shard: $0.contents.run.shard)
            }
            var run = RunRecord(
                startedAt: runs.map(\.startedAt).min() ?? "", finishedAt: runs.compactMap(\.finishedAt).max(),
                status: .complete,
                remsimVersion: runs.first?.remsimVersion ?? "", gitCommit: runs.first?.gitCommit,
                labels: labels, scenarioCount: scenarios.count, passedCount: passed,
                failedCount: scenarios.count - passed, fixturesDigest: runs.first?.fixturesDigest,
                policiesDigest: runs.first?.policiesDigest,
                shard: nil, mergedFrom: from)
            try run.insert(db)
            let runId = run.id ?? 0
            let writer = RowWriter(db)
            for rows in scenarios {
                var s = rows.scenario
                s.id = nil
                s.runId = runId
                try s.insert(db)
                let sid = s.id ?? 0
                for var r in rows.assertions {
                    r.scenarioResultId = sid
                    try writer.insert(r)
                }
                var alertIds: [Int64: Int64] = [:]
                for (alert, transitions) in rows.alerts {
                    var a = alert
                    a.scenarioResultId = sid
                    let aid = try writer.insert(a)
                    alertIds[alert.id ?? 0] = aid
                    for var t in transitions {
                        t.alertId = aid
                        try writer.insert(t)
                    }
                }
                for var r in rows.attempts {
                    r.scenarioResultId = sid
                    r.alertId = alertIds[r.alertId] ?? 0
                    try writer.insert(r)
                }
                for var r in rows.violations {
                    r.scenarioResultId = sid
                    try writer.insert(r)
                }
                for var r in rows.metrics {
                    r.scenarioResultId = sid
                    try writer.insert(r)
                }
                for var r in rows.records {
                    r.scenarioResultId = sid
                    try writer.insert(r)
                }
                for var r in rows.warnings {
                    r.scenarioResultId = sid
                    try writer.insert(r)
                }
                for var r in rows.timeline {
                    r.scenarioResultId = sid
                    try writer.insert(r)
                }
                for var r in rows.outsideCalls {
                    r.scenarioResultId = sid
                    try writer.insert(r)
                }
            }
            return runId
        }
    }
}
