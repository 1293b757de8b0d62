import CloudModel
import CloudOperations
import Policies

/// A remediation's `cli:` template, read into its steps: the text is split into commands by
/// `ShellWords` and each command read into its call by `CommandReader`.
enum CLITemplateReader {
    static func steps(_ node: YAMLNode) throws(LoadError) -> [RemediationStep] {
        let text = try node.string()
        let commands: [[String]]
        do {
            commands = try ShellWords.commands(text)
        } catch {
            throw node.error("cannot read the command template: \(error.message)")
        }
        guard (1...Remediation.maximumSteps).contains(commands.count) else {
            throw node.error(
                "a remediation has 1 to \(Remediation.maximumSteps) commands, separated by ';', found \(commands.count)"
            )
        }
        var steps: [RemediationStep] = []
        for words in commands {
            do throws(CommandReader.Problem) {
                let call = try CommandReader.call(words)
                let step = RemediationStep(operation: call.operation, parameters: call.parameters)
                // The AWS CLI spells any parameter as an option; one the operation does not take
                // would be refused by AWS (and by remsim's endpoint), so it is refused here.
                if words.first == "aws", let spec = OperationCatalog.spec(named: call.operation) {
                    let known = Set(spec.parameterNames + ["DryRun"])
                    if let unknown = call.parameters.objectValue?.keys.first(where: { !known.contains($0) }) {
                        throw CommandReader.Problem(
                            message: "unknown option --\(CommandRenderer.kebab(unknown)): \(spec.name) takes "
                                + spec.parameterNames.map { "--\(CommandRenderer.kebab($0))" }.joined(separator: ", "))
                    }
                }
                if let problem = StepCheck.problem(step) { throw CommandReader.Problem(message: problem) }
                steps.append(step)
            } catch {
                throw node.error("\(error.message) (in `\(words.joined(separator: " "))`)")
            }
        }
        return steps
    }

}
