import GRDB
import Simulation

package struct MetricRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "metric"
    package var id: Int64?
    package var scenarioResultId: Int64
    /// `scenario`, `policy` or `rule`.
    package var scope: MetricScope
    /// The policy id or rule name; empty for the scenario.
    package var name: String
    package var kind: MetricKind
    package var count: Int
    package var unresolved: Int
    package var meanMs: Int64?
    package var p50Ms: Int64?
    package var p95Ms: Int64?
    package var maxMs: Int64?
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension MetricRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let scope = Column(CodingKeys.scope)
        package static let name = Column(CodingKeys.name)
        package static let kind = Column(CodingKeys.kind)
        package static let count = Column(CodingKeys.count)
        package static let unresolved = Column(CodingKeys.unresolved)
        package static let meanMs = Column(CodingKeys.meanMs)
        package static let p50Ms = Column(CodingKeys.p50Ms)
        package static let p95Ms = Column(CodingKeys.p95Ms)
        package static let maxMs = Column(CodingKeys.maxMs)
    }
}
