import CloudModel
import Foundation
import Simulation

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
    static let fileKeys = ["version", "account", "region", "as-of", "resources"]
    static let resourceKeys = [
        "id", "type", "account", "region", "name", "tags", "properties", "relations", "usage", "inert",
        "unknown-properties",
    ]
    /// Values one resource's properties may hold: far beyond any real API response, far below
    /// what the flat storage can address (`FlatValue.maximumNodes`).
    package static let maximumPropertyNodes = 1_000_000

    /// Loads every fixture file under `paths` into one inventory; ids must be unique across all.
    public static func load(paths: [String], relativeTo base: String? = nil) throws(LoadError) -> Inventory {
        try load(paths: paths, relativeTo: base, cache: nil)
    }

    /// Loads as `load(paths:relativeTo:)` does, through `cache` when there is one.
    public static func load(paths: [String], relativeTo base: String? = nil, cache: FixtureCache?) throws(LoadError)
        -> Inventory
    {
        let loaded = loadWithDigest(paths: paths, relativeTo: base, cache: cache)
        guard let inventory = loaded.inventory else { throw loaded.problems[0] }
        return inventory
    }

    /// Loads the fixtures as `load(paths:relativeTo:)` does, but reads on past a problem: each
    /// resource is read on its own, so that one mistake does not hide the next. The inventory is
    /// returned only when there is no problem.
    public static func loadReportingAll(paths: [String], relativeTo base: String? = nil)
        -> (inventory: Inventory?, problems: [LoadError])
    {
        loadReportingAll(paths: paths, relativeTo: base, syntax: .byExtension)
    }

    /// How fixture files are read: `.json` files by the JSON reader (the default), or every
    /// file as YAML (JSON is YAML too), which tests compare the JSON reader with.
    package enum Syntax: Sendable {
        case byExtension, yaml
    }

    package static func loadReportingAll(paths: [String], relativeTo base: String? = nil, syntax: Syntax)
        -> (inventory: Inventory?, problems: [LoadError])
    {
        let loaded = loadWithDigest(paths: paths, relativeTo: base, syntax: syntax)
        return (loaded.inventory, loaded.problems)
    }

    /// The fixtures and a digest of their files' bytes (each file's, in the order of the files),
    /// taken while reading them: a run records which fixtures it used without writing them out
    /// again. Files are read in parallel; what they hold goes into the inventory in file order,
    /// so the result is the same however many cores read them.
    package static func loadWithDigest(
        paths: [String], relativeTo base: String? = nil, syntax: Syntax = .byExtension, cache: FixtureCache? = nil
    ) -> (inventory: Inventory?, problems: [LoadError], digest: String) {
        var problems = ProblemList()
        let files = problems.attempt({ () throws(LoadError) in try InputFiles.collect(paths, relativeTo: base) }) ?? []
        var read = readInParallel(files, syntax: syntax, cache: syntax == .byExtension ? cache : nil)
        var digest = ContentDigest()
        var inventory = Inventory()
        // The place of each resource's entry, in insertion order, for a later duplicate's message.
        var places: [(file: Int, at: EntryPlace)] = []
        // Sized once: growing the id index a million entries long rehashed it twenty times.
        let total = read.reduce(0) { $0 + $1.read.resources.count }
        inventory.reserveCapacity(total)
        places.reserveCapacity(total)
        for i in read.indices {
            if let at = read[i].read.asOf, at > (inventory.asOf?.at ?? Timestamp(milliseconds: .min)) {
                let line = read[i].read.asOfLine
                inventory.asOf = Inventory.AsOf(at: at, file: files[i], line: line > 0 ? Int(line) : nil)
            }
            digest.add(read[i].digest.hex)
            problems.record(read[i].problems)
            // Each resource is moved into the inventory, not copied (a copy retains every field,
            // and releasing the file's list afterwards undoes it: a fifth of loading a cached
            // million): taken from the end of the reversed list.
            var resources: [Resource] = []
            swap(&resources, &read[i].read.resources)
            // Reversed through the buffer, whose swaps move (the array's own `reverse` copies).
            resources.withUnsafeMutableBufferPointer { $0.reverse() }
            for at in read[i].read.places {
                let resource = resources.removeLast()
                let id = resource.id
                do {
                    try inventory.insert(consume resource)
                } catch {
                    let first = inventory.position(of: id).map { places[$0] }
                    problems.record(
                        at.error(
                            in: files[i],
                            "resource id '\(id)' is already defined at "
                                + (first.map { $0.at.location(in: files[$0.file]) } ?? "another fixture")))
                    continue
                }
                places.append((i, at))
            }
        }
        return problems.isEmpty ? (inventory, [], digest.hex) : (nil, problems.sorted, digest.hex)
    }

    /// The resources read from one file, each with the place of its entry, in the file's order.
    struct ReadResources: Sendable {
        var resources: [Resource] = []
        var places: [EntryPlace] = []
        /// The file's `as-of`: when the export it holds was taken, and the line saying so.
        var asOf: Timestamp?
        var asOfLine: Int32 = 0

        mutating func append(_ resource: consuming Resource, at place: EntryPlace) {
            resources.append(resource)
            places.append(place)
        }
    }

    /// Where an entry is in its file, kept for each resource while a file is read: small, for a
    /// million of them.
    struct EntryPlace: Sendable {
        var entry: Int32
        var line: Int32
        var column: Int32

        init(entry: Int, line: Int?, column: Int?) {
            self.entry = Int32(entry)
            self.line = Int32(line ?? 0)
            self.column = Int32(column ?? 0)
        }

        init(entry: Int32, line: Int32, column: Int32) {
            self.entry = entry
            self.line = line
            self.column = column
        }

        func error(in file: String, _ message: String) -> LoadError {
            LoadError(
                file: file, keyPath: "resources[\(entry)]", line: line > 0 ? Int(line) : nil,
                column: column > 0 ? Int(column) : nil, message: message)
        }

        func location(in file: String) -> String { error(in: file, "").location }
    }

    /// One file's resources, problems and digest.
    private struct ReadFile: Sendable {
        var read = ReadResources()
        var problems: [LoadError] = []
        var digest = ContentDigest()
    }

    /// Reads the files on every core, each on its own, under the limits in force here.
    private static func readInParallel(_ files: [String], syntax: Syntax, cache: FixtureCache?) -> [ReadFile] {
        let limits = Limits.current
        let results = ReadResults(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            Limits.$current.withValue(limits) {
                var file = ReadFile()
                var problems = ProblemList()
                file.read = resources(
                    inFile: files[i], syntax: syntax, cache: cache, digest: &file.digest, problems: &problems)
                file.problems = problems.sorted
                results.set(i, file)
            }
        }
        return results.all
    }

    /// The files' results, each written once by the worker that read it.
    private final class ReadResults: @unchecked Sendable {
        // @unchecked: `slots` is only touched while holding `lock`.
        private let lock = NSLock()
        private var slots: [ReadFile]

        init(count: Int) { slots = Array(repeating: ReadFile(), count: count) }

        func set(_ i: Int, _ file: ReadFile) { lock.withLock { slots[i] = file } }

        var all: [ReadFile] { lock.withLock { slots } }
    }

    /// The resources of one file, each read on its own (those with a problem are left out), with
    /// the place of its entry (a `LoadError` without a message). A `.json` file is read by the
    /// JSON reader, straight into the flat storage; anything else as YAML.
    static func resources(
        inFile file: String, syntax: Syntax, cache: FixtureCache? = nil, digest: inout ContentDigest,
        problems: inout ProblemList
    ) -> ReadResources {
        let limits = Limits.current
        if let cache, let cached = cache.entry(forUnchanged: file, limits: limits) {
            digest = ContentDigest(value: cached.digest)
            return cached.read
        }
        guard let data = problems.attempt({ () throws(LoadError) in try YAMLNode.readData(file: file) }) else {
            return ReadResources()
        }
        data.withUnsafeBytes { digest.add($0) }
        guard let cache else { return parse(file, data: data, syntax: syntax, problems: &problems) }
        if let cached = cache.entry(digest: digest.value, limits: limits) {
            cache.counts.add(cached: 1)
            cache.remember(file: file, digest: digest.value)
            return cached.read
        }
        cache.counts.add(parsed: 1)
        let resources = parse(file, data: data, syntax: syntax, problems: &problems)
        if problems.isEmpty {
            cache.store(file: file, FixtureCache.Entry(read: resources, digest: digest.value), limits: limits)
        }
        return resources
    }

    /// The resources of a file's bytes, as `resources(inFile:…)` describes.
    private static func parse(_ file: String, data: Data, syntax: Syntax, problems: inout ProblemList)
        -> ReadResources
    {
        if syntax == .byExtension, (file as NSString).pathExtension.lowercased() == "json" {
            return jsonResources(inFile: file, data: data, problems: &problems)
        }
        var unknownKeys: [LoadError] = []
        guard
            let (root, doc) = problems.attempt({ () throws(LoadError) in
                let root = try YAMLNode.parse(file: file, data: data)
                return (root, try root.mapping(allowing: fileKeys, unknownKeys: &unknownKeys))
            })
        else { return ReadResources() }
        problems.record(unknownKeys)
        problems.attempt { () throws(LoadError) in try checkVersion(doc) }
        guard let account = problems.attempt({ () throws(LoadError) in try doc["account"]?.string() }),
            let region = problems.attempt({ () throws(LoadError) in try doc["region"]?.string() })
        else { return ReadResources() }
        guard let list = doc["resources"] else {
            problems.record(root.error("missing required key 'resources'"))
            return ReadResources()
        }
        var out = ReadResources()
        if let node = doc["as-of"] {
            problems.attempt { () throws(LoadError) in
                guard let at = Timestamp(iso8601: try node.string()) else {
                    throw node.error(
                        "expected an ISO 8601 time such as 2026-11-30T06:00:00Z: when the export was taken")
                }
                out.asOf = at
                out.asOfLine = Int32(node.error("").line ?? 0)
            }
        }
        let nodes: [YAMLNode] = problems.attempt({ () throws(LoadError) in try list.list() }) ?? []
        for (i, node) in nodes.enumerated() {
            if let resource = problems.attempt({ () throws(LoadError) in
                try resource(node, defaultAccount: account, defaultRegion: region)
            }) {
                let at = node.error("")
                out.append(resource, at: EntryPlace(entry: i, line: at.line, column: at.column))
            }
        }
        return out
    }

    private static func jsonResources(inFile file: String, data: Data, problems: inout ProblemList)
        -> ReadResources
    {
        return data.withUnsafeBytes { bytes in
            var reader = JSONStreamReader(file: file, bytes: bytes, maxDepth: Limits.current.maxDepth)
            let doc = reader.document()
            let places = JSONPlaces(reader: reader)
            problems.record(reader.problems.sorted)
            if reader.stopped { return ReadResources() }
            var out = ReadResources()
            let top = JSONEntry(
                fields: [
                    ("version", doc.version), ("account", doc.account), ("region", doc.region), ("as-of", doc.asOf),
                ]
                .compactMap { key, node in node.map { (key, $0) } }, properties: nil, path: "", at: 0,
                places: places)
            if let version = doc.version {
                if case .scalar(.int(let v), _, _) = version {
                    if let problem = versionProblem(v) { problems.record(top.error(problem, at: "version")) }
                } else {
                    problems.record(
                        top.error(
                            "expected a whole number, found \(JSONStreamReader.kindName(version))", at: "version"))
                }
            } else {
                problems.record(top.error("missing required key 'version'", at: nil))
            }
            guard let account = problems.attempt({ () throws(LoadError) in try top.string("account") }),
                let region = problems.attempt({ () throws(LoadError) in try top.string("region") })
            else { return ReadResources() }
            if let text = problems.attempt({ () throws(LoadError) in try top.string("as-of") }), let text {
                guard let at = Timestamp(iso8601: text) else {
                    problems.record(
                        top.error(
                            "expected an ISO 8601 time such as 2026-11-30T06:00:00Z: when the export was taken",
                            at: "as-of"))
                    return ReadResources()
                }
                out.asOf = at
                out.asOfLine = Int32(top.error("", at: "as-of").line ?? 0)
            }
            guard let list = doc.resourcesNode else {
                problems.record(top.error("missing required key 'resources'", at: nil))
                return ReadResources()
            }
            guard case .array = list else {
                problems.record(
                    places.error(
                        "expected a list, found \(JSONStreamReader.kindName(list))", keyPath: "resources",
                        at: list.offset))
                return ReadResources()
            }
            for entry in doc.entries where !entry.failed {
                let json = JSONEntry(
                    fields: entry.fields, properties: entry.properties, propertiesNot: entry.propertiesNot,
                    path: "resources[\(entry.index)]", at: entry.offset, places: places)
                if let resource = problems.attempt({ () throws(LoadError) in
                    try resource(json, defaultAccount: account, defaultRegion: region)
                }) {
                    let (line, column) = places.place(of: entry.offset)
                    out.append(resource, at: EntryPlace(entry: entry.index, line: line, column: column))
                }
            }
            return out
        }
    }

    static func resource(
        _ node: YAMLNode, defaultAccount: String?, defaultRegion: String?, defaultType: String? = nil,
        defaultId: String? = nil
    ) throws(LoadError) -> Resource {
        try resource(
            YAMLEntry(mapping: try node.mapping(allowing: resourceKeys), node: node), defaultAccount: defaultAccount,
            defaultRegion: defaultRegion, defaultType: defaultType, defaultId: defaultId)
    }

    /// A resource from one entry, however it was read: what the entry does not say is taken
    /// from its id (Azure and GCP ids name the account and region) or from the defaults.
    static func resource(
        _ m: some ResourceEntry, defaultAccount: String?, defaultRegion: String?, defaultType: String? = nil,
        defaultId: String? = nil
    ) throws(LoadError) -> Resource {
        guard let type = try m.string("type") ?? defaultType else {
            throw m.error("missing required key 'type'", at: nil)
        }
        // A resource of a type remsim does not model (imported from a real estate) is kept, marked
        // `inert: true`: it completes the inventory, and no policy can target it.
        let known: ResourceType
        if try m.bool("inert") == true {
            guard ResourceTypeRegistry.type(named: type) == nil else {
                throw m.error("'\(type)' is a type remsim models; only other types are inert", at: "inert")
            }
            guard
                let cloud = Cloud.allCases.first(where: {
                    type.hasPrefix($0.rawValue + ".") && type.count > $0.rawValue.count + 1
                })
            else {
                throw m.error("an inert type starts with its cloud: aws., azure. or gcp.", at: "type")
            }
            known = ResourceType(name: type, cloud: cloud, title: type)
        } else {
            known = try m.resourceType(type)
        }
        let properties = try m.properties() ?? FlatValue(.emptyObject)
        // Without an id (policy examples), the id the cloud would give it: its id property.
        let implicitId = known.idProperty.flatMap { properties.string(member: $0) } ?? defaultId
        guard let id = try m.string("id") ?? implicitId else { throw m.error("missing required key 'id'", at: nil) }
        // Azure and GCP ids are paths that name the subscription or project, the zone or region,
        // and the resource; what the entry does not say, the id does.
        let account = try m.string("account") ?? ResourceAddress.account(ofId: id) ?? defaultAccount
        guard let account else { throw m.error("missing required key 'account'", at: nil) }
        let location = known.cloud == .azure ? properties.string(member: "location") : ResourceAddress.region(ofId: id)
        let region =
            try m.string("region") ?? location ?? defaultRegion
            ?? (known.isGlobal || known.cloud == .gcp ? "global" : nil)
        guard let region else { throw m.error("missing required key 'region'", at: nil) }
        return Resource(
            id: id, type: type, account: account, region: region,
            name: try m.string("name") ?? ResourceAddress.name(ofId: id) ?? id,
            tags: try m.stringMap("tags") ?? [:], flatProperties: properties,
            relations: try m.stringLists("relations") ?? [:], usage: try m.value("usage") ?? .null,
            unknownProperties: try unknownProperties(m))
    }

    /// `unknown-properties`: `all`, or the top-level properties the export could not say.
    static func unknownProperties(_ m: some ResourceEntry) throws(LoadError) -> [String] {
        guard let value = try m.value("unknown-properties") else { return [] }
        if value == "all" { return [Resource.everyProperty] }
        guard let list = value.arrayValue, let names = Optional(list.compactMap(\.stringValue)),
            names.count == list.count, !names.contains(Resource.everyProperty)
        else {
            throw m.error(
                "expected 'all' or a list of top-level property names, found \(value.kindName)",
                at: "unknown-properties")
        }
        return names
    }

    static func checkVersion(_ doc: YAMLMapping) throws(LoadError) {
        let node = try doc.required("version")
        let version = try node.int()
        if let problem = versionProblem(version) { throw node.error(problem) }
    }

    /// What is wrong with a file's `version`, if anything: remsim reads version 1.
    static func versionProblem(_ version: Int) -> String? {
        version == 1 ? nil : "unsupported version \(version); this remsim reads version 1"
    }
}
