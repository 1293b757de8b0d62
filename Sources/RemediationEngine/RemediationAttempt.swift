import CloudModel
import CloudOperations

/// One call made for a remediation, and what became of it.
package struct RemediationAttempt: Sendable, Hashable {
    package var callId: Int
    package var alertId: Int
    package var policyId: String
    package var resourceId: String
    package var step: Int
    package var operation: String
    package var parameters: Value
    package var command: ShellCommand
    package var startedAt: Timestamp
    package var finishedAt: Timestamp?
    package var outcome: OperationOutcome?
    /// 1 for a step's first call, 2 for its first retry, and so on.
    package var tryNumber: Int = 1
    /// The call failed only because its work was already done: what it was to change was gone,
    /// and the resource complied (or was deleted) when the engine looked again (someone else, or
    /// another policy's remediation, had done it), or the step counts the answer as done (a log
    /// group that exists). The cloud's answer is kept as it came; it is not a failure of the
    /// remediation and counts toward no failure figure or control.
    package var moot: Bool = false

    package var isRetry: Bool { tryNumber > 1 }
}
