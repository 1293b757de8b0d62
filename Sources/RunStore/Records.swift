import GRDB

// One record type per table. Simulated instants are stored as integer milliseconds since the
// Unix epoch (exact, and several times faster to write than dates); wall-clock run times as
// ISO 8601 text.

public struct RunRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var startedAt: String
    public var finishedAt: String?
    public var status: String
    public var remsimVersion: String
    public var gitCommit: String?
    /// A JSON array of strings.
    public var labels: String
    public var scenarioCount: Int
    public var passedCount: Int
    public var failedCount: Int
    /// Digests of the inventories and policies the run used; nil for runs recorded before them.
    public var fixturesDigest: String?
    public var policiesDigest: String?
    /// "I/N" when the run covered one shard of a suite.
    public var shard: String?
    /// For a run merged from shards: a JSON list of `{database, run, shard}`.
    public var mergedFrom: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct ScenarioResultRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "scenarioResult"
    public var id: Int64?
    public var runId: Int64
    public var name: String
    public var file: String
    public var seed: Int64
    public var passed: Bool
    public var simulatedStart: Int64
    public var simulatedEnd: Int64
    public var eventsProcessed: Int
    /// Why the scenario stopped before its end; nil when it ran to the end.
    public var error: String?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct AssertionResultRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "assertionResult"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var passed: Bool
    public var expected: String
    public var found: String
    public var origin: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct AlertRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alert"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var number: Int
    public var policyId: String
    public var resourceId: String
    public var ruleName: String
    public var status: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct AlertTransitionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alertTransition"
    public var id: Int64?
    public var alertId: Int64
    public var position: Int
    public var at: Int64
    public var fromStatus: String?
    public var toStatus: String
    public var reason: String
    public var detail: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct RemediationAttemptRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "remediationAttempt"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var alertId: Int64
    public var callId: Int
    public var step: Int
    public var operation: String
    public var parameters: String
    public var command: String
    public var startedAt: Int64
    public var finishedAt: Int64?
    public var outcome: String?
    public var errorCode: String?
    public var errorMessage: String?
    public var tryNumber: Int = 1
    public var moot: Bool = false
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct ViolationRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "violation"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var policyId: String
    public var resourceId: String
    public var ruleName: String?
    public var startedAt: Int64
    public var endedAt: Int64?
    public var detectedAt: Int64?
    public var remediationStartedAt: Int64?
    public var resolvedAt: Int64?
    public var finalState: String?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A retry, cap breach, error-rate stop, loop, quarantine, exemption, restart or interrupted call.
public struct EngineRecordRow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "engineRecord"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var at: Int64
    public var kind: String
    public var ruleName: String?
    public var policyId: String?
    public var resourceId: String?
    public var cause: String?
    public var detail: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct MetricRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "metric"
    public var id: Int64?
    public var scenarioResultId: Int64
    /// `scenario`, `policy` or `rule`.
    public var scope: String
    /// The policy id or rule name; empty for the scenario.
    public var name: String
    public var kind: String
    public var count: Int
    public var unresolved: Int
    public var meanMs: Int64?
    public var p50Ms: Int64?
    public var p95Ms: Int64?
    public var maxMs: Int64?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What a remediation could disrupt, with the evidence for it.
public struct DisruptionWarningRow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "disruptionWarning"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var at: Int64
    public var kind: String
    public var severity: String
    public var policyId: String
    public var resourceId: String
    public var operation: String
    /// JSON list of resource ids.
    public var affected: String
    /// JSON list of evidence lines.
    public var evidence: String
    public var explanation: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One line of a scenario's story, as `remsim run --timeline` prints it.
public struct TimelineEntryRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "timelineEntry"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var at: Int64
    public var kind: String
    public var resourceId: String
    public var text: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
