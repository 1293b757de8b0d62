import ArgumentParser
import CloudModel
import Loading
import Policies
import PolicyPack
import RemediationEngine
import RemsimKit
import Reports
import Simulation

struct ImpactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impact",
        abstract: "What enabling auto-remediation would do to an inventory, before it is enabled.",
        discussion: """
            Give a scenario file (its fixtures, policies and alert rules, with their controls and disruption \
            modes; its timeline and expectations are ignored), or --fixtures and --policies for one rule over \
            everything. Every rule remediates, nothing is injected, and the engine runs until --horizon: the \
            report lists the open alerts, each resource it would change with the properties before and after \
            and the commands, the disruption warnings, what the controls held back, and how long the backlog \
            takes to clear.
            """
    )

    @Argument(help: "A scenario file whose fixtures, policies and rules to preview.")
    var scenario: String?

    @Option(help: "Fixture files or directories, when no scenario is given (repeatable).")
    var fixtures: [String] = []

    @Option(help: "Policies when no scenario is given: builtin:all, builtin:ID, or files (repeatable).")
    var policies: [String] = ["builtin:all"]

    @OptionGroup(title: "Remediation parameters")
    var parameters: ParameterOptions

    @Option(help: "How long to run the preview.")
    var horizon: String = "7d"

    @Option(help: "table, json or html.")
    var format: Format = .table

    @Option(
        name: .shortAndLong,
        help: "Write the report to this file instead of standard output (html defaults to remsim-impact.html).")
    var output: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, html
    }

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Fixture cache")
    var cacheOptions: CacheOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    func execute() throws {
        guard let horizon = SimDuration(parsing: horizon), horizon > .zero else {
            throw BadInput("--horizon: expected a duration such as 6h or 7d, found '\(self.horizon)'")
        }
        if scenario != nil, !parameters.given.isEmpty {
            throw BadInput("--param is for --fixtures and --policies; a scenario sets its own 'parameters'")
        }
        let values = try parameters.values()
        let request: ImpactRequest =
            scenario.map { .scenario($0) } ?? .inventory(fixtures: fixtures, policies: policies, parameters: values)
        let (loaded, title) = try request.scenario(
            horizon: horizon, confinement: limits.confinement, fixtureCache: cacheOptions.cache)
        let preview = try ImpactPreview(scenario: loaded, horizon: horizon)
        let report: String
        switch format {
        case .table:
            report = ImpactReport.text(
                preview, title: title, style: output == nil ? Console.style : TerminalStyle(colour: false))
        case .json: report = ImpactReport.json(preview)
        case .html: report = ImpactReport.html(preview, title: title)
        }
        if let file = output ?? (format == .html ? "remsim-impact.html" : nil) {
            try Console.writeFile(file, report)
            Console.error("wrote \(file)")
        } else {
            Console.out(report)
        }
    }
}
