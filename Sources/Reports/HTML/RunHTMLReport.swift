import CloudModel
import Foundation
import RunStore

/// `remsim report`: a run, or a comparison of two runs, as one self-contained HTML file, read
/// from the run database: the summary, each scenario's result, MTTR p95 per policy, the trend of
/// MTTR p95 over recent runs, and each scenario's timeline.
package enum RunHTMLReport {
    typealias Cell = HTMLPage.Cell

    /// The report of one run; the trend covers up to `trend` complete runs ending with it.
    package static func run(_ db: RunDatabase, runId: Int64, trend: Int = 20) throws(RunStoreError) -> String {
        let snapshot = try db.snapshot(runId: runId)
        var page = HTMLPage(title: "remsim run \(runId)")
        header(&page, snapshot, heading: "remsim run \(runId)")
        try summary(&page, snapshot, db: db)
        policyChart(&page, snapshot)
        try trendChart(&page, db: db, endingAt: runId, count: trend)
        try scenarios(&page, snapshot, db: db)
        return page.render()
    }

    /// What changed from run `a` to run `b`, then run `b` in full.
    package static func comparison(_ db: RunDatabase, from a: Int64, to b: Int64, trend: Int = 20) throws(RunStoreError)
        -> String
    {
        let before = try db.snapshot(runId: a)
        let after = try db.snapshot(runId: b)
        let c = RunComparison(before, after)
        var page = HTMLPage(title: "remsim run \(a) → run \(b)")
        header(&page, after, heading: "remsim run \(a) → run \(b)")
        for caveat in c.caveats { page.raw("<p class=\"note\">\(HTMLPage.escape(caveat))</p>") }
        page.heading("What changed", id: "changes")
        if c.isUnchanged { page.paragraph("No differences.", class: "pass") }
        if !c.flips.isEmpty {
            page.heading("Assertions flipped", level: 3)
            page.table(
                ["scenario", "assertion", "before", "after"],
                c.flips.map {
                    [Cell($0.scenario), Cell($0.assertion), result($0.before), result($0.after)]
                }, id: "flips")
        }
        for (title, names) in [("Scenarios added", c.scenariosAdded), ("Scenarios removed", c.scenariosRemoved)]
        where !names.isEmpty {
            page.heading(title, level: 3)
            page.raw("<ul>" + names.map { "<li>\(HTMLPage.escape($0))</li>" }.joined() + "</ul>")
        }
        let policies = Set(before.mttrP95ByPolicy.keys).union(after.mttrP95ByPolicy.keys).sorted()
        if !policies.isEmpty {
            page.chart(
                "pairs", id: "mttr-by-policy-change", title: "MTTR p95 per policy, run \(a) and run \(b)",
                data: .object(
                    Fields([
                        Fields.Entry(key: "beforeName", value: .string("run \(a)")),
                        Fields.Entry(key: "afterName", value: .string("run \(b)")),
                        Fields.Entry(
                            key: "items",
                            value: .array(
                                policies.map { p in
                                    let x = before.mttrP95ByPolicy[p] ?? nil
                                    let y = after.mttrP95ByPolicy[p] ?? nil
                                    return [
                                        "label": .string(p), "before": ms(x), "after": ms(y),
                                        "beforeText": .string(text(x, missing: before.mttrP95ByPolicy[p] == nil)),
                                        "afterText": .string(text(y, missing: after.mttrP95ByPolicy[p] == nil)),
                                    ]
                                })),
                    ])))
        }
        for (title, deltas, id) in [
            ("MTTR p95 by policy", c.mttrByPolicy, "mttr-policy-deltas"),
            ("MTTR p95 by scenario", c.mttrByScenario, "mttr-scenario-deltas"),
        ]
        where !deltas.isEmpty {
            page.heading(title, level: 3)
            page.table(
                ["name", "before", "after", "change", "relative"],
                deltas.map { d in
                    [
                        Cell(d.name), Cell(text(d.beforeMs), msAttributes(d.beforeMs)),
                        Cell(text(d.afterMs), msAttributes(d.afterMs)),
                        Cell(
                            d.changeMs.map { ($0 >= 0 ? "+" : "−") + SimDuration(milliseconds: abs($0)).description }
                                ?? "—"),
                        Cell(d.relative.map { String(format: "%+.0f%%", $0 * 100) } ?? "—"),
                    ]
                }, id: id)
        }
        for (title, warnings) in [("Warnings added", c.warningsAdded), ("Warnings removed", c.warningsRemoved)]
        where !warnings.isEmpty {
            page.heading(title, level: 3)
            page.table(
                ["severity", "kind", "resource", "policy", "scenario"],
                warnings.map {
                    [
                        Cell($0.severity.rawValue, [("class", "sev-\($0.severity.rawValue)")]), Cell($0.kind),
                        Cell($0.resourceId), Cell($0.source), Cell($0.scenario),
                    ]
                })
        }
        for (title, loops) in [("Loops added", c.loopsAdded), ("Loops removed", c.loopsRemoved)] where !loops.isEmpty {
            page.heading(title, level: 3)
            page.table(
                ["policy", "resource", "cause", "scenario"],
                loops.map { [Cell($0.policyId), Cell($0.resourceId), Cell($0.cause), Cell($0.scenario)] })
        }
        if !c.countsChanged.isEmpty {
            page.heading("Counts changed", level: 3)
            page.table(
                ["scenario", "what", "before", "after"],
                c.countsChanged.map {
                    [
                        Cell($0.scenario), Cell($0.what), Cell(String($0.before), [("class", "num")]),
                        Cell(String($0.after), [("class", "num")]),
                    ]
                })
        }
        page.heading("Run \(b)", id: "run")
        try summary(&page, after, db: db)
        policyChart(&page, after)
        try trendChart(&page, db: db, endingAt: b, count: trend)
        try scenarios(&page, after, db: db)
        return page.render()
    }

    // MARK: - Sections

    static func header(_ page: inout HTMLPage, _ s: RunSnapshot, heading: String) {
        page.heading(heading, level: 1)
        var meta = ["started \(s.run.startedAt)"]
        if let end = s.run.finishedAt { meta.append("finished \(end)") }
        meta.append("status \(s.run.status)")
        meta.append("remsim \(s.run.remsimVersion)")
        if let commit = s.run.gitCommit { meta.append("commit \(commit.prefix(12))") }
        if !s.labels.isEmpty { meta.append("labels \(s.labels.joined(separator: ", "))") }
        if let shard = s.run.shard { meta.append("shard \(shard)") }
        let merged = s.run.mergedFrom ?? []
        if !merged.isEmpty { meta.append("merged from \(merged.count) shard runs") }
        if let f = s.run.fixturesDigest, let p = s.run.policiesDigest { meta.append("fixtures \(f), policies \(p)") }
        page.paragraph(meta.joined(separator: " · "), class: "meta")
    }

    static func summary(_ page: inout HTMLPage, _ s: RunSnapshot, db: RunDatabase) throws(RunStoreError) {
        let passed = s.scenarios.filter(\.passed).count
        let assertions = s.scenarios.flatMap(\.assertions.values)
        let high = s.warnings.filter { $0.severity == .high }.count
        let cards: [(String, String, String)] = [
            ("scenarios", String(s.scenarios.count), ""), ("passed", String(passed), "pass"),
            ("failed", String(s.scenarios.count - passed), s.scenarios.count == passed ? "" : "fail"),
            ("assertions passed", "\(assertions.filter { $0 }.count)/\(assertions.count)", ""),
            ("MTTR p95", text(s.mttrP95Ms, missing: s.mttrP95Ms == nil), ""),
            ("remediation calls", String(s.scenarios.map(\.calls).reduce(0, +)), ""),
            ("warnings", "\(s.warnings.count)" + (high > 0 ? " (\(high) high)" : ""), high > 0 ? "fail" : ""),
            ("loops", String(s.loops.count), s.loops.isEmpty ? "" : "fail"),
        ]
        page.raw(
            "<div class=\"cards\" id=\"summary\">"
                + cards.map { c in
                    "<div class=\"card\" data-field=\"\(c.0)\"><b "
                        + "class=\"\(c.2)\">\(HTMLPage.escape(c.1))</b><span>\(HTMLPage.escape(c.0))</span></div>"
                }.joined() + "</div>")
    }

    static func policyChart(_ page: inout HTMLPage, _ s: RunSnapshot) {
        let policies = s.mttrP95ByPolicy.sorted { $0.key < $1.key }
        page.heading("MTTR p95 per policy", id: "mttr")
        guard !policies.isEmpty else { return page.paragraph("No violations in this run.") }
        page.chart(
            "bars", id: "mttr-by-policy", title: "MTTR p95 per policy (detection to verified fix)",
            data: .object(
                Fields([
                    Fields.Entry(
                        key: "items",
                        value: .array(
                            policies.map {
                                ["label": .string($0.key), "value": ms($0.value), "text": .string(text($0.value))]
                            }))
                ])))
        page.raw("<details><summary>as a table</summary>")
        defer { page.raw("</details>") }
        page.table(
            ["policy", "MTTR p95", "unresolved"],
            policies.map { p in
                [
                    Cell(p.key),
                    Cell(text(p.value), [("class", "num"), ("data-policy", p.key)] + msAttributes(p.value)),
                    Cell(String(s.unresolvedByPolicy[p.key] ?? 0), [("class", "num")]),
                ]
            }, id: "mttr-table")
    }

    static func trendChart(_ page: inout HTMLPage, db: RunDatabase, endingAt runId: Int64, count: Int)
        throws(RunStoreError)
    {
        let runs = try db.runs(limit: 100_000).filter { $0.status == .complete && ($0.id ?? 0) <= runId }.prefix(
            max(1, count)
        ).reversed()
        var points: [(id: Int64, labels: [String], p95: Int64?)] = []
        for run in runs {
            guard let id = run.id else { continue }
            let snap = try db.snapshot(runId: id)
            points.append((id, snap.labels, snap.mttrP95Ms))
        }
        page.heading("MTTR p95 across the last \(points.count) run\(points.count == 1 ? "" : "s")", id: "trend")
        let max = points.compactMap(\.p95).max()
        page.chart(
            "line", id: "mttr-trend", title: "MTTR p95 over all policies, by run",
            data: .object(
                Fields([
                    Fields.Entry(key: "maxText", value: .string(text(max))),
                    Fields.Entry(
                        key: "points",
                        value: .array(
                            points.map {
                                [
                                    "label": .string("run \($0.id)"), "value": ms($0.p95),
                                    "text": .string(text($0.p95, missing: $0.p95 == nil)),
                                ]
                            })),
                ])))
        page.table(
            ["run", "labels", "MTTR p95"],
            points.map { p in
                [
                    Cell("run \(p.id)"), Cell(p.labels.joined(separator: ", ")),
                    Cell(
                        text(p.p95, missing: p.p95 == nil),
                        [("class", "num"), ("data-run", String(p.id))] + msAttributes(p.p95)),
                ]
            }, id: "trend-table")
    }

    static func scenarios(_ page: inout HTMLPage, _ s: RunSnapshot, db: RunDatabase) throws(RunStoreError) {
        page.heading("Scenarios", id: "scenarios")
        let records = try db.scenarioResults(runId: s.run.id ?? 0)
        let byName = Dictionary(records.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        page.table(
            ["scenario", "result", "assertions", "calls", "remediated", "MTTR p95", "warnings"],
            s.scenarios.map { sc in
                let ok = sc.assertions.values.filter { $0 }.count
                return [
                    Cell.markup("<a href=\"#scenario-\(anchor(sc.name))\">\(HTMLPage.escape(sc.name))</a>"),
                    result(sc.passed),
                    Cell("\(ok)/\(sc.assertions.count)", [("class", "num")]),
                    Cell(String(sc.calls), [("class", "num")]),
                    Cell(String(sc.remediated), [("class", "num")]),
                    Cell(
                        text(sc.mttrP95Ms), [("class", "num"), ("data-scenario", sc.name)] + msAttributes(sc.mttrP95Ms)),
                    Cell(String(s.warnings.filter { $0.scenario == sc.name }.count), [("class", "num")]),
                ]
            }, id: "scenario-table")
        // Failing scenarios first: they are what the reader came for.
        for sc in s.scenarios.sorted(by: { ($0.passed ? 1 : 0, $0.name) < ($1.passed ? 1 : 0, $1.name) }) {
            guard let record = byName[sc.name], let sid = record.id else { continue }
            let verdict = record.error != nil ? "STOP" : sc.passed ? "PASS" : "FAIL"
            page.raw(
                "<details id=\"scenario-\(anchor(sc.name))\"\(sc.passed ? "" : " open")><summary>"
                    + "<span class=\"\(sc.passed ? "pass" : "fail")\">\(verdict)</span> \(HTMLPage.escape(sc.name))"
                    + " <span class=\"meta\">\(HTMLPage.escape(record.file)) · seed \(record.seed)</span></summary>")
            if let error = record.error {
                page.raw("<p class=\"fail\">\(HTMLPage.escape(error)); its expectations were not checked.</p>")
            }
            let assertions = try db.assertionResults(scenarioResultId: sid)
            page.table(
                ["", "expected", "found", "at"],
                assertions.map { a in
                    [result(a.passed), Cell(a.expected), Cell(a.found), Cell(a.origin, [("class", "mono")])]
                })
            let timeline = try db.timeline(scenarioResultId: sid)
            if !timeline.isEmpty {
                // The axis ends a little after the last event: a scenario that runs for a day with
                // everything in its first minutes still shows its events apart.
                let last = (timeline.map(\.at).max() ?? record.simulatedStart) - record.simulatedStart
                let axis = max(1000, (last + last / 20 + 999) / 1000 * 1000)
                page.chart(
                    "strip", id: "timeline-\(anchor(sc.name))", title: "Timeline",
                    data: .object(
                        Fields([
                            Fields.Entry(key: "start", value: .int(Int(record.simulatedStart))),
                            Fields.Entry(key: "end", value: .int(Int(record.simulatedStart + axis))),
                            Fields.Entry(key: "endText", value: .string("+\(SimDuration(milliseconds: axis))")),
                            Fields.Entry(
                                key: "events",
                                value: .array(
                                    timeline.map { e in
                                        [
                                            "at": .int(Int(e.at)),
                                            "offset": .string(
                                                "+\(SimDuration(milliseconds: e.at - record.simulatedStart))"),
                                            "kind": .string(e.kind.rawValue),
                                            "resource": .string(e.resourceId), "text": .string(e.text),
                                        ]
                                    })),
                        ])))
                page.table(
                    ["at", "what", "resource", "detail"],
                    timeline.map { e in
                        [
                            Cell("+\(SimDuration(milliseconds: e.at - record.simulatedStart))", [("class", "num")]),
                            Cell(e.kind.rawValue),
                            Cell(e.resourceId, [("class", "mono")]),
                            Cell(e.text, e.kind == .call ? [("class", "mono")] : []),
                        ]
                    }, class: "timeline")
            }
            let warnings = try db.warnings(scenarioResultId: sid)
            if !warnings.isEmpty {
                page.heading("Disruption warnings", level: 3)
                page.table(
                    ["severity", "kind", "resource", "explanation", "evidence"],
                    warnings.map { w in
                        [
                            Cell(w.severity.rawValue, [("class", "sev-\(w.severity.rawValue)")]), Cell(w.kind),
                            Cell(w.resourceId, [("class", "mono")]), Cell(w.explanation),
                            Cell.markup(w.evidence.map(HTMLPage.escape).joined(separator: "<br>")),
                        ]
                    })
            }
            page.raw("</details>")
        }
    }

    // MARK: - Helpers

    static func result(_ passed: Bool) -> Cell { Cell(passed ? "pass" : "FAIL", [("class", passed ? "pass" : "fail")]) }

    static func ms(_ value: Int64?) -> Value { value.map { .int(Int($0)) } ?? .null }

    static func msAttributes(_ value: Int64?) -> [(String, String)] { value.map { [("data-ms", String($0))] } ?? [] }

    static func text(_ value: Int64?, missing: Bool = false) -> String {
        if missing { return "—" }
        return value.map { SimDuration(milliseconds: $0).description } ?? "unresolved"
    }

    /// A fragment id from a scenario name.
    static func anchor(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }
}
