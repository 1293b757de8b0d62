import CloudModel

/// Evaluates filters against resources.
///
/// Two passes, because almost every resource in a large inventory is compliant: `holds` answers
/// yes or no with short-circuiting and no allocation; only for a violating resource does
/// `finding` walk the filters again to collect the matched elements.
///
/// A matched element is reduced to what matched: an element of `any: IpPermissions` keeps its
/// scalar members (`IpProtocol`, `FromPort`, `ToPort`) and, of its list members, only those that
/// a nested quantifier examined, holding only the elements that matched. So for a rule that
/// allows port 22 from both `0.0.0.0/0` and `10.0.0.0/8`, the matched element names only
/// `0.0.0.0/0`, and revoking it leaves the private range in place.
public struct Evaluator: Sendable {
    /// The current (simulated) time, against which `value-type: age` is measured.
    public var now: Timestamp

    public init(now: Timestamp) { self.now = now }

    /// True when `resource` violates `policy`; cheap, for scanning large inventories.
    public func violates(_ policy: Policy, _ resource: borrowing Resource) -> Bool {
        guard resource.type == policy.resourceType else { return false }
        return holdsAll(policy.filters, scope: resource.properties, resource: resource)
    }

    /// The finding for `resource`, or nil when it complies with `policy`.
    public func finding(_ policy: Policy, _ resource: Resource) -> Finding? {
        guard violates(policy, resource) else { return nil }
        var matched: [MatchedElements] = []
        var narrowed = resource.properties
        for filter in policy.filters {
            _ = collect(filter, scope: resource.properties, narrowed: &narrowed, resource: resource, top: &matched, depth: 0)
        }
        return Finding(policyId: policy.id, resourceId: resource.id, matched: matched)
    }

    /// True when every filter holds for `resource` (the form assertions use).
    public func holdsAll(_ filters: [Filter], resource: Resource) -> Bool {
        holdsAll(filters, scope: resource.properties, resource: resource)
    }

    // MARK: - The yes/no pass

    // Loops go by index: `for x in array` copies each element, a retain per filter and per
    // list element, which dominated the cost of a scan.
    func holdsAll(_ filters: [Filter], scope: Value, resource: Resource) -> Bool {
        for i in filters.indices where !holds(filters[i], scope: scope, resource: resource) { return false }
        return true
    }

    func holds(_ filter: Filter, scope: Value, resource: Resource) -> Bool {
        switch filter {
        case .and(let filters):
            return holdsAll(filters, scope: scope, resource: resource)
        case .or(let filters):
            for i in filters.indices where holds(filters[i], scope: scope, resource: resource) { return true }
            return false
        case .not(let filters):
            return !holdsAll(filters, scope: scope, resource: resource)
        case .value(let vf):
            if let path = vf.path { return test(vf, path.resolve(in: scope)) }
            return test(vf, vf.tag.flatMap { resource.tags[$0] }.map(Value.string))
        case .quantifier(let q):
            guard case .array(let items)? = q.path.resolve(in: scope) else { return q.mode == .none }
            switch q.mode {
            case .any:
                for i in items.indices where holdsAll(q.filters, scope: items[i], resource: resource) { return true }
                return false
            case .all:
                guard !items.isEmpty else { return false }
                for i in items.indices where !holdsAll(q.filters, scope: items[i], resource: resource) { return false }
                return true
            case .none:
                for i in items.indices where holdsAll(q.filters, scope: items[i], resource: resource) { return false }
                return true
            }
        }
    }

    // MARK: - The collecting pass

    /// Evaluates `filter` like `holds`, and records what matched: quantifiers at depth 0 append to
    /// `top`; deeper ones replace their list in `narrowed` with the matched elements. Branches of
    /// `or` are all evaluated, since each may match different elements; an `and` commits its
    /// narrowing only when all of it holds.
    func collect(
        _ filter: Filter, scope: Value, narrowed: inout Value, resource: Resource, top: inout [MatchedElements], depth: Int
    ) -> Bool {
        switch filter {
        case .and(let filters):
            var attempt = narrowed
            var attemptTop = top
            for f in filters where !collect(f, scope: scope, narrowed: &attempt, resource: resource, top: &attemptTop, depth: depth) {
                return false
            }
            narrowed = attempt
            top = attemptTop
            return true
        case .or(let filters):
            var any = false
            for f in filters {
                var attempt = narrowed
                var attemptTop = top
                if collect(f, scope: scope, narrowed: &attempt, resource: resource, top: &attemptTop, depth: depth) {
                    any = true
                    narrowed = attempt
                    top = attemptTop
                }
            }
            return any
        case .not, .value:
            return holds(filter, scope: scope, resource: resource)
        case .quantifier(let q):
            guard q.mode == .any else { return holds(filter, scope: scope, resource: resource) }
            guard case .array(let items)? = q.path.resolve(in: scope) else { return false }
            var kept: [Value] = []
            for item in items {
                var reduced = Self.withoutLists(item)
                var ignoredTop: [MatchedElements] = []
                var all = true
                for f in q.filters where !collect(f, scope: item, narrowed: &reduced, resource: resource, top: &ignoredTop, depth: depth + 1) {
                    all = false
                    break
                }
                if all { kept.append(reduced) }
            }
            guard !kept.isEmpty else { return false }
            if depth == 0 {
                if let index = top.firstIndex(where: { $0.path == q.path.description }) {
                    for element in kept where !top[index].elements.contains(element) { top[index].elements.append(element) }
                } else {
                    top.append(MatchedElements(path: q.path.description, elements: kept))
                }
            } else if !q.path.isProjection {
                var merged = kept
                if case .array(let existing)? = q.path.resolve(in: narrowed) {
                    merged = existing + kept.filter { !existing.contains($0) }
                }
                try? q.path.assign(.array(merged), in: &narrowed)
            }
            return true
        }
    }

    /// An object with its list members dropped; anything else as it is.
    static func withoutLists(_ value: Value) -> Value {
        guard case .object(let fields) = value else { return value }
        return .object(Fields(fields.entries.filter { $0.value.arrayValue == nil }))
    }

    // MARK: - Value tests

    func resolve(_ key: FilterKey, scope: Value, resource: Resource) -> Value? {
        switch key {
        case .property(let path): path.resolve(in: scope)
        case .tag(let name): resource.tags[name].map(Value.string)
        }
    }

    func test(_ vf: ValueFilter, _ found: Value?) -> Bool {
        let present: Bool = {
            guard let found, !found.isNull else { return false }
            return true
        }()
        switch vf.op {
        case .present: return present
        case .absent: return !present
        case .empty: return found?.isEmpty ?? true
        case .notEmpty: return !(found?.isEmpty ?? true)
        default: break
        }
        guard var actual = found, present else {
            return vf.op == .ne || vf.op == .ni
        }
        if vf.valueType == .age {
            guard let text = actual.stringValue, let then = Timestamp(iso8601: text) else { return false }
            actual = .double(Double((now - then).milliseconds) / 86_400_000)
        }
        switch vf.op {
        case .eq: return Self.equal(actual, vf.value)
        case .ne: return !Self.equal(actual, vf.value)
        case .gt: return Self.order(actual, vf.value).map { $0 > 0 } ?? false
        case .ge: return Self.order(actual, vf.value).map { $0 >= 0 } ?? false
        case .lt: return Self.order(actual, vf.value).map { $0 < 0 } ?? false
        case .le: return Self.order(actual, vf.value).map { $0 <= 0 } ?? false
        case .in, .ni:
            let options = vf.value.arrayValue ?? []
            let isIn: Bool
            if case .array(let items) = actual {
                isIn = vf.op == .in
                    ? !items.isEmpty && items.allSatisfy { item in options.contains { Self.equal(item, $0) } }
                    : items.contains { item in options.contains { Self.equal(item, $0) } }
                return vf.op == .in ? isIn : !isIn
            }
            isIn = options.contains { Self.equal(actual, $0) }
            return vf.op == .in ? isIn : !isIn
        case .contains:
            switch actual {
            case .array(let items): return items.contains { Self.equal($0, vf.value) }
            case .string(let s): return vf.value.stringValue.map { s.contains($0) } ?? false
            default: return false
            }
        case .regex:
            guard let s = actual.stringValue ?? Self.scalarText(actual) else { return false }
            return vf.regex?.matches(s) ?? false
        case .present, .absent, .empty, .notEmpty:
            return false  // handled above
        }
    }

    /// Equality that treats `22` and `22.0` as the same number.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        if let x = a.numberValue, let y = b.numberValue { return x == y }
        return a == b
    }

    /// -1, 0, 1 for numbers and for strings; nil when the two cannot be ordered.
    static func order(_ a: Value, _ b: Value) -> Int? {
        if let x = a.numberValue, let y = b.numberValue { return x < y ? -1 : (x > y ? 1 : 0) }
        if let x = a.stringValue, let y = b.stringValue { return x < y ? -1 : (x > y ? 1 : 0) }
        return nil
    }

    static func scalarText(_ value: Value) -> String? {
        switch value {
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): String(b)
        default: nil
        }
    }
}
