import Foundation

/// Everything recorded for one run, in the form it is stored.
public struct RunContents: Sendable {
    public struct ScenarioRows: Sendable {
        public var scenario: ScenarioResultRecord
        public var assertions: [AssertionResultRecord]
        public var alerts: [(alert: AlertRecord, transitions: [AlertTransitionRecord])]
        public var attempts: [RemediationAttemptRecord]
        public var violations: [ViolationRecord]
        public var metrics: [MetricRecord]
        public var records: [EngineRecordRow]
        public var warnings: [DisruptionWarningRow]
        public var timeline: [TimelineEntryRecord]
    }

    public var run: RunRecord
    public var scenarios: [ScenarioRows]
}
