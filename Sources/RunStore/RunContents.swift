import Foundation

/// Everything recorded for one run, in the form it is stored.
package struct RunContents: Sendable {
    package struct ScenarioRows: Sendable {
        package var scenario: ScenarioResultRecord
        package var assertions: [AssertionResultRecord]
        package var alerts: [(alert: AlertRecord, transitions: [AlertTransitionRecord])]
        package var attempts: [RemediationAttemptRecord]
        package var violations: [ViolationRecord]
        package var metrics: [MetricRecord]
        package var records: [EngineRecordRow]
        package var warnings: [DisruptionWarningRow]
        package var timeline: [TimelineEntryRecord]
        package var outsideCalls: [OutsideCallRecord]
    }

    package var run: RunRecord
    package var scenarios: [ScenarioRows]
}
