import ArgumentParser
import CloudModel
import Loading
import Policies
import PolicyPack
import RemsimKit
import Reports
import Simulation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files (and the fixtures and policies they name) without running them.",
        discussion: """
            Reports every problem found, each with its file, key path and line:col, and runs the examples of \
            every policy that is not built in (a `match` example the policy does not find, or a `no-match` \
            example it does, is a problem at its line). Exit code 2 when there is any. \
            Also reports, as warnings, pairs of policies (built-in, named by the scenarios, or given with --policies) \
            whose remediations undo each other, shown on their examples.
            """
    )

    @Argument(help: "Scenario files or directories.")
    var paths: [String] = ["Scenarios"]

    @Option(name: .customLong("policies"), help: "Policy files or directories to check as well (repeatable).")
    var policyPaths: [String] = []

    @Option(help: "text, json or sarif (one document on standard output: the problems and warnings found).")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    /// `--format sarif`: problems as invalid-file results at their lines, conflicts as warnings.
    static func sarif(problems: [LoadError], conflicts: [String], unknownKeys: [(text: String, origin: String)])
        -> String
    {
        let findings =
            problems.map { e in
                SARIFReport.Finding(
                    .invalidFile, message: e.keyPath.isEmpty ? e.message : "\(e.keyPath): \(e.message)",
                    file: InputFiles.display(e.file), line: e.line, column: e.column)
            } + conflicts.map { SARIFReport.Finding(.policyConflict, message: $0) }
            + unknownKeys.map { SARIFReport.Finding(.unknownFilterKey, message: $0.text, origin: $0.origin) }
        return SARIFReport.log(findings, version: ScenarioSuite.remsimVersion)
    }

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Fixture cache")
    var cacheOptions: CacheOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    /// `--format json`: every problem with its file, key path, line and column, and every warning.
    static func json(
        scenarios: Int, policies: Int, problems: [LoadError], warnings: [String], files: [PolicyLoader.FileReport] = []
    ) -> String {
        let listed: [Value] = problems.map { e in
            [
                "file": .string(InputFiles.display(e.file)), "keyPath": .string(e.keyPath),
                "line": e.line.map { .int($0) } ?? .null, "column": e.column.map { .int($0) } ?? .null,
                "message": .string(e.message),
            ]
        }
        let document: Value = [
            "valid": .bool(problems.isEmpty), "scenarios": .int(scenarios), "policies": .int(policies),
            "problems": .array(listed), "warnings": .array(warnings.map(Value.string)),
            "policyFiles": .array(
                files.map { f in
                    [
                        "file": .string(InputFiles.display(f.file)), "loaded": .bool(f.problems.isEmpty),
                        "policies": .array(
                            f.policies.map { p in
                                [
                                    "id": .string(p.id), "format": .string(p.format),
                                    "origin": p.origin.map(Value.string) ?? .null,
                                    "remediation": .bool(p.isRemediable), "notes": .array(p.notes.map(Value.string)),
                                ]
                            }),
                        "problems": .int(f.problems.count),
                    ]
                }),
        ]
        return document.jsonText
    }

    /// `policies: 14 files, 16 policies loaded (12 translated from Prisma RQL, 2 without their
    /// remediation), 1 file refused`.
    static func summary(of files: [PolicyLoader.FileReport]) -> String {
        let loaded = files.flatMap(\.policies)
        let prisma = loaded.filter { $0.format == "prisma" }.count
        let withoutRemediation = loaded.filter(\.remediationRefused).count
        let refused = files.filter { !$0.problems.isEmpty }.count
        var parts: [String] = []
        if prisma > 0 { parts.append("\(prisma) translated from Prisma RQL") }
        if withoutRemediation > 0 { parts.append("\(withoutRemediation) without their remediation") }
        var text =
            "policies: \(files.count) file\(files.count == 1 ? "" : "s"), \(loaded.count) "
            + "polic\(loaded.count == 1 ? "y" : "ies") loaded"
        if !parts.isEmpty { text += " (\(parts.joined(separator: ", ")))" }
        return text + ", \(refused) file\(refused == 1 ? "" : "s") refused"
    }

    func execute() throws {
        var scenarios: [Scenario] = []
        var errors: [LoadError] = []
        do {
            defer { ProgressLine.current.finish() }
            scenarios = try ScenarioSuite.loadShowingProgress(
                paths, confinement: limits.confinement, cache: cacheOptions.cache
            ).scenarios
        } catch {
            errors = error.errors
        }
        var policyCount = 0
        var userPolicies: [Policy] = []
        var files: [PolicyLoader.FileReport] = []
        if !policyPaths.isEmpty {
            let (reports, problems) = PolicyLoader.fileReports(paths: policyPaths)
            files = reports
            userPolicies = reports.flatMap(\.policies)
            policyCount = userPolicies.count
            errors += reports.flatMap(\.problems) + problems
            if format == .text {
                for report in reports { Console.out("\(InputFiles.display(report.file)): \(report.summary)") }
                Console.out(Self.summary(of: reports))
            }
        }
        // The users' own policies (given, or named by scenarios), each once.
        var seen: Set<String> = []
        let own = (userPolicies + scenarios.flatMap(\.policies)).filter {
            !$0.source.hasPrefix("builtin:") && seen.insert($0.id).inserted
        }
        // What a policy's file held that was not loaded (a Prisma template naming what remsim
        // does not model) is a warning: the policy detects, but will not remediate.
        let notes = own.flatMap { policy in
            policy.notes.map { "\(policy.id) (\(InputFiles.display(policy.source))): \($0)" }
        }
        for note in notes { Console.error(Console.errorStyle.yellow("warning: ") + note) }
        // They run their examples, as the built-in pack's run in remsim's tests.
        for policy in own { errors += PolicyLoader.exampleProblems(policy, at: Scenario.defaultStart) }
        guard errors.isEmpty else {
            switch format {
            case .json:
                Console.out(
                    Self.json(
                        scenarios: scenarios.count, policies: policyCount, problems: errors, warnings: notes,
                        files: files))
            case .sarif: Console.out(Self.sarif(problems: errors, conflicts: [], unknownKeys: []))
            case .text: break
            }
            throw LoadErrors(errors)
        }
        var all: [String: Policy] = [:]
        for p in (try? BuiltinPolicies.load()) ?? [] { all[p.id] = p }
        for p in scenarios.flatMap(\.policies) + userPolicies { all[p.id] = p }
        // Filter keys no known resource of the type has, where one it has is close: a typo that
        // would make the policy silently never fire, or a `where` expectation hold whatever
        // happens. Known resources: the scenarios' fixtures and every policy's examples; known
        // keys: those the built-in pack reads for the type.
        let expectations = scenarios.flatMap { scenario in
            scenario.expectations.compactMap { e -> (filters: [Filter], type: String, origin: String)? in
                guard case .matches(let id, let filters, _) = e.check, let type = scenario.inventory[id]?.type
                else { return nil }
                return (filters, type, e.origin)
            }
        }
        let types = Set(own.map(\.resourceType) + expectations.map(\.type))
        var samples: [String: [Resource]] = [:]
        var knownKeys: [String: Set<String>] = [:]
        for type in types {
            samples[type] =
                scenarios.flatMap { $0.inventory.resources(ofType: type) }
                + all.values.flatMap { p in (p.examples.match + p.examples.noMatch).filter { $0.type == type } }
            knownKeys[type] = FilterKeyCheck.keys(
                of: all.values.filter { $0.source.hasPrefix("builtin:") && $0.resourceType == type })
        }
        var typos: [(text: String, origin: String)] = []
        for policy in own {
            let type = policy.resourceType
            typos += FilterKeyCheck.warnings(policy, samples: samples[type] ?? [], known: knownKeys[type] ?? [])
                .map { ("\(policy.id) (\(InputFiles.display(policy.source))): filter key \($0)", "") }
        }
        for e in expectations {
            typos += FilterKeyCheck.warnings(
                e.filters, type: e.type, samples: samples[e.type] ?? [], known: knownKeys[e.type] ?? []
            ).map { ("\(e.origin): where key \($0)", e.origin) }
        }
        for t in typos { Console.error(Console.errorStyle.yellow("warning: ") + t.text) }
        let conflicts = PolicyConflicts.find(in: all.values.sorted { $0.id < $1.id }, at: Scenario.defaultStart)
        for c in conflicts { Console.error(Console.errorStyle.yellow("warning: ") + c.description) }
        if format == .sarif {
            Console.out(Self.sarif(problems: [], conflicts: conflicts.map(\.description), unknownKeys: typos))
            return
        }
        if format == .json {
            Console.out(
                Self.json(
                    scenarios: scenarios.count, policies: policyCount, problems: [],
                    warnings: notes + typos.map(\.text) + conflicts.map(\.description), files: files))
            return
        }
        var text = "\(scenarios.count) scenario\(scenarios.count == 1 ? "" : "s") valid"
        if !policyPaths.isEmpty { text += ", \(policyCount) polic\(policyCount == 1 ? "y" : "ies") valid" }
        if !conflicts.isEmpty {
            text += "; \(conflicts.count) pair\(conflicts.count == 1 ? "" : "s") of policies undo each other"
        }
        Console.out(Console.style.green(text))
    }
}
