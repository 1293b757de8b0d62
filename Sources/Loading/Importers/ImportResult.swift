import CloudModel
import Foundation
import Simulation

/// What an importer read: the resources, and everything it did not import, counted by kind so a
/// team sees what its fixtures leave out. Resources of types remsim does not model are kept as
/// inert resources (no policy targets them) and counted by type.
public struct ImportResult: Sendable {
    public var resources: [Resource]
    /// What was read but not imported, with how many of each.
    public var skipped: [(what: String, count: Int)]
    /// What was imported but is not whole, or what the export says it does not hold (a page with
    /// more to follow): things a team must know before it trusts the import's findings.
    public var warnings: [String]
    /// When the export was taken, where it says (the latest capture or update time it holds).
    public var asOf: Timestamp?

    package init(resources: [Resource], skipped: [String: Int], warnings: [String] = [], asOf: Timestamp? = nil) {
        self.asOf = asOf
        self.resources = resources
        self.skipped = skipped.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.warnings = warnings
    }

    /// Inert resources by type, sorted.
    public var inert: [(type: String, count: Int)] {
        Dictionary(grouping: resources.filter { ResourceTypeRegistry.type(named: $0.type) == nil }, by: \.type)
            .map { ($0.key, $0.value.count) }.sorted { $0.type < $1.type }
    }
}

/// Collects resources for an importer, refusing an id seen twice.
struct ImportCollector {
    var resources: [Resource] = []
    var index: [String: Int] = [:]
    var skipped: [String: Int] = [:]
    var warnings: [String] = []
    /// The latest time the export names.
    var asOf: Timestamp?

    mutating func add(_ r: Resource, _ item: ExportItem) throws(LoadError) {
        guard index[r.id] == nil else { throw item.error("'\(r.id)' appears twice in the import") }
        index[r.id] = resources.count
        resources.append(r)
    }

    mutating func skip(_ what: String, _ n: Int = 1) { skipped[what, default: 0] += n }

    /// Records that `instance` uses security group `group`, as the group's `attached-to` relation.
    mutating func attach(_ instance: String, toGroup group: String) {
        guard let i = index[group], resources[i].type == "aws.security-group" else {
            skip("instance attachments to security groups not imported")
            return
        }
        if !(resources[i].relations["attached-to"] ?? []).contains(instance) {
            resources[i].relations["attached-to", default: []].append(instance)
        }
    }

    mutating func warn(_ message: String) { warnings.append(message) }

    /// Warns that `files` are pages of output that goes on (`marker`, such as NextToken, is set).
    mutating func warn(pages files: [String], marker: String, advice: String = "") {
        guard !files.isEmpty else { return }
        warn(
            "\(files.joined(separator: ", ")) \(files.count == 1 ? "is a page" : "are pages") of output that goes on "
                + "(\(marker) is set): what later pages hold is not imported unless their files are given too\(advice)")
    }

    /// Notes a time the export names (a capture, update or generation time).
    mutating func taken(_ text: String?) {
        guard let text, let t = Timestamp(iso8601: text) else { return }
        if asOf.map({ t > $0 }) ?? true { asOf = t }
    }

    var result: ImportResult {
        ImportResult(resources: resources, skipped: skipped, warnings: warnings, asOf: asOf)
    }
}

extension Value {
    /// A JSON document held in a string, as AWS Config's `batch-get-resource-config` and
    /// `select-resource-config` return configurations; a problem in it is one of `item`'s.
    func decodedJSONString(of item: ExportItem, at part: String) throws(LoadError) -> Value {
        guard case .string(let text) = self else { return self }
        do throws(Value.JSONProblem) {
            return try Value(json: text, maxDepth: Limits.current.maxDepth)
        } catch {
            throw item.error("a JSON string that is not valid JSON: \(error)", at: part)
        }
    }
}
