import CloudModel
import RemediationEngine
import Simulation

/// `remsim impact`: what enabling auto-remediation would do, as a table or JSON.
package enum ImpactReport {
    package static func text(_ p: ImpactPreview, title: String, style: TerminalStyle) -> String {
        var out = [title]
        let open = p.openAtStart.values.reduce(0, +)
        out.append(
            "open alerts now: \(open)"
                + (open == 0
                    ? ""
                    : " ("
                        + p.openAtStart.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                            separator: ", ") + ")"))
        let unevaluable = p.cannotEvaluate.values.reduce(0, +)
        if unevaluable > 0 {
            out.append(
                style.yellow("cannot evaluate: \(unevaluable)") + " (their export could not say what the policy reads: "
                    + p.cannotEvaluate.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                        separator: ", ")
                    + ")")
        }
        out.append("\nwould change \(p.changes.count) resource\(p.changes.count == 1 ? "" : "s"):")
        var table = TextTable(header: ["RESOURCE", "POLICY", "PROPERTY", "BEFORE", "AFTER"])
        for c in p.changes {
            for (i, prop) in (c.created ? [] : c.properties).enumerated() {
                table.append([
                    i == 0 ? c.resourceId : "", i == 0 ? c.policies.joined(separator: ", ") : "", prop.name,
                    short(prop.before), short(prop.after),
                ])
            }
            if c.created {
                table.append([c.resourceId, c.policies.joined(separator: ", "), "(created)", "—", "created"])
            }
            if c.deleted {
                table.append([c.resourceId, c.policies.joined(separator: ", "), "(deleted)", "exists", "deleted"])
            }
        }
        if !p.changes.isEmpty {
            out.append(table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            out.append("\n  commands, in the order they would run:")
            out += p.commands.map { "    $ " + $0 }
        }
        let high = p.warnings.filter { $0.severity == .high }.count
        out.append("\nwarnings: \(p.warnings.count)" + (high > 0 ? style.red(" (\(high) high)") : ""))
        for w in p.warnings.sorted(by: { ($0.severity, $0.resourceId) > ($1.severity, $1.resourceId) }) {
            out.append("  \(w.severity.rawValue) \(w.kind) on \(w.resourceId) (\(w.policyId)): \(w.explanation)")
        }
        if !p.heldBack.isEmpty {
            out.append("\nheld back:")
            out += p.heldBack.map { "  \($0.kind.rawValue) \($0.resourceId ?? "") \($0.policyId ?? ""): \($0.detail)" }
        }
        let cleared = p.backlogClearedAfter.map { "backlog cleared after \($0)" } ?? "nothing resolved"
        out.append("\n\(cleared); \(p.stillOpen) still open after \(p.horizon)")
        return out.joined(separator: "\n")
    }

    package static func json(_ p: ImpactPreview) -> String {
        var f = Fields()
        f["openAtStart"] = .object(
            Fields(p.openAtStart.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: .int($0.value)) }))
        f["cannotEvaluate"] = .object(
            Fields(p.cannotEvaluate.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: .int($0.value)) })
        )
        f["changes"] = .array(
            p.changes.map { c in
                [
                    "resource": .string(c.resourceId), "policies": .array(c.policies.map(Value.string)),
                    "commands": .array(c.commands.map(Value.string)),
                    "created": .bool(c.created), "deleted": .bool(c.deleted),
                    "properties": .array(
                        c.properties.map { ["name": .string($0.name), "before": $0.before, "after": $0.after] }),
                ]
            })
        f["commands"] = .array(p.commands.map(Value.string))
        f["warnings"] = .array(
            p.warnings.map { w in
                [
                    "kind": .string(w.kind), "severity": .string(w.severity.rawValue), "policy": .string(w.policyId),
                    "resource": .string(w.resourceId),
                    "affected": .array(w.affected.map(Value.string)), "evidence": .array(w.evidence.map(Value.string)),
                    "explanation": .string(w.explanation),
                ]
            })
        f["heldBack"] = .array(
            p.heldBack.map {
                [
                    "kind": .string($0.kind.rawValue), "resource": $0.resourceId.map(Value.string) ?? .null,
                    "detail": .string($0.detail),
                ]
            })
        f["stillOpen"] = .int(p.stillOpen)
        f["openOverTime"] = .array(
            p.openOverTime.map { ["afterMs": .int(Int($0.after.milliseconds)), "open": .int($0.open)] })
        f["backlogClearedAfterMs"] = p.backlogClearedAfter.map { .int(Int($0.milliseconds)) } ?? .null
        return Value.object(f).jsonText
    }

    /// The same preview as one self-contained HTML page: the open alerts, each change with its
    /// properties before and after, the commands in order, warnings with their evidence, what was
    /// held back, and the open violations over time as a chart.
    package static func html(_ p: ImpactPreview, title: String) -> String {
        typealias Cell = HTMLPage.Cell
        var page = HTMLPage(title: "remsim impact")
        page.heading("remsim impact", level: 1)
        page.paragraph(title, class: "meta")
        let open = p.openAtStart.values.reduce(0, +)
        let high = p.warnings.filter { $0.severity == .high }.count
        let cards: [(String, String, String)] = [
            ("open alerts now", String(open), open > 0 ? "fail" : ""),
            ("cannot evaluate", String(p.cannotEvaluate.values.reduce(0, +)), p.cannotEvaluate.isEmpty ? "" : "fail"),
            ("resources changed", String(p.changes.count), ""),
            ("calls", String(p.commands.count), ""),
            ("warnings", "\(p.warnings.count)" + (high > 0 ? " (\(high) high)" : ""), high > 0 ? "fail" : ""),
            ("held back", String(p.heldBack.count), p.heldBack.isEmpty ? "" : "fail"),
            ("backlog cleared after", p.backlogClearedAfter?.description ?? "—", ""),
            ("still open after \(p.horizon)", String(p.stillOpen), p.stillOpen > 0 ? "fail" : ""),
        ]
        page.raw(
            "<div class=\"cards\" id=\"summary\">"
                + cards.map { c in
                    "<div class=\"card\" data-field=\"\(HTMLPage.escape(c.0))\"><b "
                        + "class=\"\(c.2)\">\(HTMLPage.escape(c.1))</b><span>\(HTMLPage.escape(c.0))</span></div>"
                }.joined() + "</div>")
        if open > 0 {
            page.heading("Open alerts now", id: "open")
            page.table(
                ["policy", "open"],
                p.openAtStart.sorted { $0.key < $1.key }.map {
                    [Cell($0.key), Cell(String($0.value), [("class", "num")])]
                })
        }
        if !p.cannotEvaluate.isEmpty {
            page.heading("Cannot evaluate", id: "cannot-evaluate")
            page.paragraph(
                "Resources whose export could not say a property the policy reads: neither violations nor compliant.")
            page.table(
                ["policy", "resources"],
                p.cannotEvaluate.sorted { $0.key < $1.key }.map {
                    [Cell($0.key), Cell(String($0.value), [("class", "num")])]
                })
        }
        if p.openOverTime.count > 1 {
            page.chart(
                "line", id: "open-over-time", title: "Violations not yet resolved, over time",
                data: .object(
                    Fields([
                        Fields.Entry(key: "timeAxis", value: .bool(true)),
                        Fields.Entry(key: "maxText", value: .string(String(p.openOverTime.map(\.open).max() ?? 0))),
                        Fields.Entry(
                            key: "points",
                            value: .array(
                                p.openOverTime.map {
                                    [
                                        "x": .int(Int($0.after.milliseconds)), "label": .string("+\($0.after)"),
                                        "value": .int($0.open), "text": .string("\($0.open) open"),
                                    ]
                                })),
                    ])))
        }
        page.heading("Would change \(p.changes.count) resource\(p.changes.count == 1 ? "" : "s")", id: "changes")
        page.table(
            ["resource", "policy", "property", "before", "after"],
            p.changes.flatMap { c -> [[Cell]] in
                if c.created || c.deleted {
                    return [
                        [
                            Cell(c.resourceId, [("class", "mono")]), Cell(c.policies.joined(separator: ", ")),
                            Cell(c.created ? "(created)" : "(deleted)"), Cell(c.created ? "—" : "exists"),
                            Cell(c.created ? "created" : "deleted"),
                        ]
                    ]
                }
                return c.properties.map { prop in
                    [
                        Cell(c.resourceId, [("class", "mono")]), Cell(c.policies.joined(separator: ", ")),
                        Cell(prop.name, [("class", "mono")]),
                        Cell(
                            prop.before.isNull ? "—" : prop.before.stringValue ?? prop.before.jsonText,
                            [("class", "mono")]),
                        Cell(
                            prop.after.isNull ? "—" : prop.after.stringValue ?? prop.after.jsonText, [("class", "mono")]
                        ),
                    ]
                }
            }, id: "changes-table")
        if !p.commands.isEmpty {
            page.heading("Commands, in the order they would run", level: 3)
            page.raw(
                "<pre class=\"mono\" id=\"commands\">"
                    + p.commands.map { "$ " + HTMLPage.escape($0) }.joined(separator: "\n") + "</pre>")
        }
        page.heading("Disruption warnings", id: "warnings")
        if p.warnings.isEmpty { page.paragraph("None.") }
        page.table(
            ["severity", "kind", "resource", "policy", "explanation", "evidence"],
            p.warnings.sorted { ($0.severity, $0.resourceId) > ($1.severity, $1.resourceId) }.map { w in
                [
                    Cell(w.severity.rawValue, [("class", "sev-\(w.severity.rawValue)")]), Cell(w.kind),
                    Cell(w.resourceId, [("class", "mono")]), Cell(w.policyId),
                    Cell(w.explanation), Cell.markup(w.evidence.map(HTMLPage.escape).joined(separator: "<br>")),
                ]
            }, id: "warnings-table")
        if !p.heldBack.isEmpty {
            page.heading("Held back", id: "held-back")
            page.table(
                ["what", "resource", "policy", "detail"],
                p.heldBack.map {
                    [
                        Cell($0.kind.rawValue), Cell($0.resourceId ?? "", [("class", "mono")]), Cell($0.policyId ?? ""),
                        Cell($0.detail),
                    ]
                })
        }
        return page.render()
    }

    static func short(_ v: Value) -> String {
        if v.isNull { return "—" }
        let text = v.stringValue ?? v.jsonText
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }
}
