import Foundation
import GRDB

package struct RunRecord: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord, CompactJSONColumns {
    package static let databaseTableName = "run"
    package var id: Int64?
    package var startedAt: String
    package var finishedAt: String?
    package var status: RunStatus
    package var remsimVersion: String
    package var gitCommit: String?
    /// Stored as a JSON array of strings.
    package var labels: [String]
    package var scenarioCount: Int
    package var passedCount: Int
    package var failedCount: Int
    /// Digests of the inventories and policies the run used; nil for runs recorded before them.
    package var fixturesDigest: String?
    package var policiesDigest: String?
    /// "I/N" when the run covered one shard of a suite.
    package var shard: String?
    /// For a run merged from shards, the shard runs it holds (stored as a JSON list).
    package var mergedFrom: [MergedShard]?

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension RunRecord {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let startedAt = Column(CodingKeys.startedAt)
        package static let finishedAt = Column(CodingKeys.finishedAt)
        package static let status = Column(CodingKeys.status)
        package static let remsimVersion = Column(CodingKeys.remsimVersion)
        package static let gitCommit = Column(CodingKeys.gitCommit)
        package static let labels = Column(CodingKeys.labels)
        package static let scenarioCount = Column(CodingKeys.scenarioCount)
        package static let passedCount = Column(CodingKeys.passedCount)
        package static let failedCount = Column(CodingKeys.failedCount)
        package static let fixturesDigest = Column(CodingKeys.fixturesDigest)
        package static let policiesDigest = Column(CodingKeys.policiesDigest)
        package static let shard = Column(CodingKeys.shard)
        package static let mergedFrom = Column(CodingKeys.mergedFrom)
    }
}
