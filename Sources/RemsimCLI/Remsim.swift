import ArgumentParser
import Foundation
import RemsimKit
import Reports

/// The `remsim` command: one subcommand per file in this module.
package struct Remsim: ParsableCommand {
    /// `0.1.0 (commit 90e8411…)`: the version and the commit the binary was built from.
    package static let version =
        ScenarioSuite.remsimVersion + " (" + (buildCommit.map { "commit \($0)" } ?? "not built from a git checkout")
        + ")"

    package static let configuration = CommandConfiguration(
        commandName: "remsim",
        abstract: "Simulate and test cloud auto-remediation policies before they run in production.",
        discussion: """
            Exit codes:
              0    everything passed
              1    a scenario's expectation failed, or it stopped during its run (run), or a regression past --fail-on (compare)
              2    bad input: a file, key or reference that is wrong (the message names the file, key path and line:col), or a bad flag or value
              3    the run database could not be opened, read or written, or is damaged
              130  replay interrupted (Ctrl-C or SIGTERM)
            """,
        version: version,
        subcommands: [
            RunCommand.self, ValidateCommand.self, ImpactCommand.self, HistoryCommand.self, CompareCommand.self,
            ReportCommand.self, MergeCommand.self, ReplayCommand.self, PoliciesCommand.self,
            GenerateCommand.self, ImportCommand.self, ServeCommand.self,
        ]
    )

    package init() {}

    /// Runs the command line. What a command throws becomes its messages and exit code in one
    /// place (`Exit.outcome`); a flag or value that is wrong is bad input like any other and
    /// exits 2, not ArgumentParser's 64.
    package static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
            ProgressLine.current.finish()
        } catch {
            ProgressLine.current.finish()
            if let (messages, code) = Exit.outcome(of: error) {
                for message in messages { Console.error("error: \(message)") }
                if GitHubAnnotation.enabled(environment: ProcessInfo.processInfo.environment) {
                    for annotation in Exit.annotations(of: error) { Console.error(annotation.description) }
                }
                Foundation.exit(code.rawValue)
            }
            if exitCode(for: error) == .validationFailure {
                Console.error(fullMessage(for: error))
                Foundation.exit(Exit.badInput.rawValue)
            }
            exit(withError: error)
        }
    }
}
