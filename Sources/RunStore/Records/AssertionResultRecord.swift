import GRDB

package struct AssertionResultRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "assertionResult"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var position: Int
    package var passed: Bool
    package var expected: String
    package var found: String
    package var origin: String
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AssertionResultRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let position = Column(CodingKeys.position)
        package static let passed = Column(CodingKeys.passed)
        package static let expected = Column(CodingKeys.expected)
        package static let found = Column(CodingKeys.found)
        package static let origin = Column(CodingKeys.origin)
    }
}
