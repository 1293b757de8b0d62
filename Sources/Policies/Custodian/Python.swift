import CloudModel

/// Python's meaning of the operations Cloud Custodian's filters apply to resource values, on
/// remsim's `Value` (a JSON document as Python's `json` module reads it: `None`, `bool`, `int`,
/// `float`, `str`, `list`, `dict`).
///
/// Custodian compares with Python's operators and treats a `TypeError` as "no match", so these
/// return nil where Python raises: `22 < "a"`, `None > 1`, `5 in None`.
package enum Python {
    /// `x == y`: booleans are the integers 0 and 1; lists and dicts compare member by member.
    package static func equal(_ x: Value, _ y: Value) -> Bool {
        switch (x, y) {
        case (.null, .null): return true
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.entries.allSatisfy { e in b[e.key].map { equal(e.value, $0) } ?? false }
        default:
            guard let a = number(x), let b = number(y) else { return false }
            return a == b
        }
    }

    /// A number as Python sees it: `bool` is an `int`.
    package static func number(_ v: Value) -> Double? {
        switch v {
        case .bool(let b): b ? 1 : 0
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// -1, 0 or 1 for `x` against `y` under `<`, or nil where Python raises `TypeError`
    /// (`None`, dicts, and mixed kinds). Strings compare by code point, lists member by member.
    package static func compare(_ x: Value, _ y: Value) -> Int? {
        switch (x, y) {
        case (.string(let a), .string(let b)):
            return lexicographic(Array(a.unicodeScalars.map(\.value)), Array(b.unicodeScalars.map(\.value)))
        case (.array(let a), .array(let b)):
            for (p, q) in zip(a, b) where !equal(p, q) { return compare(p, q) }
            return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
        default:
            guard let a = number(x), let b = number(y), !a.isNaN, !b.isNaN else {
                if let a = number(x), let b = number(y), a.isNaN || b.isNaN { return .max }
                return nil
            }
            return a < b ? -1 : (a > b ? 1 : 0)
        }
    }

    /// Python's ordering operators (`op` one of `<`, `<=`, `>`, `>=`): nil on `TypeError`;
    /// any comparison with NaN is false.
    package static func ordered(_ x: Value, _ op: String, _ y: Value) -> Bool? {
        guard let c = compare(x, y) else { return nil }
        if c == .max { return false }
        switch op {
        case "<": return c < 0
        case "<=": return c <= 0
        case ">": return c > 0
        default: return c >= 0
        }
    }

    private static func lexicographic(_ a: [UInt32], _ b: [UInt32]) -> Int {
        for (p, q) in zip(a, b) where p != q { return p < q ? -1 : 1 }
        return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
    }

    /// `bool(x)`: `None`, `False`, `0`, `0.0`, `""`, `[]` and `{}` are false.
    package static func truthy(_ v: Value) -> Bool {
        switch v {
        case .null: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .double(let d): d != 0
        case .string(let s): !s.isEmpty
        case .array(let a): !a.isEmpty
        case .object(let o): !o.isEmpty
        }
    }

    /// `item in container`: a member of a list, a substring of a string, a key of a dict; nil
    /// where Python raises (a non-string in a string, an unhashable key, anything in a scalar).
    package static func contains(_ container: Value, _ item: Value) -> Bool? {
        switch container {
        case .array(let items): return items.contains { equal($0, item) }
        case .string(let s):
            guard case .string(let t) = item else { return nil }
            return t.isEmpty || s.contains(t)
        case .object(let fields):
            switch item {
            case .array, .object: return nil
            case .string(let key): return fields[key] != nil
            default: return false
            }
        default: return nil
        }
    }

    /// `len(x)`: nil where Python raises. A string's length counts code points.
    package static func length(_ v: Value) -> Int? {
        switch v {
        case .string(let s): s.unicodeScalars.count
        case .array(let a): a.count
        case .object(let o): o.count
        default: nil
        }
    }

    /// The members of `set(x)`, deduplicated as Python would (`1`, `1.0` and `True` are one);
    /// nil where Python raises (a scalar, or an unhashable member).
    package static func set(_ v: Value) -> [Value]? {
        let members: [Value]
        switch v {
        case .string(let s): members = s.unicodeScalars.map { .string(String($0)) }
        case .array(let items):
            guard !items.contains(where: { $0.arrayValue != nil || $0.objectValue != nil }) else { return nil }
            members = items
        case .object(let fields): members = fields.keys.map(Value.string)
        default: return nil
        }
        var out: [Value] = []
        for m in members where !out.contains(where: { equal($0, m) }) { out.append(m) }
        return out
    }

    /// `s.split(sep)`.
    package static func split(_ s: String, _ sep: String) -> [String] {
        guard !sep.isEmpty else { return [s] }
        return s.split(separator: sep, omittingEmptySubsequences: false).map(String.init)
    }

    /// `str(x)`, for what Custodian converts with `int(str(x))` and `float(str(x))`.
    package static func str(_ v: Value) -> String {
        switch v {
        case .null: "None"
        case .bool(let b): b ? "True" : "False"
        case .int(let i): String(i)
        case .double(let d): d == d.rounded() && abs(d) < 1e16 ? "\(Int(d)).0" : String(d)
        case .string(let s): s
        case .array, .object: v.jsonText
        }
    }

    /// `int(text)`: an optional sign and decimal digits, with single underscores between
    /// digits, spaces around; nil where Python raises `ValueError`.
    package static func int(_ text: String) -> Int? {
        var s = Substring(text.trimmingPythonSpace)
        var sign = 1
        if let first = s.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            s = s.dropFirst()
        }
        guard let first = s.first, first.isASCIIDigit, let last = s.last, last.isASCIIDigit,
            !s.contains("__"), s.allSatisfy({ $0.isASCIIDigit || $0 == "_" })
        else { return nil }
        return Int(s.filter { $0 != "_" }).map { $0 * sign }
    }

    /// `float(text)`: a decimal number, `inf`, `infinity` or `nan` (any case, with a sign);
    /// nil where Python raises.
    package static func float(_ text: String) -> Double? {
        let s = text.trimmingPythonSpace
        var body = Substring(s)
        var sign = 1.0
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case "inf", "infinity": return sign * .infinity
        case "nan": return .nan
        default: break
        }
        guard !body.isEmpty, !body.contains("__"), body.first != "_", body.last != "_",
            body.allSatisfy({ $0.isASCIIDigit || "._eE+-".contains($0) })
        else { return nil }
        return Double(body.filter { $0 != "_" }).map { $0 * sign }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate var trimmingPythonSpace: String {
        let spaces: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        var s = Substring(self)
        while let f = s.first, spaces.contains(f) { s = s.dropFirst() }
        while let l = s.last, spaces.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
