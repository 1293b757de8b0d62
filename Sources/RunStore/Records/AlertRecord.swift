import GRDB
import RemediationEngine

package struct AlertRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "alert"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var number: Int
    package var policyId: String
    package var resourceId: String
    package var ruleName: String
    package var status: AlertStatus
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AlertRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let number = Column(CodingKeys.number)
        package static let policyId = Column(CodingKeys.policyId)
        package static let resourceId = Column(CodingKeys.resourceId)
        package static let ruleName = Column(CodingKeys.ruleName)
        package static let status = Column(CodingKeys.status)
    }
}
