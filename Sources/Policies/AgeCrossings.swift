import CloudModel

/// When time alone changes a verdict.
///
/// A `value-type: age` filter compares the exact time elapsed since a timestamp, in days
/// (fractional: 90 days and one millisecond is more than 90), with its value, as Cloud
/// Custodian's `age` does. So a resource that nobody touches can start or stop violating: an
/// access key created 90 days before the run violates `gt: 90` from one millisecond past its
/// 90th day. Whoever tracks violations as they happen (the simulation's ground truth) must look
/// at such a resource again at those instants; this says when.
extension Policy {
    /// The thresholds of the policy's age filters, as durations, wherever they sit in its filters.
    package var ageThresholds: [SimDuration] {
        var found: [SimDuration] = []
        func walk(_ filters: [Filter]) {
            for filter in filters {
                switch filter {
                case .and(let inner), .or(let inner), .not(let inner): walk(inner)
                case .quantifier(let q): walk(q.filters)
                case .check(let c):
                    for threshold in c.ageThresholds where !found.contains(threshold) { found.append(threshold) }
                case .value(let vf):
                    guard vf.valueType == .age, let days = vf.value.numberValue else { continue }
                    let threshold = SimDuration(milliseconds: Int64((days * 86_400_000).rounded()))
                    if !found.contains(threshold) { found.append(threshold) }
                }
            }
        }
        walk(filters)
        return found
    }
}

extension Policy {
    /// The checks among the policy's filters whose verdict changes at instants of their own
    /// (`ResourceCheck.crossings`).
    package var crossingChecks: [ResourceCheck] {
        var found: [ResourceCheck] = []
        func walk(_ filters: [Filter]) {
            for filter in filters {
                switch filter {
                case .and(let inner), .or(let inner), .not(let inner): walk(inner)
                case .quantifier(let q): walk(q.filters)
                case .check(let c): if c.hasCrossings { found.append(c) }
                case .value: break
                }
            }
        }
        walk(filters)
        return found
    }
}

extension Evaluator {
    /// The first instant after `now` at which one of `checks` changes its verdict on `resource`.
    package func nextCrossing(of checks: [ResourceCheck], _ resource: borrowing Resource) -> Timestamp? {
        guard !checks.isEmpty else { return nil }
        let properties = resource.properties
        let tags = resource.tags
        return checks.flatMap { $0.crossings($0.view(properties, tags: tags)) }.filter { $0 > now }.min()
    }

    /// The first instant after `now` at which an age filter of `policies` can change its verdict
    /// on `resource` without the resource changing; nil when there is none.
    package func nextAgeCrossing(of policies: [Policy], _ resource: Resource) -> Timestamp? {
        nextAgeCrossing(
            thresholds: policies.filter { $0.resourceType == resource.type }.flatMap(\.ageThresholds), resource)
    }

    /// The same for age thresholds worked out beforehand (a tracker asks for every resource of
    /// a type, and the thresholds are the type's).
    ///
    /// Every timestamp among the resource's property values and tags is paired with every
    /// threshold, wherever the filter reads: a few instants too many cost a re-evaluation that
    /// finds nothing new, a missed one would be a violation never seen to begin. For a timestamp
    /// `t` and a threshold `d`, the verdict can change at `t + d` (where `ge` and `lt` turn) and
    /// one millisecond later (where `gt` and `le` turn). The properties are read in place, as
    /// the evaluator reads them, not rebuilt as a value tree.
    package func nextAgeCrossing(thresholds: [SimDuration], _ resource: borrowing Resource) -> Timestamp? {
        guard !thresholds.isEmpty else { return nil }
        var next: Timestamp?
        func consider(_ then: Timestamp) {
            for threshold in thresholds {
                let at = then + threshold
                for candidate in [at, at + .milliseconds(1)] where candidate > now {
                    if next.map({ candidate < $0 }) ?? true { next = candidate }
                }
            }
        }
        resource.flatProperties.withView { view in
            for i in view.nodes.indices where view.kind(i) == .string {
                let bytes = view.stringBytes(i)
                if Self.looksLikeDate(bytes), let then = Timestamp(iso8601: bytes) { consider(then) }
            }
        }
        for value in resource.tags.values {
            var text = value
            text.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                if Self.looksLikeDate(bytes), let then = Timestamp(iso8601: bytes) { consider(then) }
            }
        }
        return next
    }

    /// `2025-10-03…`: four digits and a dash, before paying for a parse.
    static func looksLikeDate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 5 && bytes[0...3].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && bytes[4] == 0x2D
    }
}
