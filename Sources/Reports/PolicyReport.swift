import CloudModel
import CloudOperations
import Foundation
import Policies
import RemediationEngine
import Simulation

/// `remsim policies list` and `remsim policies show`.
package enum PolicyReport {
    /// A table of the policies, then a line counting them by cloud.
    package static func list(_ policies: [Policy]) -> String {
        var table = TextTable(header: ["ID", "SEVERITY", "RESOURCE", "STEPS", "TITLE", "FROM", "COMPLIANCE"])
        for p in policies.sorted(by: { $0.id < $1.id }) {
            table.append([
                p.id, p.severity.rawValue, p.resourceType,
                p.isRemediable ? String(p.remediation?.steps.count ?? 0) : "-", p.title, from(p),
                p.compliance.joined(separator: " "),
            ])
        }
        let byCloud = Cloud.allCases.map { cloud in
            "\(policies.filter { $0.resourceType.hasPrefix(cloud.rawValue + ".") }.count) \(cloud.rawValue)"
        }
        let count =
            "\(policies.count) polic\(policies.count == 1 ? "y" : "ies") (\(byCloud.joined(separator: ", "))), "
            + "\(policies.filter(\.isRemediable).count) remediable"
        return table.render() + "\n" + count
    }

    /// Where a policy came from: `built-in`, its file, and for a policy of another tool what
    /// that tool calls it (`Prisma ACME-AWS-EC2-1 in policies/sg.json`).
    static func from(_ p: Policy) -> String {
        if p.source.hasPrefix("builtin:") { return "built-in" }
        let file = p.source.hasPrefix(cwdPrefix) ? String(p.source.dropFirst(cwdPrefix.count)) : p.source
        return p.origin.map { "\($0) in \(file)" } ?? file
    }

    static let cwdPrefix = FileManager.default.currentDirectoryPath + "/"

    /// `policies list --format json`: one object per policy, sorted by id.
    package static func listJSON(_ policies: [Policy]) -> String {
        Value.array(policies.sorted { $0.id < $1.id }.map(summary)).jsonText
    }

    static func summary(_ p: Policy) -> Value {
        var f = Fields()
        f["id"] = .string(p.id)
        f["title"] = .string(p.title)
        f["severity"] = .string(p.severity.rawValue)
        f["resource"] = .string(p.resourceType)
        f["remediable"] = .bool(p.isRemediable)
        f["steps"] = .int(p.remediation?.steps.count ?? 0)
        f["compliance"] = .array(p.compliance.map(Value.string))
        f["source"] = .string(p.source)
        f["format"] = .string(p.format)
        f["origin"] = p.origin.map(Value.string) ?? .null
        if !p.notes.isEmpty { f["notes"] = .array(p.notes.map(Value.string)) }
        return .object(f)
    }

    /// `policies show --format json`: the summary, what the policy does (its filters and steps,
    /// as `Policy.behaviour` has them), the permissions each step needs and the commands rendered
    /// for its first matching example.
    package static func showJSON(_ policy: Policy, at now: Timestamp) -> String {
        guard case .object(var f) = summary(policy) else { return "{}" }
        f["description"] = .string(policy.description)
        f["filters"] = policy.behaviour["filters"] ?? .array([])
        let steps: [Value] = (policy.remediation?.steps ?? []).map { step in
            [
                "operation": .string(step.operation), "parameters": step.parameters,
                "forEach": .string(step.forEach.rawValue),
                "permissions": .array(permissions(of: step).map(Value.string)),
            ]
        }
        f["remediation"] = .array(steps)
        f["parameters"] = .array(
            (policy.remediation?.parameters ?? []).map {
                ["name": .string($0.name), "description": .string($0.description), "default": $0.defaultValue ?? .null]
            })
        f["notifications"] = .array(
            policy.notifications.map {
                [
                    "to": .array($0.recipients.map(Value.string)), "transport": .string($0.transport),
                    "subject": .string($0.subject),
                ]
            })
        var commands: [Value] = []
        if policy.isRemediable, let example = policy.examples.match.first,
            let finding = Evaluator(now: now).finding(policy, example),
            let plan = try? RemediationPlan(
                policy: policy, finding: finding, resource: example,
                parameters: policy.remediation?.exampleParameters)
        {
            commands = plan.calls.map { .string($0.command.text) }
        }
        f["commands"] = .array(commands)
        f["examples"] = ["match": .int(policy.examples.match.count), "noMatch": .int(policy.examples.noMatch.count)]
        return Value.object(f).jsonText
    }

    /// What a step needs: its operation's permissions, then those its variables' lookups need.
    static func permissions(of step: RemediationStep) -> [String] {
        (OperationCatalog.spec(named: step.operation)?.permissions ?? [step.operation])
            + TemplateVariables.lookupPermissions(in: step.parameters)
    }

    /// Everything about one policy: filters, steps with the permissions they need, and the
    /// command each step renders to for the policy's first matching example.
    package static func show(_ policy: Policy, at now: Timestamp) -> String {
        var out: [String] = []
        out.append("\(policy.id): \(policy.title)")
        out.append("  resource:   \(policy.resourceType)")
        out.append("  severity:   \(policy.severity.rawValue)")
        out.append("  compliance: \(policy.compliance.isEmpty ? "-" : policy.compliance.joined(separator: ", "))")
        out.append("  source:     \(policy.source)\(policy.format == "custodian" ? " (Cloud Custodian)" : "")")
        switch policy.detection {
        case .poll(let every)?: out.append("  mode:       poll\(every.map { " every \($0)" } ?? "")")
        case .event?: out.append("  mode:       event")
        case nil: break
        }
        if !policy.description.isEmpty { out.append("\n  " + policy.description.trimmingWhitespace()) }
        out.append("\n  filters:")
        for f in policy.filters { out += describe(f, indent: 4) }
        if let remediation = policy.remediation {
            out.append("\n  remediation (\(remediation.steps.count) step\(remediation.steps.count == 1 ? "" : "s")):")
            if !remediation.description.isEmpty { out.append("    \(remediation.description)") }
            if !remediation.parameters.isEmpty {
                out.append("    takes (a scenario's or alert rule's `parameters` set them):")
                for p in remediation.parameters {
                    let given = p.defaultValue.map { "default \($0.stringValue ?? $0.jsonText)" } ?? "required"
                    out.append("      \(p.name) (\(given)): \(p.description)")
                }
            }
            for (i, step) in remediation.steps.enumerated() {
                let note = policy.selections.lazy.compactMap(\.stepNote).first { $0.name == step.over }
                let each =
                    note != nil ? "" : step.forEach == .matched ? ", once per matched element" : ""
                let spec = OperationCatalog.spec(named: step.operation)
                let permissions = permissions(of: step)
                let needs =
                    "needs permission\(permissions.count == 1 ? "" : "s") \(permissions.joined(separator: ", "))"
                let modelled = spec == nil ? "; not modelled by the simulated cloud, so it fails there" : ""
                out.append("    \(i + 1). \(step.operation)  (\(needs)\(each)\(modelled))")
                out.append("       parameters: \(step.parameters.jsonText)")
                if let note, !note.text.isEmpty { out.append("       \(note.text)") }
                for disruption in DisruptionAnalyzer.summaries(for: step.operation) {
                    out.append("       can disrupt: \(disruption)")
                }
            }
            let evaluator = Evaluator(now: now)
            if let example = policy.examples.match.first, let finding = evaluator.finding(policy, example) {
                out.append("\n  rendered for example '\(example.name)':")
                do {
                    for call in try RemediationPlan(
                        policy: policy, finding: finding, resource: example,
                        parameters: policy.remediation?.exampleParameters
                    ).calls {
                        out.append("    $ \(call.command)")
                    }
                } catch {
                    out.append("    (cannot render: \(error))")
                }
            }
        } else {
            out.append("\n  remediation: none (detect only)")
        }
        for n in policy.notifications {
            let to = n.recipients.isEmpty ? "" : " to \(n.recipients.joined(separator: ", "))"
            out.append("\n  notifies\(to) through \(n.transport) (recorded, never sent)")
        }
        out.append("\n  examples: \(policy.examples.match.count) must match, \(policy.examples.noMatch.count) must not")
        return out.joined(separator: "\n")
    }

    static func describe(_ filter: Filter, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch filter {
        case .and(let fs): return ["\(pad)all of:"] + fs.flatMap { describe($0, indent: indent + 2) }
        case .or(let fs): return ["\(pad)any of:"] + fs.flatMap { describe($0, indent: indent + 2) }
        case .not(let fs): return ["\(pad)not:"] + fs.flatMap { describe($0, indent: indent + 2) }
        case .value(let v):
            let age = v.valueType == .age ? " (age in days)" : ""
            let value = v.value.isNull ? "" : " \(v.value.jsonText)"
            return ["\(pad)\(v.key)\(age) \(v.op.rawValue)\(value)"]
        case .quantifier(let q):
            return ["\(pad)\(q.mode.rawValue) element of \(q.path) where:"]
                + q.filters.flatMap { describe($0, indent: indent + 2) }
        case .check(let c):
            return ["\(pad)\(c.behaviour.jsonText)"]
        }
    }
}
