import CloudModel
import CloudOperations

/// What happens to the engine. Each event comes with the instant it happens.
public enum EngineEvent: Sendable, Hashable {
    /// The engine starts: every rule scans its scope once (the platform's initial scan).
    case start
    /// A config-change event about this resource reached the engine through an event-mode rule.
    case resourceChanged(resourceId: String, rule: String)
    /// A poll-mode rule's scheduled scan is due.
    case scanDue(rule: String)
    /// A call the engine asked for has finished.
    case operationFinished(callId: Int, outcome: OperationOutcome)
    /// A timer the engine set has fired.
    case timerFired(id: Int)
    /// A person snoozes an alert until `until`.
    case snooze(policy: String, resource: String, until: Timestamp)
    /// A person dismisses an alert.
    case dismiss(policy: String, resource: String)
    case setPolicyEnabled(policy: String, enabled: Bool)
    case setRuleEnabled(rule: String, enabled: Bool)
    /// Auto-remediation switched on or off for a rule; switching it on remediates the rule's
    /// open alerts.
    case setAutoRemediation(rule: String, enabled: Bool)
    case exempt(Exemption)
    /// A person approves the remediation an alert is waiting on (`approve` mode).
    case approve(policy: String, resource: String)
    /// The engine restarted: what it held in memory about calls in flight and timers is gone;
    /// its alerts and attempts (its database) remain.
    case restart
}

/// What the engine asks its driver to do.
public enum EngineEffect: Sendable, Hashable {
    case callOperation(CloudOperation)
    /// Deliver `.scanDue(rule:)` at this instant.
    case scheduleScan(rule: String, at: Timestamp)
    /// Deliver `.timerFired(id:)` at this instant.
    case setTimer(id: Int, at: Timestamp)
}
