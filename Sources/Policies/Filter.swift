import CloudModel

/// The filter language, shared by policies and by scenario assertions.
///
/// `and`/`or`/`not` combine; a value filter tests one path; a quantifier tests the elements of a
/// list and remembers which ones matched, so a remediation can act on exactly those.
package indirect enum Filter: Sendable {
    case and([Filter])
    case or([Filter])
    /// True when the inner filters do not all hold (Custodian's `not` takes a list, read as `and`).
    case not([Filter])
    case value(ValueFilter)
    case quantifier(Quantifier)
    /// A test of the whole resource in Cloud Custodian's terms (see `ResourceCheck`).
    case check(ResourceCheck)
}

/// `{key: FromPort, op: le, value: 22}`: one test of the value at a path.
///
/// A class, immutable once built: evaluation visits it millions of times, and handing a
/// reference around costs one retain where copying the struct cost one per field.
package final class ValueFilter: Sendable {
    package let key: FilterKey
    package let op: FilterOp
    package let value: Value
    package let valueType: ValueType
    /// Compiled once when the policy is loaded, for `regex`.
    package let regex: CompiledRegex?
    /// `key` taken apart once, so evaluation need not match on it.
    let path: ValuePath?
    let tag: String?
    /// For comparing strings of a flat value byte by byte: the UTF-8 of `value` (or of each
    /// string in an `in`/`ni` list), kept only when every string involved is ASCII, where byte
    /// equality and String equality agree.
    let asciiStrings: [ContiguousArray<UInt8>]?

    package init(key: FilterKey, op: FilterOp, value: Value = .null, valueType: ValueType = .plain) throws(FilterError)
    {
        self.key = key
        self.op = op
        self.value = value
        self.valueType = valueType
        switch key {
        case .property(let p):
            path = p
            tag = nil
        case .tag(let t):
            path = nil
            tag = t
        }
        let strings: [String] =
            switch value {
            case .string(let s): [s]
            case .array(let items): items.compactMap(\.stringValue)
            default: []
            }
        asciiStrings =
            strings.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } ? strings.map { ContiguousArray($0.utf8) } : nil
        if op == .regex {
            guard let pattern = value.stringValue else { throw FilterError(message: "'regex' needs a string pattern") }
            regex = try CompiledRegex(pattern)
        } else {
            regex = nil
        }
        if op.needsValue, value.isNull { throw FilterError(message: "'\(op.rawValue)' needs a 'value'") }
        if op == .in || op == .ni, value.arrayValue == nil {
            throw FilterError(message: "'\(op.rawValue)' needs a list 'value'")
        }
        if valueType == .age {
            guard [.gt, .ge, .lt, .le, .eq].contains(op), value.numberValue != nil else {
                throw FilterError(message: "'value-type: age' compares a number of days with gt, ge, lt, le or eq")
            }
        }
    }
}

/// What a filter's `key` names: a path into the properties, or a tag (`tag:env`).
package enum FilterKey: Sendable, CustomStringConvertible {
    case property(ValuePath)
    case tag(String)

    package var description: String {
        switch self {
        case .property(let path): path.description
        case .tag(let name): "tag:\(name)"
        }
    }
}

package enum FilterOp: String, Sendable, CaseIterable {
    case eq, ne, gt, ge, lt, le, `in`, ni, contains, regex, present, absent, empty
    case notEmpty = "not-empty"

    var needsValue: Bool {
        switch self {
        case .present, .absent, .empty, .notEmpty: false
        default: true
        }
    }
}

/// How to read the value at the key before comparing: as it is, or as an age in days since an
/// ISO 8601 timestamp, measured against the (simulated) current time.
package enum ValueType: String, Sendable, CaseIterable {
    case plain
    case age
}

/// `any: IpPermissions` with `where:` filters applied to each element. A class for the same
/// reason as `ValueFilter`.
package final class Quantifier: Sendable {
    package enum Mode: String, Sendable, CaseIterable {
        /// At least one element matches; the matching elements are kept for the remediation.
        case any
        /// The list is non-empty and every element matches.
        case all
        /// No element matches (an absent or empty list counts as none).
        case none
    }

    package let mode: Mode
    package let path: ValuePath
    package let filters: [Filter]

    package init(mode: Mode, path: ValuePath, filters: [Filter]) {
        self.mode = mode
        self.path = path
        self.filters = filters
    }
}

package struct FilterError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String
    package init(message: String) { self.message = message }
    package var description: String { message }
}
