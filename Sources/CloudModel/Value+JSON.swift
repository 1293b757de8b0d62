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
        case .double(let d):
            if d.isFinite {
                out += d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
            } else {
                out += "null"
            }
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

    private static func writeJSONString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
