import ArgumentParser
import CloudModel

/// `--param NAME=VALUE`, repeatable: values of the remediation parameters the policies take
/// (`impact` over fixtures, the scenario an `import` of a history writes).
struct ParameterOptions: ParsableArguments {
    @Option(
        name: .customLong("param"),
        help: ArgumentHelp(
            "A value for a remediation parameter, NAME=VALUE (repeatable): "
                + "--param logBucket='my-logs-${account}-${region}'."))
    var given: [String] = []

    /// The values, each a string.
    func values() throws -> [String: Value] {
        var values: [String: Value] = [:]
        for text in given {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw BadInput("--param: expected NAME=VALUE, found '\(text)'")
            }
            values[parts[0]] = .string(parts[1])
        }
        return values
    }
}
