import CloudModel
import RemediationEngine

/// Everything one scenario run produced: what the run database stores and reports show.
public struct ScenarioResult: Sendable {
    public var name: String
    public var file: String
    public var seed: UInt64
    public var start: Timestamp
    public var end: Timestamp
    public var assertions: [AssertionResult]
    public var alerts: [Alert]
    public var attempts: [RemediationAttempt]
    public var violations: [Violation]
    public var timeline: [TimelineRecord]
    public var finalInventory: Inventory
    /// Events the loop processed: a measure of work done.
    public var eventsProcessed: Int

    public var passed: Bool { assertions.allSatisfy(\.passed) }

    public func summary(_ kind: MetricKind, policy: String? = nil) -> MetricSummary {
        MetricSummary(kind: kind, violations: violations.filter { policy == nil || $0.policyId == policy })
    }

    /// Policies that had at least one violation, sorted.
    public var violatedPolicies: [String] { Array(Set(violations.map(\.policyId))).sorted() }
}

/// One line of a scenario's story, for the report and for debugging a failing scenario.
public struct TimelineRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case injection, detection, remediation, call, resolution, failure, violation
    }

    public var at: Timestamp
    public var kind: Kind
    public var resourceId: String
    public var text: String
}
