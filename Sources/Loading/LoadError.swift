/// A problem with an input file, located as precisely as the parser allows:
/// `Scenarios/ssh.yaml:14:7: engine.alert-rules[0].detection.mode: expected one of event, poll, found 'evnt'`.
public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Where in the document: `timeline[2].with.port`; empty for the whole file.
    public var keyPath: String
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(file: String, keyPath: String = "", line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

/// Several problems found in one pass (`remsim validate` reports them all, not just the first).
public struct LoadErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [LoadError]
    public init(_ errors: [LoadError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
