/// A JSON-like value tree: the shape of a resource's properties as the cloud's API returns them.
///
/// Objects keep their keys in the order they were written (`Fields`), so rendered commands and
/// reports read the way the fixture author wrote them and every run prints the same bytes.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    case object(Fields)

    package static let emptyObject = Value.object(Fields())

    public var isNull: Bool { if case .null = self { true } else { false } }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var intValue: Int? { if case .int(let i) = self { i } else { nil } }
    public var arrayValue: [Value]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: Fields? { if case .object(let o) = self { o } else { nil } }

    /// Integers and doubles both read as a number; comparisons between them are numeric.
    public var numberValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// The member `key` of an object, or nil for anything else.
    public subscript(key: String) -> Value? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// A short name of the kind of value, for error messages ("expected a string, found a list").
    package var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "a mapping"
        }
    }

    /// This value with its member `key` set to `value` (nil removes it). Anything but an object
    /// is treated as an empty object, which is what a resource's properties default to.
    package func setting(_ key: String, to value: Value?) -> Value {
        var fields = objectValue ?? Fields()
        fields[key] = value
        return .object(fields)
    }

    /// The number of nodes in this tree, itself included.
    package var nodeCount: Int {
        switch self {
        case .array(let items): 1 + items.reduce(0) { $0 + $1.nodeCount }
        case .object(let fields): 1 + fields.entries.reduce(0) { $0 + $1.value.nodeCount }
        default: 1
        }
    }

    /// True for null, the empty string, the empty list and the empty mapping (Custodian's `empty`).
    public var isEmpty: Bool {
        switch self {
        case .null: true
        case .string(let s): s.isEmpty
        case .array(let a): a.isEmpty
        case .object(let o): o.isEmpty
        default: false
        }
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(Fields(elements.map { Fields.Entry(key: $0.0, value: $0.1) }))
    }
}
