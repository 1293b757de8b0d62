import CloudModel
import Foundation

/// Reads a JSON document in one pass over its bytes, with no YAML parser and no tree of the
/// document in between: fixture files (`JSONFixtureReader.swift`) and the exports the importers
/// read (`ExportReader`). A value goes straight into flat storage (`flat`), into a `Value`
/// (`value`), or, when the reader needs to know where its parts were, into a `JSONNode`. Every
/// problem is placed at its line and column with its key path; a syntax error stops reading.
struct JSONStreamReader {
    /// A value of an entry other than its properties, with where it starts.
    enum JSONNode {
        /// A scalar: its value and, for numbers, the text as written (a YAML reader hands out a
        /// scalar's text where a string is asked for, and so does this one).
        case scalar(Value, text: String?, offset: Int)
        case array([JSONNode], offset: Int)
        case object([JSONMember], offset: Int)

        var offset: Int {
            switch self {
            case .scalar(_, _, let o), .array(_, let o), .object(_, let o): o
            }
        }

        var value: Value {
            switch self {
            case .scalar(let v, _, _): v
            case .array(let items, _): .array(items.map(\.value))
            case .object(let members, _):
                .object(Fields(members.map { Fields.Entry(key: $0.key, value: $0.value.value) }))
            }
        }
    }

    struct JSONMember {
        let key: String
        let value: JSONNode
    }

    let file: String
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    var index = 0
    /// Where the reader is, for key paths: keys and list positions from the top.
    var path: [PathPart] = []
    /// Line counting resumes from the last place asked for (problems come mostly in order).
    private var lines = LineCounter()
    var problems = ProblemList()
    /// Reading stopped at a syntax error (or a file that is not a JSON object): nothing after it
    /// was read.
    var stopped = false

    enum PathPart {
        case key(String)
        case index(Int)
    }

    /// A syntax error: reading cannot go on.
    struct Stop: Error {}

    init(file: String, bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.file = file
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    // MARK: - Places

    var keyPath: String {
        var out = ""
        for part in path {
            switch part {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .index(let i): out += "[\(i)]"
            }
        }
        return out
    }

    mutating func problem(_ message: String, at offset: Int, keyPath: String? = nil) -> LoadError {
        let (line, column) = lines.place(of: offset, in: bytes)
        return LoadError(file: file, keyPath: keyPath ?? self.keyPath, line: line, column: column, message: message)
    }

    mutating func record(_ message: String, at offset: Int, keyPath: String? = nil) {
        problems.record(problem(message, at: offset, keyPath: keyPath))
    }

    /// Records a syntax error and stops.
    mutating func stop(_ message: String) -> Stop {
        record("invalid JSON: \(message)", at: index)
        stopped = true
        return Stop()
    }

    // MARK: - Containers

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while index < bytes.count {
            let b = bytes[index]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            index += 1
        }
    }

    /// Reads an object's members, handing each key (and where it is) to `member`, which reads the
    /// value; a key written twice is a problem at the second, naming the line of the first.
    mutating func members(
        depth: Int, _ member: (inout JSONStreamReader, String, Int) throws(Stop) -> Void
    ) throws(Stop) {
        guard depth <= maxDepth else { throw tooDeep() }
        index += 1  // {
        skipSpace()
        if current == UInt8(ascii: "}") {
            index += 1
            return
        }
        // Keys seen: a short list searched in order (most objects have a few), then a dictionary.
        var few: [(String, Int)] = []
        var many: [String: Int] = [:]
        func first(_ key: String) -> Int? {
            if many.isEmpty {
                for (k, o) in few where k == key { return o }
                return nil
            }
            return many[key]
        }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else { throw stop("expected a member name in double quotes") }
            let keyOffset = index
            let key = try string()
            if let first = first(key) {
                let line = lines.place(of: first, in: bytes).line
                path.append(.key(key))
                record("duplicate key \(YAMLNode.quoted(key)) (also at line \(line))", at: keyOffset)
                path.removeLast()
            } else if many.isEmpty && few.count < 16 {
                few.append((key, keyOffset))
            } else {
                if many.isEmpty { for (k, o) in few { many[k] = o } }
                many[key] = keyOffset
            }
            skipSpace()
            guard current == UInt8(ascii: ":") else { throw stop("expected ':' after a member name") }
            index += 1
            skipSpace()
            try member(&self, key, keyOffset)
            skipSpace()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current == UInt8(ascii: "}") {
                index += 1
                return
            } else {
                throw stop("expected ',' or '}' in an object")
            }
        }
    }

    /// Reads a list's elements, handing each position to `element`, which reads it.
    mutating func elements(depth: Int, _ element: (inout JSONStreamReader, Int) throws(Stop) -> Void)
        throws(Stop)
    {
        guard depth <= maxDepth else { throw tooDeep() }
        index += 1  // [
        skipSpace()
        if current == UInt8(ascii: "]") {
            index += 1
            return
        }
        var i = 0
        while true {
            skipSpace()
            try element(&self, i)
            i += 1
            skipSpace()
            if current == UInt8(ascii: ",") {
                index += 1
            } else if current == UInt8(ascii: "]") {
                index += 1
                return
            } else {
                throw stop("expected ',' or ']' in a list")
            }
        }
    }

    /// Records a problem that leaves nothing more worth reading, and stops.
    mutating func refuse(_ message: String, at offset: Int) -> Stop {
        record(message, at: offset)
        stopped = true
        return Stop()
    }

    mutating func tooDeep() -> Stop {
        record("nested more than \(maxDepth) levels deep (raise the limit with --max-depth)", at: index)
        stopped = true
        return Stop()
    }

    // MARK: - Values

    /// A small value as a node (an entry's keys other than its properties).
    mutating func node(depth: Int) throws(Stop) -> JSONNode {
        let at = index
        switch current {
        case UInt8(ascii: "{"):
            var members: [JSONMember] = []
            try self.members(depth: depth) { reader, key, _ throws(Stop) in
                reader.path.append(.key(key))
                defer { reader.path.removeLast() }
                members.append(JSONMember(key: key, value: try reader.node(depth: depth + 1)))
            }
            return .object(members, offset: at)
        case UInt8(ascii: "["):
            var items: [JSONNode] = []
            try elements(depth: depth) { reader, i throws(Stop) in
                reader.path.append(.index(i))
                defer { reader.path.removeLast() }
                items.append(try reader.node(depth: depth + 1))
            }
            return .array(items, offset: at)
        case UInt8(ascii: "\""):
            return .scalar(.string(try string()), text: nil, offset: at)
        default:
            let (value, text) = try scalar()
            return .scalar(value, text: text, offset: at)
        }
    }

    /// A value, built as it is read (an export's item: read, turned into a resource, let go).
    mutating func value(depth: Int) throws(Stop) -> Value {
        switch current {
        case UInt8(ascii: "{"):
            // A duplicate key is recorded by `members`, which refuses the document.
            var entries: [Fields.Entry] = []
            try members(depth: depth) { reader, key, _ throws(Stop) in
                reader.path.append(.key(key))
                defer { reader.path.removeLast() }
                entries.append(Fields.Entry(key: key, value: try reader.value(depth: depth + 1)))
            }
            return .object(Fields(entries))
        case UInt8(ascii: "["):
            var items: [Value] = []
            try elements(depth: depth) { reader, i throws(Stop) in
                reader.path.append(.index(i))
                defer { reader.path.removeLast() }
                items.append(try reader.value(depth: depth + 1))
            }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try string())
        default:
            return try scalar().0
        }
    }

    /// An object straight into flat storage, but for the members named in `aside`, which are
    /// returned as values; nil (with the problem recorded) when it holds too many values.
    mutating func flatObject(depth: Int, aside: Set<String>) throws(Stop) -> (FlatValue?, Fields) {
        let start = index
        var sink = PropertySink()
        var setAside: [Fields.Entry] = []
        let container = sink.builder.begin(.object)
        var children = 0
        try members(depth: depth) { reader, name, _ throws(Stop) in
            reader.path.append(.key(name))
            defer { reader.path.removeLast() }
            if aside.contains(name) {
                setAside.append(Fields.Entry(key: name, value: try reader.value(depth: depth + 1)))
                return
            }
            let key = sink.overLimit ? 0 : sink.builder.key(name)
            try reader.flat(depth: depth + 1, key: key, into: &sink)
            children += 1
        }
        guard !sink.overLimit else {
            record(
                "over \(FixtureLoader.maximumPropertyNodes) values in one resource's properties; the limit is "
                    + "\(FixtureLoader.maximumPropertyNodes)", at: start)
            return (nil, Fields(setAside))
        }
        sink.builder.end(container, children: children)
        return (sink.builder.finish(), Fields(setAside))
    }

    /// Reads past a value, building nothing; for a list, how many elements it held.
    @discardableResult
    mutating func skipValue(depth: Int) throws(Stop) -> Int {
        switch current {
        case UInt8(ascii: "{"):
            try members(depth: depth) { reader, key, _ throws(Stop) in
                reader.path.append(.key(key))
                defer { reader.path.removeLast() }
                try reader.skipValue(depth: depth + 1)
            }
            return 0
        case UInt8(ascii: "["):
            var count = 0
            try elements(depth: depth) { reader, i throws(Stop) in
                reader.path.append(.index(i))
                defer { reader.path.removeLast() }
                try reader.skipValue(depth: depth + 1)
                count += 1
            }
            return count
        case UInt8(ascii: "\""):
            if try plainString() == nil { _ = try string() }
            return 0
        default:
            _ = try scalar()
            return 0
        }
    }

    /// Where a resource's properties go: the builder, until they hold too many values.
    struct PropertySink {
        var builder = FlatValue.Builder()
        var overLimit = false
    }

    /// A value straight into the flat storage.
    mutating func flat(depth: Int, key: UInt32, into sink: inout PropertySink) throws(Stop) {
        if sink.builder.count >= FixtureLoader.maximumPropertyNodes { sink.overLimit = true }
        let writing = !sink.overLimit
        switch current {
        case UInt8(ascii: "{"):
            let container = writing ? sink.builder.begin(.object, key: key) : 0
            var children = 0
            try members(depth: depth) { reader, name, keyOffset throws(Stop) in
                reader.path.append(.key(name))
                defer { reader.path.removeLast() }
                let key = writing ? sink.builder.key(name) : 0
                try reader.flat(depth: depth + 1, key: key, into: &sink)
                children += 1
            }
            if writing && !sink.overLimit { sink.builder.end(container, children: children) }
        case UInt8(ascii: "["):
            let container = writing ? sink.builder.begin(.array, key: key) : 0
            var children = 0
            try elements(depth: depth) { reader, i throws(Stop) in
                reader.path.append(.index(i))
                defer { reader.path.removeLast() }
                try reader.flat(depth: depth + 1, key: 0, into: &sink)
                children += 1
            }
            if writing && !sink.overLimit { sink.builder.end(container, children: children) }
        case UInt8(ascii: "\""):
            let start = index + 1
            if let raw = try plainString() {
                if writing { sink.builder.string(UnsafeRawBufferPointer(rebasing: bytes[raw]), key: key) }
            } else {
                index = start - 1
                let s = try string()
                if writing { sink.builder.string(s.utf8, key: key) }
            }
        default:
            let (value, _) = try scalar()
            guard writing else { return }
            switch value {
            case .null: sink.builder.null(key: key)
            case .bool(let b): sink.builder.bool(b, key: key)
            case .int(let i): sink.builder.int(i, key: key)
            case .double(let d): sink.builder.double(d, key: key)
            default: break
            }
        }
    }

    /// A string without escapes, as the range of its bytes (the common case, copied once into
    /// the flat storage); nil, with nothing consumed, when it has an escape.
    mutating func plainString() throws(Stop) -> Range<Int>? {
        let start = index + 1
        var i = start
        var ascii = true
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                if !ascii { try checkUTF8(start..<i) }
                index = i + 1
                return start..<i
            }
            if b == UInt8(ascii: "\\") { return nil }
            if b < 0x20 {
                index = i
                throw stop("a control character in a string must be escaped")
            }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        index = i
        throw stop("a string is not closed")
    }

    private mutating func checkUTF8(_ range: Range<Int>) throws(Stop) {
        // Validated in one go; only a bad string is walked to its first bad byte.
        guard String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) == nil,
            let bad = YAMLNode.firstInvalidUTF8Offset(bytes[range])
        else { return }
        index = range.lowerBound + bad
        record("the file is not valid UTF-8 text (the first bad byte is here)", at: index)
        stopped = true
        throw Stop()
    }

    /// A string, escapes decoded.
    mutating func string() throws(Stop) -> String {
        let start = index
        if let raw = try plainString() {
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[raw]), as: UTF8.self)
        }
        index = start + 1
        var out: [UInt8] = []
        while let b = current {
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                guard let s = String(validating: out, as: UTF8.self) else {
                    index = start
                    throw stop("the string is not valid UTF-8")
                }
                return s
            case UInt8(ascii: "\\"):
                if let message = JSONEscape.decode(bytes, at: &index, into: &out) { throw stop(message) }
            default:
                if b < 0x20 { throw stop("a control character in a string must be escaped") }
                out.append(b)
                index += 1
            }
        }
        throw stop("a string is not closed")
    }

    /// `true`, `false`, `null` or a number, with a number's text as written.
    mutating func scalar() throws(Stop) -> (Value, String?) {
        for (word, value) in [("true", Value.bool(true)), ("false", .bool(false)), ("null", .null)] {
            if current == word.utf8.first {
                for b in word.utf8 {
                    guard current == b else { throw stop("expected \(word)") }
                    index += 1
                }
                return (value, nil)
            }
        }
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, (0x30...0x39).contains(first) else { throw stop("expected a value") }
        var integral = true
        if first == 0x30 {
            index += 1
        } else {
            while let b = current, (0x30...0x39).contains(b) { index += 1 }
        }
        if current == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard let b = current, (0x30...0x39).contains(b) else { throw stop("expected a digit after '.'") }
            while let b = current, (0x30...0x39).contains(b) { index += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let b = current, (0x30...0x39).contains(b) else { throw stop("expected a digit in an exponent") }
            while let b = current, (0x30...0x39).contains(b) { index += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if integral, let i = Int(text) { return (.int(i), text) }
        guard let d = Double(text), d.isFinite else {
            record("\(YAMLNode.quoted(text)) is not a finite number", at: start)
            return (.null, text)
        }
        return (.double(d), text)
    }

    // MARK: - Messages

    /// How a node is named in "expected …, found …", as the YAML reader names it.
    static func kindName(_ node: JSONNode, top: Bool = false) -> String {
        switch node {
        case .object: "a mapping"
        case .array: "a list"
        case .scalar(let v, let text, _):
            top ? "a plain value (the file is not a remsim YAML file)" : YAMLNode.quoted(text ?? Self.text(of: v))
        }
    }

    static func text(of value: Value) -> String {
        switch value {
        case .string(let s): s
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        default: value.jsonText
        }
    }
}

/// Turns byte offsets into lines and columns (1-based; columns in characters), scanning forward
/// from the last offset asked for.
struct LineCounter {
    private var offset = 0
    private var line = 1
    private var lineStart = 0

    mutating func place(of target: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        if target < offset { self = LineCounter() }
        let end = min(target, bytes.count)
        while offset < end {
            if bytes[offset] == 0x0A {
                line += 1
                lineStart = offset + 1
            }
            offset += 1
        }
        // Columns count characters, not bytes: continuation bytes are not counted.
        var column = 1
        var i = lineStart
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line, column)
    }
}
