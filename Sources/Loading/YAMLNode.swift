import CloudModel
import Foundation
import Simulation
import Yams

/// A node of a parsed YAML (or JSON) document together with where it came from, so that every
/// complaint about it names the file, the key path and the line and column.
///
/// Readers ask for the shape they need (`mapping(allowing:)`, `string()`, `duration()`) and get
/// either that or a `LoadError` that says what was expected and what was found.
struct YAMLNode {
    let node: Node
    let file: String
    let path: String
    /// Lines before this document in its file: a line of newline-delimited JSON is parsed alone.
    var lineOffset = 0

    /// Another node of the same document.
    func derived(_ node: Node, path: String) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path, lineOffset: lineOffset)
    }

    /// This document, as the `line`th line of its file.
    func onLine(_ line: Int) -> YAMLNode {
        YAMLNode(node: node, file: file, path: path, lineOffset: line - 1)
    }

    /// Parses a whole file. Bytes that are not UTF-8 and YAML syntax errors become `LoadError`s.
    /// Parses a document; `lists` limits the length of lists by key path while it streams in
    /// (`timeline` for a scenario), before anything is built.
    static func parse(file: String, data: Data, lists: [String: YAMLGuard.ListLimit] = [:]) throws(LoadError)
        -> YAMLNode
    {
        let limits = Limits.current
        try checkSize(data.count, file: file, limits: limits)
        let root: Node?
        do {
            root = try YAMLGuard.withLimits(limits) { () throws -> Node? in
                // Counted first, from the bytes: nothing, not even the text, is made of a file
                // over a limit.
                try YAMLGuard.check(data, file: file, limits: limits, lists: lists)
                guard let text = String(data: data, encoding: .utf8) else {
                    let (line, column) = Self.firstInvalidUTF8(data)
                    throw LoadError(
                        file: file, line: line, column: column,
                        message: "the file is not valid UTF-8 text (the first bad byte is here)")
                }
                // Composed with no tag rules: mapping keys, which Yams resolves to find
                // duplicates, are only ever read as text (so `1` and `'1'` are one key), and a
                // value's tag is worked out from its text when it is read (`tagName`), without the
                // default rules' regular expressions.
                return try Yams.compose(yaml: text, Resolver.basic)
            }
        } catch let error as LoadError {
            throw error
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping = error, let located = YAMLGuard.duplicateKey(in: data, file: file) {
                throw located
            }
            throw Self.describe(error, file: file, limits: limits)
        } catch {
            throw LoadError(file: file, message: "cannot parse: \(error)")
        }
        guard let root else { throw LoadError(file: file, message: "the file is empty") }
        return YAMLNode(node: root, file: file, path: "")
    }

    static func read(file: String, lists: [String: YAMLGuard.ListLimit] = [:]) throws(LoadError) -> YAMLNode {
        try parse(file: file, data: try readData(file: file), lists: lists)
    }

    /// Line and column (1-based, in bytes) of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int) {
        let offset = firstInvalidUTF8Offset(data) ?? data.count
        let before = data.prefix(offset)
        let lineStart = before.lastIndex(of: 0x0A).map { $0 - data.startIndex + 1 } ?? 0
        return (before.count { $0 == 0x0A } + 1, offset - lineStart + 1)
    }

    /// The offset of the first byte that is not valid UTF-8, or nil when all are.
    static func firstInvalidUTF8Offset(_ bytes: some Collection<UInt8>) -> Int? {
        var offset = 0
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }

    /// A file's bytes, refusing one larger than `Limits.maxFileBytes` before reading it.
    static func readData(file: String) throws(LoadError) -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        if let size = attributes?[.size] as? Int { try checkSize(size, file: file, limits: Limits.current) }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw LoadError(
                file: file,
                message:
                    "cannot read the file: "
                    + "\(FileManager.default.fileExists(atPath: file) ? "permission denied or not a file" : "no such file")"
            )
        }
    }

    static func checkSize(_ bytes: Int, file: String, limits: Limits) throws(LoadError) {
        guard bytes > limits.maxFileBytes else { return }
        throw LoadError(
            file: file,
            message:
                "the file is \(ByteCount(bytes)), over the limit of \(ByteCount(limits.maxFileBytes)) (raise it "
                + "with --max-file-size)"
        )
    }

    private static func describe(_ error: YamlError, file: String, limits: Limits) -> LoadError {
        switch error {
        case .scanner(_, let problem, let mark, _) where problem.contains("Maximum nesting level"),
            .parser(_, let problem, let mark, _) where problem.contains("Maximum nesting level"):
            return LoadError(
                file: file, line: mark.line, column: mark.column,
                message: "nested more than \(limits.maxDepth) levels deep (raise the limit with --max-depth)")
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let what = context.map { "\($0.text): \(problem)" } ?? problem
            return LoadError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return LoadError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.map { Self.quoted($0) }.joined(separator: ", ")) in a mapping")
        case .reader(let problem, _, _, _):
            return LoadError(file: file, message: "cannot read the text: \(problem)")
        default:
            return LoadError(file: file, message: "invalid YAML: \(error)")
        }
    }

    // MARK: - Errors

    func error(_ message: String) -> LoadError {
        LoadError(
            file: file, keyPath: path, line: node.mark.map { $0.line + lineOffset }, column: node.mark?.column,
            message: message)
    }

    var location: String {
        guard let mark = node.mark else { return file }
        return "\(file):\(mark.line + lineOffset):\(mark.column)"
    }

    var kindName: String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        // The top of a file that is not a mapping is not remsim's format at all (a key file, an
        // `.env` under a .yaml name): nothing of it is quoted.
        case .scalar(let s): path.isEmpty ? "a plain value (the file is not a remsim YAML file)" : Self.quoted(s.string)
        case .alias: "an alias"
        }
    }

    /// A value from the file, as an error quotes it: on one line, and at most 40 characters of it.
    /// An error is read in CI logs; a file that is not what it should be (a key file, a `.env`)
    /// must not be printed whole.
    static func quoted(_ text: String) -> String { text.quotedExcerpt }

    private func child(_ node: Node, _ key: String) -> YAMLNode {
        derived(node, path: path.isEmpty ? key : "\(path).\(key)")
    }

    // MARK: - Shapes

    /// The members of a mapping, refusing keys not in `allowed` (with a suggestion for typos).
    func mapping(allowing allowed: [String]) throws(LoadError) -> YAMLMapping {
        var unknown: [LoadError] = []
        let mapping = try mapping(allowing: allowed, unknownKeys: &unknown, stopAtUnknown: true)
        if let first = unknown.first { throw first }
        return mapping
    }

    /// The mapping with its allowed keys; each unknown key is a problem added to `unknownKeys`
    /// and left out, so that the rest can still be read.
    func mapping(allowing allowed: [String], unknownKeys: inout [LoadError], stopAtUnknown: Bool = false)
        throws(LoadError) -> YAMLMapping
    {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, found \(kindName)") }
        var entries: [(String, YAMLNode)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw derived(keyNode, path: path).error("keys must be plain words")
            }
            let key = keyScalar.string
            guard allowed.contains(key) else {
                let suggestion = Suggest.didYouMean(key, in: allowed)
                unknownKeys.append(
                    derived(keyNode, path: path.isEmpty ? key : "\(path).\(key)")
                        .error(
                            "unknown key \(Self.quoted(key))\(suggestion) (allowed: \(allowed.joined(separator: ", ")))"
                        ))
                if stopAtUnknown { break }
                continue
            }
            entries.append((key, child(valueNode, key)))
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    var isMapping: Bool { if case .mapping = node { true } else { false } }
    var isSequence: Bool { if case .sequence = node { true } else { false } }

    /// The keys of a mapping, in order, without checking them.
    var mappingKeys: [String] {
        guard case .mapping(let mapping) = node else { return [] }
        return mapping.keys.compactMap { if case .scalar(let s) = $0 { s.string } else { nil } }
    }

    func list() throws(LoadError) -> [YAMLNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(kindName)") }
        return sequence.enumerated().map { i, n in derived(n, path: "\(path)[\(i)]") }
    }

    /// A list, or a single item standing for a list of one.
    func listOrSingle() -> [YAMLNode] {
        (try? list()) ?? [self]
    }

    func string() throws(LoadError) -> String {
        guard case .scalar(let s) = node, !isNull else {
            throw error("expected a string, found \(isNull ? "nothing" : kindName)")
        }
        return s.string
    }

    func strings() throws(LoadError) -> [String] {
        var out: [String] = []
        for item in try list() { out.append(try item.string()) }
        return out
    }

    func int(in range: ClosedRange<Int>? = nil) throws(LoadError) -> Int {
        guard case .scalar(let s) = node, s.tagName == .int,
            let n = Int(s.string.replacingOccurrences(of: "_", with: ""))
        else {
            throw error("expected a whole number, found \(kindName)")
        }
        if let range, !range.contains(n) {
            throw error("\(n) is out of range (\(range.lowerBound)…\(range.upperBound))")
        }
        return n
    }

    func bool() throws(LoadError) -> Bool {
        guard case .scalar(let s) = node, s.tagName == .bool, let b = node.bool else {
            throw error("expected true or false, found \(kindName)")
        }
        return b
    }

    func duration(allowNegative: Bool = false) throws(LoadError) -> SimDuration {
        let text = try string()
        guard let d = SimDuration(parsing: text) else {
            // Well formed but too long to hold: say so rather than that it is not a duration.
            if text.wholeMatch(of: /-?(\d+(ms|s|m|h|d|w))+/) != nil {
                throw error("\(Self.quoted(text)) is longer than the 100-year maximum")
            }
            throw error("expected a duration such as 90s, 15m, 2h or 1d, found \(Self.quoted(text))")
        }
        if !allowNegative, d.milliseconds < 0 {
            throw error("a duration here cannot be negative, found \(Self.quoted(text))")
        }
        return d
    }

    func oneOf<T: RawRepresentable>(_ type: T.Type, _ all: [T]) throws(LoadError) -> T where T.RawValue == String {
        let text = try string()
        guard let v = T(rawValue: text) else {
            let suggestion = Suggest.didYouMean(text, in: all.map(\.rawValue))
            throw error(
                "expected one of \(all.map(\.rawValue).joined(separator: ", ")), found "
                    + "\(Self.quoted(text))\(suggestion)"
            )
        }
        return v
    }

    /// One of the words given, as written.
    func oneOf(_ all: [String]) throws(LoadError) -> String {
        let text = try string()
        guard all.contains(text) else {
            throw error(
                "expected one of \(all.joined(separator: ", ")), found \(Self.quoted(text))\(Suggest.didYouMean(text, in: all))"
            )
        }
        return text
    }

    /// A resource type name remsim models (`aws.s3`), or an error suggesting the closest one.
    func resourceType(_ name: String) throws(LoadError) -> ResourceType {
        guard let known = ResourceTypeRegistry.type(named: name) else {
            throw error(
                "unknown resource type "
                    + "\(Self.quoted(name))\(Suggest.didYouMean(name, in: ResourceTypeRegistry.names)) (a fixture may keep a type remsim does not model with 'inert: true')"
            )
        }
        return known
    }

    /// A policy id among `ids` (the scenario's policies), or an error suggesting the closest one.
    /// A policy id among `ids`; nil takes any id on trust (not every policy could be read).
    func policyId(in ids: Set<String>?) throws(LoadError) -> String {
        let id = try string()
        guard let ids else { return id }
        guard ids.contains(id) else {
            throw error("policy '\(id)' is not among the scenario's policies\(Suggest.didYouMean(id, in: Array(ids)))")
        }
        return id
    }

    var isNull: Bool {
        guard case .scalar(let s) = node else { return false }
        return s.tagName == .null && s.style == .plain
    }

    /// The node as a JSON-like value: typed scalars as YAML resolves them (quoted ones stay
    /// strings), timestamps kept as the text written.
    ///
    /// Walks the raw nodes and builds a key path only when something is wrong: a fixture of a
    /// million resources has tens of millions of values, and naming each one cost more than
    /// parsing it.
    func value() throws(LoadError) -> Value {
        var trail: [String] = []
        return try Self.value(of: node, trail: &trail, owner: self)
    }

    private static func value(of node: Node, trail: inout [String], owner: YAMLNode) throws(LoadError) -> Value {
        func fail(_ message: String) -> LoadError {
            owner.derived(node, path: owner.path + trail.joined()).error(message)
        }
        switch node {
        case .scalar(let s):
            switch s.tagName {
            case .null: return .null
            case .bool: return node.bool.map(Value.bool) ?? .string(s.string)
            case .int: return node.int.map(Value.int) ?? .string(s.string)
            case .float:
                guard let d = node.float, d.isFinite else {
                    throw fail("\(Self.quoted(s.string)) is not a finite number")
                }
                return .double(d)
            default: return .string(s.string)
            }
        case .sequence(let sequence):
            var items: [Value] = []
            items.reserveCapacity(sequence.count)
            for (i, item) in sequence.enumerated() {
                trail.append("[\(i)]")
                items.append(try value(of: item, trail: &trail, owner: owner))
                trail.removeLast()
            }
            return .array(items)
        case .mapping(let mapping):
            var entries: [Fields.Entry] = []
            entries.reserveCapacity(mapping.count)
            for (k, v) in mapping {
                guard case .scalar(let key) = k else { throw fail("mapping keys must be plain words") }
                trail.append(owner.path.isEmpty && trail.isEmpty ? key.string : "." + key.string)
                entries.append(Fields.Entry(key: key.string, value: try value(of: v, trail: &trail, owner: owner)))
                trail.removeLast()
            }
            return .object(Fields(entries))
        case .alias:
            throw fail("YAML aliases are not supported here")
        }
    }

    /// A mapping of plain strings (tags).
    func stringMap() throws(LoadError) -> [String: String] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, found \(kindName)") }
        var out: [String: String] = [:]
        for (k, v) in mapping {
            guard case .scalar(let key) = k else { throw error("keys must be plain words") }
            out[key.string] = try child(v, key.string).string()
        }
        return out
    }
}

/// The checked members of a mapping.
struct YAMLMapping {
    let owner: YAMLNode
    let entries: [(String, YAMLNode)]

    subscript(key: String) -> YAMLNode? { entries.first { $0.0 == key }?.1 }

    func required(_ key: String) throws(LoadError) -> YAMLNode {
        guard let node = self[key] else { throw owner.error("missing required key '\(key)'") }
        return node
    }

    var keys: [String] { entries.map(\.0) }
}

extension Node.Scalar {
    /// The resolved tag (`int`, `bool`, `str`…); quoted scalars resolve to `str`. What
    /// `Resolver.default.resolveTag(of:)` says, without its regular expressions.
    var tagName: Tag.Name {
        let explicit = tag.description  // the tag's name; empty when it is to be resolved by the text
        return explicit.isEmpty ? ScalarTag.resolve(string) : Tag.Name(rawValue: explicit)
    }
}
