import CYaml
import Foundation
import Simulation

/// Checks a document against `Limits` before it is composed into nodes: how deeply it nests
/// (libyaml's own nesting limit, set to `maxDepth`) and how many values it holds once its aliases
/// are expanded. An alias bomb — a few lines whose anchors refer to anchors nine times over — is a
/// small file that expands to billions of values; counting the expansion from libyaml's event
/// stream takes time and memory in proportion to the file, so the bomb is refused before anything
/// is built from it.
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

    /// Checks the expansion of aliases; call within `withLimits`.
    static func check(_ data: Data, file: String, limits: Limits) throws(LoadError) {
        // Without an alias a document holds no more values than it has bytes, which the file size
        // limit bounds: only a document with a `*` needs counting.
        let hasAlias = data.withUnsafeBytes { raw in raw.baseAddress.map { memchr($0, 0x2A, raw.count) != nil } ?? false }
        guard hasAlias else { return }
        try countExpansion(data, file: file, limit: limits.maxYAMLValues)
    }

    private struct Frame {
        var values = 1
        var anchor: String?
    }

    private static func countExpansion(_ data: Data, file: String, limit: Int) throws(LoadError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var sizes: [String: Int] = [:]
        var stack: [Frame] = []
        var total = 0
        let outcome: LoadError? = data.withUnsafeBytes { raw -> LoadError? in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return nil }
            yaml_parser_set_input_string(&parser, base, raw.count)
            var event = yaml_event_t()
            while true {
                // A syntax error is left for the composer, which reports it with its context.
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
                case YAML_ALIAS_EVENT:
                    added = event.data.alias.anchor.map { sizes[String(cString: $0)] ?? 1 } ?? 1
                case YAML_SEQUENCE_START_EVENT:
                    stack.append(Frame(anchor: event.data.sequence_start.anchor.map { String(cString: $0) }))
                    total += 1
                case YAML_MAPPING_START_EVENT:
                    stack.append(Frame(anchor: event.data.mapping_start.anchor.map { String(cString: $0) }))
                    total += 1
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let frame = stack.popLast() {
                        if let a = frame.anchor { sizes[a] = frame.values }
                        if !stack.isEmpty { stack[stack.count - 1].values = stack[stack.count - 1].values.addingClamped(frame.values) }
                    }
                case YAML_DOCUMENT_END_EVENT:
                    sizes = [:]
                default:
                    break
                }
                if added > 0 {
                    if let anchor { sizes[anchor] = added }
                    total = total.addingClamped(added)
                    if !stack.isEmpty { stack[stack.count - 1].values = stack[stack.count - 1].values.addingClamped(added) }
                }
                if total > limit {
                    let mark = event.start_mark
                    return LoadError(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1,
                                     message: "aliases expand this document to more than \(limit) values (raise the limit with --max-yaml-values)")
                }
            }
        }
        if let outcome { throw outcome }
    }
}

extension Int {
    fileprivate func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
