import CloudModel
import Foundation
import Policies

/// A Prisma Cloud `json.rule`: the condition of an RQL config query on a resource's JSON, read
/// into a tree. The language, as Prisma's policies write it:
///
/// ```
/// disabled is false and direction equals INGRESS and (sourceRanges[*] equals 0.0.0.0/0 or
/// sourceRanges[*] equals ::/0) and allowed[?any(IPProtocol contains tcp)] exists
/// ```
///
/// Tests are `PATH [size] OPERATOR [VALUE]`, combined with `and`, `or`, `not` and parentheses
/// (`and` binds tighter than `or`). A path is dotted keys with `[*]` (each element), `[N]`,
/// `[?any(RULE)]`/`[?none(RULE)]` (some or no element meets the rule) and `[?(@.KEY == 'VALUE')]`
/// (the elements whose key has that value), `['a.b']` (one key with a dot in it). Values are quoted
/// strings, bare words or numbers, a parenthesised list after `is member of`, or a port range
/// (`_Port.inRange(22,22)`). Prisma's other functions (`_DateTime.ageInDays(…)`, …) are not read:
/// they are refused, naming the function.
package indirect enum JSONRule: Sendable, Equatable {
    case and([JSONRule])
    case or([JSONRule])
    case not(JSONRule)
    case test(Test)

    package struct Test: Sendable, Equatable {
        package var path: Path
        /// `PATH size OPERATOR N`: the test is on the number of elements.
        package var size: Bool
        package var op: Operator
        package var operand: Operand?
        /// Where the test starts in the rule's text (0-based, in characters).
        package var offset: Int

        /// The test as a rule writes it.
        package var text: String {
            var out = path.text + (size ? " size" : "") + " " + op.rawValue
            if let operand { out += " " + operand.text }
            return out
        }
    }

    package struct Path: Sendable, Equatable, CustomStringConvertible {
        package enum Step: Sendable, Equatable {
            case key(String)
            /// `[*]`
            case each
            /// `[2]`
            case index(Int)
            /// `[?any(RULE)]`: some element meets the rule.
            case anyElement(JSONRule)
            /// `[?none(RULE)]`: no element meets it.
            case noElement(JSONRule)
            /// `[?(@.name == 'log_retention_days')]`: the elements whose key has the value.
            case select(JSONRule)
        }

        package var steps: [Step]
        /// As written.
        package var text: String
        package var description: String { text }
    }

    package typealias Operator = PrismaOperator

    package enum Operand: Sendable, Equatable {
        /// A quoted string: always a string.
        case quoted(String)
        /// A bare word: a number when it reads as one, else a string.
        case bare(String)
        case list([Operand])
        /// `_Port.inRange(22,22)`: the ports from one number to the other, which a port list or
        /// range `contains` when it covers them all.
        case portRange(ClosedRange<Int>)

        /// As a rule writes it.
        package var text: String {
            switch self {
            case .quoted(let s): "'\(s)'"
            case .bare(let s): s
            case .list(let items): "(" + items.map(\.text).joined(separator: ", ") + ")"
            case .portRange(let ports): "_Port.inRange(\(ports.lowerBound),\(ports.upperBound))"
            }
        }

        /// As remsim's values: a bare `22` is a number, `true` a boolean.
        package var value: Value {
            switch self {
            case .quoted(let s): .string(s)
            case .bare(let s):
                if let i = Int(s) {
                    .int(i)
                } else if let d = Double(s), s.contains(".") || s.contains("e") {
                    .double(d)
                } else if s.lowercased() == "true" || s.lowercased() == "false" {
                    .bool(s.lowercased() == "true")
                } else {
                    .string(s)
                }
            case .list(let items): .array(items.map(\.value))
            case .portRange(let ports): [.int(ports.lowerBound), .int(ports.upperBound)]
            }
        }
    }

    /// What cannot be read, with where it is in the rule's text.
    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package var message: String
        /// 0-based, in characters.
        package var offset: Int
        package var description: String { message }
    }

    package init(parsing text: String) throws(Problem) {
        var parser = JSONRuleParser(text)
        self = try parser.rule()
        try parser.expectEnd()
    }
}

/// The reader of `JSONRule`: a tokenizer over the characters and a recursive descent over the
/// tokens.
struct JSONRuleParser {
    enum Token: Equatable {
        case open, close, comma
        case quoted(String)
        /// A word: a path, an operator word, a bare value.
        case word(String)
        case end
    }

    let characters: [Character]
    var position = 0
    /// The token read ahead, and where it starts.
    var lookahead: (token: Token, offset: Int)?

    /// Invisible format characters (a zero-width joiner pasted from a console) are dropped from
    /// each character they cling to: `]` followed by U+200C is one Swift character, and not `]`.
    /// Each character stays one, so offsets still count the text as written.
    init(_ text: String) {
        characters = text.map { c in
            guard c.unicodeScalars.contains(where: { $0.properties.generalCategory == .format }) else { return c }
            var kept = String.UnicodeScalarView()
            kept.append(contentsOf: c.unicodeScalars.filter { $0.properties.generalCategory != .format })
            return String(kept).first ?? " "
        }
    }

    // MARK: Tokens

    mutating func peek() throws(JSONRule.Problem) -> (token: Token, offset: Int) {
        if let lookahead { return lookahead }
        let next = try readToken()
        lookahead = next
        return next
    }

    mutating func next() throws(JSONRule.Problem) -> (token: Token, offset: Int) {
        let token = try peek()
        lookahead = nil
        return token
    }

    mutating func readToken() throws(JSONRule.Problem) -> (token: Token, offset: Int) {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
        let start = position
        guard position < characters.count else { return (.end, start) }
        let c = characters[position]
        switch c {
        case "(":
            position += 1
            return (.open, start)
        case ")":
            position += 1
            return (.close, start)
        case ",":
            position += 1
            return (.comma, start)
        case "'", "\"":
            return (.quoted(try quoted()), start)
        case "!" where position + 1 < characters.count && characters[position + 1].isLetter:
            position += 1
            return (.word("!" + (try word())), start)
        case "=", "!", "<", ">":
            var op = String(c)
            position += 1
            if position < characters.count, characters[position] == "=" {
                op.append("=")
                position += 1
            }
            guard op != "=" && op != "!" else {
                throw JSONRule.Problem(message: "'\(op)' is not an operator; write == or equals", offset: start)
            }
            return (.word(op), start)
        default:
            return (.word(try word()), start)
        }
    }

    /// A string in single or double quotes; a backslash keeps the next character.
    mutating func quoted() throws(JSONRule.Problem) -> String {
        let quote = characters[position]
        let start = position
        position += 1
        var out = ""
        while position < characters.count {
            let c = characters[position]
            position += 1
            if c == "\\", position < characters.count {
                out.append(characters[position])
                position += 1
            } else if c == quote {
                return out
            } else {
                out.append(c)
            }
        }
        throw JSONRule.Problem(message: "a string opened with \(quote) is never closed", offset: start)
    }

    /// A run of characters up to a space, a parenthesis, a comma, a quote or a comparison sign,
    /// with each `[…]` taken whole (its brackets, parentheses and quotes balanced).
    mutating func word() throws(JSONRule.Problem) -> String {
        var out = ""
        while position < characters.count {
            let c = characters[position]
            if c.isWhitespace || "(),'\"=!<>".contains(c) { break }
            if c == "[" {
                let start = position
                var nesting = Nesting()
                repeat {
                    out.append(characters[position])
                    nesting.take(characters[position])
                    position += 1
                } while !nesting.atTop && position < characters.count
                guard nesting.atTop else { throw JSONRule.Problem(message: "a [ is never closed", offset: start) }
                continue
            }
            out.append(c)
            position += 1
        }
        return out
    }

    // MARK: Rules

    mutating func expectEnd() throws(JSONRule.Problem) {
        let (token, offset) = try peek()
        guard token == .end else {
            throw JSONRule.Problem(
                message: "expected and, or or the end of the rule, found \(describe(token))", offset: offset)
        }
    }

    func describe(_ token: Token) -> String {
        switch token {
        case .open: "("
        case .close: ")"
        case .comma: ","
        case .quoted(let s): "'\(s)'"
        case .word(let w): "'\(w)'"
        case .end: "the end of the rule"
        }
    }

    func isKeyword(_ token: Token, _ keyword: String) -> Bool {
        if case .word(let w) = token { return w.lowercased() == keyword }
        return false
    }

    /// `A or B or …`
    mutating func rule() throws(JSONRule.Problem) -> JSONRule {
        let parts = try joined(by: "or") { parser throws(JSONRule.Problem) in try parser.conjunction() }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    /// `A and B and …`
    mutating func conjunction() throws(JSONRule.Problem) -> JSONRule {
        let parts = try joined(by: "and") { parser throws(JSONRule.Problem) in try parser.unary() }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    /// One or more of what `part` reads, separated by `keyword`.
    mutating func joined(
        by keyword: String, _ part: (inout JSONRuleParser) throws(JSONRule.Problem) -> JSONRule
    ) throws(JSONRule.Problem) -> [JSONRule] {
        var parts = [try part(&self)]
        while isKeyword(try peek().token, keyword) {
            _ = try next()
            parts.append(try part(&self))
        }
        return parts
    }

    mutating func unary() throws(JSONRule.Problem) -> JSONRule {
        let (token, offset) = try peek()
        if isKeyword(token, "not") {
            _ = try next()
            return .not(try unary())
        }
        if token == .open {
            _ = try next()
            let inner = try rule()
            let (closing, at) = try next()
            guard closing == .close else {
                throw JSONRule.Problem(
                    message: "expected ) to close the ( at \(offset + 1), found \(describe(closing))", offset: at)
            }
            return inner
        }
        return .test(try test())
    }

    mutating func test() throws(JSONRule.Problem) -> JSONRule.Test {
        let (token, offset) = try next()
        guard case .word(let pathText) = token else {
            throw JSONRule.Problem(message: "expected a path, found \(describe(token))", offset: offset)
        }
        if pathText.hasPrefix("_") {
            throw JSONRule.Problem(message: "Prisma's function \(pathText) is not read", offset: offset)
        }
        let path = try Self.path(pathText, offset: offset)
        var size = false
        if isKeyword(try peek().token, "size") {
            _ = try next()
            size = true
        }
        let op = try self.op(after: pathText)
        var operand: JSONRule.Operand?
        if op.takesOperand { operand = try self.operand(for: op) }
        return JSONRule.Test(path: path, size: size, op: op, operand: operand, offset: offset)
    }

    /// The longest operator spelled by the next words.
    mutating func op(after path: String) throws(JSONRule.Problem) -> JSONRule.Operator {
        let (first, offset) = try peek()
        // Read ahead words without taking them: a saved state is restored for the shorter forms.
        let saved = (position, lookahead)
        var words: [String] = []
        var ends: [(position: Int, lookahead: (token: Token, offset: Int)?)] = []
        for _ in 0..<5 {
            guard case .word(let w) = try peek().token else { break }
            _ = try next()
            words.append(w.lowercased())
            ends.append((position, lookahead))
        }
        for spelling in JSONRule.Operator.spellings where words.starts(with: spelling.words) {
            let end = ends[spelling.words.count - 1]
            (position, lookahead) = (end.position, end.lookahead)
            return spelling.op
        }
        (position, lookahead) = saved
        throw JSONRule.Problem(
            message: "expected an operator after \(path) (equals, does not equal, contains, exists, is empty, "
                + "greater than, starts with, is member of, matches, is true, …), found \(describe(first))",
            offset: offset)
    }

    mutating func operand(for op: JSONRule.Operator) throws(JSONRule.Problem) -> JSONRule.Operand {
        let (token, offset) = try next()
        switch token {
        case .quoted(let s): return .quoted(s)
        case .word(let w):
            if w == "_Port.inRange" { return try portRange(offset: offset) }
            if w.hasPrefix("_") {
                throw JSONRule.Problem(message: "Prisma's function \(w) is not read", offset: offset)
            }
            return .bare(w)
        case .open where op == .isMemberOf || op == .isNotMemberOf:
            var items: [JSONRule.Operand] = []
            while true {
                let (item, at) = try next()
                switch item {
                case .quoted(let s): items.append(.quoted(s))
                case .word(let w): items.append(.bare(w))
                default:
                    throw JSONRule.Problem(message: "expected a value in the list, found \(describe(item))", offset: at)
                }
                let (separator, sat) = try next()
                if separator == .close { return .list(items) }
                guard separator == .comma else {
                    throw JSONRule.Problem(
                        message: "expected , or ) in the list, found \(describe(separator))", offset: sat)
                }
            }
        default:
            throw JSONRule.Problem(
                message: "expected a value after \(op.rawValue), found \(describe(token))", offset: offset)
        }
    }

    /// `(FROM,TO)` after `_Port.inRange`.
    mutating func portRange(offset: Int) throws(JSONRule.Problem) -> JSONRule.Operand {
        var numbers: [Int] = []
        for expected in [Token.open, .word(""), .comma, .word(""), .close] {
            let (token, at) = try next()
            switch (expected, token) {
            case (.word, .word(let w)):
                guard let n = Int(w), (0...65535).contains(n) else {
                    throw JSONRule.Problem(message: "_Port.inRange takes two ports, found '\(w)'", offset: at)
                }
                numbers.append(n)
            case (let e, let t) where e == t:
                continue
            default:
                throw JSONRule.Problem(message: "expected _Port.inRange(FROM,TO), found \(describe(token))", offset: at)
            }
        }
        guard numbers[0] <= numbers[1] else {
            throw JSONRule.Problem(message: "_Port.inRange(\(numbers[0]),\(numbers[1])) is empty", offset: offset)
        }
        return .portRange(numbers[0]...numbers[1])
    }

    /// `a.b[*].c[?any(x equals 1)]` into its steps; `offset` is where it starts in the rule.
    static func path(_ text: String, offset: Int) throws(JSONRule.Problem) -> JSONRule.Path {
        var steps: [JSONRule.Path.Step] = []
        let chars = Array(text)
        var i = 0
        var key = ""
        func flush() {
            if !key.isEmpty { steps.append(.key(key)) }
            key = ""
        }
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                flush()
                i += 1
                continue
            }
            guard c == "[" else {
                key.append(c)
                i += 1
                continue
            }
            flush()
            // The bracket's contents, up to its own closing bracket.
            let start = i
            var nesting = Nesting()
            var end = i
            while end < chars.count {
                nesting.take(chars[end])
                if nesting.atTop { break }
                end += 1
            }
            let inner = String(chars[(start + 1)..<end])
            steps.append(try bracket(inner, offset: offset + start + 1))
            i = end + 1
        }
        flush()
        guard !steps.isEmpty else { throw JSONRule.Problem(message: "an empty path", offset: offset) }
        return JSONRule.Path(steps: steps, text: text)
    }

    static func bracket(_ inner: String, offset: Int) throws(JSONRule.Problem) -> JSONRule.Path.Step {
        let trimmed = inner.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" { return .each }
        // `['properties.storageProfile']`: one key, dots and all.
        if trimmed.count >= 2, let q = trimmed.first, q == "'" || q == "\"", trimmed.last == q {
            return .key(String(trimmed.dropFirst().dropLast()))
        }
        if let n = Int(trimmed) { return .index(n) }
        for (name, make) in [("?any(", JSONRule.Path.Step.anyElement), ("?none(", JSONRule.Path.Step.noElement)]
        where trimmed.hasPrefix(name) && trimmed.hasSuffix(")") {
            let body = String(trimmed.dropFirst(name.count).dropLast())
            do {
                return make(try JSONRule(parsing: body))
            } catch {
                throw JSONRule.Problem(message: error.message, offset: offset + name.count + error.offset)
            }
        }
        // `?(@.name == 'x')`, `?(@.name=="x")`, `?(@.a == 'x' && @.b)`, `?(@.a == 'x' || @.a == 'y')`
        if trimmed.hasPrefix("?("), trimmed.hasSuffix(")") {
            let body = String(trimmed.dropFirst(2).dropLast())
            if let rule = filterExpression(body, offset: offset + 2) { return .select(rule) }
        }
        throw JSONRule.Problem(
            message: "[\(inner)] is not read: a path takes [*], [N], [?any(RULE)], [?none(RULE)] or "
                + "[?(@.KEY == 'VALUE')]",
            offset: offset - 1)
    }
}

extension JSONRuleParser {
    /// A JSONPath filter's body read as a rule over the element: `@.k == 'v'`, `@.k != 'v'`,
    /// `@.k` (it exists), joined by `&&` and `||` (`&&` binding tighter); nil when it is not one.
    static func filterExpression(_ body: String, offset: Int) -> JSONRule? {
        func split(_ text: String, _ separator: String) -> [(String, Int)] {
            let chars = Array(text)
            let sep = Array(separator)
            var parts: [(String, Int)] = []
            var nesting = Nesting()
            var start = 0
            var i = 0
            while i < chars.count {
                if nesting.atTop, i + sep.count <= chars.count, Array(chars[i..<(i + sep.count)]) == sep {
                    parts.append((String(chars[start..<i]), start))
                    i += sep.count
                    start = i
                    continue
                }
                nesting.take(chars[i])
                i += 1
            }
            parts.append((String(chars[start...]), start))
            return parts
        }
        func atom(_ text: String, at: Int) -> JSONRule? {
            let leading = text.prefix { $0 == " " }.count
            let t = text.trimmingCharacters(in: .whitespaces)
            var op = JSONRule.Operator.exists
            var keyText = t
            var operand: JSONRule.Operand?
            for (spelling, o) in [("==", JSONRule.Operator.equals), ("!=", .notEquals)] {
                guard let range = t.range(of: spelling) else { continue }
                keyText = String(t[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
                var value = String(t[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                if value.count >= 2, let q = value.first, q == "'" || q == "\"", value.last == q {
                    value = String(value.dropFirst().dropLast())
                    operand = .quoted(value)
                } else {
                    operand = .bare(value)
                }
                op = o
                break
            }
            guard keyText.hasPrefix("@.") else { return nil }
            let keys = keyText.dropFirst(2).split(separator: ".").map(String.init)
            guard !keys.isEmpty,
                keys.allSatisfy({ k in !k.isEmpty && k.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
            else { return nil }
            let path = JSONRule.Path(steps: keys.map { .key($0) }, text: keys.joined(separator: "."))
            return .test(
                JSONRule.Test(path: path, size: false, op: op, operand: operand, offset: offset + at + leading))
        }
        var alternatives: [JSONRule] = []
        for (alternative, at) in split(body, "||") {
            var all: [JSONRule] = []
            for (part, partAt) in split(alternative, "&&") {
                guard let a = atom(part, at: at + partAt) else { return nil }
                all.append(a)
            }
            alternatives.append(all.count == 1 ? all[0] : .and(all))
        }
        return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
    }
}

/// Quotes and the nesting of brackets and parentheses, followed character by character.
struct Nesting {
    var depth = 0
    var quote: Character?

    /// Outside every quote, bracket and parenthesis.
    var atTop: Bool { depth == 0 && quote == nil }

    mutating func take(_ c: Character) {
        if let q = quote {
            if c == q { quote = nil }
        } else if c == "'" || c == "\"" {
            quote = c
        } else if c == "[" || c == "(" {
            depth += 1
        } else if c == "]" || c == ")" {
            depth -= 1
        }
    }
}

extension PrismaOperator {
    /// Every spelling, longest first, each as its words (lowercased).
    static let spellings: [(words: [String], op: PrismaOperator)] = {
        var all: [(String, PrismaOperator)] = PrismaOperator.allCases.map { ($0.rawValue, $0) }
        all += [
            ("equal", .equals), ("==", .equals), ("!=", .notEquals), ("equals ignore case", .equalsIgnoringCase),
            ("does not equals", .notEquals), ("does not equals ignore case", .notEqualsIgnoringCase),
            (">", .greaterThan), ("<", .lessThan), ("does not contains", .notContains),
            ("does not exists", .notExists), ("is not member", .isNotMemberOf), ("is member", .isMemberOf),
            ("any equals", .anyEquals), ("all equals", .allEqual),
        ]
        return all.map { (text, op) in (text.lowercased().split(separator: " ").map(String.init), op) }
            .sorted { $0.words.count > $1.words.count }
    }()
}
