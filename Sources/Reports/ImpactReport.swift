import CloudModel
import RemediationEngine
import Simulation

/// `remsim impact`: what enabling auto-remediation would do, as a table or JSON.
public enum ImpactReport {
    public static func text(_ p: ImpactPreview, title: String, style: TerminalStyle) -> String {
        var out = [title]
        let open = p.openAtStart.values.reduce(0, +)
        out.append("open alerts now: \(open)" + (open == 0 ? "" : " (" + p.openAtStart.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"))
        out.append("\nwould change \(p.changes.count) resource\(p.changes.count == 1 ? "" : "s"):")
        var table = TextTable(header: ["RESOURCE", "POLICY", "PROPERTY", "BEFORE", "AFTER"])
        for c in p.changes {
            for (i, prop) in (c.created ? [] : c.properties).enumerated() {
                table.append([i == 0 ? c.resourceId : "", i == 0 ? c.policies.joined(separator: ", ") : "", prop.name,
                              short(prop.before), short(prop.after)])
            }
            if c.created { table.append([c.resourceId, c.policies.joined(separator: ", "), "(created)", "—", "created"]) }
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

    public static func json(_ p: ImpactPreview) -> String {
        var f = Fields()
        f["openAtStart"] = .object(Fields(p.openAtStart.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: .int($0.value)) }))
        f["changes"] = .array(p.changes.map { c in
            ["resource": .string(c.resourceId), "policies": .array(c.policies.map(Value.string)), "commands": .array(c.commands.map(Value.string)),
             "created": .bool(c.created), "properties": .array(c.properties.map { ["name": .string($0.name), "before": $0.before, "after": $0.after] })]
        })
        f["commands"] = .array(p.commands.map(Value.string))
        f["warnings"] = .array(p.warnings.map { w in
            ["kind": .string(w.kind), "severity": .string(w.severity.rawValue), "policy": .string(w.policyId), "resource": .string(w.resourceId),
             "affected": .array(w.affected.map(Value.string)), "evidence": .array(w.evidence.map(Value.string)), "explanation": .string(w.explanation)]
        })
        f["heldBack"] = .array(p.heldBack.map { ["kind": .string($0.kind.rawValue), "resource": $0.resourceId.map(Value.string) ?? .null, "detail": .string($0.detail)] })
        f["stillOpen"] = .int(p.stillOpen)
        f["backlogClearedAfterMs"] = p.backlogClearedAfter.map { .int(Int($0.milliseconds)) } ?? .null
        return Value.object(f).jsonText
    }

    static func short(_ v: Value) -> String {
        if v.isNull { return "—" }
        let text = v.stringValue ?? v.jsonText
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }
}
