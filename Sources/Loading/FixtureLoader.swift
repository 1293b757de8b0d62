import CloudModel
import Foundation

/// Reads inventory fixtures: files of `version: 1` and `resources:`, one entry per resource, in
/// the cloud API's own field names.
///
/// ```yaml
/// version: 1
/// account: "111111111111"     # defaults for the entries below
/// region: us-east-1
/// resources:
///   - id: sg-0a1b2c3d4e5f60001
///     type: aws.security-group
///     name: web-frontend
///     tags: {team: storefront}
///     properties: {GroupId: sg-0a1b2c3d4e5f60001, IpPermissions: [...]}
///     relations: {attached-to: [i-0123456789abcdef0]}
///     usage: {flows: [...]}
/// ```
///
/// A resource of a type remsim does not model carries `inert: true` (importers write it).
public enum FixtureLoader {
    static let fileKeys = ["version", "account", "region", "resources"]
    static let resourceKeys = [
        "id", "type", "account", "region", "name", "tags", "properties", "relations", "usage", "inert",
    ]
    /// Values one resource's properties may hold: far beyond any real API response, far below
    /// what the flat storage can address (`FlatValue.maximumNodes`).
    package static let maximumPropertyNodes = 1_000_000

    /// Loads every fixture file under `paths` into one inventory; ids must be unique across all.
    public static func load(paths: [String], relativeTo base: String? = nil) throws(LoadError) -> Inventory {
        let (inventory, problems) = loadReportingAll(paths: paths, relativeTo: base)
        guard let inventory else { throw problems[0] }
        return inventory
    }

    /// Loads the fixtures as `load(paths:relativeTo:)` does, but reads on past a problem: each
    /// resource is read on its own, so that one mistake does not hide the next. The inventory is
    /// returned only when there is no problem.
    public static func loadReportingAll(paths: [String], relativeTo base: String? = nil)
        -> (inventory: Inventory?, problems: [LoadError])
    {
        var problems = ProblemList()
        var inventory = Inventory()
        var origins: [String: String] = [:]
        for file in problems.attempt({ () throws(LoadError) in try InputFiles.collect(paths, relativeTo: base) }) ?? []
        {
            for (resource, node) in resources(inFile: file, problems: &problems) {
                do {
                    try inventory.insert(resource)
                } catch {
                    problems.record(
                        node.error(
                            "resource id '\(resource.id)' is already defined at "
                                + "\(origins[resource.id] ?? "another fixture")"))
                    continue
                }
                origins[resource.id] = node.location
            }
        }
        return problems.isEmpty ? (inventory, []) : (nil, problems.sorted)
    }

    static func resources(inFile file: String) throws(LoadError) -> [(Resource, YAMLNode)] {
        var problems = ProblemList()
        let resources = resources(inFile: file, problems: &problems)
        if let first = problems.sorted.first { throw first }
        return resources
    }

    /// The resources of one file, each read on its own; those with a problem are left out.
    static func resources(inFile file: String, problems: inout ProblemList) -> [(Resource, YAMLNode)] {
        var unknownKeys: [LoadError] = []
        guard
            let (root, doc) = problems.attempt({ () throws(LoadError) in
                let root = try YAMLNode.read(file: file)
                return (root, try root.mapping(allowing: fileKeys, unknownKeys: &unknownKeys))
            })
        else { return [] }
        problems.record(unknownKeys)
        problems.attempt { () throws(LoadError) in try checkVersion(doc) }
        guard let account = problems.attempt({ () throws(LoadError) in try doc["account"]?.string() }),
            let region = problems.attempt({ () throws(LoadError) in try doc["region"]?.string() })
        else { return [] }
        guard let list = doc["resources"] else {
            problems.record(root.error("missing required key 'resources'"))
            return []
        }
        var out: [(Resource, YAMLNode)] = []
        for node in problems.attempt({ () throws(LoadError) in try list.list() }) ?? [] {
            if let resource = problems.attempt({ () throws(LoadError) in
                try resource(node, defaultAccount: account, defaultRegion: region)
            }) {
                out.append((resource, node))
            }
        }
        return out
    }

    static func resource(
        _ node: YAMLNode, defaultAccount: String?, defaultRegion: String?, defaultType: String? = nil,
        defaultId: String? = nil
    ) throws(LoadError) -> Resource {
        let m = try node.mapping(allowing: resourceKeys)
        let typeNode = m["type"]
        guard let type = try typeNode?.string() ?? defaultType else { throw node.error("missing required key 'type'") }
        // A resource of a type remsim does not model (imported from a real estate) is kept, marked
        // `inert: true`: it completes the inventory, and no policy can target it.
        let known: ResourceType
        if let inertNode = m["inert"], try inertNode.bool() {
            guard ResourceTypeRegistry.type(named: type) == nil else {
                throw inertNode.error("'\(type)' is a type remsim models; only other types are inert")
            }
            guard
                let cloud = Cloud.allCases.first(where: {
                    type.hasPrefix($0.rawValue + ".") && type.count > $0.rawValue.count + 1
                })
            else {
                throw (typeNode ?? node).error("an inert type starts with its cloud: aws., azure. or gcp.")
            }
            known = ResourceType(name: type, cloud: cloud, title: type)
        } else {
            known = try (typeNode ?? node).resourceType(type)
        }
        let properties = try m["properties"]?.value() ?? .emptyObject
        guard properties.objectValue != nil else {
            throw m["properties"]?.error("expected a mapping, found \(properties.kindName)")
                ?? node.error("bad properties")
        }
        let nodes = properties.nodeCount
        guard nodes <= maximumPropertyNodes else {
            throw m["properties"]?.error(
                "\(nodes) values in one resource's properties; the limit is \(maximumPropertyNodes)")
                ?? node.error("too large")
        }
        // Without an id (policy examples), the id the cloud would give it: its id property.
        let implicitId = known.idProperty.flatMap { properties[$0]?.stringValue } ?? defaultId
        guard let id = try m["id"]?.string() ?? implicitId else { throw node.error("missing required key 'id'") }
        // Azure and GCP ids are paths that name the subscription or project, the zone or region,
        // and the resource; what the entry does not say, the id does.
        let account = try m["account"]?.string() ?? ResourceAddress.account(ofId: id) ?? defaultAccount
        guard let account else { throw node.error("missing required key 'account'") }
        let location = known.cloud == .azure ? properties["location"]?.stringValue : ResourceAddress.region(ofId: id)
        let region =
            try m["region"]?.string() ?? location ?? defaultRegion
            ?? (known.isGlobal || known.cloud == .gcp ? "global" : nil)
        guard let region else { throw node.error("missing required key 'region'") }
        var relations: [String: [String]] = [:]
        if let r = m["relations"] {
            let rm = try r.mapping(allowing: r.mappingKeys)
            for (key, value) in rm.entries { relations[key] = try value.strings() }
        }
        return Resource(
            id: id, type: type, account: account, region: region,
            name: try m["name"]?.string() ?? ResourceAddress.name(ofId: id) ?? id,
            tags: try m["tags"]?.stringMap() ?? [:], properties: properties, relations: relations,
            usage: try m["usage"]?.value() ?? .null)
    }

    static func checkVersion(_ doc: YAMLMapping) throws(LoadError) {
        let node = try doc.required("version")
        let version = try node.int()
        guard version == 1 else { throw node.error("unsupported version \(version); this remsim reads version 1") }
    }
}
