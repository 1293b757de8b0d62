/// Why shard runs cannot be merged into one.
package enum MergeProblem: Error, Sendable, CustomStringConvertible, Equatable {
    case notAShard(source: String, run: Int64)
    case shardCountsDiffer(String)
    case shardTwice(shard: String, sources: [String])
    case shardsMissing([String], of: Int)
    case differ(field: String, values: [String])
    case scenarioTwice(name: String, sources: [String])
    case incomplete(source: String, run: Int64)

    package var description: String {
        switch self {
        case .notAShard(let source, let run): "run \(run) in \(source) is not a shard (it was not run with --shard I/N)"
        case .shardCountsDiffer(let detail): "the shards split the suite differently: \(detail)"
        case .shardTwice(let shard, let sources): "shard \(shard) is given twice: \(sources.joined(separator: " and "))"
        case .shardsMissing(let missing, let n):
            "shard\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) of \(n) missing "
                + "(--allow-missing merges what there is)"
        case .differ(let field, let values): "the shards differ in \(field): \(values.joined(separator: " vs "))"
        case .scenarioTwice(let name, let sources):
            "scenario '\(name)' is in more than one shard: \(sources.joined(separator: " and "))"
        case .incomplete(let source, let run): "run \(run) in \(source) is incomplete (the job was killed or crashed)"
        }
    }
}
