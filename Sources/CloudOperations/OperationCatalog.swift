import CloudModel

/// Every operation remsim models, by name. A remediation step naming anything else is refused
/// when its policy is loaded, and a call the simulated cloud receives for anything else fails
/// with `UnsupportedOperation`: a remediation is never silently a no-op.
package enum OperationCatalog {
    package static let all: [OperationSpec] = aws + azure + gcp

    private static let byName: [String: OperationSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    package static func spec(named name: String) -> OperationSpec? { byName[name] }

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

    /// The commands `program` can run here, for error messages.
    package static func commandLines(program: String) -> [String] {
        all.flatMap { $0.commands.filter { $0.program == program }.map(\.commandLine) }
    }
}
