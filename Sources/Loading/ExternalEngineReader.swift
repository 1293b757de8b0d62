import CloudModel
import CloudOperations
import Foundation
import RemediationEngine
import Simulation

/// Reads a scenario's `engine.external`: programs that remediate at simulated times.
///
/// ```yaml
/// external:
///   - name: custodian                          # the actor its calls are recorded under
///     command: custodian run -s out sg.yml     # words as a shell splits them, or a list; no shell runs it
///     every: 30m                               # and first: 10m (default: every)
///     environment: {C7N_SKIP_VERSION_CHECK: "1"}
///   - name: runbook                            # or a Python handler, invoked with an event
///     handler: handlers/runbook.py:handler
///     event: prisma-alert                      # scheduled (the default) or prisma-alert
///     alert-rules: [detect-only]               # prisma-alert: whose alerts reach its queue (all by default)
///     bucket: reports-bucket                   # s3-violations-csv: where remsim writes the reports
///     python: python3                          # the interpreter (the default), with boto3
///     every: 1m
/// ```
enum ExternalEngineReader {
    static let keys = [
        "name", "command", "handler", "event", "alert-rules", "bucket", "python", "every", "first", "environment",
        "disruption",
    ]

    /// `base` is the scenario's folder, where the program runs; a word of its command that is a
    /// relative path to something there (a script, a policy file) must stay inside `root`, as must
    /// a handler's file. `ruleNames` are the scenario's alert rules and `buckets` its S3 buckets'
    /// names, when they were read.
    static func engines(
        _ node: YAMLNode, runFor: SimDuration?, base: String, root: PathConfinement.Root?, ruleNames: [String]?,
        buckets: Set<String>? = nil
    )
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
            if m["command"] != nil, let handlerNode = m["handler"] {
                throw handlerNode.error("an engine is a command or a handler, not both")
            }
            if let handlerNode = m["handler"] {
                let (command, handler) = try Self.handler(
                    handlerNode, m, base: base, root: root, ruleNames: ruleNames, buckets: buckets)
                let (first, every) = try Self.schedule(m, runFor: runFor)
                var engine = ExternalEngine(
                    name: name, command: command, first: first, every: every,
                    environment: try Self.environment(m, entry), origin: entry.location, handler: handler)
                engine.disruption = try Self.disruption(m)
                engines.append(engine)
                continue
            }
            for key in ["event", "alert-rules", "bucket", "python"] {
                if let n = m[key] { throw n.error("'\(key)' is for a handler (handler: file.py:function)") }
            }
            guard let commandNode = m["command"] else { throw entry.error("an engine needs 'command' or 'handler'") }
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
            let (first, every) = try Self.schedule(m, runFor: runFor)
            var engine = ExternalEngine(
                name: name, command: command, first: first, every: every,
                environment: try Self.environment(m, entry), origin: entry.location)
            engine.disruption = try Self.disruption(m)
            engines.append(engine)
        }
        return engines
    }

    /// `disruption: {mode: block, threshold: medium}`, as an alert rule has it, but for approval:
    /// a program's call cannot wait for a person.
    static func disruption(_ m: YAMLMapping) throws(LoadError) -> DisruptionSettings {
        let settings = try ControlsReader.disruption(m)
        if settings.mode == .approve, let node = m["disruption"] {
            throw node.error("an external engine's calls cannot wait for approval: mode is warn or block")
        }
        return settings
    }

    static func schedule(_ m: YAMLMapping, runFor: SimDuration?) throws(LoadError) -> (SimDuration, SimDuration) {
        let everyNode = try m.required("every")
        let every = try everyNode.duration()
        guard every > .zero else { throw everyNode.error("'every' must be longer than 0s") }
        let first = try m["first"]?.duration() ?? every
        if let runFor, first > runFor, let node = m["first"] ?? m["every"] {
            throw node.error("the first run at \(first) is after the end of the run (run-for: \(runFor))")
        }
        return (first, every)
    }

    static func environment(_ m: YAMLMapping, _ entry: YAMLNode) throws(LoadError) -> [String: String] {
        let environment = try m["environment"]?.stringMap() ?? [:]
        for key in environment.keys where key.hasPrefix("AWS_") || key.hasPrefix("REMSIM_") {
            throw (m["environment"] ?? entry).error(
                "\(key) is set by remsim for the engine (the endpoint's URL, keys and region)")
        }
        return environment
    }

    /// `handler: path/file.py:function`: the file must be there, inside the tree; the function a
    /// Python name.
    static func handler(
        _ node: YAMLNode, _ m: YAMLMapping, base: String, root: PathConfinement.Root?, ruleNames: [String]?,
        buckets: Set<String>?
    ) throws(LoadError) -> ([String], ExternalEngine.Handler) {
        let text = try node.string()
        guard let colon = text.lastIndex(of: ":"), text[..<colon].hasSuffix(".py") else {
            throw node.error("a handler is 'file.py:function', found '\(text)'")
        }
        let file = String(text[..<colon])
        let function = String(text[text.index(after: colon)...])
        guard let head = function.first, head.isLetter || head == "_",
            function.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else {
            throw node.error("'\(function)' is not a Python function name")
        }
        let path = InputFiles.resolve(file, relativeTo: base)
        do {
            try root?.checkRead(path)
        } catch {
            throw node.error(error.message)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw node.error("the handler's file \(file) is not there")
        }
        let eventNode = m["event"]
        let eventName = try eventNode?.string() ?? "scheduled"
        guard let event = ExternalEngine.Event(rawValue: eventName) else {
            throw (eventNode ?? node).error(
                "unknown event '\(eventName)': \(ExternalEngine.Event.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        var alertRules: [String] = []
        if let rulesNode = m["alert-rules"] {
            guard event == .prismaAlert || event == .s3ViolationsCSV else {
                throw rulesNode.error(
                    "'alert-rules' chooses the alerts a prisma-alert or s3-violations-csv handler gets")
            }
            for n in try rulesNode.list() {
                let rule = try n.string()
                if let ruleNames, !ruleNames.contains(rule) {
                    throw n.error("no alert rule is named '\(rule)' (\(ruleNames.joined(separator: ", ")))")
                }
                alertRules.append(rule)
            }
        }
        var bucket: String? = nil
        if event == .s3ViolationsCSV {
            let bucketNode = try m.required("bucket")
            let name = try bucketNode.string()
            if let buckets, !buckets.contains(name) {
                throw bucketNode.error("no aws.s3 bucket of the fixtures is named '\(name)'")
            }
            bucket = name
        } else if let bucketNode = m["bucket"] {
            throw bucketNode.error("'bucket' is where an s3-violations-csv handler's reports are written")
        }
        let python = try m["python"]?.string() ?? "python3"
        guard !python.isEmpty, !python.contains(" ") else {
            throw (m["python"] ?? node).error("'python' names one interpreter, found '\(python)'")
        }
        return (
            [python, text],
            ExternalEngine.Handler(
                file: file, function: function, python: python, event: event, alertRules: alertRules, bucket: bucket)
        )
    }
}
