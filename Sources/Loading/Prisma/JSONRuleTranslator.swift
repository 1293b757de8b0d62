import CloudModel
import Policies

/// Turns a `json.rule` into remsim's filters for the resource type of its `api.name`, its paths
/// mapped by the api.name's `PrismaAPIShape`:
///
/// - `and`/`or`/`not` become the same filters;
/// - `LIST[?any(RULE)] exists` becomes `any: LIST` over the rule (`does not exist`: `none`), so
///   a remediation's variables (`${fromPort}`, `${cidr}`) come from the element that matched;
/// - `LIST[*].x OP v` becomes `any: LIST` over `x OP v` for a positive operator and `none:` over
///   the operator it denies for a negative one, nested for each `[*]`;
/// - `LIST[?(@.k == 'v')].x OP w` becomes `any: LIST` over `k equals v` and `x OP w`;
/// - every test at the end is a `PrismaTest`, with Prisma's meaning of the operator.
///
/// A path into what remsim does not model, a shape the table cannot map, or an api.name with
/// no modelled type is refused with where it is in the rule.
package struct JSONRuleTranslator {
    package let apiName: String
    package let shape: PrismaAPIShape

    package init(apiName: String) throws(JSONRule.Problem) {
        guard let shape = PrismaAPINames.shapes[apiName] else {
            throw JSONRule.Problem(
                message: "api.name '\(apiName)' has no resource type that remsim models (it maps: "
                    + PrismaAPINames.shapes.keys.sorted().joined(separator: ", ") + ")",
                offset: 0)
        }
        self.apiName = apiName
        self.shape = shape
    }

    /// Where a rule is read: the Prisma path of the element it is about (normalized) and the
    /// remsim path components that lead there, empty at the resource.
    struct Context {
        var prisma = ""
        var remsim: [ValuePath.Component] = []
    }

    package func filters(_ rule: JSONRule) throws(JSONRule.Problem) -> [Filter] {
        if case .and(let parts) = rule {
            return try parts.map { r throws(JSONRule.Problem) in try filter(r, Context()) }
        }
        return [try filter(rule, Context())]
    }

    func filter(_ rule: JSONRule, _ context: Context) throws(JSONRule.Problem) -> Filter {
        switch rule {
        case .and(let parts): return .and(try parts.map { r throws(JSONRule.Problem) in try filter(r, context) })
        case .or(let parts): return .or(try parts.map { r throws(JSONRule.Problem) in try filter(r, context) })
        case .not(let inner): return .not([try filter(inner, context)])
        case .test(let test): return try filter(test, context)
        }
    }

    func filter(_ test: JSONRule.Test, _ context: Context) throws(JSONRule.Problem) -> Filter {
        var steps = test.path.steps
        if case .key("$")? = steps.first { steps.removeFirst() }
        guard !steps.isEmpty else { throw JSONRule.Problem(message: "an empty path", offset: test.offset) }
        let full = Self.joined(context.prisma, Self.normalized(steps[...]))
        if let (key, why) = shape.unmodelled.first(where: { Self.covers($0.key, full) }) {
            throw JSONRule.Problem(
                message: "'\(test.path.text)' reads \(apiName)'s '\(key)': \(why)", offset: test.offset)
        }
        let operand = Self.operand(test.operand)
        if let constant = shape.constants[full] {
            return .check(
                try check(
                    test, path: nil, op: test.op, operand: operand, constant: constant.value))
        }
        if let absent = shape.absences[full] {
            let path = try valuePath(absent, test: test)
            return .check(try check(test, path: path, op: test.op, operand: operand, absenceOf: true))
        }
        let comps = try components(full, context: context, test: test)
        return try build(steps[...], comps[...], context.prisma, test, op: test.op)
    }

    /// The filter for `steps` (the rest of a test's path) over remsim's `comps` (the same part of
    /// remsim's path), splitting at the first bracket that is a quantifier.
    func build(
        _ steps: ArraySlice<JSONRule.Path.Step>, _ comps: ArraySlice<ValuePath.Component>, _ prefix: String,
        _ test: JSONRule.Test, op: PrismaOperator
    ) throws(JSONRule.Problem) -> Filter {
        let operand = Self.operand(test.operand)
        let brackets = comps.indices.filter { comps[$0] == .each }
        var bracketIndex = -1
        for i in steps.indices {
            switch steps[i] {
            case .key, .index: continue
            case .each, .anyElement, .noElement, .select: bracketIndex += 1
            }
            guard bracketIndex < brackets.count else {
                throw JSONRule.Problem(
                    message: "cannot map '\(test.path.text)' onto remsim's properties", offset: test.offset)
            }
            let r = brackets[bracketIndex]
            let listComps = Array(comps[comps.startIndex..<r])
            guard !listComps.isEmpty else {
                throw JSONRule.Problem(
                    message: "cannot map '\(test.path.text)' onto remsim's properties", offset: test.offset)
            }
            let listPath = ValuePath(components: listComps, description: Self.describe(listComps))
            let innerPrefix = Self.joined(prefix, Self.normalized(steps[steps.startIndex...i]))
            let innerContext = Context(prisma: innerPrefix, remsim: Array(comps[comps.startIndex...r]))
            let last = i == steps.index(before: steps.endIndex)
            switch steps[i] {
            case .anyElement(let rule), .noElement(let rule):
                guard last, !test.size, op == .exists || op == .notExists else {
                    throw JSONRule.Problem(
                        message: "remsim reads `[?any(…)]` only as `exists` or `does not exist` at the end of a path",
                        offset: test.offset)
                }
                let some = { if case .anyElement = steps[i] { return true } else { return false } }()
                let inner = try filter(rule, innerContext)
                return .quantifier(
                    Quantifier(mode: some == (op == .exists) ? .any : .none, path: listPath, filters: [inner]))
            case .select(let condition):
                let keyTest = try filter(condition, innerContext)
                if last {
                    let some: Bool
                    switch (test.size, op, operand) {
                    case (false, .exists, _): some = true
                    case (false, .notExists, _): some = false
                    case (true, .greaterThan, .text("0")), (true, .atLeast, .text("1")), (true, .notEquals, .text("0")):
                        some = true
                    case (true, .equals, .text("0")), (true, .lessThan, .text("1")), (true, .atMost, .text("0")):
                        some = false
                    default:
                        throw JSONRule.Problem(
                            message:
                                "remsim reads `[?(@…)]` at the end of a path only with `exists`, `does not exist`, "
                                + "`size > 0` or `size == 0`",
                            offset: test.offset)
                    }
                    return .quantifier(Quantifier(mode: some ? .any : .none, path: listPath, filters: [keyTest]))
                }
                let rest = try build(steps[(i + 1)...], comps[(r + 1)...], innerPrefix, test, op: op)
                return .quantifier(Quantifier(mode: .any, path: listPath, filters: [keyTest, rest]))
            case .each:
                // Tests of the values together stay one test over the projection.
                if test.size
                    || [.anyEquals, .allEqual, .isEmpty, .isNotEmpty, .allEmpty, .isType, .isNotType].contains(op)
                {
                    continue
                }
                if let positive = op.denied {
                    let rest = try build(steps[(i + 1)...], comps[(r + 1)...], innerPrefix, test, op: positive)
                    return .quantifier(Quantifier(mode: .none, path: listPath, filters: [rest]))
                }
                let rest = try build(steps[(i + 1)...], comps[(r + 1)...], innerPrefix, test, op: op)
                return .quantifier(Quantifier(mode: .any, path: listPath, filters: [rest]))
            case .key, .index: continue
            }
        }
        let path = comps.isEmpty ? nil : ValuePath(components: Array(comps), description: Self.describe(Array(comps)))
        return .check(try check(test, path: path, op: op, operand: operand))
    }

    func check(
        _ test: JSONRule.Test, path: ValuePath?, op: PrismaOperator, operand: PrismaOperand, constant: Value? = nil,
        absenceOf: Bool = false
    ) throws(JSONRule.Problem) -> PrismaTest {
        do {
            return try PrismaTest(
                resourceType: shape.resourceType, path: path, op: op, operand: operand, size: test.size,
                absenceOf: absenceOf, constant: constant, written: test.text)
        } catch {
            throw JSONRule.Problem(message: error.message, offset: test.offset)
        }
    }

    /// remsim's path components for the normalized Prisma path `full`, after those of `context`.
    func components(_ full: String, context: Context, test: JSONRule.Test) throws(JSONRule.Problem)
        -> [ValuePath.Component]
    {
        let mapped = map(full)
        guard mapped.filter({ $0 == "[" }).count == full.filter({ $0 == "[" }).count else {
            throw JSONRule.Problem(
                message: "cannot map '\(test.path.text)' onto remsim's properties", offset: test.offset)
        }
        let all = try valuePath(mapped, test: test).components
        guard all.starts(with: context.remsim) else {
            throw JSONRule.Problem(
                message: "cannot map '\(test.path.text)' within '\(Self.describe(context.remsim))'", offset: test.offset
            )
        }
        // Indices in remsim's path are Prisma's: written as `[N]`, kept as `.index`.
        return Array(all.dropFirst(context.remsim.count))
    }

    func valuePath(_ text: String, test: JSONRule.Test) throws(JSONRule.Problem) -> ValuePath {
        do {
            return try ValuePath(parsing: text)
        } catch {
            throw JSONRule.Problem(message: "cannot map '\(test.path.text)': \(error.message)", offset: test.offset)
        }
    }

    /// remsim's path text for a normalized Prisma path: the longest rename that covers it, the
    /// rest by the shape's casing.
    package func map(_ path: String) -> String {
        var head = ""
        var rest = path
        if let key = shape.renames.keys.filter({ Self.covers($0, path) }).max(by: { $0.count < $1.count }) {
            head = shape.renames[key] ?? ""
            rest = String(path.dropFirst(key.count))
        }
        var out = head
        var word = ""
        var inBracket = false
        func flush() {
            guard !word.isEmpty else { return }
            out += shape.casing == .capitalized ? word.prefix(1).uppercased() + word.dropFirst() : word
            word = ""
        }
        for c in rest {
            if inBracket {
                out.append(c)
                if c == "]" { inBracket = false }
            } else if c == "[" {
                flush()
                inBracket = true
                out.append(c)
            } else if c == "." {
                flush()
                out.append(c)
            } else {
                word.append(c)
            }
        }
        flush()
        while out.hasPrefix(".") { out.removeFirst() }
        return out
    }

    /// Whether a rename or unmodelled key covers a normalized path: equal, or a prefix ending at
    /// a `.` or `[` (a key ending in `.` covers what is under it).
    static func covers(_ key: String, _ path: String) -> Bool {
        guard path.hasPrefix(key) else { return false }
        if key.hasSuffix(".") || key.count == path.count { return true }
        let next = path[path.index(path.startIndex, offsetBy: key.count)]
        return next == "." || next == "["
    }

    /// A path's steps written normalized: `ipPermissions[].toPort`.
    static func normalized(_ steps: ArraySlice<JSONRule.Path.Step>) -> String {
        var out = ""
        for step in steps {
            switch step {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .each, .anyElement, .noElement, .select: out += "[]"
            case .index(let n): out += "[\(n)]"
            }
        }
        return out
    }

    static func joined(_ a: String, _ b: String) -> String {
        a.isEmpty ? b : (b.isEmpty ? a : (b.hasPrefix("[") ? a + b : a + "." + b))
    }

    static func describe(_ comps: [ValuePath.Component]) -> String {
        var out = ""
        for c in comps {
            switch c {
            case .key(let k): out += out.isEmpty ? k : ".\(k)"
            case .each: out += "[]"
            case .index(let n): out += "[\(n)]"
            }
        }
        return out
    }

    static func operand(_ operand: JSONRule.Operand?) -> PrismaOperand {
        switch operand {
        case nil: .none
        case .quoted(let s)?, .bare(let s)?: .text(s)
        case .list(let items)?:
            .list(
                items.compactMap {
                    switch $0 {
                    case .quoted(let s), .bare(let s): s
                    default: nil
                    }
                })
        case .portRange(let ports)?: .ports(ports)
        }
    }
}
