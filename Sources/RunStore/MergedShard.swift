import Foundation

/// One of the shard runs a merged run was made of, as `run.mergedFrom` lists them.
package struct MergedShard: Codable, Sendable, Hashable {
    package var database: String
    package var run: Int64
    package var shard: String?
}
