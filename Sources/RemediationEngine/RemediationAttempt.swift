import CloudModel
import CloudOperations

/// One call made for a remediation, and what became of it.
public struct RemediationAttempt: Sendable, Hashable {
    public var callId: Int
    public var alertId: Int
    public var policyId: String
    public var resourceId: String
    public var step: Int
    public var operation: String
    public var parameters: Value
    public var command: ShellCommand
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var outcome: OperationOutcome?
    /// 1 for a step's first call, 2 for its first retry, and so on.
    public var tryNumber: Int = 1
    /// The call failed only because what it was to change was gone, and the resource complied
    /// (or was deleted) when the engine looked again: someone else, or another policy's
    /// remediation, had already done it. The cloud's answer is kept as it came; it is not a
    /// failure of the remediation and counts toward no failure figure or control.
    public var moot: Bool = false

    public var isRetry: Bool { tryNumber > 1 }
}
