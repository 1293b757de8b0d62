import CloudModel
import Foundation

/// Reads a JSON fixture file in one pass over its bytes: each resource's `properties` go straight
/// into their flat storage (`FlatValue.Builder`), with no YAML parser and no tree of the document
/// in between; the few other keys of an entry (id, type, tags, relations, usage…) are small and
/// read as `JSONNode`s. What it accepts and refuses is what the YAML reader accepts and refuses
/// for the same file (a test loads every shipped fixture both ways), and every problem is placed
/// at its line and column with its key path.
extension JSONStreamReader {
    /// One entry of `resources:` as read.
    struct Entry {
        let index: Int
        let offset: Int
        var fields: [(key: String, node: JSONNode)] = []
        var properties: (value: FlatValue, offset: Int)?
        /// What `properties` held when it was not an object, for the error.
        var propertiesNot: JSONNode?
        /// A problem was found while reading it (already recorded).
        var failed = false
    }

    /// What the file holds: its entries and file-level keys, and the problems found.
    struct Document {
        var version: JSONNode?
        var account: JSONNode?
        var region: JSONNode?
        var asOf: JSONNode?
        var resourcesNode: JSONNode?
        var entries: [Entry] = []
        var sawResources = false
    }

    // MARK: - The document

    mutating func document() -> Document {
        var doc = Document()
        do {
            skipSpace()
            if index >= bytes.count {
                problems.record(LoadError(file: file, message: "the file is empty"))
                stopped = true
                return doc
            }
            guard current == UInt8(ascii: "{") else {
                // The top of a file that is not an object is not remsim's format at all: nothing of
                // it is quoted.
                let node = try self.node(depth: 1)
                record("expected a mapping, found \(Self.kindName(node, top: true))", at: node.offset, keyPath: "")
                stopped = true
                return doc
            }
            try members(depth: 1) { reader, key, keyOffset throws(Stop) in
                reader.path.append(.key(key))
                defer { reader.path.removeLast() }
                switch key {
                case "version": doc.version = try reader.node(depth: 2)
                case "account": doc.account = try reader.node(depth: 2)
                case "region": doc.region = try reader.node(depth: 2)
                case "as-of": doc.asOf = try reader.node(depth: 2)
                case "resources":
                    doc.sawResources = true
                    guard reader.current == UInt8(ascii: "[") else {
                        doc.resourcesNode = try reader.node(depth: 2)
                        return
                    }
                    doc.resourcesNode = .array([], offset: reader.index)
                    try reader.resources(depth: 2, into: &doc.entries)
                default:
                    reader.record(
                        "unknown key \(YAMLNode.quoted(key))\(Suggest.didYouMean(key, in: FixtureLoader.fileKeys)) "
                            + "(allowed: \(FixtureLoader.fileKeys.joined(separator: ", ")))", at: keyOffset)
                    _ = try reader.node(depth: 2)
                }
            }
            skipSpace()
            if index < bytes.count { throw stop("unexpected text after the JSON value") }
        } catch {
            // Recorded where it was found.
        }
        return doc
    }

    private mutating func resources(depth: Int, into entries: inout [Entry]) throws(Stop) {
        try elements(depth: depth) { reader, i throws(Stop) in
            reader.path.append(.index(i))
            defer { reader.path.removeLast() }
            let at = reader.index
            guard reader.current == UInt8(ascii: "{") else {
                let node = try reader.node(depth: depth + 1)
                reader.record("expected a mapping, found \(Self.kindName(node))", at: node.offset)
                return
            }
            var entry = Entry(index: i, offset: at)
            let before = reader.problems.count
            defer {
                // A problem found while reading the entry (an unknown or duplicate key, a number
                // too large) refuses it; the others are still read.
                entry.failed = reader.problems.count > before
                entries.append(entry)
            }
            try reader.members(depth: depth + 1) { reader, key, keyOffset throws(Stop) in
                reader.path.append(.key(key))
                defer { reader.path.removeLast() }
                guard FixtureLoader.resourceKeys.contains(key) else {
                    reader.record(
                        "unknown key \(YAMLNode.quoted(key))\(Suggest.didYouMean(key, in: FixtureLoader.resourceKeys)) "
                            + "(allowed: \(FixtureLoader.resourceKeys.joined(separator: ", ")))", at: keyOffset)
                    _ = try reader.node(depth: depth + 2)
                    return
                }
                if key == "properties" {
                    let start = reader.index
                    if reader.current == UInt8(ascii: "{") {
                        var sink = PropertySink()
                        try reader.flat(depth: depth + 2, key: 0, into: &sink)
                        if sink.overLimit {
                            reader.record(
                                "over \(FixtureLoader.maximumPropertyNodes) values in one resource's properties; the "
                                    + "limit is \(FixtureLoader.maximumPropertyNodes)", at: start)
                        } else {
                            entry.properties = (sink.builder.finish(), start)
                        }
                    } else {
                        entry.propertiesNot = try reader.node(depth: depth + 2)
                    }
                } else {
                    entry.fields.append((key, try reader.node(depth: depth + 2)))
                }
            }
        }
    }

}
