import GRDB
import Simulation

public struct ViolationRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "violation"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var policyId: String
    public var resourceId: String
    public var ruleName: String?
    public var startedAt: Int64
    public var endedAt: Int64?
    public var detectedAt: Int64?
    public var remediationStartedAt: Int64?
    public var resolvedAt: Int64?
    public var finalState: Violation.FinalState?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ViolationRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let policyId = Column(CodingKeys.policyId)
        public static let resourceId = Column(CodingKeys.resourceId)
        public static let ruleName = Column(CodingKeys.ruleName)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let endedAt = Column(CodingKeys.endedAt)
        public static let detectedAt = Column(CodingKeys.detectedAt)
        public static let remediationStartedAt = Column(CodingKeys.remediationStartedAt)
        public static let resolvedAt = Column(CodingKeys.resolvedAt)
        public static let finalState = Column(CodingKeys.finalState)
    }
}
