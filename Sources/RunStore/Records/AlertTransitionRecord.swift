import GRDB
import RemediationEngine

public struct AlertTransitionRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alertTransition"
    public var id: Int64?
    public var alertId: Int64
    public var position: Int
    public var at: Int64
    public var fromStatus: AlertStatus?
    public var toStatus: AlertStatus
    public var reason: TransitionReason
    public var detail: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AlertTransitionRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let alertId = Column(CodingKeys.alertId)
        public static let position = Column(CodingKeys.position)
        public static let at = Column(CodingKeys.at)
        public static let fromStatus = Column(CodingKeys.fromStatus)
        public static let toStatus = Column(CodingKeys.toStatus)
        public static let reason = Column(CodingKeys.reason)
        public static let detail = Column(CodingKeys.detail)
    }
}
