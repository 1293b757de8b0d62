import GRDB
import Simulation

package struct ViolationRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "violation"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var policyId: String
    package var resourceId: String
    package var ruleName: String?
    package var startedAt: Int64
    package var endedAt: Int64?
    package var detectedAt: Int64?
    package var remediationStartedAt: Int64?
    package var resolvedAt: Int64?
    package var finalState: Violation.FinalState?
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ViolationRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let policyId = Column(CodingKeys.policyId)
        package static let resourceId = Column(CodingKeys.resourceId)
        package static let ruleName = Column(CodingKeys.ruleName)
        package static let startedAt = Column(CodingKeys.startedAt)
        package static let endedAt = Column(CodingKeys.endedAt)
        package static let detectedAt = Column(CodingKeys.detectedAt)
        package static let remediationStartedAt = Column(CodingKeys.remediationStartedAt)
        package static let resolvedAt = Column(CodingKeys.resolvedAt)
        package static let finalState = Column(CodingKeys.finalState)
    }
}
