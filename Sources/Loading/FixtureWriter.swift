import CloudModel
import Foundation

/// Writes resources as fixture files (JSON, which the fixture loader reads like YAML), in files
/// of at most `perFile` resources so that editors and diff tools cope with large inventories.
public struct FixtureWriter {
    public var directory: String
    public var perFile: Int

    public init(directory: String, perFile: Int = 10_000) {
        self.directory = directory
        self.perFile = max(1, perFile)
    }

    public static func value(of r: Resource) -> Value {
        var f = Fields()
        f["id"] = .string(r.id)
        f["type"] = .string(r.type)
        if ResourceTypeRegistry.type(named: r.type) == nil { f["inert"] = true }
        f["account"] = .string(r.account)
        f["region"] = .string(r.region)
        f["name"] = .string(r.name)
        if !r.tags.isEmpty { f["tags"] = .object(Fields(r.tags.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: .string($0.value)) })) }
        f["properties"] = r.properties
        if !r.relations.isEmpty {
            f["relations"] = .object(Fields(r.relations.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: .array($0.value.map(Value.string))) }))
        }
        if !r.usage.isNull { f["usage"] = r.usage }
        return .object(f)
    }

    /// Writes everything `produce` hands over; returns the files written. Each file is written
    /// to a temporary name and renamed, so a failure never leaves a half-written fixture.
    public func write(_ produce: ((Resource) throws -> Void) throws -> Void) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [String] = []
        var batch: [String] = []
        func flush() throws {
            guard !batch.isEmpty else { return }
            let path = (directory as NSString).appendingPathComponent(String(format: "resources-%05d.json", files.count + 1))
            let text = "{\"version\":1,\"resources\":[\n" + batch.joined(separator: ",\n") + "\n]}\n"
            let temporary = path + ".partial"
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
            files.append(path)
            batch.removeAll(keepingCapacity: true)
        }
        try produce { resource in
            batch.append(Self.value(of: resource).jsonText)
            if batch.count >= perFile { try flush() }
        }
        try flush()
        return files
    }
}
