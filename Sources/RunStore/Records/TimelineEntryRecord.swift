import GRDB
import Simulation

/// One line of a scenario's story, as `remsim run --timeline` prints it.
package struct TimelineEntryRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "timelineEntry"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var position: Int
    package var at: Int64
    package var kind: TimelineRecord.Kind
    package var resourceId: String
    package var text: String
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TimelineEntryRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let position = Column(CodingKeys.position)
        package static let at = Column(CodingKeys.at)
        package static let kind = Column(CodingKeys.kind)
        package static let resourceId = Column(CodingKeys.resourceId)
        package static let text = Column(CodingKeys.text)
    }
}
