import GRDB
import RemediationEngine

public struct AlertRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alert"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var number: Int
    public var policyId: String
    public var resourceId: String
    public var ruleName: String
    public var status: AlertStatus
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AlertRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let number = Column(CodingKeys.number)
        public static let policyId = Column(CodingKeys.policyId)
        public static let resourceId = Column(CodingKeys.resourceId)
        public static let ruleName = Column(CodingKeys.ruleName)
        public static let status = Column(CodingKeys.status)
    }
}
