import CloudModel
import Foundation
import Policies
import RemediationEngine

/// Reads policy files: one policy per file (the built-in pack's layout), a Custodian-style
/// file with a `policies:` list, or Prisma Cloud policy JSON (one policy, or a list).
public enum PolicyLoader {
    static let policyKeys = [
        "version", "id", "title", "description", "resource", "severity", "compliance", "filters", "remediation",
        "examples",
    ]
    static let stepKeys = ["operation", "parameters", "for-each", "description"]

    public static func load(paths: [String], relativeTo base: String? = nil) throws(LoadError) -> [Policy] {
        var policies: [Policy] = []
        for file in try InputFiles.collect(paths, relativeTo: base) {
            policies += try load(file: file, source: file)
        }
        return try unique(policies)
    }

    /// Every policy file under `paths`, each read as `loadReportingAll(file:source:)` reads it:
    /// every problem in every file, and ids defined twice.
    public static func loadReportingAll(paths: [String]) -> (policies: [Policy], problems: [LoadError]) {
        var problems = ProblemList()
        var policies: [Policy] = []
        for file in problems.attempt({ () throws(LoadError) in try InputFiles.collect(paths) }) ?? [] {
            let (loaded, found) = loadReportingAll(file: file, source: file)
            policies += loaded
            problems.record(found)
        }
        problems.attempt { () throws(LoadError) in _ = try unique(policies) }
        return (problems.isEmpty ? policies : [], problems.sorted)
    }

    /// What one policy file gave: its policies, or the problems that refused it.
    package struct FileReport: Sendable {
        package var file: String
        package var policies: [Policy]
        package var problems: [LoadError]

        /// `1 policy (Prisma: RQL translated, remediation not loaded)`, or `refused (2 problems)`.
        package var summary: String {
            guard problems.isEmpty else {
                return "refused (\(problems.count) problem\(problems.count == 1 ? "" : "s"))"
            }
            var text = "\(policies.count) polic\(policies.count == 1 ? "y" : "ies")"
            let names = ["custodian": "Cloud Custodian", "prisma": "Prisma Cloud JSON, its RQL translated to filters"]
            var parts = Set(policies.map(\.format)).sorted().compactMap { names[$0] }
            let withoutRemediation = policies.filter(\.remediationRefused).count
            if withoutRemediation > 0 {
                parts.append("\(withoutRemediation) without \(withoutRemediation == 1 ? "its" : "their") remediation")
            }
            if !parts.isEmpty { text += " (\(parts.joined(separator: "; ")))" }
            return text
        }
    }

    /// Every policy file under `paths`, each reported on its own (`remsim validate --policies`),
    /// and problems that are not one file's (a path that cannot be read, an id defined twice).
    package static func fileReports(paths: [String]) -> (files: [FileReport], problems: [LoadError]) {
        var problems = ProblemList()
        var files: [FileReport] = []
        for file in problems.attempt({ () throws(LoadError) in try InputFiles.collect(paths) }) ?? [] {
            let (loaded, found) = loadReportingAll(file: file, source: file)
            files.append(FileReport(file: file, policies: loaded, problems: found))
        }
        problems.attempt { () throws(LoadError) in _ = try unique(files.flatMap(\.policies)) }
        return (files, problems.sorted)
    }

    /// Parses one file's text; `source` is what messages and `Policy.source` call it.
    public static func load(file: String, data: Data, source: String) throws(LoadError) -> [Policy] {
        try policies(in: try YAMLNode.parse(file: file, data: data), source: source)
    }

    public static func load(file: String, source: String) throws(LoadError) -> [Policy] {
        let (policies, problems) = loadReportingAll(file: file, source: source)
        if let first = problems.first { throw first }
        return policies
    }

    /// Reads a policy file as `load(file:source:)` does, but reads on past a problem: each policy
    /// of a `policies:` list, and each key of a policy, is read on its own, so that one mistake
    /// does not hide the next. The policies are returned only when there is no problem.
    public static func loadReportingAll(file: String, source: String) -> (policies: [Policy], problems: [LoadError]) {
        var problems = ProblemList()
        guard let root = problems.attempt({ () throws(LoadError) in try YAMLNode.read(file: file) }) else {
            return ([], problems.sorted)
        }
        let policies = policies(in: root, source: source, problems: &problems)
        return problems.isEmpty ? (policies, []) : ([], problems.sorted)
    }

    /// A policy's id as its file writes it (remsim's `id`, Custodian's `name`, Prisma's
    /// `policyId`): letters, digits, `-`, `_` and `.`, so that it can be named anywhere.
    static func policyId(_ node: YAMLNode, called what: String) throws(LoadError) -> String {
        let id = try node.string()
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw node.error("a policy \(what) may hold only letters, digits, '-', '_' and '.'")
        }
        return id
    }

    package static func unique(_ policies: [Policy]) throws(LoadError) -> [Policy] {
        var seen: [String: String] = [:]
        for p in policies {
            if let other = seen[p.id] {
                throw LoadError(
                    file: p.source, keyPath: "id", message: "policy id '\(p.id)' is also defined in \(other)")
            }
            seen[p.id] = p.source
        }
        return policies
    }

    static func policies(in root: YAMLNode, source: String) throws(LoadError) -> [Policy] {
        var problems = ProblemList()
        let policies = policies(in: root, source: source, problems: &problems)
        if let first = problems.sorted.first { throw first }
        return policies
    }

    static func policies(in root: YAMLNode, source: String, problems: inout ProblemList) -> [Policy] {
        if PrismaPolicyReader.isPrisma(root) {
            return PrismaPolicyReader.policies(in: root, source: source, problems: &problems)
        }
        if CustodianPolicyReader.isCustodian(root) {
            return CustodianPolicyReader.policies(in: root, source: source, problems: &problems)
        }
        guard root.mappingKeys.contains("policies") else {
            return policy(root, source: source, requireVersion: true, problems: &problems).map { [$0] } ?? []
        }
        var unknownKeys: [LoadError] = []
        guard
            let doc = problems.attempt({ () throws(LoadError) in
                try root.mapping(allowing: ["version", "policies"], unknownKeys: &unknownKeys)
            })
        else { return [] }
        problems.record(unknownKeys)
        problems.attempt { () throws(LoadError) in try FixtureLoader.checkVersion(doc) }
        let items = problems.attempt { () throws(LoadError) in try doc.required("policies").list() } ?? []
        return items.compactMap { policy($0, source: source, requireVersion: false, problems: &problems) }
    }

    static func policy(_ node: YAMLNode, source: String, requireVersion: Bool) throws(LoadError) -> Policy {
        var problems = ProblemList()
        guard let policy = policy(node, source: source, requireVersion: requireVersion, problems: &problems),
            problems.isEmpty
        else { throw problems.sorted[0] }
        return policy
    }

    /// One policy, each key read on its own; nil when any problem was found (recorded in `problems`).
    static func policy(_ node: YAMLNode, source: String, requireVersion: Bool, problems: inout ProblemList)
        -> Policy?
    {
        let before = problems.count
        var unknownKeys: [LoadError] = []
        guard
            let m = problems.attempt({ () throws(LoadError) in
                try node.mapping(allowing: policyKeys, unknownKeys: &unknownKeys)
            })
        else { return nil }
        problems.record(unknownKeys)
        if requireVersion { problems.attempt { () throws(LoadError) in try FixtureLoader.checkVersion(m) } }
        let id = problems.attempt { () throws(LoadError) in try policyId(try m.required("id"), called: "id") }
        let type = problems.attempt { () throws(LoadError) in
            let typeNode = try m.required("resource")
            return try typeNode.resourceType(try typeNode.string()).name
        }
        let filters = problems.attempt { () throws(LoadError) in
            let filters = try FilterReader.filters(try m.required("filters"))
            guard !filters.isEmpty else { throw node.error("'filters' must hold at least one filter") }
            return filters
        }
        let title = problems.attempt { () throws(LoadError) in try m.required("title").string() }
        let description = problems.attempt { () throws(LoadError) in try m["description"]?.string() ?? "" }
        let severity = problems.attempt { () throws(LoadError) in
            try m.required("severity").oneOf(Severity.self, Severity.allCases)
        }
        let compliance = problems.attempt { () throws(LoadError) in try m["compliance"]?.strings() ?? [] }
        let remediation = problems.attempt { () throws(LoadError) in try m["remediation"].map(Self.remediation) }
        // The examples are resources of the policy's type: read only once the type is known.
        let examples = type.flatMap { type in
            problems.attempt { () throws(LoadError) in
                try m["examples"].map { e throws(LoadError) in try Self.examples(e, type: type) }
            }
        }
        guard problems.count == before, let id, let type, let filters, let title, let description, let severity,
            let compliance, let remediation
        else { return nil }
        var policy = Policy(
            id: id, title: title, description: description, resourceType: type, severity: severity,
            compliance: compliance, filters: filters, remediation: remediation, source: source)
        if let unknown = policy.unknownTemplateVariables.first {
            problems.record(
                (m["remediation"] ?? node).error(
                    "unknown variable '${\(unknown)}' (known: \(TemplateVariables.documentedNames))"))
            return nil
        }
        if let examples = examples.flatMap({ $0 }) { policy.examples = examples }
        return policy
    }

    static func remediation(_ node: YAMLNode) throws(LoadError) -> Remediation {
        let m = try node.mapping(allowing: ["description", "steps", "cli", "parameters"])
        var remediation = try steps(node, m)
        remediation.parameters = try m["parameters"].map(Self.parameters) ?? []
        // Every `${param.NAME}` names a declared parameter.
        let declared = Set(remediation.parameters.map(\.name))
        for step in remediation.steps {
            for name in TemplateVariables.parameterNames(in: step.parameters) where !declared.contains(name) {
                throw (m["steps"] ?? m["cli"] ?? node).error(
                    "'${param.\(name)}' names no parameter of this remediation (declared: "
                        + "\(declared.isEmpty ? "none" : declared.sorted().joined(separator: ", ")); declare it under "
                        + "'parameters')")
            }
        }
        return remediation
    }

    /// `parameters: {NAME: {description: …, default: …}}`.
    static func parameters(_ node: YAMLNode) throws(LoadError) -> [RemediationParameter] {
        var out: [RemediationParameter] = []
        for (name, value) in try node.mapping(allowing: node.mappingKeys).entries {
            guard TemplateVariables.isParameterName(name) else {
                throw value.error("a parameter name is letters, digits and '-', starting with a letter: '\(name)'")
            }
            let p = try value.mapping(allowing: ["description", "default", "example"])
            out.append(
                RemediationParameter(
                    name: name, description: try p.required("description").string(),
                    defaultValue: try p["default"]?.value(), example: try p["example"]?.value()))
        }
        return out
    }

    static func steps(_ node: YAMLNode, _ m: YAMLMapping) throws(LoadError) -> Remediation {
        if let cli = m["cli"] {
            if let steps = m["steps"] { throw steps.error("give either 'steps' or 'cli', not both") }
            return Remediation(
                steps: try CLITemplateReader.steps(cli), description: try m["description"]?.string() ?? "")
        }
        guard m["steps"] != nil else {
            throw node.error("a remediation needs 'steps' (API operations) or 'cli' (command templates)")
        }
        let stepsNode = try m.required("steps")
        let list = try stepsNode.list()
        guard (1...Remediation.maximumSteps).contains(list.count) else {
            throw stepsNode.error("a remediation has 1 to \(Remediation.maximumSteps) steps, found \(list.count)")
        }
        var steps: [RemediationStep] = []
        for item in list {
            let s = try item.mapping(allowing: stepKeys)
            let opNode = try s.required("operation")
            let op = try opNode.string()
            let params = try s["parameters"]?.value() ?? .emptyObject
            guard params.objectValue != nil else {
                throw s["parameters"]?.error("expected a mapping") ?? item.error("bad parameters")
            }
            let forEach: RemediationStep.Repetition
            if let f = s["for-each"] {
                guard try f.string() == "matched" else { throw f.error("'for-each' takes only 'matched'") }
                forEach = .matched
            } else {
                forEach = .once
            }
            let step = RemediationStep(
                operation: op, parameters: params, forEach: forEach, description: try s["description"]?.string() ?? "")
            if let problem = StepCheck.problem(step) { throw (problem.hasPrefix("'") ? opNode : item).error(problem) }
            steps.append(step)
        }
        return Remediation(steps: steps, description: try m["description"]?.string() ?? "")
    }

    static func examples(_ node: YAMLNode, type: String) throws(LoadError) -> PolicyExamples {
        let m = try node.mapping(allowing: ["match", "no-match"])
        func read(_ key: String) throws(LoadError) -> (resources: [Resource], places: [ExamplePlace]) {
            var out: [Resource] = []
            var places: [ExamplePlace] = []
            // Examples need only what the policy reads; id, account and region get neutral defaults.
            for (i, item) in (try m[key]?.list() ?? []).enumerated() {
                out.append(
                    try FixtureLoader.resource(
                        item, defaultAccount: "123456789012", defaultRegion: "us-east-1", defaultType: type,
                        defaultId: "\(key)-\(i + 1)"))
                let at = item.error("")
                places.append(ExamplePlace(file: at.file, keyPath: at.keyPath, line: at.line, column: at.column))
            }
            return (out, places)
        }
        let match = try read("match")
        let noMatch = try read("no-match")
        var examples = PolicyExamples(match: match.resources, noMatch: noMatch.resources)
        examples.matchPlaces = match.places
        examples.noMatchPlaces = noMatch.places
        return examples
    }

    /// A policy's examples run as `remsim validate` runs them, like `opa test`: each one that
    /// misbehaves is a problem at the line that wrote it.
    package static func exampleProblems(_ policy: Policy, at now: Timestamp) -> [LoadError] {
        policy.examples.misbehaving(policy, at: now).map { failure in
            let name = failure.example.name.isEmpty ? failure.example.id : failure.example.name
            let message =
                failure.shouldMatch
                ? "example '\(name)' must match policy '\(policy.id)', but its filters find nothing wrong with it"
                : "example '\(name)' must not match policy '\(policy.id)', but its filters find it"
            guard let place = failure.place else { return LoadError(file: policy.source, message: message) }
            return LoadError(
                file: place.file, keyPath: place.keyPath, line: place.line, column: place.column, message: message)
        }
    }
}
