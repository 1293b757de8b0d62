import CloudModel
import Foundation

/// Evaluates filters against resources.
///
/// It reads a resource's properties in their flat form (`FlatView`) through each policy's
/// compiled program (`CompiledFilters`): no reference counting and no copies, which is what lets
/// the built-in pack scan a million resources in under a second. Values are built only where a
/// test needs one (a list compared as a whole, a regex, a substring), and those tests share one
/// definition (`test(_:_:)`) with every other path, so the fast path cannot mean something
/// different from the slow one (a differential test checks it).
///
/// Two passes, because almost every resource in a large inventory is compliant: `violates`
/// answers yes or no with short-circuiting; only for a violating resource does `finding` walk
/// the filters again to collect the matched elements.
///
/// A matched element is reduced to what matched: an element of `any: IpPermissions` keeps its
/// scalar members (`IpProtocol`, `FromPort`, `ToPort`) and, of its list members, only those that
/// a nested quantifier examined, holding only the elements that matched. So for a rule that
/// allows port 22 from both `0.0.0.0/0` and `10.0.0.0/8`, the matched element names only
/// `0.0.0.0/0`, and revoking it leaves the private range in place.
public struct Evaluator: Sendable {
    /// The current (simulated) time, against which `value-type: age` is measured.
    package var now: Timestamp

    public init(now: Timestamp) { self.now = now }

    /// True when `resource` violates `policy`; cheap, for scanning large inventories.
    public func violates(_ policy: Policy, _ resource: borrowing Resource) -> Bool {
        guard resource.type == policy.resourceType, policy.inScope(resource) else { return false }
        guard resource.unknownProperties.isEmpty || !policy.cannotEvaluate(resource) else { return false }
        let tags = resource.tags
        return resource.flatProperties.withView { view in policy.compiled.holds(self, view, 0, tags) }
    }

    /// Calls `body` with the index of each of `policies` that `resource` violates, reading the
    /// resource once for all of them: a scan that evaluates every policy of a type resource by
    /// resource finds each resource's properties in the cache after the first policy, where a
    /// scan policy by policy fetches them from memory again for each one.
    package func forEachViolated(_ policies: [Policy], _ resource: borrowing Resource, _ body: (Int) -> Void) {
        let tags = resource.tags
        let type = resource.type
        resource.flatProperties.withView { view in
            for i in policies.indices
            where policies[i].resourceType == type && policies[i].compiled.holds(self, view, 0, tags) {
                guard policies[i].inScope(resource),
                    resource.unknownProperties.isEmpty || !policies[i].cannotEvaluate(resource)
                else { continue }
                body(i)
            }
        }
    }

    /// The same for a resource read in place (its flat properties and tags) against the
    /// compiled filters of policies of its type, `Policy.compiled`, taken once for a scan.
    package func forEachViolated(
        _ programs: [CompiledFilters], properties: FlatView, tags: [String: String], _ body: (Int) -> Void
    ) {
        // Through the buffer: each program is read in place, with no retain.
        programs.withUnsafeBufferPointer { programs in
            for i in programs.indices where programs[i].holds(self, properties, 0, tags) { body(i) }
        }
    }

    /// Calls `body` for each violation of `policies` in `inventory`: each type's resources are
    /// walked once, and each resource's properties are read in place once for all the policies
    /// of its type.
    public func forEachViolation(
        of policies: [Policy], in inventory: Inventory, _ body: (Int, borrowing Resource) -> Void
    ) {
        for (type, group) in Self.byType(policies) {
            let programs = group.map { policies[$0].compiled }
            let scopes = group.map { policies[$0].scope }
            var hit = Array(repeating: false, count: group.count)
            inventory.scan(
                ofType: type,
                { view, _, _, _, tags in
                    var any = false
                    programs.withUnsafeBufferPointer { programs in
                        for k in programs.indices {
                            hit[k] = programs[k].holds(self, view, 0, tags)
                            any = any || hit[k]
                        }
                    }
                    return any
                },
                found: { resource in
                    for k in group.indices where hit[k] && PolicyScope.contains(scopes[k], resource) {
                        // Only an imported resource with unknown properties reads the policy again.
                        guard resource.unknownProperties.isEmpty || !policies[group[k]].cannotEvaluate(resource)
                        else { continue }
                        body(group[k], resource)
                    }
                })
        }
    }

    /// The policies' types, in the order they first appear, each with the indices of its policies.
    static func byType(_ policies: [Policy]) -> [(type: String, group: [Int])] {
        var types: [String] = []
        for p in policies where !types.contains(p.resourceType) { types.append(p.resourceType) }
        return types.map { type in (type, policies.indices.filter { policies[$0].resourceType == type }) }
    }

    /// Calls `body` for each resource in `inventory` of each of `policies`' types (in their
    /// scopes) that the policy cannot be evaluated on, because the resource's export could not
    /// say a property it reads; in the order of the policies' types, then of the resources.
    package func forEachUnevaluable(
        of policies: [Policy], in inventory: Inventory, _ body: (Int, borrowing Resource) -> Void
    ) {
        guard inventory.withUnknownProperties > 0 else { return }
        // Each type's resources walked once for all its policies, each policy's reads taken once.
        for (type, group) in Self.byType(policies) {
            let reads = group.map { policies[$0].propertyReads }
            let scopes = group.map { policies[$0].scope }
            inventory.forEach(ofType: type) { resource in
                guard !resource.unknownProperties.isEmpty else { return }
                for k in group.indices
                where PolicyScope.contains(scopes[k], resource)
                    && Policy.cannotEvaluate(unknown: resource.unknownProperties, reads: reads[k])
                {
                    body(group[k], resource)
                }
            }
        }
    }

    /// True when every filter holds for `resource` (the form assertions use).
    package func holdsAll(_ filters: [Filter], resource: Resource) -> Bool {
        let program = CompiledFilters(filters)
        return resource.flatProperties.withView { view in program.holds(self, view, 0, resource.tags) }
    }

    /// The finding for `resource`, or nil when it complies with `policy`.
    package func finding(_ policy: Policy, _ resource: Resource) -> Finding? {
        guard violates(policy, resource) else { return nil }
        let matched: [MatchedElements] = resource.flatProperties.withView { view in
            var top: [MatchedElements] = []
            var unused = Value.null
            for filter in policy.filters {
                _ = collect(filter, view, 0, narrowed: &unused, resource.tags, top: &top, depth: 0)
            }
            if !policy.selections.isEmpty {
                for check in policy.selections {
                    var checked = check.view(view.value(at: 0), tags: resource.tags)
                    checked.account = resource.account
                    checked.region = resource.region
                    checked.name = resource.name
                    if let kept = check.matched(checked, now: now) { top.append(kept) }
                }
            }
            return top
        }
        return Finding(policyId: policy.id, resourceId: resource.id, matched: matched)
    }

    /// The elements a quantifier ranges over: a list's children, or a projection's results; nil
    /// when the path leads to no list.
    func elements(_ path: ValuePath, _ view: FlatView, _ node: Int) -> [Int]? {
        switch path.resolve(in: view, from: node) {
        case .missing: return nil
        case .node(let i): return view.kind(i) == .array ? Array(view.children(i)) : nil
        case .projection(let list): return list
        }
    }

    // MARK: - The collecting pass

    /// Evaluates `filter` like the compiled program does, and records what matched: quantifiers
    /// at depth 0 append to `top`; deeper ones replace their list in `narrowed` with the matched
    /// elements. Branches of `or` are all evaluated, since each may match different elements; an
    /// `and` commits its narrowing only when all of it holds.
    func collect(
        _ filter: Filter, _ view: FlatView, _ node: Int, narrowed: inout Value, _ tags: [String: String],
        top: inout [MatchedElements], depth: Int
    ) -> Bool {
        switch filter {
        case .and(let filters):
            var attempt = narrowed
            var attemptTop = top
            for f in filters where !collect(f, view, node, narrowed: &attempt, tags, top: &attemptTop, depth: depth) {
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
                if collect(f, view, node, narrowed: &attempt, tags, top: &attemptTop, depth: depth) {
                    any = true
                    narrowed = attempt
                    top = attemptTop
                }
            }
            return any
        case .not, .value:
            return CompiledFilters([filter]).holds(self, view, node, tags)
        case .check(let check):
            let resource = check.view(view.value(at: node), tags: tags)
            guard check.holds(resource, now: now) else { return false }
            if depth == 0, let kept = check.matched(resource, now: now) {
                if let index = top.firstIndex(where: { $0.path == kept.path }) {
                    for element in kept.elements where !top[index].elements.contains(element) {
                        top[index].elements.append(element)
                    }
                } else {
                    top.append(kept)
                }
            }
            return true
        case .quantifier(let q):
            guard q.mode == .any else { return CompiledFilters([filter]).holds(self, view, node, tags) }
            guard let items = elements(q.path, view, node) else { return false }
            var kept: [Value] = []
            for item in items {
                var reduced = Self.withoutLists(view.value(at: item))
                var ignoredTop: [MatchedElements] = []
                var all = true
                for f in q.filters
                where !collect(f, view, item, narrowed: &reduced, tags, top: &ignoredTop, depth: depth + 1) {
                    all = false
                    break
                }
                if all { kept.append(reduced) }
            }
            guard !kept.isEmpty else { return false }
            if depth == 0 {
                if let index = top.firstIndex(where: { $0.path == q.path.description }) {
                    for element in kept where !top[index].elements.contains(element) {
                        top[index].elements.append(element)
                    }
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

    /// A whole-resource check at node `node`, on the resource as Custodian describes it.
    func test(_ check: ResourceCheck, _ view: FlatView, _ node: Int, _ tags: [String: String]) -> Bool {
        check.holds(check.view(view.value(at: node), tags: tags), now: now)
    }

    /// A value filter at node `node`: its key resolved, then tested.
    func test(_ vf: ValueFilter, _ view: FlatView, _ node: Int, _ tags: [String: String]) -> Bool {
        guard let path = vf.path else { return test(vf, vf.tag.flatMap { tags[$0] }.map(Value.string)) }
        switch path.resolve(in: view, from: node) {
        case .missing: return test(vf, nil)
        case .node(let i): return test(vf, view, i)
        case .projection(let list): return test(vf, .array(list.map { view.value(at: $0) }))
        }
    }

    /// The test of one flat node: scalars are compared in place, anything that needs a `Value`
    /// (lists, objects, strings under ordering, regex or substring) is handed to the one
    /// definition of every operator, `test(_:_:)`.
    func test(_ vf: ValueFilter, _ view: FlatView, _ i: Int) -> Bool {
        let kind = view.kind(i)
        switch vf.op {
        case .present: return kind != .null
        case .absent: return kind == .null
        case .empty: return view.isEmpty(i)
        case .notEmpty: return !view.isEmpty(i)
        default: break
        }
        switch kind {
        case .null: return test(vf, .null)
        case .bool: return test(vf, .bool(view.nodes[i].payload != 0))
        case .int: return test(vf, .int(Int(view.nodes[i].payload)))
        case .double: return test(vf, .double(view.number(i) ?? 0))
        case .array, .object: return test(vf, view.value(at: i))
        case .string:
            let bytes = view.stringBytes(i)
            if vf.valueType == .age {
                guard let then = Timestamp(iso8601: bytes) else { return false }
                return compare(vf, ageInDays(since: then))
            }
            // Byte equality is String equality when both sides are ASCII.
            if let strings = vf.asciiStrings, vf.op == .eq || vf.op == .ne || vf.op == .in || vf.op == .ni,
                bytes.allSatisfy({ $0 < 0x80 })
            {
                let found = strings.contains { s in s.count == bytes.count && s.elementsEqual(bytes) }
                return vf.op == .eq || vf.op == .in ? found : !found
            }
            return test(vf, .string(String(decoding: bytes, as: UTF8.self)))
        }
    }

    /// Every operator's meaning, on a value (nil when the key is missing).
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
            actual = ageInDays(since: then)
        }
        return compare(vf, actual)
    }

    /// What `value-type: age` compares: days (fractional) from `then` to now.
    func ageInDays(since then: Timestamp) -> Value {
        .double(Double((now - then).milliseconds) / 86_400_000)
    }

    /// The comparison operators, on a present value.
    func compare(_ vf: ValueFilter, _ actual: Value) -> Bool {
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
                isIn =
                    vf.op == .in
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
        case .present: return !actual.isNull
        case .absent: return actual.isNull
        case .empty: return actual.isEmpty
        case .notEmpty: return !actual.isEmpty
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
