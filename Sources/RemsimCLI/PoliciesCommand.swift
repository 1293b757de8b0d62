import ArgumentParser
import CloudModel
import Loading
import Policies
import PolicyPack
import Reports
import Simulation

struct PoliciesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policies",
        abstract: "List and show policies: the built-in pack, and files of your own.",
        subcommands: [List.self, Show.self]
    )

    struct Options: ParsableArguments {
        @Option(
            name: .customLong("policies"),
            help: "Policy files or directories to include besides the built-in pack (repeatable).")
        var paths: [String] = []

        @Option(help: "text or json.")
        var format: TextOrJSON = .text

        func load() throws -> [Policy] {
            try PolicyLoader.unique(try BuiltinPolicies.load() + PolicyLoader.load(paths: paths))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List policies: id, severity, resource type, remediation steps, title, compliance ids.")
        @OptionGroup var options: Options
        @Option(help: "Only the policies of one cloud: \(Cloud.allCases.map(\.rawValue).joined(separator: ", ")).")
        var cloud: Cloud?
        @Option(
            help: "Only the policies mapped to a framework or control, by prefix (CIS-Azure-2.0, NIST-800-53/SC-7).")
        var compliance: String?
        @Flag(help: "Only the policies that carry a remediation.")
        var remediable = false
        func run() throws {
            let policies = try options.load().filter { p in
                (cloud.map { p.resourceType.hasPrefix($0.rawValue + ".") } ?? true)
                    && (compliance.map { prefix in p.compliance.contains { $0.hasPrefix(prefix) } } ?? true)
                    && (!remediable || p.isRemediable)
            }
            Console.out(options.format == .json ? PolicyReport.listJSON(policies) : PolicyReport.list(policies))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one policy: filters, compliance ids, remediation steps and the command each renders to.")
        @Argument(help: "The policy id.")
        var id: String
        @OptionGroup var options: Options
        func run() throws {
            let policies = try options.load()
            guard let policy = policies.first(where: { $0.id == id }) else {
                let near = policies.map(\.id).filter { $0.contains(id) || id.contains($0) }
                throw BadInput(
                    "no policy '\(id)'\(near.isEmpty ? "" : "; similar: \(near.joined(separator: ", "))") (see "
                        + "`remsim policies list`)"
                )
            }
            Console.out(
                options.format == .json
                    ? PolicyReport.showJSON(policy, at: Scenario.defaultStart)
                    : PolicyReport.show(policy, at: Scenario.defaultStart))
        }
    }
}

extension Cloud: ExpressibleByArgument {}
