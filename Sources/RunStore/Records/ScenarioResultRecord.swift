import GRDB

public struct ScenarioResultRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "scenarioResult"
    public var id: Int64?
    public var runId: Int64
    public var name: String
    public var file: String
    public var seed: Int64
    public var passed: Bool
    public var simulatedStart: Int64
    public var simulatedEnd: Int64
    public var eventsProcessed: Int
    /// Why the scenario stopped before its end; nil when it ran to the end.
    public var error: String?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ScenarioResultRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let runId = Column(CodingKeys.runId)
        public static let name = Column(CodingKeys.name)
        public static let file = Column(CodingKeys.file)
        public static let seed = Column(CodingKeys.seed)
        public static let passed = Column(CodingKeys.passed)
        public static let simulatedStart = Column(CodingKeys.simulatedStart)
        public static let simulatedEnd = Column(CodingKeys.simulatedEnd)
        public static let eventsProcessed = Column(CodingKeys.eventsProcessed)
        public static let error = Column(CodingKeys.error)
    }
}
