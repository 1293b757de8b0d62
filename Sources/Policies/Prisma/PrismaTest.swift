import CloudModel
import Foundation

/// The operators of Prisma Cloud's `json.rule` language, as its policies spell them.
package enum PrismaOperator: String, Sendable, CaseIterable {
    case equals = "equals"
    case notEquals = "does not equal"
    case equalsIgnoringCase = "equal ignore case"
    case notEqualsIgnoringCase = "does not equal ignore case"
    case contains = "contains"
    case notContains = "does not contain"
    case exists = "exists"
    case notExists = "does not exist"
    case isEmpty = "is empty"
    case isNotEmpty = "is not empty"
    /// `clusterLogging[*].types[*] all empty`: every value is empty (none at all counts).
    case allEmpty = "all empty"
    case isTrue = "is true"
    case isFalse = "is false"
    case greaterThan = "greater than"
    case lessThan = "less than"
    case atLeast = ">="
    case atMost = "<="
    case startsWith = "starts with"
    case notStartsWith = "does not start with"
    case endsWith = "ends with"
    case notEndsWith = "does not end with"
    case isMemberOf = "is member of"
    case isNotMemberOf = "is not member of"
    case matches = "matches"
    /// `accessKeys[*].status any equal Active`: some of the values equal it.
    case anyEquals = "any equal"
    /// `accessKeys[*].status all equal Active`: every value equals it.
    case allEqual = "all equal"
    /// `maxPasswordAge isType Integer`: the value's JSON type.
    case isType = "isType"
    case isNotType = "!isType"

    /// Whether a value follows the operator.
    package var takesOperand: Bool {
        switch self {
        case .exists, .notExists, .isEmpty, .isNotEmpty, .allEmpty, .isTrue, .isFalse: false
        default: true
        }
    }

    /// The operator a negative one denies (`does not contain` → `contains`); nil for the others.
    package var denied: PrismaOperator? {
        switch self {
        case .notEquals: .equals
        case .notEqualsIgnoringCase: .equalsIgnoringCase
        case .notContains: .contains
        case .notExists: .exists
        case .notStartsWith: .startsWith
        case .notEndsWith: .endsWith
        case .isNotMemberOf: .isMemberOf
        case .isNotType: .isType
        default: nil
        }
    }
}

/// What follows a `json.rule` operator, as remsim compares it.
package enum PrismaOperand: Sendable, Equatable {
    case none
    /// A word, number or quoted string: Prisma compares the text of values.
    case text(String)
    /// `is member of (a, b)`.
    case list([String])
    /// `_Port.inRange(22,22)`: some port or range of a port list overlaps these ports.
    case ports(ClosedRange<Int>)
}

/// One test of Prisma Cloud's `json.rule` on the value at a path of a resource (or of a list
/// element, inside a quantifier), with Prisma's meaning:
///
/// - values are compared as text (`true`, `14` and `"14"` are the same), `equal ignore case`
///   without case; a missing value is neither equal to nor contains anything, so `does not
///   equal`, `does not contain` and `is not member of` hold on it, and `is empty` does;
/// - a path through `[*]` gives every element's value: a positive operator holds when one of
///   them passes, a negative one when none of them passes the operator it denies (the
///   translator usually makes a quantifier of these instead, so the matched elements are kept);
/// - `size` compares the number of values, `any equal`/`all equal` some or every one of them;
/// - `contains _Port.inRange(a,b)` holds when a port (`"22"`) or port range (`"0-65535"`) of
///   the list overlaps a…b.
///
/// `absenceOf` makes the tested value whether the path is absent (Prisma's computed
/// `isDefaultPolicy` is "no password policy is set").
package final class PrismaTest: ResourceCheck, @unchecked Sendable {
    package let path: ValuePath?
    package let op: PrismaOperator
    package let operand: PrismaOperand
    package let size: Bool
    package let absenceOf: Bool
    /// The value Prisma computes the same for every resource remsim models (`isShared`).
    package let constant: Value?
    let regex: CompiledRegex?

    package init(
        resourceType: String, path: ValuePath?, op: PrismaOperator, operand: PrismaOperand, size: Bool = false,
        absenceOf: Bool = false, constant: Value? = nil, written: String
    ) throws(FilterError) {
        self.constant = constant
        self.path = path
        self.op = op
        self.operand = operand
        self.size = size
        self.absenceOf = absenceOf
        if op == .matches {
            guard case .text(let pattern) = operand else { throw FilterError(message: "'matches' needs a pattern") }
            regex = try CompiledRegex(pattern)
        } else {
            regex = nil
        }
        super.init(resourceType: resourceType, written: .string(written))
    }

    /// What the rule wrote, and the path of remsim's properties it reads.
    override package var behaviour: Value {
        var f = Fields()
        f["prisma"] = written
        if let path { f["reads"] = .string(path.description) }
        if absenceOf { f["computed"] = "true when it is absent" }
        if let constant { f["computed"] = constant }
        return .object(f)
    }

    /// Only remsim's properties: no Custodian document is made for a Prisma test.
    override package func view(_ properties: Value, tags: [String: String]) -> CheckedResource {
        CheckedResource(properties: properties, document: .null, tags: tags)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        var found = path.map { $0.resolve(in: resource.properties) } ?? resource.properties
        if found?.isNull == true { found = nil }
        if absenceOf { found = .bool(found == nil) }
        if let constant { found = constant }
        let projected = path?.isProjection ?? false
        if size {
            let count: Int
            switch found {
            case .array(let items)?: count = items.count
            case .object(let fields)?: count = fields.count
            case .string(let s)?: count = s.count
            case nil: count = 0
            default: count = 1
            }
            return Self.test(op, .int(count), operand, regex: regex)
        }
        guard projected else { return Self.test(op, found, operand, regex: regex) }
        let values = found?.arrayValue ?? []
        switch op {
        case .exists: return !values.isEmpty
        case .notExists: return values.isEmpty
        case .isEmpty: return values.isEmpty || values.allSatisfy { $0.isEmpty }
        case .isNotEmpty: return values.contains { !$0.isEmpty }
        case .allEmpty: return values.allSatisfy { $0.isEmpty }
        case .anyEquals: return values.contains { Self.test(.equals, $0, operand, regex: regex) }
        case .allEqual: return !values.isEmpty && values.allSatisfy { Self.test(.equals, $0, operand, regex: regex) }
        default:
            if let positive = op.denied {
                return !values.contains { Self.test(positive, $0, operand, regex: regex) }
            }
            return values.contains { Self.test(op, $0, operand, regex: regex) }
        }
    }

    /// The operator on one value (nil when missing).
    package static func test(
        _ op: PrismaOperator, _ value: Value?, _ operand: PrismaOperand, regex: CompiledRegex? = nil
    ) -> Bool {
        if let positive = op.denied { return !test(positive, value, operand, regex: regex) }
        switch op {
        case .exists: return value != nil
        case .isEmpty, .allEmpty: return value?.isEmpty ?? true
        case .isNotEmpty: return !(value?.isEmpty ?? true)
        case .isTrue: return value.flatMap(text)?.lowercased() == "true"
        case .isFalse: return value.flatMap(text)?.lowercased() == "false"
        case .anyEquals, .allEqual:
            // On one value (no `[*]`): the value, or each element of a list.
            let items = value?.arrayValue ?? value.map { [$0] } ?? []
            let hit = { (v: Value) in test(.equals, v, operand) }
            return op == .anyEquals ? items.contains(where: hit) : (!items.isEmpty && items.allSatisfy(hit))
        case .isType:
            guard case .text(let name) = operand, let value else { return false }
            return typeName(value).contains(name.lowercased())
        default: break
        }
        switch operand {
        case .none: return false
        case .ports(let wanted):
            guard op == .contains, let value else { return false }
            let entries = value.arrayValue ?? [value]
            return entries.contains { entry in
                guard let range = portRange(entry) else { return false }
                return range.overlaps(wanted)
            }
        case .list(let options):
            guard op == .isMemberOf, let value, let t = text(value) else { return false }
            return options.contains(t)
        case .text(let wanted):
            if value == nil, wanted.lowercased() == "null" { return op == .equals || op == .equalsIgnoringCase }
            guard let value else { return false }
            switch op {
            case .equals: return text(value) == wanted
            case .equalsIgnoringCase: return text(value)?.lowercased() == wanted.lowercased()
            case .contains:
                if case .array(let items) = value { return items.contains { text($0) == wanted } }
                return (text(value) ?? value.jsonText).contains(wanted)
            case .startsWith: return text(value)?.hasPrefix(wanted) ?? false
            case .endsWith: return text(value)?.hasSuffix(wanted) ?? false
            case .matches: return text(value).map { regex?.matches($0) ?? false } ?? false
            case .greaterThan, .lessThan, .atLeast, .atMost:
                guard let a = number(value), let b = Double(wanted) else { return false }
                switch op {
                case .greaterThan: return a > b
                case .lessThan: return a < b
                case .atLeast: return a >= b
                default: return a <= b
                }
            case .isMemberOf: return text(value) == wanted
            default: return false
            }
        }
    }

    /// A scalar's text as Prisma compares it; nil for lists and objects.
    static func text(_ value: Value) -> String? {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        default: nil
        }
    }

    static func number(_ value: Value) -> Double? {
        if let n = value.numberValue { return n }
        return value.stringValue.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The names `isType` accepts for a value (lowercased).
    static func typeName(_ value: Value) -> [String] {
        switch value {
        case .int: ["integer", "number", "long"]
        case .double(let d): d == d.rounded() ? ["integer", "number", "double"] : ["number", "double", "float"]
        case .bool: ["boolean"]
        case .string: ["string"]
        case .array: ["array", "list"]
        case .object: ["object", "map"]
        case .null: ["null"]
        }
    }

    /// `"22"`, `22`, `"1000-2000"`: the ports a firewall's port entry covers.
    static func portRange(_ value: Value) -> ClosedRange<Int>? {
        if let n = value.numberValue, let i = Int(exactly: n) { return i...i }
        guard let s = value.stringValue else { return nil }
        let parts = s.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        if parts.count == 1, let p = parts[0] { return p...p }
        if parts.count == 2, let a = parts[0], let b = parts[1], a <= b { return a...b }
        return nil
    }
}
