import Foundation

/// One of the shard runs a merged run was made of, as `run.mergedFrom` lists them.
public struct MergedShard: Codable, Sendable, Hashable {
    public var database: String
    public var run: Int64
    public var shard: String?
}
