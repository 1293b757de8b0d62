import CloudModel

/// One episode of one resource violating one policy, as the simulation saw it happen, and when
/// the engine noticed and fixed it.
///
/// `t0` comes from the simulation's own ground truth (it re-evaluates a resource after every
/// change), not from the engine, so a slow or blind engine shows up as a long MTTD.
package struct Violation: Sendable, Hashable {
    package var policyId: String
    package var resourceId: String
    /// The rule whose alert tracked it, once one did.
    package var ruleName: String?
    /// t0: injected, or the start of the run for a violation present from the beginning.
    package var startedAt: Timestamp
    /// When the resource stopped violating, whoever fixed it.
    package var endedAt: Timestamp?
    /// t1: the alert opened.
    package var detectedAt: Timestamp?
    /// t2: remediation started.
    package var remediationStartedAt: Timestamp?
    /// t3: the alert resolved.
    package var resolvedAt: Timestamp?
    /// Where it ended up when the run ended; exactly one for every violation.
    package var finalState: FinalState = .open

    package enum FinalState: String, Sendable, Hashable, CaseIterable, Codable {
        /// The resource stopped violating.
        case resolved
        /// Its remediation failed, or the loop guard stopped it.
        case failed
        /// An exemption kept it from being remediated.
        case exempt
        case dismissed
        case snoozed
        /// Still violating, with its alert open or its remediation under way.
        case open
    }

    package init(
        policyId: String, resourceId: String, ruleName: String? = nil, startedAt: Timestamp, endedAt: Timestamp? = nil,
        detectedAt: Timestamp? = nil, remediationStartedAt: Timestamp? = nil, resolvedAt: Timestamp? = nil
    ) {
        self.policyId = policyId
        self.resourceId = resourceId
        self.ruleName = ruleName
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.detectedAt = detectedAt
        self.remediationStartedAt = remediationStartedAt
        self.resolvedAt = resolvedAt
    }

    package var mttd: SimDuration? { detectedAt.map { $0 - startedAt } }
    package var mttr: SimDuration? {
        guard let t1 = detectedAt, let t3 = resolvedAt else { return nil }
        return t3 - t1
    }
    /// How long the resource was exposed: until it stopped violating.
    package var exposure: SimDuration? { endedAt.map { $0 - startedAt } }
    package var isResolved: Bool { endedAt != nil && resolvedAt != nil }

    package func value(of kind: MetricKind) -> SimDuration? {
        switch kind {
        case .mttd: mttd
        case .mttr: mttr
        case .exposure: exposure
        }
    }
}

/// Mean, p50, p95 (nearest rank) and max of one metric over a set of violations; violations for
/// which the metric has no value (never detected, never resolved) are counted as unresolved,
/// never dropped silently.
public struct MetricSummary: Sendable, Hashable {
    public var kind: MetricKind
    public var count: Int
    public var unresolved: Int
    public var mean: SimDuration?
    public var p50: SimDuration?
    public var p95: SimDuration?
    public var max: SimDuration?

    package init(kind: MetricKind, violations: some Sequence<Violation>) {
        self.kind = kind
        var values: [Int64] = []
        var missing = 0
        for v in violations {
            if let d = v.value(of: kind) { values.append(d.milliseconds) } else { missing += 1 }
        }
        values.sort()
        count = values.count
        unresolved = missing
        guard !values.isEmpty else { return }
        mean = SimDuration(milliseconds: values.reduce(0, +) / Int64(values.count))
        p50 = SimDuration(milliseconds: Self.nearestRank(values, 50))
        p95 = SimDuration(milliseconds: Self.nearestRank(values, 95))
        max = values.last.map(SimDuration.init(milliseconds:))
    }

    /// The nearest-rank percentile: the smallest value with at least p% of values at or below it.
    package static func nearestRank(_ sorted: [Int64], _ p: Int) -> Int64 {
        let rank = (p * sorted.count + 99) / 100
        return sorted[Swift.max(rank, 1) - 1]
    }

    package func statistic(_ s: Expectation.Statistic) -> SimDuration? {
        switch s {
        case .mean: mean
        case .p50: p50
        case .p95: p95
        case .max: max
        }
    }
}
