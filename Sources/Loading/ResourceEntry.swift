import CloudModel
import Foundation

/// One resource entry of a fixture file (or a policy's examples, or a `create-resource`
/// injection), however it was read: from YAML nodes or by the JSON reader. `FixtureLoader`
/// makes a resource of either the same way, with the same messages.
protocol ResourceEntry {
    /// A problem at `key`'s value, or at the entry itself (nil).
    func error(_ message: String, at key: String?) -> LoadError
    /// A scalar as text; nil when the key is absent.
    func string(_ key: String) throws(LoadError) -> String?
    func bool(_ key: String) throws(LoadError) -> Bool?
    /// A mapping of strings (tags).
    func stringMap(_ key: String) throws(LoadError) -> [String: String]?
    /// A mapping of lists of strings (relations).
    func stringLists(_ key: String) throws(LoadError) -> [String: [String]]?
    func value(_ key: String) throws(LoadError) -> Value?
    /// The properties, flat; nil when absent. Not a mapping, or too large: a problem.
    func properties() throws(LoadError) -> FlatValue?
}

extension ResourceEntry {
    /// A type remsim models, or a problem at `type` naming the nearest one.
    func resourceType(_ name: String) throws(LoadError) -> ResourceType {
        guard let known = ResourceTypeRegistry.type(named: name) else {
            throw error(
                "unknown resource type \(YAMLNode.quoted(name))\(Suggest.didYouMean(name, in: ResourceTypeRegistry.names)) "
                    + "(a fixture may keep a type remsim does not model with 'inert: true')", at: "type")
        }
        return known
    }
}

/// An entry read from YAML.
struct YAMLEntry: ResourceEntry {
    let mapping: YAMLMapping
    let node: YAMLNode

    func error(_ message: String, at key: String?) -> LoadError { (key.flatMap { mapping[$0] } ?? node).error(message) }
    func string(_ key: String) throws(LoadError) -> String? { try mapping[key]?.string() }
    func bool(_ key: String) throws(LoadError) -> Bool? { try mapping[key]?.bool() }
    func stringMap(_ key: String) throws(LoadError) -> [String: String]? { try mapping[key]?.stringMap() }
    func value(_ key: String) throws(LoadError) -> Value? { try mapping[key]?.value() }

    func stringLists(_ key: String) throws(LoadError) -> [String: [String]]? {
        guard let r = mapping[key] else { return nil }
        var out: [String: [String]] = [:]
        for (k, value) in try r.mapping(allowing: r.mappingKeys).entries { out[k] = try value.strings() }
        return out
    }

    func properties() throws(LoadError) -> FlatValue? {
        guard let node = mapping["properties"] else { return nil }
        let properties = try node.value()
        guard properties.objectValue != nil else {
            throw node.error("expected a mapping, found \(properties.kindName)")
        }
        let nodes = properties.nodeCount
        guard nodes <= FixtureLoader.maximumPropertyNodes else {
            throw node.error(
                "\(nodes) values in one resource's properties; the limit is \(FixtureLoader.maximumPropertyNodes)")
        }
        return FlatValue(properties)
    }
}

/// Places in a JSON file: byte offsets made lines and columns, after the reading.
final class JSONPlaces {
    private let file: String
    private var lines: LineCounter
    private let bytes: UnsafeRawBufferPointer

    /// Valid while the reader's bytes are.
    init(reader: JSONStreamReader) {
        file = reader.file
        bytes = reader.bytes
        lines = LineCounter()
    }

    func error(_ message: String, keyPath: String, at offset: Int) -> LoadError {
        let (line, column) = place(of: offset)
        return LoadError(file: file, keyPath: keyPath, line: line, column: column, message: message)
    }

    func place(of offset: Int) -> (line: Int, column: Int) { lines.place(of: offset, in: bytes) }
}

/// An entry read by the JSON reader.
struct JSONEntry: ResourceEntry {
    typealias Node = JSONStreamReader.JSONNode
    let fields: [(key: String, node: Node)]
    let flat: (value: FlatValue, offset: Int)?
    let propertiesNot: Node?
    /// The entry's key path (`resources[3]`) and where it starts.
    let path: String
    let at: Int
    let places: JSONPlaces

    init(
        fields: [(key: String, node: Node)], properties: (value: FlatValue, offset: Int)?, propertiesNot: Node? = nil,
        path: String, at: Int, places: JSONPlaces
    ) {
        self.fields = fields
        self.flat = properties
        self.propertiesNot = propertiesNot
        self.path = path
        self.at = at
        self.places = places
    }

    private func node(_ key: String) -> Node? { fields.first { $0.key == key }?.node }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ message: String, at key: String?) -> LoadError {
        guard let key, let node = node(key) else { return places.error(message, keyPath: path, at: at) }
        return places.error(message, keyPath: keyPath(key), at: node.offset)
    }

    private func text(_ node: Node, _ path: String) throws(LoadError) -> String {
        switch node {
        case .scalar(.null, _, let offset):
            throw places.error("expected a string, found nothing", keyPath: path, at: offset)
        case .scalar(let value, let text, _): return text ?? JSONStreamReader.text(of: value)
        default:
            throw places.error(
                "expected a string, found \(JSONStreamReader.kindName(node))", keyPath: path, at: node.offset)
        }
    }

    func string(_ key: String) throws(LoadError) -> String? {
        guard let node = node(key) else { return nil }
        return try text(node, keyPath(key))
    }

    func bool(_ key: String) throws(LoadError) -> Bool? {
        guard let node = node(key) else { return nil }
        guard case .scalar(.bool(let b), _, _) = node else {
            throw error("expected true or false, found \(JSONStreamReader.kindName(node))", at: key)
        }
        return b
    }

    func stringMap(_ key: String) throws(LoadError) -> [String: String]? {
        guard let node = node(key) else { return nil }
        guard case .object(let members, _) = node else {
            throw error("expected a mapping, found \(JSONStreamReader.kindName(node))", at: key)
        }
        var out: [String: String] = [:]
        for member in members { out[member.key] = try text(member.value, "\(keyPath(key)).\(member.key)") }
        return out
    }

    func stringLists(_ key: String) throws(LoadError) -> [String: [String]]? {
        guard let node = node(key) else { return nil }
        guard case .object(let members, _) = node else {
            throw error("expected a mapping, found \(JSONStreamReader.kindName(node))", at: key)
        }
        var out: [String: [String]] = [:]
        for member in members {
            let path = "\(keyPath(key)).\(member.key)"
            guard case .array(let items, _) = member.value else {
                throw places.error(
                    "expected a list, found \(JSONStreamReader.kindName(member.value))", keyPath: path,
                    at: member.value.offset)
            }
            var strings: [String] = []
            for (i, item) in items.enumerated() { strings.append(try text(item, "\(path)[\(i)]")) }
            out[member.key] = strings
        }
        return out
    }

    func value(_ key: String) throws(LoadError) -> Value? { node(key)?.value }

    func properties() throws(LoadError) -> FlatValue? {
        if let propertiesNot {
            throw places.error(
                "expected a mapping, found \(JSONStreamReader.kindName(propertiesNot))",
                keyPath: keyPath("properties"),
                at: propertiesNot.offset)
        }
        return flat?.value
    }
}
