import CloudModel
import CloudOperations

/// One policy violated by one resource, with its whole history.
///
/// There is one alert per (policy, resource): when a resolved violation resurfaces, the same
/// alert reopens, as in Prisma Cloud, and its transitions show every episode.
public struct Alert: Sendable, Hashable {
    public let id: Int
    public let policyId: String
    public let resourceId: String
    /// The rule that detected the violation and whose settings govern it.
    public var ruleName: String
    public var status: AlertStatus
    package var transitions: [AlertTransition]

    package init(
        id: Int, policyId: String, resourceId: String, ruleName: String, status: AlertStatus,
        transitions: [AlertTransition]
    ) {
        self.id = id
        self.policyId = policyId
        self.resourceId = resourceId
        self.ruleName = ruleName
        self.status = status
        self.transitions = transitions
    }

    package var key: AlertKey { AlertKey(policyId: policyId, resourceId: resourceId) }
    /// The reason of the latest transition.
    package var reason: TransitionReason? { transitions.last?.reason }

    /// The status at an instant (after every transition at it); nil before the alert was raised.
    package func status(at t: Timestamp) -> AlertStatus? { transitions.last { $0.at <= t }?.to }
}

package struct AlertKey: Sendable, Hashable, Comparable {
    public var policyId: String
    public var resourceId: String
    package init(policyId: String, resourceId: String) {
        self.policyId = policyId
        self.resourceId = resourceId
    }
    package static func < (lhs: AlertKey, rhs: AlertKey) -> Bool {
        (lhs.policyId, lhs.resourceId) < (rhs.policyId, rhs.resourceId)
    }
}

/// Prisma Cloud's alert states.
public enum AlertStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// The violation is known and nothing is fixing it.
    case open
    /// A remediation is running; the alert resolves only once a re-evaluation finds it compliant.
    case pendingResolution
    case resolved
    /// The remediation stopped at a failed step, ran but left the violation in place, or was
    /// stopped by the loop guard.
    case failed
    /// Silenced until a time; it reopens (`snoozeExpired`) if the violation is still there.
    case snoozed
    /// Accepted by a person; it stays dismissed even if the violation recurs.
    case dismissed
}

package struct AlertTransition: Sendable, Hashable {
    package var at: Timestamp
    package var from: AlertStatus?
    package var to: AlertStatus
    package var reason: TransitionReason
    /// What a person needs to know beyond the reason (the failed step's error, say).
    package var detail: String

    package init(at: Timestamp, from: AlertStatus?, to: AlertStatus, reason: TransitionReason, detail: String = "") {
        self.at = at
        self.from = from
        self.to = to
        self.reason = reason
        self.detail = detail
    }
}

/// Why an alert changed state, in Prisma Cloud's words where it has them.
package enum TransitionReason: String, Sendable, Hashable, CaseIterable, Codable {
    case newAlert
    /// A resolved violation was found again.
    case violationResurfaced
    case remediationStarted
    /// The remediation ran and a re-evaluation found the resource compliant.
    case remediated
    /// Something other than remsim's remediation made the resource compliant.
    case resourceUpdated
    case resourceDeleted
    /// A step's API call failed.
    case remediationFailed
    /// Every step succeeded, but the resource still violates the policy through what the
    /// remediation acted on, and nobody else changed it meanwhile.
    case verificationFailed
    /// The verification found the resource violating again after someone else changed it while
    /// its remediation ran (the change is named in the detail): not the remediation's failure.
    /// The alert is open again and remediated anew, under the rule's controls and loop guard.
    case changedDuringRemediation
    /// The verification found what the remediation acted on fixed, and other elements violating
    /// that did not when it was planned (an access key that turned 90 days old meanwhile). The
    /// alert is open again and remediated anew.
    case violationChanged
    /// The remediation could not be planned (a variable with no value for this resource).
    case planFailed
    case snoozed
    /// The snooze ended with the violation still there.
    case snoozeExpired
    case dismissed
    /// The policy was disabled: its alerts are resolved.
    case policyDisabled
    /// The alert rule was disabled: its alerts are resolved.
    case alertRuleDisabled
    /// The loop guard stopped remediating this resource and quarantined it.
    case loopDetected
    /// The engine restarted during the remediation, and the resource still violates the policy.
    case remediationInterrupted
}
