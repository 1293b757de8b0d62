import CloudModel
import Foundation

/// Writes resources as fixture files (JSON, which the fixture loader reads like YAML), in files
/// of at most `perFile` resources so that editors and diff tools cope with large inventories.
package struct FixtureWriter {
    package var directory: String
    package var perFile: Int
    /// When the export was taken, written as each file's `as-of`.
    package var asOf: Timestamp?

    package init(directory: String, perFile: Int = 10_000, asOf: Timestamp? = nil) {
        self.directory = directory
        self.perFile = max(1, perFile)
        self.asOf = asOf
    }

    package static func value(of r: Resource) -> Value {
        var f = Fields()
        f["id"] = .string(r.id)
        f["type"] = .string(r.type)
        if ResourceTypeRegistry.type(named: r.type) == nil { f["inert"] = true }
        f["account"] = .string(r.account)
        f["region"] = .string(r.region)
        f["name"] = .string(r.name)
        if !r.tags.isEmpty {
            f["tags"] = .object(
                Fields(r.tags.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: .string($0.value)) }))
        }
        f["properties"] = r.properties
        if !r.relations.isEmpty {
            f["relations"] = .object(
                Fields(
                    r.relations.sorted { $0.key < $1.key }.map {
                        Fields.Entry(key: $0.key, value: .array($0.value.map(Value.string)))
                    }))
        }
        if !r.usage.isNull { f["usage"] = r.usage }
        if let unknown = unknownValue(r) { f["unknown-properties"] = unknown }
        return .object(f)
    }

    /// A resource's `unknown-properties`: `all`, a list, or nil when every property is known.
    static func unknownValue(_ r: Resource) -> Value? {
        if r.unknownProperties.isEmpty { return nil }
        return r.propertiesUnknown ? "all" : .array(r.unknownProperties.map(Value.string))
    }

    /// `value(of: r).jsonText`, written with the properties straight from their flat storage.
    package static func jsonText(of r: Resource) -> String {
        var out = "{"
        func member(_ key: String, _ write: (inout String) -> Void) {
            if out.utf8.count > 1 { out += "," }
            Value.writeJSONString(key, into: &out)
            out += ":"
            write(&out)
        }
        func string(_ key: String, _ text: String) { member(key) { Value.writeJSONString(text, into: &$0) } }
        string("id", r.id)
        string("type", r.type)
        if ResourceTypeRegistry.type(named: r.type) == nil { member("inert") { $0 += "true" } }
        string("account", r.account)
        string("region", r.region)
        string("name", r.name)
        if !r.tags.isEmpty {
            member("tags") { out in
                out += "{"
                for (k, tag) in r.tags.sorted(by: { $0.key < $1.key }).enumerated() {
                    if k > 0 { out += "," }
                    Value.writeJSONString(tag.key, into: &out)
                    out += ":"
                    Value.writeJSONString(tag.value, into: &out)
                }
                out += "}"
            }
        }
        member("properties") { r.flatProperties.writeJSON(into: &$0) }
        if !r.relations.isEmpty {
            let relations = Value.object(
                Fields(
                    r.relations.sorted { $0.key < $1.key }.map {
                        Fields.Entry(key: $0.key, value: .array($0.value.map(Value.string)))
                    }))
            member("relations") { $0 += relations.jsonText }
        }
        if !r.usage.isNull { member("usage") { $0 += r.usage.jsonText } }
        if let unknown = unknownValue(r) { member("unknown-properties") { $0 += unknown.jsonText } }
        out += "}"
        return out
    }

    /// Writes everything `produce` hands over; returns the files written. Each file is written
    /// to a temporary name and renamed, so a failure never leaves a half-written fixture.
    /// Writes what `produce` emits. Nothing appears in `directory` until every file is written:
    /// they are made in a hidden folder inside it (which loaders skip), then moved in, and the
    /// `resources-N.json` files of an earlier, larger import are removed, so the folder never
    /// mixes two imports. An import that fails or is interrupted leaves the folder as it was
    /// (and at most that hidden folder, which the next import clears).
    package func write(_ produce: ((Resource) throws -> Void) throws -> Void) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(".partial-") {
            try? fm.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
        let staging = (directory as NSString).appendingPathComponent(
            ".partial-\(ProcessInfo.processInfo.processIdentifier)")
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: staging) }
        var names: [String] = []
        var batch: [String] = []
        func flush() throws {
            guard !batch.isEmpty else { return }
            let name = String(format: "resources-%05d.json", names.count + 1)
            let asOf = self.asOf.map { "\"as-of\":\"\($0.iso8601)\"," } ?? ""
            let text = "{\"version\":1,\(asOf)\"resources\":[\n" + batch.joined(separator: ",\n") + "\n]}\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(name)))
            names.append(name)
            batch.removeAll(keepingCapacity: true)
        }
        try produce { resource in
            batch.append(Self.jsonText(of: resource))
            if batch.count >= perFile { try flush() }
        }
        try flush()
        // Everything is written: the new files replace the old ones.
        let stale = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).filter {
            Self.isImportFile($0) && !names.contains($0)
        }
        var files: [String] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
            try fm.moveItem(atPath: (staging as NSString).appendingPathComponent(name), toPath: path)
            files.append(path)
        }
        for name in stale { try fm.removeItem(atPath: (directory as NSString).appendingPathComponent(name)) }
        return files
    }

    /// `resources-00001.json`: the files an import writes.
    static func isImportFile(_ name: String) -> Bool {
        name.hasPrefix("resources-") && name.hasSuffix(".json") && name.dropFirst(10).dropLast(5).allSatisfy(\.isNumber)
    }
}
