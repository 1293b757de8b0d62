import CloudModel

/// A JMESPath expression, as Cloud Custodian reads a value filter's `key` (and `value_path`,
/// `value_from.expr`): parsed once when the policy is loaded, searched for each resource.
///
/// The grammar is the whole of JMESPath (identifiers, sub-expressions, indexes, slices, list,
/// object and filter projections, flatten, multi-selects, pipes, comparisons, `&&`, `||`, `!`,
/// literals, `@`, functions); its evaluation follows the reference implementation, jmespath.py,
/// which Custodian runs: a field of something that is not an object is null, a projection drops
/// nulls, ordering compares only numbers and strings, `0` and `1` never equal `true`/`false`.
/// Of the functions, those of the specification that take no expression reference are here, and
/// Custodian's own `split` and `from_json`; any other name is refused when the policy is loaded.
package indirect enum JMESPath: Sendable, Equatable {
    case identity
    case current
    case field(String)
    case literal(Value)
    case subexpression(JMESPath, JMESPath)
    case index(JMESPath, Int)
    case slice(JMESPath, Int?, Int?, Int?)
    case projection(JMESPath, JMESPath)
    case valueProjection(JMESPath, JMESPath)
    case filterProjection(JMESPath, condition: JMESPath, JMESPath)
    case flatten(JMESPath)
    case multiSelectList([JMESPath])
    case multiSelectHash([(String, JMESPath)])
    case comparator(Comparison, JMESPath, JMESPath)
    case and(JMESPath, JMESPath)
    case or(JMESPath, JMESPath)
    case not(JMESPath)
    case pipe(JMESPath, JMESPath)
    case function(String, [JMESPath])

    package enum Comparison: String, Sendable { case eq, ne, lt, gt, lte, gte }

    package static func == (a: JMESPath, b: JMESPath) -> Bool { String(describing: a) == String(describing: b) }

    /// The functions an expression may call, by name, with their argument counts.
    static let functions: [String: ClosedRange<Int>] = [
        "abs": 1...1, "avg": 1...1, "ceil": 1...1, "contains": 2...2, "ends_with": 2...2, "floor": 1...1,
        "join": 2...2, "keys": 1...1, "length": 1...1, "max": 1...1, "min": 1...1, "not_null": 1...Int.max,
        "reverse": 1...1, "sort": 1...1, "starts_with": 2...2, "sum": 1...1, "to_array": 1...1,
        "to_number": 1...1, "to_string": 1...1, "type": 1...1, "values": 1...1, "merge": 1...Int.max,
        "split": 2...2, "from_json": 1...1,
    ]

    package struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        package var message: String
        package var offset: Int
        package var description: String { "\(message) at character \(offset + 1)" }
    }

    package init(parsing text: String) throws(ParseError) {
        var parser = try Parser(text)
        self = try parser.expression(0)
        guard parser.current.kind == .eof else {
            throw ParseError(message: "unexpected '\(parser.current.text)'", offset: parser.current.offset)
        }
        try Self.checkFunctions(self)
    }

    private static func checkFunctions(_ e: JMESPath) throws(ParseError) {
        switch e {
        case .function(let name, let args):
            guard let arity = functions[name] else {
                throw ParseError(
                    message:
                        "the function '\(name)' is not supported (supported: \(functions.keys.sorted().joined(separator: ", ")))",
                    offset: 0)
            }
            guard arity.contains(args.count) else {
                throw ParseError(
                    message: "'\(name)' takes \(arity.lowerBound) argument(s), given \(args.count)", offset: 0)
            }
            for a in args { try checkFunctions(a) }
        case .subexpression(let a, let b), .projection(let a, let b), .valueProjection(let a, let b),
            .comparator(_, let a, let b), .and(let a, let b), .or(let a, let b), .pipe(let a, let b):
            try checkFunctions(a)
            try checkFunctions(b)
        case .filterProjection(let a, let c, let b):
            try checkFunctions(a)
            try checkFunctions(c)
            try checkFunctions(b)
        case .index(let a, _), .slice(let a, _, _, _), .flatten(let a), .not(let a): try checkFunctions(a)
        case .multiSelectList(let items): for i in items { try checkFunctions(i) }
        case .multiSelectHash(let pairs): for (_, i) in pairs { try checkFunctions(i) }
        case .identity, .current, .field, .literal: break
        }
    }

    /// The plain field path this expression is, if it is one (`a.b.c`): what lets a filter read
    /// a resource without building anything.
    package var fieldPath: [String]? {
        switch self {
        case .field(let name): [name]
        case .subexpression(let a, let b):
            if let x = a.fieldPath, let y = b.fieldPath { x + y } else { nil }
        default: nil
        }
    }

    // MARK: - Evaluation

    /// The expression's result on `value`; nil stands for JMESPath's null.
    package func search(_ value: Value?) -> Value? {
        switch self {
        case .identity, .current: return value
        case .field(let name):
            guard case .object(let fields)? = value else { return nil }
            return fields[name]
        case .literal(let v): return v
        case .subexpression(let a, let b): return b.search(a.search(value))
        case .index(let base, let i):
            guard case .array(let items)? = base.search(value) else { return nil }
            let at = i < 0 ? items.count + i : i
            return items.indices.contains(at) ? items[at] : nil
        case .slice(let base, let start, let stop, let step):
            guard case .array(let items)? = base.search(value) else { return nil }
            return Self.slice(items, start, stop, step).map(Value.array)
        case .projection(let base, let rhs):
            guard case .array(let items)? = base.search(value) else { return nil }
            return .array(items.compactMap { rhs.search($0).flatMap { $0.isNull ? Value?.none : $0 } })
        case .valueProjection(let base, let rhs):
            guard case .object(let fields)? = base.search(value) else { return nil }
            return .array(fields.entries.compactMap { rhs.search($0.value).flatMap { $0.isNull ? Value?.none : $0 } })
        case .filterProjection(let base, let condition, let rhs):
            guard case .array(let items)? = base.search(value) else { return nil }
            var out: [Value] = []
            for item in items where Self.isTrue(condition.search(item)) {
                if let v = rhs.search(item), !v.isNull { out.append(v) }
            }
            return .array(out)
        case .flatten(let base):
            guard case .array(let items)? = base.search(value) else { return nil }
            var out: [Value] = []
            for item in items {
                if case .array(let inner) = item { out += inner } else { out.append(item) }
            }
            return .array(out)
        case .multiSelectList(let items):
            guard let value, !value.isNull else { return nil }
            return .array(items.map { $0.search(value) ?? .null })
        case .multiSelectHash(let pairs):
            guard let value, !value.isNull else { return nil }
            var fields = Fields()
            for (key, e) in pairs { fields[key] = e.search(value) ?? .null }
            return .object(fields)
        case .comparator(let op, let a, let b):
            let x = a.search(value) ?? .null
            let y = b.search(value) ?? .null
            switch op {
            case .eq: return .bool(Self.equal(x, y))
            case .ne: return .bool(!Self.equal(x, y))
            default:
                guard let o = Self.order(x, y) else { return nil }
                switch op {
                case .lt: return .bool(o < 0)
                case .gt: return .bool(o > 0)
                case .lte: return .bool(o <= 0)
                default: return .bool(o >= 0)
                }
            }
        case .and(let a, let b):
            let x = a.search(value)
            return Self.isTrue(x) ? b.search(value) : x
        case .or(let a, let b):
            let x = a.search(value)
            return Self.isTrue(x) ? x : b.search(value)
        case .not(let a):
            let x = a.search(value) ?? .null
            if case .int(0) = x { return .bool(false) }
            if case .double(0) = x { return .bool(false) }
            return .bool(!Python.truthy(x))
        case .pipe(let a, let b): return b.search(a.search(value))
        case .function(let name, let args): return Self.call(name, args.map { $0.search(value) ?? .null })
        }
    }

    /// JMESPath's truth: false, null, and empty strings, lists and objects are false; 0 is true.
    static func isTrue(_ value: Value?) -> Bool {
        switch value {
        case nil, .null?, .bool(false)?: false
        case .string(let s)?: !s.isEmpty
        case .array(let a)?: !a.isEmpty
        case .object(let o)?: !o.isEmpty
        default: true
        }
    }

    /// jmespath.py's `==`: Python equality, except that 0 and 1 never equal a boolean.
    static func equal(_ x: Value, _ y: Value) -> Bool {
        func special(_ n: Value, _ other: Value) -> Bool? {
            switch n {
            case .int(0), .int(1), .double(0), .double(1):
                if case .bool = other { return true }
                return nil
            default: return nil
            }
        }
        if special(x, y) == true || special(y, x) == true { return false }
        return Python.equal(x, y)
    }

    /// Ordering, for numbers (not booleans) and strings only; nil otherwise.
    static func order(_ x: Value, _ y: Value) -> Int? {
        switch (x, y) {
        case (.int, .int), (.int, .double), (.double, .int), (.double, .double), (.string, .string):
            return Python.compare(x, y)
        default: return nil
        }
    }

    static func slice(_ items: [Value], _ start: Int?, _ stop: Int?, _ step: Int?) -> [Value]? {
        let step = step ?? 1
        guard step != 0 else { return nil }
        let n = items.count
        func clamp(_ i: Int?, _ forward: Bool, _ isStart: Bool) -> Int {
            guard var i else { return forward ? (isStart ? 0 : n) : (isStart ? n - 1 : -1) }
            if i < 0 { i += n }
            if forward { return min(max(i, 0), n) }
            return min(max(i, -1), n - 1)
        }
        let forward = step > 0
        var i = clamp(start, forward, true)
        let end = clamp(stop, forward, false)
        var out: [Value] = []
        while forward ? i < end : i > end {
            out.append(items[i])
            i += step
        }
        return out
    }

    static func call(_ name: String, _ args: [Value]) -> Value? {
        func numbers(_ v: Value) -> [Double]? {
            guard case .array(let items) = v else { return nil }
            var out: [Double] = []
            for item in items {
                switch item {
                case .int(let i): out.append(Double(i))
                case .double(let d): out.append(d)
                default: return nil
                }
            }
            return out
        }
        func number(_ d: Double) -> Value { d == d.rounded() && abs(d) < 1e15 ? .int(Int(d)) : .double(d) }
        switch name {
        case "abs":
            switch args[0] {
            case .int(let i): return .int(abs(i))
            case .double(let d): return .double(abs(d))
            default: return nil
            }
        case "avg":
            guard let ns = numbers(args[0]), !ns.isEmpty else { return nil }
            return .double(ns.reduce(0, +) / Double(ns.count))
        case "ceil", "floor":
            guard let d = args[0].numberValue, args[0].boolValue == nil else { return nil }
            let rounded = name == "ceil" ? d.rounded(.up) : d.rounded(.down)
            return Int(exactly: rounded).map(Value.int) ?? .double(rounded)
        case "contains":
            switch args[0] {
            case .array(let items): return .bool(items.contains { equal($0, args[1]) })
            case .string(let s):
                guard case .string(let t) = args[1] else { return .bool(false) }
                return .bool(t.isEmpty || s.contains(t))
            default: return nil
            }
        case "starts_with", "ends_with":
            guard case .string(let s) = args[0], case .string(let t) = args[1] else { return nil }
            return .bool(name == "starts_with" ? s.unicodeScalars.starts(with: t.unicodeScalars) : s.hasSuffix(t))
        case "join":
            guard case .string(let sep) = args[0], case .array(let items) = args[1] else { return nil }
            let strings = items.compactMap(\.stringValue)
            guard strings.count == items.count else { return nil }
            return .string(strings.joined(separator: sep))
        case "keys", "values":
            guard case .object(let fields) = args[0] else { return nil }
            return .array(name == "keys" ? fields.keys.map(Value.string) : fields.entries.map(\.value))
        case "length":
            switch args[0] {
            case .string(let s): return .int(s.unicodeScalars.count)
            case .array(let a): return .int(a.count)
            case .object(let o): return .int(o.count)
            default: return nil
            }
        case "max", "min":
            guard case .array(let items) = args[0], !items.isEmpty else { return nil }
            var best = items[0]
            for item in items.dropFirst() {
                guard let o = order(item, best) else { return nil }
                if name == "max" ? o > 0 : o < 0 { best = item }
            }
            return best
        case "not_null": return args.first { !$0.isNull }
        case "reverse":
            switch args[0] {
            case .array(let a): return .array(a.reversed())
            case .string(let s): return .string(String(s.reversed()))
            default: return nil
            }
        case "sort":
            guard case .array(let items) = args[0] else { return nil }
            return .array(items.sorted { (order($0, $1) ?? 0) < 0 })
        case "sum":
            guard let ns = numbers(args[0]) else { return nil }
            return number(ns.reduce(0, +))
        case "to_array":
            if case .array = args[0] { return args[0] }
            return .array([args[0]])
        case "to_number":
            switch args[0] {
            case .int, .double: return args[0]
            case .string(let s):
                if let i = Int(s) { return .int(i) }
                return Double(s).map(Value.double)
            default: return nil
            }
        case "to_string":
            if case .string = args[0] { return args[0] }
            return .string(args[0].jsonText)
        case "type":
            switch args[0] {
            case .null: return "null"
            case .bool: return "boolean"
            case .int, .double: return "number"
            case .string: return "string"
            case .array: return "array"
            case .object: return "object"
            }
        case "merge":
            var out = Fields()
            for a in args {
                guard case .object(let fields) = a else { return nil }
                for e in fields.entries { out[e.key] = e.value }
            }
            return .object(out)
        case "split":
            guard case .string(let sep) = args[0], case .string(let s) = args[1] else { return nil }
            return .array(Python.split(s, sep).map(Value.string))
        case "from_json":
            guard case .string(let s) = args[0] else { return nil }
            return try? Value(json: s)
        default: return nil
        }
    }
}

// MARK: - The parser: jmespath.py's Pratt parser, token for token

extension JMESPath {
    struct Token {
        enum Kind: Equatable {
            case eof, unquotedIdentifier, quotedIdentifier, literal, rbracket, rparen, comma, rbrace, number
            case current, expref, colon, pipe, or, and, eq, gt, lt, gte, lte, ne, flatten, star, filter, dot
            case not, lbrace, lbracket, lparen
        }
        var kind: Kind
        var text: String
        var value: Value = .null
        var offset: Int

        var bindingPower: Int {
            switch kind {
            case .pipe: 1
            case .or: 2
            case .and: 3
            case .eq, .gt, .lt, .gte, .lte, .ne: 5
            case .flatten: 9
            case .star: 20
            case .filter: 21
            case .dot: 40
            case .not: 45
            case .lbrace: 50
            case .lbracket: 55
            case .lparen: 60
            default: 0
            }
        }
    }

    struct Parser {
        var tokens: [Token]
        var index = 0
        static let projectionStop = 10

        init(_ text: String) throws(ParseError) { tokens = try Self.tokenize(Array(text.unicodeScalars)) }

        var current: Token { tokens[index] }
        func lookahead(_ n: Int) -> Token.Kind { tokens[min(index + n, tokens.count - 1)].kind }
        mutating func advance() { index = min(index + 1, tokens.count - 1) }

        func error(_ message: String) -> ParseError { ParseError(message: message, offset: current.offset) }

        mutating func match(_ kind: Token.Kind) throws(ParseError) {
            guard current.kind == kind else {
                throw error(current.kind == .eof ? "the expression ends too soon" : "unexpected '\(current.text)'")
            }
            advance()
        }

        mutating func expression(_ bindingPower: Int) throws(ParseError) -> JMESPath {
            let token = current
            advance()
            var left = try nud(token)
            while bindingPower < current.bindingPower {
                let t = current
                advance()
                left = try led(t, left)
            }
            return left
        }

        mutating func nud(_ token: Token) throws(ParseError) -> JMESPath {
            switch token.kind {
            case .literal: return .literal(token.value)
            case .unquotedIdentifier: return .field(token.text)
            case .quotedIdentifier:
                if current.kind == .lparen { throw error("a quoted identifier cannot name a function") }
                return .field(token.value.stringValue ?? token.text)
            case .star:
                if current.kind == .rbracket { return .valueProjection(.identity, .identity) }
                return .valueProjection(.identity, try projectionRHS(20))
            case .filter: return try filter(.identity)
            case .lbrace: return try multiSelectHash()
            case .lparen:
                let e = try expression(0)
                try match(.rparen)
                return e
            case .flatten: return .projection(.flatten(.identity), try projectionRHS(9))
            case .not: return .not(try expression(45))
            case .lbracket:
                if current.kind == .number || current.kind == .colon {
                    return try projectIfSlice(.identity, try indexExpression())
                }
                if current.kind == .star, lookahead(1) == .rbracket {
                    advance()
                    advance()
                    return .projection(.identity, try projectionRHS(20))
                }
                return try multiSelectList()
            case .current: return .current
            case .expref:
                throw ParseError(message: "expression references ('&') are not supported", offset: token.offset)
            case .eof: throw ParseError(message: "the expression ends too soon", offset: token.offset)
            default: throw ParseError(message: "unexpected '\(token.text)'", offset: token.offset)
            }
        }

        /// An index or a slice, after `[`: the marker `.index(.identity, i)` or `.slice(.identity, …)`.
        mutating func indexExpression() throws(ParseError) -> JMESPath {
            if lookahead(0) == .colon || lookahead(1) == .colon {
                var parts: [Int?] = [nil, nil, nil]
                var i = 0
                while current.kind != .rbracket, i < 3 {
                    if current.kind == .colon {
                        i += 1
                        if i == 3 { throw error("a slice has at most three parts") }
                        advance()
                    } else if current.kind == .number {
                        parts[i] = current.value.intValue
                        advance()
                    } else {
                        throw error("unexpected '\(current.text)' in a slice")
                    }
                }
                try match(.rbracket)
                return .slice(.identity, parts[0], parts[1], parts[2])
            }
            let n = current.value.intValue ?? 0
            try match(.number)
            try match(.rbracket)
            return .index(.identity, n)
        }

        mutating func projectIfSlice(_ left: JMESPath, _ right: JMESPath) throws(ParseError) -> JMESPath {
            switch right {
            case .slice(_, let a, let b, let c): return .projection(.slice(left, a, b, c), try projectionRHS(20))
            case .index(_, let i): return .index(left, i)
            default: return right
            }
        }

        mutating func led(_ token: Token, _ left: JMESPath) throws(ParseError) -> JMESPath {
            switch token.kind {
            case .dot:
                if current.kind != .star { return .subexpression(left, try dotRHS(40)) }
                advance()
                return .valueProjection(left, try projectionRHS(40))
            case .pipe: return .pipe(left, try expression(1))
            case .or: return .or(left, try expression(2))
            case .and: return .and(left, try expression(3))
            case .lparen:
                guard case .field(let name) = left else { throw error("only a name can be called as a function") }
                var args: [JMESPath] = []
                while current.kind != .rparen {
                    args.append(try expression(0))
                    if current.kind == .comma { try match(.comma) }
                }
                try match(.rparen)
                return .function(name, args)
            case .filter: return try filter(left)
            case .eq, .ne, .gt, .gte, .lt, .lte:
                let op: Comparison =
                    switch token.kind {
                    case .eq: .eq
                    case .ne: .ne
                    case .gt: .gt
                    case .gte: .gte
                    case .lt: .lt
                    default: .lte
                    }
                return .comparator(op, left, try expression(5))
            case .flatten: return .projection(.flatten(left), try projectionRHS(9))
            case .lbracket:
                if current.kind == .number || current.kind == .colon {
                    return try projectIfSlice(left, try indexExpression())
                }
                try match(.star)
                try match(.rbracket)
                return .projection(left, try projectionRHS(20))
            default: throw ParseError(message: "unexpected '\(token.text)'", offset: token.offset)
            }
        }

        mutating func filter(_ left: JMESPath) throws(ParseError) -> JMESPath {
            let condition = try expression(0)
            try match(.rbracket)
            let right: JMESPath = current.kind == .flatten ? .identity : try projectionRHS(21)
            return .filterProjection(left, condition: condition, right)
        }

        mutating func multiSelectList() throws(ParseError) -> JMESPath {
            var items: [JMESPath] = []
            while true {
                items.append(try expression(0))
                if current.kind == .rbracket { break }
                try match(.comma)
            }
            try match(.rbracket)
            return .multiSelectList(items)
        }

        mutating func multiSelectHash() throws(ParseError) -> JMESPath {
            var pairs: [(String, JMESPath)] = []
            while true {
                let key = current
                guard key.kind == .quotedIdentifier || key.kind == .unquotedIdentifier else {
                    throw error("expected a key name")
                }
                advance()
                try match(.colon)
                pairs.append((key.value.stringValue ?? key.text, try expression(0)))
                if current.kind == .comma {
                    try match(.comma)
                } else {
                    try match(.rbrace)
                    break
                }
            }
            return .multiSelectHash(pairs)
        }

        mutating func projectionRHS(_ bindingPower: Int) throws(ParseError) -> JMESPath {
            if current.bindingPower < Self.projectionStop { return .identity }
            switch current.kind {
            case .lbracket, .filter: return try expression(bindingPower)
            case .dot:
                try match(.dot)
                return try dotRHS(bindingPower)
            default: throw error("unexpected '\(current.text)' after a projection")
            }
        }

        mutating func dotRHS(_ bindingPower: Int) throws(ParseError) -> JMESPath {
            switch current.kind {
            case .quotedIdentifier, .unquotedIdentifier, .star: return try expression(bindingPower)
            case .lbracket:
                try match(.lbracket)
                return try multiSelectList()
            case .lbrace:
                try match(.lbrace)
                return try multiSelectHash()
            default: throw error("expected a name after '.'")
            }
        }

        // MARK: The lexer

        static func tokenize(_ s: [Unicode.Scalar]) throws(ParseError) -> [Token] {
            var tokens: [Token] = []
            var i = 0
            func text(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(s[a..<b])) }
            func isStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
            func isPart(_ c: Unicode.Scalar) -> Bool { isStart(c) || ("0"..."9").contains(c) }
            func delimited(_ quote: Unicode.Scalar) throws(ParseError) -> String {
                let start = i
                i += 1
                while i < s.count, s[i] != quote {
                    if s[i] == "\\", i + 1 < s.count { i += 1 }
                    i += 1
                }
                guard i < s.count else { throw ParseError(message: "unclosed \(quote)", offset: start) }
                i += 1
                return text(start + 1, i - 1)
            }
            while i < s.count {
                let c = s[i]
                let start = i
                func add(_ kind: Token.Kind, _ length: Int, value: Value = .null) {
                    tokens.append(Token(kind: kind, text: text(start, start + length), value: value, offset: start))
                    i = start + length
                }
                let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
                switch c {
                case " ", "\t", "\n", "\r": i += 1
                case ".": add(.dot, 1)
                case "*": add(.star, 1)
                case "]": add(.rbracket, 1)
                case ",": add(.comma, 1)
                case ":": add(.colon, 1)
                case "@": add(.current, 1)
                case "(": add(.lparen, 1)
                case ")": add(.rparen, 1)
                case "{": add(.lbrace, 1)
                case "}": add(.rbrace, 1)
                case "[":
                    if next == "]" {
                        add(.flatten, 2)
                    } else if next == "?" {
                        add(.filter, 2)
                    } else {
                        add(.lbracket, 1)
                    }
                case "|": if next == "|" { add(.or, 2) } else { add(.pipe, 1) }
                case "&": if next == "&" { add(.and, 2) } else { add(.expref, 1) }
                case "!": if next == "=" { add(.ne, 2) } else { add(.not, 1) }
                case "<": if next == "=" { add(.lte, 2) } else { add(.lt, 1) }
                case ">": if next == "=" { add(.gte, 2) } else { add(.gt, 1) }
                case "=":
                    guard next == "=" else { throw ParseError(message: "'=' is not an operator; use '=='", offset: i) }
                    add(.eq, 2)
                case "'":
                    let raw = try delimited("'").replacingOccurrences(of: "\\'", with: "'")
                    tokens.append(Token(kind: .literal, text: raw, value: .string(raw), offset: start))
                case "\"":
                    let body = try delimited("\"")
                    guard case .string(let name)? = try? Value(json: "\"\(body)\"") else {
                        throw ParseError(message: "a badly quoted name", offset: start)
                    }
                    tokens.append(Token(kind: .quotedIdentifier, text: name, value: .string(name), offset: start))
                case "`":
                    let body = try delimited("`").replacingOccurrences(of: "\\`", with: "`")
                    guard let v = try? Value(json: body) else {
                        throw ParseError(message: "`\(body)` is not a JSON literal", offset: start)
                    }
                    tokens.append(Token(kind: .literal, text: body, value: v, offset: start))
                case "-", "0"..."9":
                    var j = i + 1
                    while j < s.count, ("0"..."9").contains(s[j]) { j += 1 }
                    let digits = text(i, j)
                    guard let n = Int(digits) else { throw ParseError(message: "a number is expected", offset: i) }
                    add(.number, j - i, value: .int(n))
                default:
                    guard isStart(c) else { throw ParseError(message: "unexpected character '\(c)'", offset: i) }
                    var j = i + 1
                    while j < s.count, isPart(s[j]) { j += 1 }
                    add(.unquotedIdentifier, j - i)
                }
            }
            tokens.append(Token(kind: .eof, text: "", offset: s.count))
            return tokens
        }
    }
}
