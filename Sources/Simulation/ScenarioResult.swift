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
    package var alerts: [Alert]
    package var attempts: [RemediationAttempt]
    /// Retries, caps, stops, loops, quarantines and exemptions.
    package var records: [EngineRecord]
    /// What remediations could disrupt, as the engine assessed them before acting.
    package var warnings: [DisruptionWarning] = []
    /// Resources of the starting inventory each policy cannot evaluate, by policy: their export
    /// could not say a property the policy reads (`Resource.unknownProperties`). They are in no
    /// figure: neither violations nor compliant.
    package var cannotEvaluate: [String: Int] = [:]
    package var violations: [Violation]
    package var timeline: [TimelineRecord]
    /// Calls that came from outside the simulation (an external engine's, through the endpoint),
    /// in the order they landed.
    package var outsideCalls: [OutsideCall] = []
    public var finalInventory: Inventory
    /// Events the loop processed: a measure of work done.
    public var eventsProcessed: Int
    /// Why the run stopped before its end, when it did (an injection that no longer applied to
    /// what the run had made of the resource, too many events). Such a scenario fails, and its
    /// expectations are not checked.
    public var error: String?

    public var passed: Bool { error == nil && assertions.allSatisfy(\.passed) }

    public func summary(_ kind: MetricKind, policy: String? = nil) -> MetricSummary {
        MetricSummary(kind: kind, violations: violations.filter { policy == nil || $0.policyId == policy })
    }

    /// Policies that had at least one violation, sorted.
    package var violatedPolicies: [String] { Array(Set(violations.map(\.policyId))).sorted() }
}

/// One line of a scenario's story, for the report and for debugging a failing scenario.
package struct TimelineRecord: Sendable, Hashable {
    /// In the order things happen within one instant.
    package enum Kind: String, Sendable, Codable, CaseIterable {
        case injection, fault, violation, detection, warning, remediation, call, failure, control, violationEnded,
            resolution

        var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    }

    package var at: Timestamp
    package var kind: Kind
    package var resourceId: String
    package var text: String

    package init(at: Timestamp, kind: Kind, resourceId: String, text: String) {
        self.at = at
        self.kind = kind
        self.resourceId = resourceId
        self.text = text
    }

    /// Time order; within one instant, the order in which a cause precedes its effect.
    static func precedes(_ a: TimelineRecord, _ b: TimelineRecord) -> Bool {
        (a.at, a.kind.rank) < (b.at, b.kind.rank)
    }
}

/// A call from outside the simulation, as it landed.
package struct OutsideCall: Sendable, Hashable {
    package var at: Timestamp
    package var actor: String
    package var operation: String
    package var resourceId: String
    package var outcome: OperationOutcome

    package init(at: Timestamp, actor: String, operation: String, resourceId: String, outcome: OperationOutcome) {
        self.at = at
        self.actor = actor
        self.operation = operation
        self.resourceId = resourceId
        self.outcome = outcome
    }
}

/// What the simulation did to the cloud, call by call and change by change: what a replay
/// follows and property tests compare, kept apart from the scenario's result.
package struct SimulationTrace: Sendable {
    /// What each successful call changed, resource by resource: the top-level properties whose
    /// value differs after it (a created resource lists none). Property tests compare it with
    /// what the operation declares.
    package var callChanges: [CallChange] = []
    /// Calls that failed because a fault on the timeline made them fail (throttling, a missing
    /// permission), not because of what the cloud holds.
    package var faultedCalls: Set<Int> = []
    /// What the timeline did to the cloud (injections, drift), in order.
    package var timelineChanges: [TimelineChange] = []
    /// Call ids in the order the calls landed (a call's latency can let a later one land first).
    package var landedCalls: [Int] = []
}

/// A scenario's result with the trace of how it came about.
package struct Simulated: Sendable {
    package var result: ScenarioResult
    package var trace: SimulationTrace
}

/// A change the timeline made to one resource (an injection, a drift): someone other than the
/// engine acting on the cloud.
package struct TimelineChange: Sendable, Hashable {
    package var at: Timestamp
    package var resourceId: String
    package var actor: String
    /// The resource just before and just after; `before` is nil when the timeline created it,
    /// `after` when it deleted it.
    package var before: Resource?
    package var after: Resource?
    /// How many calls had landed by then: the first `callsLanded` of `SimulationTrace.landedCalls`
    /// came before this change, the others after it.
    package var callsLanded: Int
}

/// The properties one call changed on one resource.
package struct CallChange: Sendable, Hashable {
    package var callId: Int
    package var operation: String
    package var resourceId: String
    package var parameters: Value
    /// Top-level property names whose value changed.
    package var changed: Set<String>
    /// True when the call created the resource.
    package var created: Bool
    /// True when the call deleted it.
    package var deleted: Bool = false
}
