import GRDB

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
    public var outcome: CallOutcome?
    public var errorCode: String?
    public var errorMessage: String?
    public var tryNumber: Int = 1
    public var moot: Bool = false
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RemediationAttemptRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let alertId = Column(CodingKeys.alertId)
        public static let callId = Column(CodingKeys.callId)
        public static let step = Column(CodingKeys.step)
        public static let operation = Column(CodingKeys.operation)
        public static let parameters = Column(CodingKeys.parameters)
        public static let command = Column(CodingKeys.command)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let finishedAt = Column(CodingKeys.finishedAt)
        public static let outcome = Column(CodingKeys.outcome)
        public static let errorCode = Column(CodingKeys.errorCode)
        public static let errorMessage = Column(CodingKeys.errorMessage)
        public static let tryNumber = Column(CodingKeys.tryNumber)
        public static let moot = Column(CodingKeys.moot)
    }
}
