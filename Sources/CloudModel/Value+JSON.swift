import Foundation

extension Value {
    /// Compact JSON with object members in their written order: the form rendered commands and
    /// stored runs use, identical from run to run. (Foundation's encoders do not keep member
    /// order on every platform, hence this writer.)
    public var jsonText: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    /// JSON indented by two spaces, one member or item per line, members in their order: the
    /// form of the JSON Schemas in `Schemas/` (as Python's `json.dumps(indent=2)` writes it).
    package var indentedJSONText: String {
        var out = ""
        writeIndented(into: &out, depth: 0)
        return out
    }

    private func writeIndented(into out: inout String, depth: Int) {
        let inner = String(repeating: "  ", count: depth + 1)
        let outer = String(repeating: "  ", count: depth)
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                item.writeIndented(into: &out, depth: depth + 1)
                out += i < items.count - 1 ? ",\n" : "\n"
            }
            out += outer + "]"
        case .object(let fields) where !fields.isEmpty:
            out += "{\n"
            for (i, entry) in fields.entries.enumerated() {
                out += inner
                Self.writeJSONString(entry.key, into: &out)
                out += ": "
                entry.value.writeIndented(into: &out, depth: depth + 1)
                out += i < fields.count - 1 ? ",\n" : "\n"
            }
            out += outer + "}"
        default:
            writeJSON(into: &out)
        }
    }

    private func writeJSON(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): Self.writeJSONNumber(d, into: &out)
        case .string(let s): Self.writeJSONString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.writeJSON(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, entry) in fields.entries.enumerated() {
                if i > 0 { out += "," }
                Self.writeJSONString(entry.key, into: &out)
                out += ":"
                entry.value.writeJSON(into: &out)
            }
            out += "}"
        }
    }

    fileprivate static func writeJSONNumber(_ d: Double, into out: inout String) {
        if d.isFinite {
            out += d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
        } else {
            out += "null"
        }
    }

    /// `s` as a JSON string, quotes included.
    package static func writeJSONString(_ s: String, into out: inout String) {
        out += "\""
        // Most strings need no escape and are appended whole; the others in runs between their
        // escapes.
        let escapes = s.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
        }
        if escapes == false {
            out += s
        } else {
            var run = ""
            for scalar in s.unicodeScalars {
                let escaped: String? =
                    switch scalar {
                    case "\"": "\\\""
                    case "\\": "\\\\"
                    case "\n": "\\n"
                    case "\r": "\\r"
                    case "\t": "\\t"
                    default: scalar.value < 0x20 ? String(format: "\\u%04x", scalar.value) : nil
                    }
                if let escaped {
                    out += run
                    run = ""
                    out += escaped
                } else {
                    run.unicodeScalars.append(scalar)
                }
            }
            out += run
        }
        out += "\""
    }
}

extension FlatValue {
    /// The same text as `value.jsonText`, written from the flat storage with no `Value` built.
    package var jsonText: String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    package func writeJSON(into out: inout String) {
        withView { $0.writeJSON(at: 0, into: &out) }
    }
}

extension FlatView {
    func writeJSON(at i: Int, into out: inout String) {
        let n = nodes[i]
        switch n.kind {
        case .null: out += "null"
        case .bool: out += n.payload != 0 ? "true" : "false"
        case .int: out += String(n.payload)
        case .double: Value.writeJSONNumber(Double(bitPattern: UInt64(bitPattern: n.payload)), into: &out)
        case .string: Value.writeJSONString(string(i) ?? "", into: &out)
        case .array:
            out += "["
            for (k, child) in children(i).enumerated() {
                if k > 0 { out += "," }
                writeJSON(at: child, into: &out)
            }
            out += "]"
        case .object:
            out += "{"
            for (k, child) in children(i).enumerated() {
                if k > 0 { out += "," }
                Value.writeJSONString(key(child), into: &out)
                out += ":"
                writeJSON(at: child, into: &out)
            }
            out += "}"
        }
    }
}
