import CYaml
import Foundation
import Simulation

/// Checks a document against `Limits` before it is composed into nodes: how deeply it nests
/// (libyaml's own nesting limit, set to `maxDepth`), how many values it holds once its aliases
/// are expanded, and how many items its limited lists hold (a scenario's timeline). An alias
/// bomb — a few lines whose anchors refer to anchors nine times over — is a small file that
/// expands to billions of values, and a large file can hold millions of entries; counting them
/// from libyaml's event stream takes time in proportion to the file and next to no memory, so
/// either is refused before anything is built from it. The same pass names the key path of a
/// duplicate key, which Yams' own error does not.
enum YAMLGuard {
    /// libyaml's nesting limit is one value for the whole process: parses that set it take turns.
    private static let nesting = NSLock()

    /// Runs `body` (which parses) with libyaml's nesting limit set to `limits.maxDepth`.
    static func withLimits<T>(_ limits: Limits, _ body: () throws -> T) rethrows -> T {
        nesting.lock()
        defer { nesting.unlock() }
        // Never deeper than the ceiling, however the limits were set: the composer recurses.
        yaml_set_max_nest_level(Int32(clamping: min(limits.maxDepth, Limits.ceiling.maxDepth)))
        return try body()
    }

    /// A list whose length is limited while it is read, by its key path (`timeline`).
    struct ListLimit {
        var limit: Int
        /// What its items are called, and the flag that raises the limit.
        var items: String
        var flag: String
    }

    /// Files from this size on are checked as they stream in, before any node is built: what a
    /// file holds is counted (values, with aliases expanded; the items of the lists in `lists`),
    /// and a file over a limit is refused having cost a pass over its events, not gigabytes of
    /// nodes. Smaller files (and any file with an alias) are checked the same way when they hold
    /// an alias; otherwise their size bounds them.
    static let streamingCheckBytes = 1 << 20

    /// Checks a document before it is composed; call within `withLimits`.
    static func check(_ data: Data, file: String, limits: Limits, lists: [String: ListLimit] = [:]) throws(LoadError) {
        // Without an alias a document holds no more values than it has bytes, which the file size
        // limit bounds: only a large document, or one with a `*`, needs counting.
        let hasAlias = data.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0x2A, raw.count) != nil } ?? false
        }
        guard hasAlias || data.count >= streamingCheckBytes else { return }
        if let problem = scan(data, file: file, limits: limits, lists: lists) { throw problem }
    }

    /// The key path and place of the first duplicate key, for Yams' error, which has neither.
    static func duplicateKey(in data: Data, file: String) -> LoadError? {
        var unlimited = Limits()
        unlimited.maxYAMLValues = .max
        return scan(data, file: file, limits: unlimited, lists: [:])
    }

    /// Where a value sits in its parent: a key of a mapping, or an index in a list.
    private enum Component {
        case key(String)
        case index(Int)
    }

    private struct Frame {
        var values = 1
        var anchor: String?
        /// Where this collection sits in its parent; nil for the document's root.
        var component: Component?
        var isMapping: Bool
        /// For a mapping: whether the next scalar is a key, the key being read, keys seen (with
        /// their lines).
        var expectingKey = true
        var key: String?
        var keys: [String: Int] = [:]
        /// For a list: items so far, and the limit on them, if any.
        var items = 0
        var limit: ListLimit?
    }

    /// `engine.alert-rules[0].name`: the key path of the frames' components and `last`. Built
    /// only for an error or a limited list, never for every value.
    private static func path(_ stack: [Frame], _ last: Component?) -> String {
        var text = ""
        for component in stack.compactMap(\.component) + (last.map { [$0] } ?? []) {
            switch component {
            case .key(let k): text += text.isEmpty ? k : ".\(k)"
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }

    /// One pass over libyaml's events: the first problem found, or nil. Syntax errors are left
    /// for the composer, which reports them with their context. Only keys are made into strings;
    /// a key path is spelled out only when it is needed.
    private static func scan(_ data: Data, file: String, limits: Limits, lists: [String: ListLimit]) -> LoadError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let limit = limits.maxYAMLValues
        // Limited lists sit this many levels down at most; deeper lists are not looked up.
        let listDepth = lists.keys.map { $0.split(separator: ".").count + $0.filter { $0 == "[" }.count }.max() ?? 0
        var sizes: [String: Int] = [:]
        var stack: [Frame] = []
        var total = 0
        var sawAlias = false
        return data.withUnsafeBytes { raw -> LoadError? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
            yaml_parser_set_input_string(&parser, base, raw.count)
            var event = yaml_event_t()
            func fail(_ message: String, path: String) -> LoadError {
                let mark = event.start_mark
                return LoadError(
                    file: file, keyPath: path, line: Int(mark.line) + 1, column: Int(mark.column) + 1, message: message)
            }
            /// Where the next value goes, updating the parent's bookkeeping; an error when that
            /// value is a duplicate key or one item too many.
            func place(key scalar: String?) -> (component: Component?, problem: LoadError?) {
                guard !stack.isEmpty else { return (nil, nil) }
                let last = stack.count - 1
                if stack[last].isMapping {
                    if stack[last].expectingKey {
                        let key = scalar ?? "?"
                        if let scalar, let line = stack[last].keys[scalar] {
                            return (
                                .key(key),
                                fail(
                                    "duplicate key \(YAMLNode.quoted(scalar)) (also at line \(line))",
                                    path: path(stack, .key(key)))
                            )
                        }
                        if let scalar { stack[last].keys[scalar] = Int(event.start_mark.line) + 1 }
                        stack[last].key = key
                        stack[last].expectingKey = false
                        return (.key(key), nil)
                    }
                    stack[last].expectingKey = true
                    return (.key(stack[last].key ?? "?"), nil)
                }
                let index = stack[last].items
                stack[last].items += 1
                if let l = stack[last].limit, index >= l.limit {
                    return (
                        .index(index),
                        fail(
                            "more than \(l.limit) \(l.items), over the limit (raise it with \(l.flag))",
                            path: path(stack, nil))
                    )
                }
                return (.index(index), nil)
            }
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                var added = 0
                var anchor: String?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    added = 1
                    anchor = event.data.scalar.anchor.map { String(cString: $0) }
                    let isKey = stack.last.map { $0.isMapping && $0.expectingKey } ?? false
                    let key = isKey ? (event.data.scalar.value.map { String(cString: $0) } ?? "") : nil
                    if let problem = place(key: key).problem { return problem }
                case YAML_ALIAS_EVENT:
                    sawAlias = true
                    added = event.data.alias.anchor.map { sizes[String(cString: $0)] ?? 1 } ?? 1
                    if let problem = place(key: nil).problem { return problem }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let (component, problem) = place(key: nil)
                    if let problem { return problem }
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    let anchorName = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                    let limited =
                        !isMapping && !lists.isEmpty && stack.count <= listDepth ? lists[path(stack, component)] : nil
                    stack.append(
                        Frame(
                            anchor: anchorName.map { String(cString: $0) }, component: component, isMapping: isMapping,
                            limit: limited))
                    total += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let frame = stack.popLast() {
                        if let a = frame.anchor { sizes[a] = frame.values }
                        if !stack.isEmpty {
                            stack[stack.count - 1].values = stack[stack.count - 1].values.addingClamped(frame.values)
                        }
                    }
                case YAML_DOCUMENT_END_EVENT:
                    sizes = [:]
                default:
                    break
                }
                if added > 0 {
                    if let anchor { sizes[anchor] = added }
                    total = total.addingClamped(added)
                    if !stack.isEmpty {
                        stack[stack.count - 1].values = stack[stack.count - 1].values.addingClamped(added)
                    }
                }
                if total > limit {
                    let what =
                        sawAlias
                        ? "aliases expand this document to more than \(limit) values"
                        : "this document holds more than \(limit) values"
                    return fail("\(what) (raise the limit with --max-yaml-values)", path: "")
                }
            }
        }
    }
}

extension Int {
    fileprivate func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
