import CloudModel

/// Every operation remsim models, by name. A remediation step naming anything else is refused
/// when its policy is loaded, and a call the simulated cloud receives for anything else fails
/// with `UnsupportedOperation`: a remediation is never silently a no-op.
package enum OperationCatalog {
    /// The operations remsim models, plus any added for the current task (`withAdded`).
    package static var all: [OperationSpec] { added.isEmpty ? builtIn : builtIn + added }

    package static let builtIn: [OperationSpec] = aws + azure + gcp

    /// Operations added for the current task (`withAdded`).
    @TaskLocal package static var added: [OperationSpec] = []

    private static let byName: [String: OperationSpec] = Dictionary(
        builtIn.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    package static func spec(named name: String) -> OperationSpec? { byName[name] ?? added.first { $0.name == name } }

    /// Runs `body` with `types` and `operations` modelled besides remsim's own: everything that
    /// reads the registry and the catalog (loaders, the engine, the simulated cloud, the command
    /// renderer and reader, the schema lists) sees them, for this task only.
    package static func withAdded<T>(types: [ResourceType], operations: [OperationSpec], _ body: () throws -> T)
        rethrows -> T
    {
        try ResourceTypeRegistry.$added.withValue(ResourceTypeRegistry.added + types) {
            try $added.withValue(added + operations, operation: body)
        }
    }

    package static var names: [String] { all.map(\.name) }

    /// The operation and command shape a command of `program` (`az`, `gcloud`, `gsutil`) runs:
    /// the shape whose command words begin `words`, the longest when several do.
    package static func command(program: String, words: [String]) -> (spec: OperationSpec, shape: CLIShape)? {
        var best: (spec: OperationSpec, shape: CLIShape)?
        for spec in all {
            for shape in spec.commands where shape.program == program && words.starts(with: shape.command) {
                if shape.command.count > best?.shape.command.count ?? 0 { best = (spec, shape) }
            }
        }
        return best
    }

    /// Whether `words` are the start of one of `program`'s commands.
    package static func continuesCommand(program: String, _ words: [String]) -> Bool {
        all.contains { spec in spec.commands.contains { $0.program == program && $0.command.starts(with: words) } }
    }

    /// The commands `program` can run here, for error messages.
    package static func commandLines(program: String) -> [String] {
        all.flatMap { $0.commands.filter { $0.program == program }.map(\.commandLine) }
    }
}
