import GRDB

/// A call an external engine (or a tool on `remsim serve`) made, as it landed: who, what, on which
/// resource, and how it ended (refused by the disruption guardrail, faulted, or carried out).
package struct OutsideCallRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "outsideCall"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var position: Int
    package var at: Int64
    package var actor: String
    package var operation: String
    package var resourceId: String
    package var outcome: CallOutcome
    package var errorCode: String?
    package var errorMessage: String?
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension OutsideCallRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let position = Column(CodingKeys.position)
        package static let actor = Column(CodingKeys.actor)
    }
}

extension OutsideCallRecord: PreparedRow {
    package static let insertedColumns = [
        "scenarioResultId", "position", "at", "actor", "operation", "resourceId", "outcome", "errorCode",
        "errorMessage",
    ]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [scenarioResultId, position, at, actor, operation, resourceId, outcome.rawValue, errorCode, errorMessage]
    }
}
