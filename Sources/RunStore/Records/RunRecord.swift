import Foundation
import GRDB

public struct RunRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var startedAt: String
    public var finishedAt: String?
    public var status: RunStatus
    public var remsimVersion: String
    public var gitCommit: String?
    /// Stored as a JSON array of strings.
    public var labels: [String]
    public var scenarioCount: Int
    public var passedCount: Int
    public var failedCount: Int
    /// Digests of the inventories and policies the run used; nil for runs recorded before them.
    public var fixturesDigest: String?
    public var policiesDigest: String?
    /// "I/N" when the run covered one shard of a suite.
    public var shard: String?
    /// For a run merged from shards, the shard runs it holds (stored as a JSON list).
    public var mergedFrom: [MergedShard]?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RunRecord {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let finishedAt = Column(CodingKeys.finishedAt)
        public static let status = Column(CodingKeys.status)
        public static let remsimVersion = Column(CodingKeys.remsimVersion)
        public static let gitCommit = Column(CodingKeys.gitCommit)
        public static let labels = Column(CodingKeys.labels)
        public static let scenarioCount = Column(CodingKeys.scenarioCount)
        public static let passedCount = Column(CodingKeys.passedCount)
        public static let failedCount = Column(CodingKeys.failedCount)
        public static let fixturesDigest = Column(CodingKeys.fixturesDigest)
        public static let policiesDigest = Column(CodingKeys.policiesDigest)
        public static let shard = Column(CodingKeys.shard)
        public static let mergedFrom = Column(CodingKeys.mergedFrom)
    }

    /// JSON columns as `Value.jsonText` writes them: compact, `/` unescaped.
    public static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
