/// Resources in a compact binary form, for the inventory cache: a table of every distinct string
/// (ids, types, accounts, tag keys…), then each resource as indices into it and its properties as
/// the flat value holds them. Reading it builds each string once and copies each resource's
/// properties in one piece, which is what makes a cached inventory an order of magnitude faster
/// to load than its JSON.
///
/// The bytes may come from anywhere (a cache directory is only a folder), so reading checks
/// every length, index and flat tree (`FlatValue(validatingNodes:bytes:)`) and fails on the first
/// thing out of place; it never trusts a count to size an allocation before the bytes are there.
package enum ResourceArchive {
    /// Appends the resources to `out`.
    package static func write(_ resources: [Resource], to out: inout ArchiveWriter) {
        var table: [String: UInt32] = [:]
        var strings: [String] = []
        func index(_ s: String) -> UInt32 {
            if let known = table[s] { return known }
            let i = UInt32(strings.count)
            table[s] = i
            strings.append(s)
            return i
        }
        // Indices first (in a scratch writer), so that the table is complete before it is written.
        var body = ArchiveWriter()
        for r in resources { encode(r, to: &body) { s, w in w.u32(index(s)) } }
        out.u32(UInt32(strings.count))
        for s in strings { out.string(s) }
        out.u32(UInt32(resources.count))
        out.bytes.append(contentsOf: body.bytes)
    }

    /// One resource's fields in the archive's order, each string written by `string` (an index
    /// into the table for the archive, the string itself for a digest): tags and relations
    /// sorted, properties as held, usage behind a flag.
    package static func encode(
        _ r: borrowing Resource, to w: inout ArchiveWriter, string: (String, inout ArchiveWriter) -> Void
    ) {
        string(r.id, &w)
        string(r.type, &w)
        string(r.account, &w)
        string(r.region, &w)
        string(r.name, &w)
        w.u32(UInt32(r.tags.count))
        if !r.tags.isEmpty {
            for (key, value) in r.tags.sorted(by: { $0.key < $1.key }) {
                string(key, &w)
                string(value, &w)
            }
        }
        w.u32(UInt32(r.relations.count))
        if !r.relations.isEmpty {
            for (relation, targets) in r.relations.sorted(by: { $0.key < $1.key }) {
                string(relation, &w)
                w.u32(UInt32(targets.count))
                for target in targets { string(target, &w) }
            }
        }
        w.flat(r.flatProperties)
        // Bit 0: usage follows; bit 1: the unknown properties follow.
        w.u8((r.usage == .null ? 0 : 1) | (r.unknownProperties.isEmpty ? 0 : 2))
        if r.usage != .null { w.flat(FlatValue(r.usage)) }
        if !r.unknownProperties.isEmpty {
            w.u32(UInt32(r.unknownProperties.count))
            for key in r.unknownProperties { string(key, &w) }
        }
    }

    /// Reads what `write` appended, or throws where the bytes stop making sense.
    package static func read(from input: inout ArchiveReader) throws(ArchiveReader.Malformed) -> [Resource] {
        let stringCount = try input.count(minimumBytesEach: 4)
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount { strings.append(try input.string()) }
        func string(_ reader: inout ArchiveReader) throws(ArchiveReader.Malformed) -> String {
            let i = Int(try reader.u32())
            guard i < strings.count else { throw .init("string index \(i) past the table") }
            return strings[i]
        }
        // A resource takes at least 5 indices, two counts, a flat tree header and a usage flag.
        let resourceCount = try input.count(minimumBytesEach: 37)
        var resources: [Resource] = []
        resources.reserveCapacity(resourceCount)
        for _ in 0..<resourceCount {
            let id = try string(&input)
            let type = try string(&input)
            let account = try string(&input)
            let region = try string(&input)
            let name = try string(&input)
            let tagCount = try input.count(minimumBytesEach: 8)
            var tags: [String: String] = [:]
            tags.reserveCapacity(tagCount)
            for _ in 0..<tagCount {
                let key = try string(&input)
                tags[key] = try string(&input)
            }
            let relationCount = try input.count(minimumBytesEach: 8)
            var relations: [String: [String]] = [:]
            for _ in 0..<relationCount {
                let relation = try string(&input)
                let targetCount = try input.count(minimumBytesEach: 4)
                var targets: [String] = []
                targets.reserveCapacity(targetCount)
                for _ in 0..<targetCount { targets.append(try string(&input)) }
                relations[relation] = targets
            }
            let properties = try input.flat()
            guard properties.isObject else { throw .init("the properties of '\(id)' are not an object") }
            let flags = try input.u8()
            guard flags < 4 else { throw .init("usage flag \(flags)") }
            let usage = flags & 1 == 0 ? Value.null : try input.flat().value
            var unknown: [String] = []
            if flags & 2 != 0 {
                let count = try input.count(minimumBytesEach: 4)
                for _ in 0..<count { unknown.append(try string(&input)) }
            }
            resources.append(
                Resource(
                    id: id, type: type, account: account, region: region, name: name, tags: tags,
                    flatProperties: properties, relations: relations, usage: usage, unknownProperties: unknown))
        }
        return resources
    }
}

extension Inventory {
    /// A digest of what the inventory holds, whatever order its resources went in: each resource
    /// written whole as the archive encodes it (`ResourceArchive.encode`, strings inline) and
    /// hashed on its own, the hashes summed. For inventories built in code, which have no files to digest; it
    /// reads the flat storage in place, writes no text and sorts nothing.
    package var contentDigest: ContentDigest {
        var sum: UInt64 = 0
        var w = ArchiveWriter()
        // Through the buffer, each resource is lent in place: a copy would retain every field.
        slots.withUnsafeBufferPointer { slots in
            for slot in slots.indices where alive[slot] {
                w.bytes.removeAll(keepingCapacity: true)
                ResourceArchive.encode(slots[slot], to: &w) { s, w in w.string(s) }
                sum &+= w.bytes.withUnsafeBytes(Self.wordHash)
            }
        }
        return ContentDigest(value: sum)
    }

    /// A 64-bit hash of bytes eight at a time (multiply, then fold the high bits down), with the
    /// length: a detector of change, like `ContentDigest`, at a fraction of its per-byte cost.
    private static func wordHash(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(raw.count)
        var i = 0
        while i + 8 <= raw.count {
            h =
                (h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            i += 8
        }
        while i < raw.count {
            h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3
            i += 1
        }
        h ^= h >> 32
        h = h &* 0xff51_afd7_ed55_8ccd
        return h ^ (h >> 33)
    }
}

/// Little-endian bytes appended one field at a time.
package struct ArchiveWriter {
    package var bytes: [UInt8] = []

    package init() {}

    package mutating func u8(_ v: UInt8) { bytes.append(v) }

    package mutating func u32(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func u64(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    package mutating func raw(_ data: UnsafeRawBufferPointer) { bytes.append(contentsOf: data) }

    package mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    package mutating func flat(_ value: FlatValue) {
        value.withRawParts { nodes, data in
            u32(UInt32(nodes.count))
            u32(UInt32(data.count))
            raw(nodes)
            raw(data)
        }
    }
}

/// Reads what an `ArchiveWriter` wrote, checking that every field is inside the bytes. Valid only
/// while the bytes it was made with are.
package struct ArchiveReader {
    /// Bytes that are not an archive (truncated, corrupted or from another format).
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
    }

    private let data: UnsafeRawBufferPointer
    package private(set) var offset = 0

    package init(_ data: UnsafeRawBufferPointer) { self.data = data }

    package var remaining: Int { data.count - offset }

    private mutating func take(_ n: Int) throws(Malformed) -> UnsafeRawBufferPointer {
        guard n >= 0, n <= remaining else { throw Malformed("\(n) bytes wanted at \(offset), \(remaining) left") }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: data[offset..<(offset + n)])
    }

    package mutating func u8() throws(Malformed) -> UInt8 { try take(1)[0] }

    package mutating func u32() throws(Malformed) -> UInt32 {
        UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self))
    }

    package mutating func u64() throws(Malformed) -> UInt64 {
        UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self))
    }

    /// A count of items that each take at least `minimumBytesEach` bytes: refused when the bytes
    /// left could not hold them, so a corrupted count never sizes an allocation.
    package mutating func count(minimumBytesEach: Int) throws(Malformed) -> Int {
        let n = Int(try u32())
        guard n <= remaining / max(1, minimumBytesEach) else { throw Malformed("a count of \(n) at \(offset)") }
        return n
    }

    package mutating func bytes(_ n: Int) throws(Malformed) -> UnsafeRawBufferPointer { try take(n) }

    /// A string; bytes that are not UTF-8 (a damaged archive) read as replacement characters.
    package mutating func string() throws(Malformed) -> String {
        let utf8 = try take(Int(try u32()))
        return String(decoding: utf8.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    package mutating func flat() throws(Malformed) -> FlatValue {
        let nodeBytes = Int(try u32())
        let byteCount = Int(try u32())
        let nodes = try take(nodeBytes)
        let bytes = try take(byteCount)
        guard let value = FlatValue(validatingNodes: nodes, bytes: bytes) else {
            throw Malformed("a malformed flat tree before \(offset)")
        }
        return value
    }
}
