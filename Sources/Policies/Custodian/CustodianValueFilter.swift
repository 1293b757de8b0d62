import CloudModel
import Foundation

/// Cloud Custodian's value filter (`c7n.filters.core.ValueFilter`), with its meaning rather
/// than a look-alike: the key is a JMESPath expression (or `tag:NAME`, or a top-level key read
/// as it is written), the operators are Python's (`contains` on a string is a substring test,
/// `in` on a missing value tests `()`, a `TypeError` is no match), the sentinels `absent`,
/// `present`, `not-null` and `empty` are values, and each `value_type` converts as Custodian
/// does, swapping the sides where it does (`age`, `cidr`, `swap`).
package final class CustodianValueFilter: Sendable {
    package enum Key: Sendable, CustomStringConvertible {
        case tag(String)
        /// A top-level key read as it is written when the resource has it, JMESPath otherwise.
        case path(String, JMESPath)

        package var description: String {
            switch self {
            case .tag(let t): "tag:\(t)"
            case .path(let text, _): text
            }
        }
    }

    package enum Op: String, Sendable, CaseIterable {
        case eq, equal, ne
        case notEqual = "not-equal"
        case gt
        case greaterThan = "greater-than"
        case ge, gte, le, lte, lt
        case lessThan = "less-than"
        case glob, regex
        case regexCase = "regex-case"
        case `in`, ni
        case notIn = "not-in"
        case contains
        case difference, intersect, mod
    }

    package enum ValueType: String, Sendable, CaseIterable {
        case age, integer, expiration, normalize, size, cidr
        case cidrSize = "cidr_size"
        case swap, expr, date, version
        case uniqueSize = "unique_size"
        case float
    }

    /// The filter in one line, as a person reads it: `SnapshotType eq "manual"`, `Tags absent`.
    package var summary: String {
        if op == nil || op == .eq, valueType == nil, let sentinel = value.stringValue,
            ["absent", "present", "empty", "not-null"].contains(sentinel)
        {
            return "\(key) \(sentinel)"
        }
        return "\(key) \((op ?? .eq).rawValue) \(value.jsonText)" + (valueType.map { " (\($0.rawValue))" } ?? "")
    }

    package let key: Key
    package let op: Op?
    package let value: Value
    package let valueType: ValueType?
    let pattern: PythonRegex?
    let valueRegex: PythonRegex?
    let valuePath: JMESPath?
    /// For `value_type: expr`: the key the value names.
    let valueKey: Key?
    /// True where Custodian reads the resource through boto3, which turns every timestamp field
    /// into a `datetime`: a date-time text in the resource is then a date, which equals no text
    /// and is not ordered against one.
    let datetimes: Bool

    /// True when `value` stands for a Python set (a `value_from` that reads a list of values).
    let valueIsSet: Bool

    package init(
        key: Key, op: Op?, value: Value, valueType: ValueType?, valueRegex: String? = nil, valuePath: JMESPath? = nil,
        datetimes: Bool = false, valueIsSet: Bool = false
    ) throws(FilterError) {
        self.key = key
        self.datetimes = datetimes
        self.valueIsSet = valueIsSet
        if valueIsSet, let valueType, [.age, .expiration, .date, .expr].contains(valueType) {
            throw FilterError(
                message: "'value_type: \(valueType.rawValue)' cannot compare with the values 'value_from' reads")
        }
        self.op = op
        self.value = value
        self.valueType = valueType
        self.valuePath = valuePath
        if op == .regex || op == .regexCase {
            guard case .string(let p) = value else {
                throw FilterError(message: "'\(op!.rawValue)' needs a string pattern")
            }
            pattern = try PythonRegex(p, ignoringCase: op == .regex)
        } else {
            pattern = nil
        }
        if let valueRegex {
            let r = try PythonRegex(valueRegex, ignoringCase: false)
            guard r.groupCount == 1 else {
                throw FilterError(message: "'value_regex' must have exactly one capturing group")
            }
            self.valueRegex = r
            if let op, [.contains, .in, .ni, .notIn, .intersect, .difference].contains(op) {
                throw FilterError(message: "'value_regex' does not work with '\(op.rawValue)'")
            }
        } else {
            self.valueRegex = nil
        }
        switch valueType {
        case .age, .expiration:
            guard Python.number(value) != nil else {
                throw FilterError(message: "'value_type: \(valueType!.rawValue)' needs a number of days as 'value'")
            }
        case .date:
            guard PythonDate.parse(value) != nil else {
                throw FilterError(message: "'value_type: date' needs a date as 'value'")
            }
        case .cidr:
            switch value {
            case .string, .array: break
            default: throw FilterError(message: "'value_type: cidr' needs a CIDR, an address or a list of them")
            }
        case .expr:
            guard case .string(let k) = value else {
                throw FilterError(message: "'value_type: expr' needs a key as 'value'")
            }
            valueKey = try Self.key(k)
            return
        default: break
        }
        valueKey = nil
    }

    /// A key as Custodian reads it: `tag:NAME`, or a JMESPath expression.
    package static func key(_ text: String) throws(FilterError) -> Key {
        if text.hasPrefix("tag:") { return .tag(String(text.dropFirst(4))) }
        do {
            return .path(text, try JMESPath(parsing: text))
        } catch {
            throw FilterError(message: "'\(text)' is not a JMESPath expression Custodian can read: \(error)")
        }
    }

    /// The value at `key` in `resource`; nil for a missing value (Python's `None`).
    static func resolve(_ key: Key, _ resource: Value, tags: [String: String]) -> Value? {
        switch key {
        case .tag(let name): return tags[name].map(Value.string)
        case .path(let text, let expression):
            if case .object(let fields) = resource, let direct = fields[text] {
                return direct.isNull ? Value?.none : direct
            }
            let v = expression.search(resource)
            return v?.isNull == true ? nil : v
        }
    }

    /// True when the filter matches `resource` at `now`.
    package func matches(_ resource: Value, tags: [String: String], now: Timestamp) -> Bool {
        var found = Self.resolve(key, resource, tags: tags)
        if let valueRegex {
            if case .string(let s)? = found { found = valueRegex.capture(s).map(Value.string) } else { found = nil }
        }
        var r: PythonObject = found.map(PythonObject.value) ?? .value(.null)
        if datetimes, case .string(let text)? = found, PythonDate.isDateTime(text), let d = PythonDate.text(text) {
            r = .date(d)
        }
        if op == .in || op == .notIn, found == nil { r = .emptyTuple }
        var v: PythonObject
        if let valuePath {
            v = .value(valuePath.search(resource) ?? .null)
        } else if valueIsSet, case .array(let members) = value {
            v = .set(members)
        } else {
            v = .value(value)
        }
        if let valueType {
            guard let converted = convert(valueType, v: v, r: r, resource: resource, tags: tags, now: now) else {
                return false
            }
            (v, r) = converted
        }
        // `version` makes both sides LooseVersions: neither is None any more, a sentinel is a
        // version too (`present` and `not-null` still match), and a side that was no text
        // makes Custodian raise.
        if case .version(let vs) = v {
            guard let vs, case .version(let found) = r else { return false }
            if vs == LooseVersion.parse("present") || vs == LooseVersion.parse("not-null") { return true }
            guard let rs = found else { return false }
            guard let op else { return rs == vs }
            return apply(op, .version(rs), .version(vs)) ?? false
        }
        if case .value(.string(let sentinel)) = v {
            let isNone = r == .value(.null)
            switch sentinel {
            case "absent" where isNone: return true
            case "present" where !isNone: return true
            case "not-null" where r.truthy: return true
            case "empty" where !r.truthy: return true
            default: break
            }
        }
        guard let op else { return PythonObject.equal(r, v) }
        return apply(op, r, v) ?? false
    }

    /// `OPERATORS[op](r, v)`, nil where Python raises.
    func apply(_ op: Op, _ r: PythonObject, _ v: PythonObject) -> Bool? {
        switch op {
        case .eq, .equal: return PythonObject.equal(r, v)
        case .ne, .notEqual: return !PythonObject.equal(r, v)
        case .gt, .greaterThan: return PythonObject.ordered(r, ">", v)
        case .ge, .gte: return PythonObject.ordered(r, ">=", v)
        case .lt, .lessThan: return PythonObject.ordered(r, "<", v)
        case .le, .lte: return PythonObject.ordered(r, "<=", v)
        case .in: return v.containing(r)
        case .ni, .notIn: return v.containing(r).map { !$0 }
        case .contains: return r.containing(v)
        case .glob:
            guard case .value(.string(let s)) = r else { return false }
            guard case .value(.string(let p)) = v else { return nil }
            return Glob.matches(s, p)
        case .regex, .regexCase:
            guard case .value(.string(let s)) = r else { return false }
            return pattern?.matchesAtStart(s)
        case .difference, .intersect:
            let b: [Value]?
            switch v {
            case .value(let y): b = Python.set(y)
            case .set(let members): b = members
            default: b = nil
            }
            guard case .value(let x) = r, let a = Python.set(x), let b else { return nil }
            let shared = a.contains { m in b.contains { Python.equal($0, m) } }
            if op == .intersect { return shared }
            return a.contains { m in !b.contains { Python.equal($0, m) } }
        case .mod:
            // A text without '%' formatted with a list or a dict is itself; with anything else,
            // or with '%' in it, Python raises or formats, which remsim does not do.
            if case .value(.string(let text)) = r, !text.contains("%") {
                switch v {
                case .value(.array), .value(.object): return !text.isEmpty
                default: return nil
                }
            }
            guard case .value(let x) = r, case .value(let y) = v, let a = Python.number(x), let b = Python.number(y),
                b != 0
            else { return nil }
            if case .double = x {
            } else if case .double = y {
            } else if let ia = Int(exactly: a), let ib = Int(exactly: b) {
                // Python's integers do not overflow: the one case Swift's do (MIN % -1) is 0 there too.
                return ia.remainderReportingOverflow(dividingBy: ib).partialValue != 0
            }
            return a.truncatingRemainder(dividingBy: b) != 0
        }
    }

    /// `process_value_type`: the converted `(v, r)`, nil where Custodian would raise.
    func convert(
        _ type: ValueType, v: PythonObject, r: PythonObject, resource: Value, tags: [String: String], now: Timestamp
    ) -> (PythonObject, PythonObject)? {
        let nowMicros = now.milliseconds * 1000
        func days(_ v: PythonObject) -> Int64? {
            // Custodian raises OverflowError on a span far past its dates (and remsim would overflow): no match.
            guard case .value(let x) = v, let d = Python.number(x), abs(d) <= 100_000_000 else { return nil }
            return Int64((d * 86_400_000_000).rounded())
        }
        func date(_ r: PythonObject) -> PythonObject {
            if case .date = r { return r }
            guard case .value(let x) = r, let d = PythonDate.parse(x) else { return .value(.null) }
            return .date(d)
        }
        switch type {
        case .normalize:
            guard case .value(.string(let s)) = r else { return (v, r) }
            return (v, .value(.string(s.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())))
        case .expr:
            guard let valueKey else { return nil }
            return (.value(Self.resolve(valueKey, resource, tags: tags) ?? .null), r)
        case .integer:
            guard case .value(let x) = r else { return (v, .value(.int(0))) }
            return (v, .value(.int(Python.int(Python.str(x)) ?? 0)))
        case .float:
            guard case .value(let x) = r else { return (v, .value(.double(0))) }
            return (v, .value(.double(Python.float(Python.str(x)) ?? 0)))
        case .size, .uniqueSize:
            guard case .value(let x) = r else { return (v, .value(.int(0))) }
            let n = type == .size ? Python.length(x) : Python.set(x)?.count
            return (v, .value(.int(n ?? 0)))
        case .swap:
            return (r, v)
        case .date:
            return (date(v), date(r))
        case .age:
            guard let d = days(v) else { return nil }
            let parsed = date(r)
            return (parsed == .value(.null) ? .value(.int(0)) : parsed, .date(nowMicros - d))
        case .expiration:
            guard let d = days(v) else { return nil }
            let parsed = date(r)
            return (.date(nowMicros + d), parsed == .value(.null) ? .value(.int(0)) : parsed)
        case .cidr:
            let policy: Value
            switch v {
            case .value(let p): policy = p
            case .set(let members): policy = .array(members)
            default: return nil
            }
            let parsed: PythonObject
            switch r {
            // `()` (a missing value under in/not-in) is no address.
            case .emptyTuple: parsed = .value(.null)
            case .value(let found):
                // parse_cidr raises on a value that is neither a text nor a list of texts.
                guard let p = IPAddress.parseCIDR(found) else {
                    switch found {
                    case .string, .object: parsed = .value(.null)
                    default: return nil
                    }
                    break
                }
                parsed = p
            default: return nil
            }
            let s: PythonObject
            if let p = IPAddress.parseCIDR(policy) {
                s = p
            } else {
                guard case .string = policy else { return nil }
                s = .value(.null)
            }
            if case .address = s, case .network = parsed { return (parsed, s) }
            return (s, parsed)
        case .version:
            // LooseVersion(x) parses a non-empty text; a non-text sentinel makes it raise.
            guard case .value(.string(let sentinel)) = v, !sentinel.isEmpty else { return nil }
            // A text is parsed; a false value (None, 0, an empty list) makes a version of
            // nothing, which raises once compared; any other value raises at once.
            var found: [LooseVersion.Component]?
            if case .value(.string(let text)) = r, !text.isEmpty {
                found = LooseVersion.parse(text)
            } else if r.truthy {
                return nil
            }
            return (.version(LooseVersion.parse(sentinel)), .version(found))
        case .cidrSize:
            if case .emptyTuple = r { return (v, .value(.int(0))) }
            guard case .value(let found) = r else { return nil }
            switch found {
            case .string, .object: break
            default: return nil
            }
            switch IPAddress.parseCIDR(found) {
            case .network(_, let prefix)?: return (v, .value(.int(prefix)))
            case nil: return (v, .value(.int(0)))
            // An address has no prefix length: Custodian raises.
            default: return nil
            }
        }
    }
}

extension PythonObject {
    /// `bool(x)`.
    var truthy: Bool {
        switch self {
        case .value(let v): Python.truthy(v)
        case .emptyTuple: false
        case .cidrList(let items): !items.isEmpty
        case .set(let members): !members.isEmpty
        default: true
        }
    }
}

/// A Python regular expression as `re.match` uses it: anchored at the start only, optionally
/// ignoring case.
struct PythonRegex: @unchecked Sendable {
    // Regex<AnyRegexOutput> is immutable once built; matching does not mutate it.
    private let regex: Regex<AnyRegexOutput>
    let groupCount: Int

    init(_ pattern: String, ignoringCase: Bool) throws(FilterError) {
        do {
            let r = try Regex(pattern)
            regex = ignoringCase ? r.ignoresCase() : r
            groupCount = try NSRegularExpression(pattern: pattern).numberOfCaptureGroups
        } catch {
            throw FilterError(message: "'\(pattern)' is not a regular expression remsim can read")
        }
    }

    func matchesAtStart(_ text: String) -> Bool { (try? regex.prefixMatch(in: text)) != nil }

    /// The first group of a match at the start, as `value_regex` takes it.
    func capture(_ text: String) -> String? {
        guard let m = try? regex.prefixMatch(in: text), m.output.count > 1, let sub = m.output[1].substring else {
            return nil
        }
        return String(sub)
    }
}

/// `fnmatch.fnmatch` on POSIX: `*`, `?`, `[seq]` and `[!seq]`, over the whole text, case-sensitive.
enum Glob {
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text.unicodeScalars)
        let p = Array(pattern.unicodeScalars)
        var memo: [Int: Bool] = [:]
        func match(_ i: Int, _ j: Int) -> Bool {
            let k = i * (p.count + 1) + j
            if let known = memo[k] { return known }
            let result: Bool
            if j == p.count {
                result = i == t.count
            } else {
                switch p[j] {
                case "*": result = match(i, j + 1) || (i < t.count && match(i + 1, j))
                case "?": result = i < t.count && match(i + 1, j + 1)
                case "[":
                    if let (set, negated, next) = bracket(j), i < t.count {
                        result = (set(t[i]) != negated) && match(i + 1, next)
                    } else if bracket(j) == nil {
                        result = i < t.count && t[i] == "[" && match(i + 1, j + 1)
                    } else {
                        result = false
                    }
                default: result = i < t.count && t[i] == p[j] && match(i + 1, j + 1)
                }
            }
            memo[k] = result
            return result
        }
        /// A `[...]` class starting at `j`: its test, whether it is negated, and where it ends.
        func bracket(_ j: Int) -> ((Unicode.Scalar) -> Bool, Bool, Int)? {
            var k = j + 1
            var negated = false
            if k < p.count, p[k] == "!" {
                negated = true
                k += 1
            }
            if k < p.count, p[k] == "]" { k += 1 }
            while k < p.count, p[k] != "]" { k += 1 }
            guard k < p.count else { return nil }
            let body = Array(p[(j + 1 + (negated ? 1 : 0))..<k])
            var ranges: [ClosedRange<UInt32>] = []
            var m = 0
            while m < body.count {
                if m + 2 < body.count, body[m + 1] == "-" {
                    if body[m].value <= body[m + 2].value { ranges.append(body[m].value...body[m + 2].value) }
                    m += 3
                } else {
                    ranges.append(body[m].value...body[m].value)
                    m += 1
                }
            }
            return ({ c in ranges.contains { $0.contains(c.value) } }, negated, k + 1)
        }
        return match(0, 0)
    }
}

/// Custodian's `parse_date`: a date-time text (ISO 8601 and the forms cloud APIs print), or a
/// number of seconds (or, failing that, milliseconds) since the epoch after 2006-03-19. Times
/// without a zone are UTC. Microseconds since the epoch, or nil.
package enum PythonDate {
    /// `time.mktime((2006, 3, 19, 0, 0, 0, 0, 0, 0))` in UTC.
    static let floor = 1_142_726_400.0

    package static func parse(_ value: Value) -> Int64? {
        switch value {
        case .string(let s):
            if !s.isEmpty, s.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal }) {
                return epoch(Double(s))
            }
            if let d = text(s) { return d }
            return epoch(Python.float(s))
        case .int(let i): return epoch(Double(i))
        case .double(let d): return epoch(d)
        default: return nil
        }
    }

    /// `YYYY-MM-DDTHH:MM…`: the shape of an AWS API timestamp.
    static func isDateTime(_ s: String) -> Bool {
        let c = Array(s.utf8.prefix(16))
        guard c.count == 16 else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]
        return digits.allSatisfy { (48...57).contains(c[$0]) } && c[4] == 45 && c[7] == 45 && c[10] == 84
            && c[13] == 58
    }

    static func epoch(_ seconds: Double?) -> Int64? {
        guard let seconds, seconds > floor else { return nil }
        // datetime.fromtimestamp fails past year 9999, then the value is read as milliseconds.
        if seconds < 253_402_300_800 { return Int64((seconds * 1_000_000).rounded()) }
        let ms = seconds / 1000
        guard ms < 253_402_300_800 else { return nil }
        return Int64((ms * 1_000_000).rounded())
    }

    /// `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM[:SS[.ffffff]]`, then optionally
    /// `Z`, `±HH:MM`, `±HHMM` or `±HH`.
    static func text(_ s: String) -> Int64? {
        let c = Array(s.utf8)
        var i = 0
        func number(_ n: Int) -> Int? {
            guard i + n <= c.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard (48...57).contains(c[k]) else { return nil }
                v = v * 10 + Int(c[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ ch: UInt8) -> Bool {
            guard i < c.count, c[i] == ch else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var micros = 0
        var offset = 0
        if i < c.count, c[i] == 84 || c[i] == 32 {
            i += 1
            guard let h = number(2), expect(58), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
            if expect(58) {
                guard let sec = number(2), sec < 60 else { return nil }
                second = sec
                if expect(46) {
                    var digits = 0
                    var frac = 0
                    while i < c.count, (48...57).contains(c[i]) {
                        if digits < 6 {
                            frac = frac * 10 + Int(c[i] - 48)
                            digits += 1
                        }
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<6 { frac *= 10 }
                    micros = frac
                }
            }
            if i < c.count {
                if c[i] == 90 {
                    i += 1
                } else if c[i] == 43 || c[i] == 45 {
                    let sign = c[i] == 45 ? -1 : 1
                    i += 1
                    guard let oh = number(2) else { return nil }
                    var om = 0
                    if expect(58) {
                        guard let m = number(2) else { return nil }
                        om = m
                    } else if i < c.count {
                        guard let m = number(2) else { return nil }
                        om = m
                    }
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
        }
        guard i == c.count else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        let seconds = Int64(date.timeIntervalSince1970.rounded()) - Int64(offset)
        return seconds * 1_000_000 + Int64(micros)
    }
}

/// The value filter as a whole-resource check.
package final class CustodianValueCheck: ResourceCheck, @unchecked Sendable {
    package let filter: CustodianValueFilter
    /// What the policy wrote, for `policies show` and digests.

    package init(_ filter: CustodianValueFilter, written: Value, resourceType: String) {
        self.filter = filter
        super.init(resourceType: resourceType, written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        filter.matches(resource.document, tags: resource.tags, now: now)
    }

    override package var ageThresholds: [SimDuration] {
        guard let type = filter.valueType, type == .age || type == .expiration,
            let days = Python.number(filter.value), abs(days * 86_400_000) <= Double(SimDuration.maximum.milliseconds)
        else { return [] }
        let ms = Int64((days * 86_400_000).rounded())
        return [SimDuration(milliseconds: type == .age ? ms : -ms)]
    }

    override package var behaviour: Value { ["custodian": written] }
}
