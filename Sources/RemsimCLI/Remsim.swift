import ArgumentParser

/// The `remsim` command: one subcommand per file in this module.
public struct Remsim: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "remsim",
        abstract: "Simulate and test cloud auto-remediation policies before they run in production.",
        discussion: """
            Exit codes:
              0  everything passed
              1  a scenario's expectation failed (run), or a regression past --fail-on (compare)
              2  bad input: a file, key or reference that is wrong (the message names the file, key path and line:col)
              3  the run database could not be opened or written
            """,
        version: version,
        subcommands: [RunCommand.self, ValidateCommand.self, ImpactCommand.self, HistoryCommand.self, CompareCommand.self, ReportCommand.self, MergeCommand.self, ReplayCommand.self, PoliciesCommand.self,
                      GenerateCommand.self, ImportCommand.self]
    )

    public init() {}
}

/// The exit codes every command shares.
enum Exit {
    static let assertionFailed = ExitCode(1)
    static let badInput = ExitCode(2)
    static let databaseError = ExitCode(3)
    /// Stopped by SIGINT or SIGTERM, as a shell reports a program Ctrl-C ended.
    static let interrupted = ExitCode(130)
}
