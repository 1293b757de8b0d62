import CloudModel
import CloudOperations
import Foundation
import Simulation

/// Reads a scenario's `engine.external`: programs that remediate at simulated times.
///
/// ```yaml
/// external:
///   - name: custodian                          # the actor its calls are recorded under
///     command: custodian run -s out sg.yml     # words as a shell splits them, or a list; no shell runs it
///     every: 30m                               # and first: 10m (default: every)
///     environment: {C7N_SKIP_VERSION_CHECK: "1"}
/// ```
enum ExternalEngineReader {
    static let keys = ["name", "command", "every", "first", "environment"]

    /// `base` is the scenario's folder, where the program runs; a word of its command that is a
    /// relative path to something there (a script, a policy file) must stay inside `root`.
    static func engines(_ node: YAMLNode, runFor: SimDuration?, base: String, root: PathConfinement.Root?)
        throws(LoadError) -> [ExternalEngine]
    {
        var engines: [ExternalEngine] = []
        for entry in try node.list() {
            let m = try entry.mapping(allowing: keys)
            let nameNode = try m.required("name")
            let name = try nameNode.string()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw nameNode.error("an engine's name is letters, digits, '-', '_' and '.', found '\(name)'")
            }
            if engines.contains(where: { $0.name == name }) {
                throw nameNode.error("external engine '\(name)' is defined twice")
            }
            let commandNode = try m.required("command")
            let command: [String]
            if case .some(let words) = try? commandNode.list() {
                command = try words.map { (w) throws(LoadError) in try w.string() }
            } else {
                let text = try commandNode.string()
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw commandNode.error("the command is empty")
                }
                do {
                    let commands = try ShellWords.commands(text)
                    guard commands.count == 1 else {
                        throw commandNode.error(
                            "one command, run without a shell; for several, write a script and name it here")
                    }
                    command = commands[0]
                } catch let problem as ShellWords.Problem {
                    throw commandNode.error(problem.message)
                } catch {
                    throw error as? LoadError ?? commandNode.error("\(error)")
                }
            }
            guard let program = command.first, !program.isEmpty else {
                throw commandNode.error("the command is empty")
            }
            for word in command
            where word.contains("/") && !word.hasPrefix("/") && !word.hasPrefix("-")
                && !word.contains("://") && !word.contains("${")
            {
                let path = InputFiles.resolve(word, relativeTo: base)
                guard FileManager.default.fileExists(atPath: path) else { continue }
                do {
                    try root?.checkRead(path)
                } catch {
                    throw commandNode.error(error.message)
                }
            }
            let everyNode = try m.required("every")
            let every = try everyNode.duration()
            guard every > .zero else { throw everyNode.error("'every' must be longer than 0s") }
            let first = try m["first"]?.duration() ?? every
            if let runFor, first > runFor, let node = m["first"] ?? m["every"] {
                throw node.error("the first run at \(first) is after the end of the run (run-for: \(runFor))")
            }
            let environment = try m["environment"]?.stringMap() ?? [:]
            for key in environment.keys where key.hasPrefix("AWS_") || key.hasPrefix("REMSIM_") {
                throw (m["environment"] ?? entry).error(
                    "\(key) is set by remsim for the engine (the endpoint's URL, keys and region)")
            }
            engines.append(
                ExternalEngine(
                    name: name, command: command, first: first, every: every, environment: environment,
                    origin: entry.location))
        }
        return engines
    }
}
