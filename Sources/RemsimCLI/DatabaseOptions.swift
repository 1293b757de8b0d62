import ArgumentParser

/// `--db`, shared by every command that reads or writes the run database.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The run database.")
    var db: String = ".remsim/runs.sqlite"
}

/// `--format text|json` for commands whose report is text for people or JSON for programs.
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text, json

    /// `table` is what these commands once called text; it is still read as text.
    init?(argument: String) {
        self.init(rawValue: argument == "table" ? "text" : argument)
    }
}
