import GRDB
import Simulation

public struct MetricRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "metric"
    public var id: Int64?
    public var scenarioResultId: Int64
    /// `scenario`, `policy` or `rule`.
    public var scope: MetricScope
    /// The policy id or rule name; empty for the scenario.
    public var name: String
    public var kind: MetricKind
    public var count: Int
    public var unresolved: Int
    public var meanMs: Int64?
    public var p50Ms: Int64?
    public var p95Ms: Int64?
    public var maxMs: Int64?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension MetricRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let scope = Column(CodingKeys.scope)
        public static let name = Column(CodingKeys.name)
        public static let kind = Column(CodingKeys.kind)
        public static let count = Column(CodingKeys.count)
        public static let unresolved = Column(CodingKeys.unresolved)
        public static let meanMs = Column(CodingKeys.meanMs)
        public static let p50Ms = Column(CodingKeys.p50Ms)
        public static let p95Ms = Column(CodingKeys.p95Ms)
        public static let maxMs = Column(CodingKeys.maxMs)
    }
}
