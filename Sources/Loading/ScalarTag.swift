import Yams

/// The tag YAML gives a plain scalar by its text: exactly what Yams' default resolver decides
/// (`Resolver.default`: bool, int, float, merge, null, timestamp and value, tried in that order),
/// worked out by hand instead of by up to seven regular expressions each time a scalar is read.
/// A test compares the two on hundreds of thousands of texts.
enum ScalarTag {
    static func resolve(_ text: String) -> Tag.Name {
        var text = text
        return text.withUTF8 { bytes in
            if let name = resolve(bytes[...]) { return name }
            // The rules end in `$`, which also matches before one line terminator at the end.
            for terminator in terminators where bytes.count >= terminator.count {
                if bytes.suffix(terminator.count).elementsEqual(terminator),
                    let name = resolve(bytes.dropLast(terminator.count))
                {
                    return name
                }
            }
            return .str
        }
    }

    /// What ICU counts as a line terminator, longest first (CR LF is one).
    private static let terminators: [[UInt8]] = [
        [0x0D, 0x0A], [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9], [0xC2, 0x85], [0x0A], [0x0B], [0x0C], [0x0D],
    ]

    private static let bools: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
        "off", "Off", "OFF",
    ]

    private typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    private static func resolve(_ s: Bytes) -> Tag.Name? {
        if s.count <= 5, bools.contains(String(decoding: s, as: UTF8.self)) { return .bool }
        if isInt(s) { return .int }
        if isFloat(s) { return .float }
        if s.elementsEqual("<<".utf8) { return .merge }
        if s.isEmpty || ["~", "null", "Null", "NULL"].contains(where: { s.elementsEqual($0.utf8) }) { return .null }
        if isTimestamp(s) { return .timestamp }
        if s.elementsEqual("=".utf8) { return .value }
        return nil
    }

    // MARK: - Matching, one alternative of a rule at a time

    /// A cursor over the bytes; every rule must consume all of them.
    private struct Cursor {
        let s: Bytes
        var i: Int

        init(_ s: Bytes) {
            self.s = s
            i = s.startIndex
        }

        var atEnd: Bool { i == s.endIndex }
        var current: UInt8? { i < s.endIndex ? s[i] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            i += 1
            return true
        }

        mutating func take(where test: (UInt8) -> Bool) -> Bool {
            guard let b = current, test(b) else { return false }
            i += 1
            return true
        }

        /// As many as match; how many.
        @discardableResult
        mutating func takeAll(where test: (UInt8) -> Bool) -> Int {
            var n = 0
            while take(where: test) { n += 1 }
            return n
        }

        mutating func sign() { _ = take(UInt8(ascii: "+")) || take(UInt8(ascii: "-")) }

        mutating func word(_ w: String) -> Bool {
            let start = i
            for b in w.utf8 where !take(b) {
                i = start
                return false
            }
            return true
        }
    }

    private static func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func digitOr_(_ b: UInt8) -> Bool { digit(b) || b == UInt8(ascii: "_") }

    private static func isInt(_ s: Bytes) -> Bool {
        // [-+]?0b[0-1_]+
        var c = Cursor(s)
        c.sign()
        if c.word("0b"), c.takeAll(where: { $0 == 0x30 || $0 == 0x31 || $0 == 0x5F }) > 0, c.atEnd { return true }
        // [-+]?0o?[0-7_]+
        c = Cursor(s)
        c.sign()
        if c.take(0x30) {
            _ = c.take(UInt8(ascii: "o"))
            if c.takeAll(where: { ($0 >= 0x30 && $0 <= 0x37) || $0 == 0x5F }) > 0, c.atEnd { return true }
        }
        // [-+]?(?:0|[1-9][0-9_]*)
        c = Cursor(s)
        c.sign()
        if c.take(0x30), c.atEnd { return true }
        c = Cursor(s)
        c.sign()
        if c.take(where: { $0 >= 0x31 && $0 <= 0x39 }) {
            c.takeAll(where: digitOr_)
            if c.atEnd { return true }
        }
        // [-+]?0x[0-9a-fA-F_]+
        c = Cursor(s)
        c.sign()
        if c.word("0x"),
            c.takeAll(where: { digitOr_($0) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }) > 0, c.atEnd
        {
            return true
        }
        // [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
        c = Cursor(s)
        c.sign()
        if c.take(where: { $0 >= 0x31 && $0 <= 0x39 }) {
            c.takeAll(where: digitOr_)
            if sexagesimalToEnd(&c, then: nil) { return true }
        }
        return false
    }

    /// `(?::[0-5]?[0-9])+` followed by `tail` (or the end): tried every way the parts can split,
    /// as a backtracking regular expression would.
    private static func sexagesimalToEnd(_ c: inout Cursor, then tail: ((inout Cursor) -> Bool)?) -> Bool {
        func parts(_ c: Cursor, _ count: Int) -> Bool {
            if count > 0 {
                var rest = c
                if let tail { if tail(&rest) { return true } } else if rest.atEnd { return true }
            }
            var next = c
            guard next.take(UInt8(ascii: ":")) else { return false }
            // Two digits, the first at most 5; or one digit.
            if let a = next.current, a >= 0x30, a <= 0x35 {
                var two = next
                two.i += 1
                if two.take(where: digit), parts(two, count + 1) { return true }
            }
            var one = next
            return one.take(where: digit) && parts(one, count + 1)
        }
        return parts(c, 0)
    }

    private static func isFloat(_ s: Bytes) -> Bool {
        // [-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
        var c = Cursor(s)
        c.sign()
        if c.take(where: digit) {
            c.takeAll(where: digitOr_)
            if c.take(UInt8(ascii: ".")) { c.takeAll(where: digitOr_) }
            if c.atEnd { return true }
            if c.take(UInt8(ascii: "e")) || c.take(UInt8(ascii: "E")) {
                c.sign()
                if c.takeAll(where: digit) > 0, c.atEnd { return true }
            }
        }
        // \.[0-9_]+(?:[eE][-+][0-9]+)?
        c = Cursor(s)
        if c.take(UInt8(ascii: ".")), c.takeAll(where: digitOr_) > 0 {
            if c.atEnd { return true }
            if c.take(UInt8(ascii: "e")) || c.take(UInt8(ascii: "E")),
                c.take(UInt8(ascii: "+")) || c.take(UInt8(ascii: "-")), c.takeAll(where: digit) > 0, c.atEnd
            {
                return true
            }
        }
        // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        c = Cursor(s)
        c.sign()
        if c.take(where: digit) {
            c.takeAll(where: digitOr_)
            let dotAndRest: (inout Cursor) -> Bool = { c in
                guard c.take(UInt8(ascii: ".")) else { return false }
                c.takeAll(where: digitOr_)
                return c.atEnd
            }
            if sexagesimalToEnd(&c, then: dotAndRest) { return true }
        }
        // [-+]?\.(?:inf|Inf|INF)
        c = Cursor(s)
        c.sign()
        if c.take(UInt8(ascii: ".")), c.word("inf") || c.word("Inf") || c.word("INF"), c.atEnd { return true }
        // \.(?:nan|NaN|NAN)
        c = Cursor(s)
        if c.take(UInt8(ascii: ".")), c.word("nan") || c.word("NaN") || c.word("NAN"), c.atEnd { return true }
        return false
    }

    private static func isTimestamp(_ s: Bytes) -> Bool {
        func digits(_ c: inout Cursor, _ n: Int) -> Bool {
            for _ in 0..<n where !c.take(where: digit) { return false }
            return true
        }
        // [0-9]{4}-[0-9]{2}-[0-9]{2}
        var c = Cursor(s)
        if digits(&c, 4), c.take(UInt8(ascii: "-")), digits(&c, 2), c.take(UInt8(ascii: "-")), digits(&c, 2),
            c.atEnd
        {
            return true
        }
        // [0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
        //   (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
        c = Cursor(s)
        guard digits(&c, 4), c.take(UInt8(ascii: "-")), c.take(where: digit) else { return false }
        _ = c.take(where: digit)
        guard c.take(UInt8(ascii: "-")), c.take(where: digit) else { return false }
        _ = c.take(where: digit)
        let space: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        if !(c.take(UInt8(ascii: "T")) || c.take(UInt8(ascii: "t"))) {
            guard c.takeAll(where: space) > 0 else { return false }
        }
        guard c.take(where: digit) else { return false }
        _ = c.take(where: digit)
        guard c.take(UInt8(ascii: ":")), digits(&c, 2), c.take(UInt8(ascii: ":")), digits(&c, 2) else { return false }
        if c.take(UInt8(ascii: ".")) { c.takeAll(where: digit) }
        if c.atEnd { return true }
        c.takeAll(where: space)
        if c.take(UInt8(ascii: "Z")) { return c.atEnd }
        guard c.take(UInt8(ascii: "+")) || c.take(UInt8(ascii: "-")), c.take(where: digit) else { return false }
        // [0-9][0-9]?(?::[0-9][0-9])? to the end.
        var one = c
        if one.take(UInt8(ascii: ":")) {
            return digits(&one, 2) && one.atEnd
        }
        if c.atEnd { return true }
        guard c.take(where: digit) else { return false }
        if c.atEnd { return true }
        return c.take(UInt8(ascii: ":")) && digits(&c, 2) && c.atEnd
    }
}
