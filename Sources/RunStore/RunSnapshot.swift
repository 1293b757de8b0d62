import Foundation
import GRDB
import RemediationEngine
import Simulation

/// What one recorded run says, in the form a comparison needs: per scenario its verdicts and
/// counts, per policy its MTTR, and the warnings and loops it produced.
package struct RunSnapshot: Sendable, Codable, Hashable {
    package struct Scenario: Sendable, Codable, Hashable {
        package var name: String
        package var passed: Bool
        /// Assertion verdicts by position (`3`), with what each expects: an expectation edited
        /// between runs is still the same assertion.
        package var assertions: [Int: Bool]
        package var expected: [Int: String]
        package var calls: Int
        package var remediated: Int
        package var mttrP95Ms: Int64?
        /// Calls by external engines (and tools on `remsim serve`), by actor.
        package var outsideCalls: [String: Int] = [:]
    }

    package struct Warning: Sendable, Codable, Hashable, Comparable {
        package var scenario: String
        package var policyId: String
        package var resourceId: String
        package var kind: String
        package var severity: ImpactSeverity
        /// Who was about to make the call, when it was not remsim's engine.
        package var actor: String? = nil
        /// The policy whose remediation it is about, or `by ACTOR` for an external engine's call.
        package var source: String { actor.map { "by \($0)" } ?? policyId }
        package static func < (a: Warning, b: Warning) -> Bool {
            (a.scenario, a.source, a.resourceId, a.kind) < (b.scenario, b.source, b.resourceId, b.kind)
        }
    }

    package struct Loop: Sendable, Codable, Hashable, Comparable {
        package var scenario: String
        package var policyId: String
        package var resourceId: String
        package var cause: String
        package static func < (a: Loop, b: Loop) -> Bool {
            (a.scenario, a.policyId, a.resourceId) < (b.scenario, b.policyId, b.resourceId)
        }
    }

    package var run: RunRecord
    package var labels: [String]
    package var scenarios: [Scenario]
    /// MTTR p95 per policy over all the run's violations (nearest rank), in milliseconds; nil
    /// when none of its violations resolved.
    package var mttrP95ByPolicy: [String: Int64?]
    package var unresolvedByPolicy: [String: Int]
    /// MTTR p95 over all the run's resolved violations; nil when none resolved.
    package var mttrP95Ms: Int64?
    package var warnings: [Warning]
    package var loops: [Loop]
}

extension RunDatabase {
    /// A run by reference: its number, `latest`, `previous` (the one before the latest), or a
    /// label (the latest run carrying it). Only complete runs count.
    package func runId(for reference: String) throws(RunStoreError) -> Int64 {
        let runs = try self.runs(limit: 10_000).filter { $0.status == .complete }
        switch reference {
        case "latest":
            guard let id = runs.first?.id else { throw .noSuchRun(reference) }
            return id
        case "previous":
            guard runs.count >= 2, let id = runs[1].id else { throw .noSuchRun(reference) }
            return id
        default:
            if let n = Int64(reference), runs.contains(where: { $0.id == n }) { return n }
            if let run = runs.first(where: { $0.labels.contains(reference) }), let id = run.id { return id }
            throw .noSuchRun(reference)
        }
    }

    package func snapshot(runId: Int64) throws(RunStoreError) -> RunSnapshot {
        guard let run = try runs(limit: 100_000).first(where: { $0.id == runId }) else {
            throw .noSuchRun(String(runId))
        }
        var scenarios: [RunSnapshot.Scenario] = []
        var resolvedMs: [String: [Int64]] = [:]
        var unresolved: [String: Int] = [:]
        var warnings: [RunSnapshot.Warning] = []
        var loops: [RunSnapshot.Loop] = []
        for s in try scenarioResults(runId: runId) {
            guard let sid = s.id else { continue }
            let attempts = try attempts(scenarioResultId: sid)
            var transitions: [AlertTransitionRecord] = []
            for alert in try alerts(scenarioResultId: sid) {
                if let id = alert.id { transitions += try self.transitions(alertId: id) }
            }
            let mttr = try metrics(scenarioResultId: sid).first { $0.scope == .scenario && $0.kind == .mttr }
            var assertions: [Int: Bool] = [:]
            var expected: [Int: String] = [:]
            for a in try assertionResults(scenarioResultId: sid) {
                assertions[a.position + 1] = a.passed
                expected[a.position + 1] = a.expected
            }
            var scenario = RunSnapshot.Scenario(
                name: s.name, passed: s.passed, assertions: assertions, expected: expected, calls: attempts.count,
                remediated: transitions.filter { $0.reason == .remediated }.count, mttrP95Ms: mttr?.p95Ms)
            for call in try outsideCalls(scenarioResultId: sid) { scenario.outsideCalls[call.actor, default: 0] += 1 }
            scenarios.append(scenario)
            for v in try violations(scenarioResultId: sid) {
                if let t1 = v.detectedAt, let t3 = v.resolvedAt, v.endedAt != nil {
                    resolvedMs[v.policyId, default: []].append(t3 - t1)
                } else {
                    unresolved[v.policyId, default: 0] += 1
                    resolvedMs[v.policyId, default: []] += []
                }
            }
            warnings += try self.warnings(scenarioResultId: sid).map {
                RunSnapshot.Warning(
                    scenario: s.name, policyId: $0.policyId, resourceId: $0.resourceId, kind: $0.kind,
                    severity: $0.severity, actor: $0.actor)
            }
            loops += try engineRecords(scenarioResultId: sid).filter { $0.kind == .loop }.map {
                RunSnapshot.Loop(
                    scenario: s.name, policyId: $0.policyId ?? "", resourceId: $0.resourceId ?? "",
                    cause: $0.cause ?? "unknown")
            }
        }
        func p95(_ ms: [Int64]) -> Int64? {
            ms.isEmpty ? nil : MetricSummary.nearestRank(ms.sorted(), 95)
        }
        return RunSnapshot(
            run: run, labels: run.labels, scenarios: scenarios.sorted { $0.name < $1.name },
            mttrP95ByPolicy: resolvedMs.mapValues(p95),
            unresolvedByPolicy: unresolved, mttrP95Ms: p95(resolvedMs.values.flatMap { $0 }),
            warnings: warnings.sorted(), loops: loops.sorted())
    }
}
