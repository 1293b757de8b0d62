import ArgumentParser
import Loading
import PolicyPack

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files (and the fixtures and policies they name) without running them.",
        discussion: "Reports every problem found, each with its file, key path and line:col. Exit code 2 when there is any."
    )

    @Argument(help: "Scenario files or directories.")
    var paths: [String] = ["Scenarios"]

    @Option(name: .customLong("policies"), help: "Policy files or directories to check as well (repeatable).")
    var policyPaths: [String] = []

    func run() throws {
        var (scenarios, errors) = SuiteLoader(paths: paths).load()
        var policyCount = 0
        for path in policyPaths {
            do {
                policyCount += try PolicyLoader.load(paths: [path]).count
            } catch {
                var e = error
                e.file = InputFiles.display(e.file)
                errors.append(e)
            }
        }
        for e in errors { Console.error("error: \(e)") }
        guard errors.isEmpty else { throw Exit.badInput }
        var text = "\(scenarios.count) scenario\(scenarios.count == 1 ? "" : "s") valid"
        if !policyPaths.isEmpty { text += ", \(policyCount) polic\(policyCount == 1 ? "y" : "ies") valid" }
        Console.out(Console.style.green(text))
    }
}
