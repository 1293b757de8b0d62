import ArgumentParser
import CloudModel
import Loading
import Policies
import PolicyPack
import RemediationEngine
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

    @Option(help: "How long to run the preview.")
    var horizon: String = "7d"

    @Option(help: "table, json or html.")
    var format: Format = .table

    @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output (html defaults to remsim-impact.html).")
    var output: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, html
    }

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    func execute() throws {
        guard let horizon = SimDuration(parsing: horizon), horizon > .zero else {
            Console.error("error: --horizon: expected a duration such as 6h or 7d, found '\(self.horizon)'")
            throw Exit.badInput
        }
        let loaded: Scenario
        let title: String
        do {
            let builtins = try BuiltinPolicies.load()
            if let scenario {
                loaded = try ScenarioLoader(builtins: builtins, paths: limits.confinement).load(file: scenario)
                title = "Enabling auto-remediation for \(InputFiles.display(scenario)):"
            } else {
                guard !fixtures.isEmpty else {
                    Console.error("error: give a scenario file, or --fixtures with the inventory to preview")
                    throw Exit.badInput
                }
                let inventory = try FixtureLoader.load(paths: fixtures)
                var chosen: [Policy] = []
                for ref in policies {
                    if ref == "builtin:all" { chosen += builtins } else if ref.hasPrefix("builtin:") {
                        guard let p = builtins.first(where: { $0.id == String(ref.dropFirst(8)) }) else {
                            Console.error("error: no built-in policy '\(ref.dropFirst(8))' (see `remsim policies list`)")
                            throw Exit.badInput
                        }
                        chosen.append(p)
                    } else {
                        chosen += try PolicyLoader.load(paths: [ref])
                    }
                }
                let rule = AlertRule(name: "preview", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
                loaded = Scenario(name: "impact", inventory: inventory, policies: try PolicyLoader.unique(chosen),
                                  settings: EngineSettings(rules: [rule]), runFor: horizon)
                title = "Enabling auto-remediation on \(fixtures.joined(separator: ", ")) (\(inventory.count) resources, \(chosen.count) policies):"
            }
        } catch let error as LoadError {
            var e = error
            e.file = InputFiles.display(e.file)
            Console.error("error: \(e)")
            throw Exit.badInput
        }
        let preview: ImpactPreview
        do {
            preview = try ImpactPreview(scenario: loaded, horizon: horizon)
        } catch {
            Console.error("error: \(error)")
            throw Exit.badInput
        }
        let report: String
        switch format {
        case .table: report = ImpactReport.text(preview, title: title, style: output == nil ? Console.style : TerminalStyle(colour: false))
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
