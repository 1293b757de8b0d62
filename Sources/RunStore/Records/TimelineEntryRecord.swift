import GRDB
import Simulation

/// One line of a scenario's story, as `remsim run --timeline` prints it.
public struct TimelineEntryRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "timelineEntry"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var at: Int64
    public var kind: TimelineRecord.Kind
    public var resourceId: String
    public var text: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension TimelineEntryRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let position = Column(CodingKeys.position)
        public static let at = Column(CodingKeys.at)
        public static let kind = Column(CodingKeys.kind)
        public static let resourceId = Column(CodingKeys.resourceId)
        public static let text = Column(CodingKeys.text)
    }
}
