import CloudModel
import RemediationEngine
import Simulation

/// The terminal report of `remsim run`: one line per scenario, the failed assertions under it
/// with what was expected and what was found, and a summary.
package struct RunReport: Sendable {
    package var style: TerminalStyle
    package init(style: TerminalStyle) { self.style = style }

    package func line(for result: ScenarioResult) -> String {
        let verdict = result.error != nil ? style.red("STOP") : result.passed ? style.green("PASS") : style.red("FAIL")
        let mttr = result.summary(.mttr)
        var facts: [String] = []
        if let p95 = result.summary(.mttd).p95 { facts.append("MTTD p95 \(p95)") }
        if let p95 = mttr.p95 { facts.append("MTTR p95 \(p95)") }
        if let p95 = result.summary(.exposure).p95 { facts.append("exposure p95 \(p95)") }
        if mttr.unresolved > 0 { facts.append(style.yellow("\(mttr.unresolved) unresolved")) }
        let passed = result.assertions.filter(\.passed).count
        facts.append("\(passed)/\(result.assertions.count) assertions")
        facts.append("\(result.attempts.count) call\(result.attempts.count == 1 ? "" : "s")")
        // An external engine's calls, by engine: "2 calls by custodian (1 failed)".
        for actor in Set(result.outsideCalls.map(\.actor)).sorted() {
            let calls = result.outsideCalls.filter { $0.actor == actor }
            let failed = calls.filter { !$0.outcome.isSuccess }.count
            facts.append(
                "\(calls.count) call\(calls.count == 1 ? "" : "s") by \(actor)\(failed > 0 ? " (\(failed) failed)" : "")"
            )
        }
        facts += Self.controls(result).map { style.yellow($0) }
        let unevaluable = result.cannotEvaluate.values.reduce(0, +)
        if unevaluable > 0 { facts.append(style.yellow("\(unevaluable) cannot evaluate")) }
        if !result.warnings.isEmpty {
            let high = result.warnings.filter { $0.severity == .high }.count
            let text =
                "\(result.warnings.count) "
                + "warning\(result.warnings.count == 1 ? "" : "s")\(high > 0 ? " (\(high) high)" : "")"
            facts.append(high > 0 ? style.red(text) : style.yellow(text))
        }
        var text = "\(verdict)  \(result.name)  \(style.dim(facts.joined(separator: " · ")))"
        let serious = result.warnings.filter { $0.severity >= .medium }
        for w in serious.prefix(5) {
            text +=
                "\n      \(w.severity == .high ? style.red("!") : style.yellow("!")) \(w.severity.rawValue) "
                + "\(w.kind) on \(w.resourceId): \(w.explanation)"
        }
        if serious.count > 5 {
            text += "\n      " + style.dim("and \(serious.count - 5) more (--timeline shows them all)")
        }
        if let error = result.error {
            text += "\n      \(style.red("✘")) \(error)"
            text +=
                "\n        "
                + style.dim("expectations not checked; what happened until then is recorded (--timeline shows it)")
        }
        for a in result.assertions where !a.passed {
            text += "\n      \(style.red("✘")) expected \(a.expected)"
            text += "\n        found \(a.found)"
            if !a.origin.isEmpty { text += "\n        " + style.dim("at \(a.origin)") }
        }
        return text
    }

    /// What the engine's controls did, counted: `3 retries`, `1 loop`, `2 exempt`. Nothing when
    /// they did nothing.
    static func controls(_ result: ScenarioResult) -> [String] {
        let words: [(EngineRecord.Kind, String, String)] = [
            (.retry, "retry", "retries"), (.queued, "queued", "queued"), (.capBreach, "cap breach", "cap breaches"),
            (.errorRateStop, "error-rate stop", "error-rate stops"), (.loop, "loop", "loops"),
            (.exemptionApplied, "exempt", "exempt"),
            (.restart, "restart", "restarts"), (.blocked, "blocked", "blocked"),
            (.awaitingApproval, "awaiting approval", "awaiting approval"),
            (.approvalTimedOut, "approval timed out", "approvals timed out"),
        ]
        return words.compactMap { kind, one, many in
            let n = result.records.filter { $0.kind == kind }.count
            return n == 0 ? nil : "\(n) \(n == 1 ? one : many)"
        }
    }

    /// The scenario's story, one line per event, at times relative to its start.
    package func timeline(for result: ScenarioResult) -> String {
        var table = TextTable(header: ["AT", "WHAT", "RESOURCE", "DETAIL"])
        for record in result.timeline {
            table.append(["+\(record.at - result.start)", record.kind.rawValue, record.resourceId, record.text])
        }
        return table.render().split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
    }

    package func summary(results: [ScenarioResult], runId: Int64?, database: String?) -> String {
        let failed = results.filter { !$0.passed }.count
        let counts =
            "\(results.count) scenario\(results.count == 1 ? "" : "s"): \(results.count - failed) passed, "
            + "\(failed) failed"
        var text = failed == 0 ? style.green(counts) : style.red(counts)
        if let runId, let database { text += style.dim(" · run \(runId) recorded in \(database)") }
        return text
    }
}
