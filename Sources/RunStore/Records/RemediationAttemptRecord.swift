import GRDB

package struct RemediationAttemptRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "remediationAttempt"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var alertId: Int64
    package var callId: Int
    package var step: Int
    package var operation: String
    package var parameters: String
    package var command: String
    package var startedAt: Int64
    package var finishedAt: Int64?
    package var outcome: CallOutcome?
    package var errorCode: String?
    package var errorMessage: String?
    package var tryNumber: Int = 1
    package var moot: Bool = false
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RemediationAttemptRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let alertId = Column(CodingKeys.alertId)
        package static let callId = Column(CodingKeys.callId)
        package static let step = Column(CodingKeys.step)
        package static let operation = Column(CodingKeys.operation)
        package static let parameters = Column(CodingKeys.parameters)
        package static let command = Column(CodingKeys.command)
        package static let startedAt = Column(CodingKeys.startedAt)
        package static let finishedAt = Column(CodingKeys.finishedAt)
        package static let outcome = Column(CodingKeys.outcome)
        package static let errorCode = Column(CodingKeys.errorCode)
        package static let errorMessage = Column(CodingKeys.errorMessage)
        package static let tryNumber = Column(CodingKeys.tryNumber)
        package static let moot = Column(CodingKeys.moot)
    }
}
