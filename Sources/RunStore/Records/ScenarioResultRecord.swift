import GRDB

package struct ScenarioResultRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "scenarioResult"
    package var id: Int64?
    package var runId: Int64
    package var name: String
    package var file: String
    package var seed: Int64
    package var passed: Bool
    package var simulatedStart: Int64
    package var simulatedEnd: Int64
    package var eventsProcessed: Int
    /// Why the scenario stopped before its end; nil when it ran to the end.
    package var error: String?
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ScenarioResultRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let runId = Column(CodingKeys.runId)
        package static let name = Column(CodingKeys.name)
        package static let file = Column(CodingKeys.file)
        package static let seed = Column(CodingKeys.seed)
        package static let passed = Column(CodingKeys.passed)
        package static let simulatedStart = Column(CodingKeys.simulatedStart)
        package static let simulatedEnd = Column(CodingKeys.simulatedEnd)
        package static let eventsProcessed = Column(CodingKeys.eventsProcessed)
        package static let error = Column(CodingKeys.error)
    }
}
