import CloudModel
import CloudOperations

/// How badly a change could hurt what runs on the resource.
package enum ImpactSeverity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case none, low, medium, high

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    package static func < (a: ImpactSeverity, b: ImpactSeverity) -> Bool { a.rank < b.rank }
}

/// What a remediation would break, and why remsim thinks so: the affected resources, the
/// evidence (flow records, key use, website hosting), and a line a person understands.
package struct DisruptionWarning: Sendable, Hashable {
    /// What kind of disruption: `live-traffic`, `collateral-ports`, `default-group-in-use`,
    /// `website`, `cloudfront-origin`, `anonymous-reads`, `key-in-use`, `nacl-traffic`,
    /// `object-acls`, `imdsv1-in-use`.
    package var kind: String
    package var severity: ImpactSeverity
    package var policyId: String
    package var resourceId: String
    /// The call the warning is about.
    package var operation: String
    /// Resources that would be affected besides the one changed (the instances behind a group).
    package var affected: [String]
    /// Each piece of evidence, as a person would read it.
    package var evidence: [String]
    package var explanation: String
    /// When the engine assessed it: just before the remediation ran, or was held back.
    package var at = Timestamp(milliseconds: 0)
    /// Who was about to make the call, when it was not remsim's engine (an external engine, a
    /// tool on `remsim serve`); `policyId` is then empty.
    package var actor: String? = nil
    /// The policy whose remediation it is about, or `by ACTOR` for a call from outside.
    package var source: String { actor.map { "by \($0)" } ?? policyId }

    package init(
        kind: String, severity: ImpactSeverity, policyId: String = "", resourceId: String, operation: String,
        affected: [String] = [], evidence: [String] = [], explanation: String
    ) {
        self.kind = kind
        self.severity = severity
        self.policyId = policyId
        self.resourceId = resourceId
        self.operation = operation
        self.affected = affected
        self.evidence = evidence
        self.explanation = explanation
    }
}

/// What an alert rule does with a warning before it changes anything.
package struct DisruptionSettings: Sendable, Hashable {
    package enum Mode: String, Sendable, CaseIterable {
        /// Remediate, and record the warnings.
        case warn
        /// Do not remediate when a warning reaches `threshold`; say why.
        case block
        /// Wait for an approval on the timeline when a warning reaches `threshold`, up to `approvalTimeout`.
        case approve
    }

    package var mode: Mode
    package var threshold: ImpactSeverity
    package var approvalTimeout: SimDuration
    /// How far back evidence of use counts.
    package var lookback: SimDuration

    package init(
        mode: Mode = .warn, threshold: ImpactSeverity = .high, approvalTimeout: SimDuration = .hours(4),
        lookback: SimDuration = .days(7)
    ) {
        self.mode = mode
        self.threshold = threshold
        self.approvalTimeout = approvalTimeout
        self.lookback = lookback
    }
}
