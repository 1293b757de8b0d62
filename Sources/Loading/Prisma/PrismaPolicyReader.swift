import CloudModel
import CloudOperations
import Foundation
import Policies
import RemediationEngine

/// Reads Prisma Cloud policy JSON as it is kept: the public policy repository's files, whose
/// keys are flattened (`"searchModel.query"`, `"remediation.cliScriptTemplate"`), and what
/// Prisma's policy API exports, nested (`"remediation": {"cliScriptTemplate": …}`,
/// `"complianceMetadata": [{"standardName": …}]`), one policy or a list of them.
///
/// The RQL config query (`RQLConfigQuery`) gives the resource type and filters
/// (`JSONRuleTranslator`), the CLI template the remediation (`CLITemplateReader`). A policy whose
/// query cannot be translated is refused at its place in the query. A policy that detects but
/// whose template names what remsim does not model loads without its remediation, and says so
/// in `Policy.notes` (`remsim validate` lists it).
enum PrismaPolicyReader {
    /// Keys that only a Prisma policy has.
    static let markers: Set<String> = ["policyId", "searchModel.query", "searchModel", "policyUpi", "rule.criteria"]

    static func isPrisma(_ root: YAMLNode) -> Bool {
        if root.isMapping { return !markers.isDisjoint(with: root.mappingKeys) }
        guard case .sequence(let items) = root.node, let first = items.first else { return false }
        return !markers.isDisjoint(with: root.derived(first, path: "[0]").mappingKeys)
    }

    static func policies(in root: YAMLNode, source: String, problems: inout ProblemList) -> [Policy] {
        guard case .sequence(let items) = root.node else {
            return policy(root, source: source, problems: &problems).map { [$0] } ?? []
        }
        return items.enumerated().compactMap { i, item in
            policy(root.derived(item, path: "[\(i)]"), source: source, problems: &problems)
        }
    }

    /// The value of a key written flattened (`remediation.description`) or nested.
    static func field(_ m: YAMLMapping, _ dotted: String) -> YAMLNode? {
        if let flat = m[dotted] { return flat }
        let parts = dotted.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let outer = m[parts[0]], outer.isMapping,
            let inner = try? outer.mapping(allowing: outer.mappingKeys)
        else { return nil }
        return inner[parts[1]]
    }

    static func policy(_ node: YAMLNode, source: String, problems: inout ProblemList) -> Policy? {
        let before = problems.count
        guard let m = problems.attempt({ () throws(LoadError) in try node.mapping(allowing: node.mappingKeys) }) else {
            return nil
        }
        let id = problems.attempt { () throws(LoadError) in
            try PolicyLoader.policyId(try m.required("policyId"), called: "id")
        }
        let title = problems.attempt { () throws(LoadError) in try m.required("name").string() }
        let description = (try? m["description"]?.string()) ?? ""
        let severity = problems.attempt { () throws(LoadError) -> Severity in
            guard let s = m["severity"] else { return .medium }
            let text = try s.string()
            guard let severity = Severity(rawValue: text.lowercased()) else {
                throw s.error(
                    "unknown severity \(YAMLNode.quoted(text)) (known: "
                        + Severity.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            return severity
        }
        let compliance = (try? self.compliance(m)) ?? []
        if let type = try? m["policyType"]?.string(), type.lowercased() != "config" {
            problems.record([
                m["policyType"]!.error(
                    "remsim reads Prisma's config policies; a '\(type)' policy (network, IAM, audit event, …) "
                        + "is not read")
            ])
            return nil
        }
        guard let queryNode = field(m, "searchModel.query") ?? criteriaQuery(m) else {
            problems.record([node.error("the policy has no RQL query ('searchModel.query' or 'rule.criteria')")])
            return nil
        }
        let translated = problems.attempt { () throws(LoadError) in try query(queryNode, policyCloud: m["cloudType"]) }
        guard problems.count == before, let id, let title, let severity, let translated else { return nil }
        var policy = Policy(
            id: id, title: title, description: description, resourceType: translated.type, severity: severity,
            compliance: compliance, filters: translated.filters, source: source)
        policy.format = "prisma"
        policy.scope = translated.scope
        policy.notes = translated.notes
        policy.origin = (try? m["policyUpi"]?.string()).map { "Prisma \($0)" } ?? "Prisma"
        let remediable = (try? field(m, "remediable")?.bool()) ?? true
        if remediable, let template = field(m, "remediation.cliScriptTemplate"),
            !((try? template.string())?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ?? true)
        {
            do {
                var text = (try? field(m, "remediation.description")?.string()) ?? ""
                if let impact = try? field(m, "remediation.impact")?.string(), !impact.isEmpty {
                    text += text.isEmpty ? "Impact: \(impact)" : " Impact: \(impact)"
                }
                let steps = try CLITemplateReader.steps(template)
                policy.remediation = Remediation(steps: steps, description: text)
                if let note = permissionNote(description: text, steps: steps) { policy.notes.append(note) }
                if let unknown = policy.unknownTemplateVariables.first {
                    throw template.error(
                        "unknown variable '${\(unknown)}' (known: \(TemplateVariables.documentedNames))")
                }
            } catch {
                policy.remediation = nil
                policy.remediationRefused = true
                policy.notes.append("remediation not loaded: \(error)")
            }
        }
        return policy
    }

    /// Prisma's remediation description names the permission its command needs ("requires
    /// 'ec2:RevokeSecurityGroupIngress' permission"). When it names permissions and none of them
    /// is one the calls need, the role written from it would be refused: said as a note.
    static func permissionNote(description: String, steps: [RemediationStep]) -> String? {
        let named = description.matches(of: /'([A-Za-z][A-Za-z0-9.\/*{}_-]*[:.\/][A-Za-z0-9.\/*{}_-]+)'/).map {
            String($0.1)
        }
        guard !named.isEmpty else { return nil }
        let needed = steps.flatMap { OperationCatalog.spec(named: $0.operation)?.permissions ?? [$0.operation] }
        let covered = needed.allSatisfy { need in
            named.contains { grant in
                grant == need
                    || (grant.hasSuffix("*") && need.lowercased().hasPrefix(grant.dropLast().lowercased()))
            }
        }
        guard !covered else { return nil }
        return "the remediation's description grants \(named.joined(separator: ", ")); its calls need "
            + needed.joined(separator: ", ")
    }

    /// `rule.criteria` when it holds the query itself (Prisma's API, for a policy that keeps no
    /// saved search); the repository's files hold the saved search's id there.
    static func criteriaQuery(_ m: YAMLMapping) -> YAMLNode? {
        guard let node = field(m, "rule.criteria"), let text = try? node.string(),
            text.lowercased().hasPrefix("config from")
        else { return nil }
        return node
    }

    /// `compliance.standard` as the repository writes it (a Python list's text), or the API's
    /// `complianceMetadata` (`standardName` and `requirementId`).
    static func compliance(_ m: YAMLMapping) throws(LoadError) -> [String] {
        if let list = m["complianceMetadata"] {
            return try list.list().compactMap { item -> String? in
                guard let e = try? item.mapping(allowing: item.mappingKeys),
                    let name = try? e["standardName"]?.string()
                else { return nil }
                let requirement = (try? e["requirementId"]?.string()) ?? ""
                return requirement.isEmpty ? name : "\(name)/\(requirement)"
            }
        }
        guard let node = field(m, "compliance.standard") else { return [] }
        if case .sequence = node.node { return try node.strings() }
        let text = try node.string()
        guard text.hasPrefix("[") else { return text.isEmpty ? [] : [text] }
        // `['CIS v1.4.0 (AWS)', "PCI DSS v4.0"]`
        var out: [String] = []
        var current: String?
        var quote: Character = "'"
        for c in text {
            if var open = current {
                if c == quote {
                    out.append(open)
                    current = nil
                } else {
                    open.append(c)
                    current = open
                }
            } else if c == "'" || c == "\"" {
                quote = c
                current = ""
            }
        }
        return out
    }

    struct Translated {
        var type: String
        var filters: [Filter]
        var scope: PolicyScope?
        var notes: [String] = []
    }

    /// The query read and translated; a problem is placed at its character in the file.
    static func query(_ node: YAMLNode, policyCloud: YAMLNode?) throws(LoadError) -> Translated {
        let text = try node.string()
        do throws(JSONRule.Problem) {
            let query = try RQLConfigQuery(parsing: text)
            let translator: JSONRuleTranslator
            do {
                translator = try JSONRuleTranslator(apiName: query.apiName)
            } catch {
                throw JSONRule.Problem(message: error.message, offset: query.apiNameOffset)
            }
            guard let type = ResourceTypeRegistry.type(named: translator.shape.resourceType) else {
                throw JSONRule.Problem(message: "api.name '\(query.apiName)' maps to no known type", offset: 0)
            }
            let clouds =
                query.cloudTypes.map { $0.lowercased() }
                + ((try? policyCloud?.string()).map { [$0.lowercased()] } ?? [])
            if let other = clouds.first(where: { $0 != type.cloud.rawValue }) {
                throw JSONRule.Problem(
                    message:
                        "cloud.type '\(other)' does not match api.name '\(query.apiName)' (\(type.cloud.rawValue))",
                    offset: 0)
            }
            if let status = query.resourceStatus.first(where: { $0.lowercased() != "active" }) {
                throw JSONRule.Problem(
                    message: "resource.status '\(status)': remsim evaluates the resources that exist (Active)",
                    offset: 0)
            }
            guard let rule = query.rule else {
                throw JSONRule.Problem(
                    message: "the query has no json.rule: it would flag every \(type.name) resource", offset: 0)
            }
            var filters: [Filter]
            do {
                filters = try translator.filters(rule)
            } catch {
                throw JSONRule.Problem(message: error.message, offset: query.ruleOffset + error.offset)
            }
            let scope =
                query.accounts.isEmpty && query.regions.isEmpty
                ? nil : PolicyScope(accounts: query.accounts, regions: query.regions)
            return Translated(type: type.name, filters: filters, scope: scope)
        } catch {
            let (line, column) = position(of: error.offset, in: node)
            throw LoadError(
                file: node.file, keyPath: node.path, line: line, column: column,
                message: "\(error.message) (in the RQL query)")
        }
    }

    /// The line and column of the `offset`th character of a quoted JSON (or YAML) string's value,
    /// counting the escapes of the file's text; the string's own place when it cannot be told.
    static func position(of offset: Int, in node: YAMLNode) -> (Int?, Int?) {
        guard let mark = node.node.mark else { return (nil, nil) }
        let line = mark.line + node.lineOffset
        guard let data = try? YAMLNode.readData(file: node.file), let text = String(data: data, encoding: .utf8)
        else { return (line, mark.column) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line - 1 < lines.count else { return (line, mark.column) }
        let chars = Array(lines[mark.line - 1])
        var i = mark.column - 1
        guard i < chars.count, chars[i] == "\"" || chars[i] == "'" else { return (line, mark.column) }
        i += 1
        var seen = 0
        while i < chars.count, seen < offset {
            if chars[i] == "\\" {
                i += chars.count > i + 1 && chars[i + 1] == "u" ? 6 : 2
            } else {
                i += 1
            }
            seen += 1
        }
        return (line, i + 1)
    }
}
