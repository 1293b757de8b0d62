import GRDB
import RemediationEngine

/// A retry, cap breach, error-rate stop, loop, quarantine, exemption, restart or interrupted call.
public struct EngineRecordRow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "engineRecord"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var at: Int64
    public var kind: EngineRecord.Kind
    public var ruleName: String?
    public var policyId: String?
    public var resourceId: String?
    public var cause: String?
    public var detail: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension EngineRecordRow {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let position = Column(CodingKeys.position)
        public static let at = Column(CodingKeys.at)
        public static let kind = Column(CodingKeys.kind)
        public static let ruleName = Column(CodingKeys.ruleName)
        public static let policyId = Column(CodingKeys.policyId)
        public static let resourceId = Column(CodingKeys.resourceId)
        public static let cause = Column(CodingKeys.cause)
        public static let detail = Column(CodingKeys.detail)
    }
}
