extension Value {
    /// A JSON text that could not be read, with the byte offset where reading stopped.
    public struct JSONProblem: Error, Sendable, CustomStringConvertible {
        public let message: String
        public let offset: Int
        public var description: String { "\(message) at character \(offset + 1)" }
    }

    /// Reads strict JSON (RFC 8259) into a value, object members in their written order: the
    /// inverse of `jsonText`. Integers that fit in an `Int` stay integers; a member named twice
    /// is refused, as the loaders refuse a duplicate key.
    public init(json text: String, maxDepth: Int = 100) throws(JSONProblem) {
        var reader = JSONReader(bytes: Array(text.utf8), maxDepth: maxDepth)
        reader.skipSpace()
        self = try reader.value(depth: 0)
        reader.skipSpace()
        if reader.index < reader.bytes.count { throw reader.problem("unexpected text after the JSON value") }
    }
}

extension Value {
    /// The value with every object's members sorted by key, all the way down: for comparing
    /// documents whose member order carries no meaning as text.
    package func sortingKeys() -> Value {
        switch self {
        case .array(let items): .array(items.map { $0.sortingKeys() })
        case .object(let fields):
            .object(
                Fields(
                    fields.entries.sorted { $0.key < $1.key }.map {
                        Fields.Entry(key: $0.key, value: $0.value.sortingKeys())
                    }))
        default: self
        }
    }
}

private struct JSONReader {
    let bytes: [UInt8]
    let maxDepth: Int
    var index = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func problem(_ message: String) -> Value.JSONProblem { Value.JSONProblem(message: message, offset: index) }

    var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
    }

    mutating func expect(_ literal: String, _ value: Value) throws(Value.JSONProblem) -> Value {
        for b in literal.utf8 {
            guard current == b else { throw problem("expected \(literal)") }
            index += 1
        }
        return value
    }

    mutating func value(depth: Int) throws(Value.JSONProblem) -> Value {
        guard depth < maxDepth else { throw problem("nested deeper than \(maxDepth) levels") }
        switch current {
        case UInt8(ascii: "{"):
            index += 1
            var fields = Fields()
            skipSpace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(fields)
            }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw problem("expected a member name in double quotes") }
                let at = index
                let key = try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw problem("expected ':' after a member name") }
                index += 1
                skipSpace()
                let member = try value(depth: depth + 1)
                guard fields[key] == nil else {
                    throw Value.JSONProblem(message: "member '\(key)' appears twice", offset: at)
                }
                fields[key] = member
                skipSpace()
                if current == UInt8(ascii: ",") {
                    index += 1
                } else if current == UInt8(ascii: "}") {
                    index += 1
                    return .object(fields)
                } else {
                    throw problem("expected ',' or '}' in an object")
                }
            }
        case UInt8(ascii: "["):
            index += 1
            var items: [Value] = []
            skipSpace()
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                if current == UInt8(ascii: ",") {
                    index += 1
                } else if current == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                } else {
                    throw problem("expected ',' or ']' in a list")
                }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case let b? where b == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b):
            return try number()
        case nil:
            throw problem("the text ends where a value was expected")
        default:
            throw problem("expected a JSON value")
        }
    }

    mutating func number() throws(Value.JSONProblem) -> Value {
        let start = index
        var isInteger = true
        if current == UInt8(ascii: "-") { index += 1 }
        func digits(_ r: inout JSONReader) -> Int {
            let s = r.index
            while let b = r.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) { r.index += 1 }
            return r.index - s
        }
        let intDigits = digits(&self)
        guard intDigits > 0 else { throw problem("expected a digit") }
        if intDigits > 1, bytes[index - intDigits] == UInt8(ascii: "0") {
            throw Value.JSONProblem(message: "a number cannot start with 0", offset: start)
        }
        if current == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard digits(&self) > 0 else { throw problem("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw problem("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw Value.JSONProblem(message: "'\(text)' is not a number", offset: start) }
        return .double(d)
    }

    mutating func string() throws(Value.JSONProblem) -> String {
        index += 1  // the opening quote
        var out: [UInt8] = []
        while let b = current {
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index -= 1
                if let message = JSONEscape.decode(bytes, at: &index, into: &out) { throw problem(message) }
            default:
                guard b >= 0x20 else { throw problem("a control character inside a string") }
                out.append(b)
            }
        }
        throw problem("a string is never closed")
    }
}

/// The escapes of a JSON string (RFC 8259 §7), decoded to UTF-8: one decoder for every JSON
/// reader in remsim (`Value(json:)`, the JSON fixture reader).
package enum JSONEscape {
    /// Decodes the escape whose backslash is at `index`, appending its UTF-8 to `out` and moving
    /// `index` past it. On a bad escape returns why, with `index` at the backslash.
    package static func decode<Bytes: RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, at index: inout Int, into out: inout [UInt8]
    ) -> String? where Bytes.Index == Int {
        let backslash = index
        guard index + 1 < bytes.endIndex else { return "a string is never closed" }
        let e = bytes[index + 1]
        index += 2
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard var scalar = hex4(bytes, at: &index) else {
                index = backslash
                return "expected four hex digits after \\u"
            }
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.endIndex, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else {
                    index = backslash
                    return "a lone surrogate in a \\u escape"
                }
                index += 2
                guard let low = hex4(bytes, at: &index), (0xDC00...0xDFFF).contains(low) else {
                    index = backslash
                    return "a lone surrogate in a \\u escape"
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                index = backslash
                return "a lone surrogate in a \\u escape"
            }
            guard let u = Unicode.Scalar(scalar) else {
                index = backslash
                return "an invalid \\u escape"
            }
            out += Array(String(Character(u)).utf8)
        default:
            index = backslash
            return "an unknown escape in a string"
        }
        return nil
    }

    private static func hex4<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: inout Int) -> UInt32?
    where Bytes.Index == Int {
        guard index + 4 <= bytes.endIndex else { return nil }
        var v: UInt32 = 0
        for b in bytes[index..<index + 4] {
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        index += 4
        return v
    }
}
