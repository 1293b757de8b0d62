import GRDB
import RemediationEngine

package struct AlertTransitionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "alertTransition"
    package var id: Int64?
    package var alertId: Int64
    package var position: Int
    package var at: Int64
    package var fromStatus: AlertStatus?
    package var toStatus: AlertStatus
    package var reason: TransitionReason
    package var detail: String
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AlertTransitionRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let alertId = Column(CodingKeys.alertId)
        package static let position = Column(CodingKeys.position)
        package static let at = Column(CodingKeys.at)
        package static let fromStatus = Column(CodingKeys.fromStatus)
        package static let toStatus = Column(CodingKeys.toStatus)
        package static let reason = Column(CodingKeys.reason)
        package static let detail = Column(CodingKeys.detail)
    }
}
