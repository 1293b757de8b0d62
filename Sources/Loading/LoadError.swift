/// A problem with an input file, located as precisely as the parser allows:
/// `Scenarios/ssh.yaml:14:7: engine.alert-rules[0].detection.mode: expected one of event, poll, found 'evnt'`.
public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
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

    /// `file:line:col`, or as much of it as is known.
    public var location: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return location
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

/// The problems found in one file, collected rather than thrown, so that one mistake does not
/// hide the next. At most `shownPerFile` are kept for each file; the rest are counted.
struct ProblemList {
    static let shownPerFile = 100

    private(set) var errors: [LoadError] = []
    private var perFile: [String: Int] = [:]

    var isEmpty: Bool { errors.isEmpty }

    /// In the order of each file (by line and column, a problem without a place first), the
    /// files in the order their first problem was found; a file with more problems than are
    /// shown ends with how many more it has.
    var sorted: [LoadError] {
        var fileOrder: [String: Int] = [:]
        for e in errors where fileOrder[e.file] == nil { fileOrder[e.file] = fileOrder.count }
        var out: [LoadError] = []
        let ordered = errors.enumerated().sorted { a, b in
            (fileOrder[a.element.file]!, a.element.line ?? 0, a.element.column ?? 0, a.offset)
                < (fileOrder[b.element.file]!, b.element.line ?? 0, b.element.column ?? 0, b.offset)
        }.map(\.element)
        for (i, e) in ordered.enumerated() {
            out.append(e)
            let count = perFile[e.file] ?? 0
            if count > Self.shownPerFile, i + 1 == ordered.count || ordered[i + 1].file != e.file {
                out.append(LoadError(file: e.file, message: "\(count - Self.shownPerFile)\(Self.notShown)"))
            }
        }
        return out
    }

    /// Every problem recorded, shown or not.
    var count: Int { perFile.values.reduce(0, +) }

    private static let notShown = " more problems not shown"

    mutating func record(_ error: LoadError) {
        // Another list's count of the problems it did not show.
        if error.line == nil, error.message.hasSuffix(Self.notShown),
            let more = Int(error.message.dropLast(Self.notShown.count))
        {
            perFile[error.file, default: 0] += more
            return
        }
        perFile[error.file, default: 0] += 1
        if perFile[error.file]! <= Self.shownPerFile { errors.append(error) }
    }

    mutating func record(_ errors: some Sequence<LoadError>) {
        for error in errors { record(error) }
    }

    /// What `body` returns, or nil with its problem recorded.
    @discardableResult
    mutating func attempt<T>(_ body: () throws(LoadError) -> T) -> T? {
        do {
            return try body()
        } catch {
            record(error)
            return nil
        }
    }
}
