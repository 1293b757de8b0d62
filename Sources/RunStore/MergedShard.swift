import Foundation

/// One of the shard runs a merged run was made of, as `run.mergedFrom` lists them.
public struct MergedShard: Codable, Sendable, Hashable {
    public var database: String
    public var run: Int64
    public var shard: String?

    public static func decode(_ text: String?) -> [MergedShard] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([MergedShard].self, from: Data(text.utf8))) ?? []
    }
}
