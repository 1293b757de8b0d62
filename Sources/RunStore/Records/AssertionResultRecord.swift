import GRDB

public struct AssertionResultRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "assertionResult"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var passed: Bool
    public var expected: String
    public var found: String
    public var origin: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AssertionResultRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let position = Column(CodingKeys.position)
        public static let passed = Column(CodingKeys.passed)
        public static let expected = Column(CodingKeys.expected)
        public static let found = Column(CodingKeys.found)
        public static let origin = Column(CodingKeys.origin)
    }
}
