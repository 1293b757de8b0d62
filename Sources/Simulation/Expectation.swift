import CloudModel
import Policies
import RemediationEngine

/// One `expect:` entry: something that must hold when the scenario ends.
package struct Expectation: Sendable {
    package enum Check: Sendable {
        /// The resource exists (or not) at the end.
        case exists(resource: String, Bool)
        case compliant(resource: String, policies: [String])
        case violates(resource: String, policies: [String])
        /// Every filter holds on the resource's final properties (the policy filter language).
        case matches(resource: String, filters: [Filter], text: String)
        case alert(policy: String, resource: String, status: AlertStatus?, reason: TransitionReason?)
        /// A statistic of MTTD, MTTR or exposure, over the violations of one policy or all.
        case metric(MetricKind, policy: String?, statistic: Statistic, bound: Bound)
        /// The number of violations of one policy (or all) never resolved by the end.
        case unresolved(policy: String?, bound: Bound)
        /// `code` narrows `failed` (and `calls`) to calls that failed with that error.
        case remediations(
            policy: String?, resource: String?, code: String? = nil, count: RemediationCount, bound: Bound)
        /// How many times the engine did something of `kind` (a retry, a loop, a cap breach…).
        case engineRecords(
            kind: EngineRecord.Kind, policy: String?, resource: String?, rule: String?, cause: String?, bound: Bound)
        /// A disruption warning of at least `severity` (of `kind`, on `resource`, when given).
        case warning(resource: String?, kind: String?, severity: ImpactSeverity, bound: Bound)
        /// How many violations ended in `state`.
        case violationStates(policy: String?, state: Violation.FinalState, bound: Bound)
        /// Every resource but those listed ends exactly as it began: none changed, deleted or created.
        case unchanged(except: [String])
    }

    package enum Statistic: String, Sendable, CaseIterable {
        case mean, p50, p95, max
    }

    package enum RemediationCount: String, Sendable, CaseIterable {
        /// Remediations started (one per detected violation that was acted on).
        case started
        /// API calls made.
        case calls
        /// API calls that failed.
        case failed
        /// Remediations that ended with the alert resolved as remediated.
        case succeeded
        /// Calls that were retries of a failed call.
        case retries
    }

    package var check: Check
    /// Where the entry was written, `file:line:col`.
    public var origin: String

    package init(check: Check, origin: String = "") {
        self.check = check
        self.origin = origin
    }
}

public enum MetricKind: String, Sendable, CaseIterable, Codable {
    case mttd, mttr, exposure
}

/// `{le: 5m}`, `{eq: 1}`: a comparison against a duration or a count.
package struct Bound: Sendable, Equatable, CustomStringConvertible {
    package enum Op: String, Sendable, CaseIterable {
        case eq, ne, lt, le, gt, ge
    }

    package var op: Op
    /// A count, or a duration in milliseconds.
    package var value: Int64
    package var isDuration: Bool

    package init(op: Op, value: Int64, isDuration: Bool) {
        self.op = op
        self.value = value
        self.isDuration = isDuration
    }

    package func holds(_ x: Int64) -> Bool {
        switch op {
        case .eq: x == value
        case .ne: x != value
        case .lt: x < value
        case .le: x <= value
        case .gt: x > value
        case .ge: x >= value
        }
    }

    package func render(_ x: Int64) -> String { isDuration ? SimDuration(milliseconds: x).description : String(x) }

    package var description: String {
        let symbol =
            switch op {
            case .eq: "="
            case .ne: "≠"
            case .lt: "<"
            case .le: "≤"
            case .gt: ">"
            case .ge: "≥"
            }
        return "\(symbol) \(render(value))"
    }
}

/// The verdict on one expectation, with what was expected and what was found.
public struct AssertionResult: Sendable, Hashable {
    public var index: Int
    public var passed: Bool
    /// What the expectation asks, in words.
    public var expected: String
    /// What the run actually shows.
    public var found: String
    public var origin: String

    package init(index: Int, passed: Bool, expected: String, found: String, origin: String) {
        self.index = index
        self.passed = passed
        self.expected = expected
        self.found = found
        self.origin = origin
    }
}
