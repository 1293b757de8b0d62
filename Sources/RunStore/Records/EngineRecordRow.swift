import GRDB
import RemediationEngine

/// A retry, cap breach, error-rate stop, loop, quarantine, exemption, restart or interrupted call.
package struct EngineRecordRow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "engineRecord"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var position: Int
    package var at: Int64
    package var kind: EngineRecord.Kind
    package var ruleName: String?
    package var policyId: String?
    package var resourceId: String?
    package var cause: String?
    package var detail: String
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension EngineRecordRow {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let position = Column(CodingKeys.position)
        package static let at = Column(CodingKeys.at)
        package static let kind = Column(CodingKeys.kind)
        package static let ruleName = Column(CodingKeys.ruleName)
        package static let policyId = Column(CodingKeys.policyId)
        package static let resourceId = Column(CodingKeys.resourceId)
        package static let cause = Column(CodingKeys.cause)
        package static let detail = Column(CodingKeys.detail)
    }
}
