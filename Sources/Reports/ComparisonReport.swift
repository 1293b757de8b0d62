import CloudModel
import Foundation
import RunStore

/// `remsim history` and `remsim compare`, for people (tables) and machines (JSON).
package enum ComparisonReport {
    package static func history(_ runs: [RunRecord], mttr: [Int64: [String: Int64?]]) -> String {
        var table = TextTable(header: [
            "RUN", "STARTED", "STATUS", "LABELS", "COMMIT", "PASSED", "FAILED", "MTTR P95 BY POLICY",
        ])
        for run in runs {
            let id = run.id ?? 0
            let byPolicy = (mttr[id] ?? [:]).sorted { $0.key < $1.key }.map {
                "\($0.key) \($0.value.map { SimDuration(milliseconds: $0).description } ?? "—")"
            }
            let shown =
                byPolicy.prefix(3).joined(separator: ", ") + (byPolicy.count > 3 ? ", +\(byPolicy.count - 3) more" : "")
            let status: String =
                run.status.rawValue + (run.shard.map { " (shard \($0))" } ?? "")
                + (run.mergedFrom == nil ? "" : " (merged)")
            table.append([
                String(id), run.startedAt, status, run.labels.joined(separator: ","),
                String((run.gitCommit ?? "").prefix(10)),
                String(run.passedCount), String(run.failedCount), shown,
            ])
        }
        return table.render()
    }

    package static func historyJSON(_ runs: [RunRecord], mttr: [Int64: [String: Int64?]]) -> String {
        Value.array(
            runs.map { run in
                let id = run.id ?? 0
                return [
                    "id": .int(Int(id)), "startedAt": .string(run.startedAt),
                    "finishedAt": run.finishedAt.map(Value.string) ?? .null,
                    "status": .string(run.status.rawValue), "labels": .array(run.labels.map(Value.string)),
                    "gitCommit": run.gitCommit.map(Value.string) ?? .null,
                    "remsimVersion": .string(run.remsimVersion), "scenarios": .int(run.scenarioCount),
                    "passed": .int(run.passedCount),
                    "failed": .int(run.failedCount), "shard": run.shard.map(Value.string) ?? .null,
                    "mergedFrom": run.mergedFrom == nil
                        ? .null
                        : .array(
                            (run.mergedFrom ?? []).map {
                                [
                                    "database": .string($0.database), "run": .int(Int($0.run)),
                                    "shard": $0.shard.map(Value.string) ?? .null,
                                ]
                            }),
                    "mttrP95MsByPolicy": .object(
                        Fields(
                            (mttr[id] ?? [:]).sorted { $0.key < $1.key }.map {
                                Fields.Entry(key: $0.key, value: $0.value.map { .int(Int($0)) } ?? .null)
                            })),
                ]
            }
        ).jsonText
    }

    package static func text(_ c: RunComparison) -> String {
        var out = ["run \(c.before.id) → run \(c.after.id)"]
        for caveat in c.caveats { out.append("note: \(caveat)") }
        if c.isUnchanged {
            out.append("no differences")
            return out.joined(separator: "\n")
        }
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            out.append("\n\(title):")
            out += lines.map { "  " + $0 }
        }
        section(
            "assertions flipped",
            c.flips.map { "\($0.before ? "pass → FAIL" : "fail → pass")  \($0.scenario): \($0.assertion)" })
        section("scenarios added", c.scenariosAdded)
        section("scenarios removed", c.scenariosRemoved)
        section("MTTR p95 by policy", c.mttrByPolicy.map(delta))
        section(
            "policies with violations in run \(c.before.id) only (removed, or nothing violated them)",
            c.policiesOnlyBefore)
        section(
            "policies with violations in run \(c.after.id) only (added, or nothing violated them before)",
            c.policiesOnlyAfter)
        section("MTTR p95 by scenario", c.mttrByScenario.map(delta))
        section(
            "warnings added",
            c.warningsAdded.map { "\($0.severity) \($0.kind) on \($0.resourceId) (\($0.source), \($0.scenario))" })
        section(
            "warnings removed",
            c.warningsRemoved.map { "\($0.severity) \($0.kind) on \($0.resourceId) (\($0.source), \($0.scenario))" })
        section(
            "loops added", c.loopsAdded.map { "\($0.policyId) on \($0.resourceId), cause \($0.cause) (\($0.scenario))" }
        )
        section(
            "loops removed",
            c.loopsRemoved.map { "\($0.policyId) on \($0.resourceId), cause \($0.cause) (\($0.scenario))" })
        section("counts changed", c.countsChanged.map { "\($0.scenario): \($0.what) \($0.before) → \($0.after)" })
        return out.joined(separator: "\n")
    }

    static func delta(_ d: RunComparison.Delta) -> String {
        func show(_ ms: Int64?) -> String { ms.map { SimDuration(milliseconds: $0).description } ?? "unresolved" }
        var line = "\(d.name): \(show(d.beforeMs)) → \(show(d.afterMs))"
        if let change = d.changeMs {
            line += " (\(change >= 0 ? "+" : "-")\(SimDuration(milliseconds: abs(change)))"
            if let rel = d.relative, rel.isFinite { line += String(format: ", %+.0f%%", rel * 100) }
            line += ")"
        }
        return line
    }

    package static func json(_ c: RunComparison, failures: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        struct Output: Encodable {
            var comparison: RunComparison
            var failures: [String]
        }
        return (try? String(data: encoder.encode(Output(comparison: c, failures: failures)), encoding: .utf8)) ?? "{}"
    }
}
