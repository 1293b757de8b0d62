import Foundation

/// A value tree stored flat, in one exactly-sized allocation: nodes in pre-order, followed by the
/// UTF-8 bytes of every key and string. This is how a resource holds its properties.
///
/// Why: a `Value` tree is one heap object per list and per object, and reading it retains and
/// releases each node it passes. Scanning a million resources was dominated by that reference
/// counting and by the cache misses of chasing the nodes. Here a resource's properties are one
/// allocation of plain data, read through unsafe buffers with no reference counting at all;
/// the policy evaluator reads them directly (`FlatView`), and everything else converts to and
/// from `Value` (`value`, `init(_:)`), which is cheap at the scale of a simulation's changes.
package struct FlatValue: Sendable {
    package enum Kind: UInt8, Sendable {
        case null, bool, int, double, string, array, object
    }

    /// One node, 16 bytes. `size` is the number of nodes in its subtree (itself included), so
    /// the next sibling of node `i` is node `i + size`.
    package struct Node: Sendable {
        /// Int value, Double bit pattern, 0/1, `offset << 32 | length` of a string's bytes, or
        /// the number of children of a list or object.
        package var payload: Int64
        /// The subtree size in the low 24 bits, the kind in the high 8.
        @usableFromInline var sizeAndKind: UInt32
        /// Where the member's key is in `bytes` (a 2-byte length, a 4-byte hash, the UTF-8), when
        /// the node is a member of an object.
        package var keyOffset: UInt32

        @inlinable package var size: Int { Int(sizeAndKind & 0xFF_FFFF) }
        @inlinable package var kind: Kind { Kind(rawValue: UInt8(sizeAndKind >> 24)) ?? .null }

        init(payload: Int64, size: Int, kind: Kind, keyOffset: UInt32) {
            self.payload = payload
            self.sizeAndKind = UInt32(size) | UInt32(kind.rawValue) << 24
            self.keyOffset = keyOffset
        }
    }

    /// The most nodes one resource's properties may have (the subtree size has 24 bits). The
    /// fixture loader refuses larger documents with a clear error long before this.
    package static let maximumNodes = 0xFF_FFFF

    /// FNV-1a over a key's UTF-8 bytes.
    @inlinable
    package static func keyHash(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// Keys longer than this cannot be stored (no cloud API has one).
    package static let maximumKeyLength = Int(UInt16.max)

    /// The nodes, then the bytes packed into the slots after them.
    @usableFromInline var storage: ContiguousArray<Node>
    @usableFromInline var nodeCount: Int32
    @usableFromInline var byteCount: Int32

    package init(_ value: Value) {
        var builder = Builder()
        builder.encode(value)
        self = builder.finish()
    }

    /// The tree as a `Value`.
    package var value: Value {
        withView { $0.value(at: 0) }
    }

    /// Lends a view of the storage for the duration of `body`.
    @inlinable
    package func withView<R>(_ body: (FlatView) throws -> R) rethrows -> R {
        let nodes = Int(nodeCount)
        let bytes = Int(byteCount)
        return try storage.withUnsafeBufferPointer { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            let start = nodes * MemoryLayout<Node>.stride
            return try body(
                FlatView(
                    nodes: UnsafeBufferPointer(rebasing: buffer[0..<nodes]),
                    bytes: UnsafeRawBufferPointer(rebasing: raw[start..<(start + bytes)])))
        }
    }

    /// Builds a flat value part by part, in pre-order: `init(_:)` from a `Value`, and a streaming
    /// reader straight from the bytes of a file, with no `Value` tree in between.
    ///
    /// A container is opened with `begin`, its children appended, and closed with `end`; every
    /// member of an object carries the offset of its key (`key(_:)`).
    package struct Builder {
        private var nodes: ContiguousArray<Node> = []
        private var bytes: ContiguousArray<UInt8> = []
        /// Keys already written: each distinct key is stored once per resource. A short list
        /// searched in order (resources have a handful of distinct keys), then a dictionary.
        private var recentKeys: [(String, UInt32)] = []
        private var manyKeys: [String: UInt32] = [:]

        package init() {}

        /// Nodes appended so far.
        package var count: Int { nodes.count }

        /// The offset of `text` as a key, written the first time it is used.
        package mutating func key(_ text: String) -> UInt32 {
            if manyKeys.isEmpty {
                for (key, offset) in recentKeys where key == text { return offset }
            } else if let known = manyKeys[text] {
                return known
            }
            let utf8 = text.utf8.prefix(FlatValue.maximumKeyLength)
            let offset = UInt32(truncatingIfNeeded: bytes.count)
            let length = UInt16(utf8.count)
            let hash = FlatValue.keyHash(utf8)
            bytes.append(UInt8(length & 0xFF))
            bytes.append(UInt8(length >> 8))
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((hash >> UInt32(shift)) & 0xFF)) }
            bytes.append(contentsOf: utf8)
            if manyKeys.isEmpty, recentKeys.count < 32 {
                recentKeys.append((text, offset))
            } else {
                if manyKeys.isEmpty { for (key, known) in recentKeys { manyKeys[key] = known } }
                manyKeys[text] = offset
            }
            return offset
        }

        private mutating func append(_ kind: Kind, _ payload: Int64, key: UInt32) {
            precondition(
                nodes.count < FlatValue.maximumNodes,
                "a resource's properties may have at most \(FlatValue.maximumNodes) nodes")
            nodes.append(Node(payload: payload, size: 1, kind: kind, keyOffset: key))
        }

        package mutating func null(key: UInt32 = 0) { append(.null, 0, key: key) }
        package mutating func bool(_ b: Bool, key: UInt32 = 0) { append(.bool, b ? 1 : 0, key: key) }
        package mutating func int(_ i: Int, key: UInt32 = 0) { append(.int, Int64(i), key: key) }
        package mutating func double(_ d: Double, key: UInt32 = 0) {
            append(.double, Int64(bitPattern: d.bitPattern), key: key)
        }

        /// A string from its UTF-8 bytes (valid UTF-8: the caller checked).
        package mutating func string(_ utf8: some Collection<UInt8>, key: UInt32 = 0) {
            let offset = Int64(bytes.count)
            bytes.append(contentsOf: utf8)
            append(.string, offset << 32 | (Int64(bytes.count) - offset), key: key)
        }

        /// Opens a list or an object; returns the handle `end` takes.
        package mutating func begin(_ kind: Kind, key: UInt32 = 0) -> Int {
            precondition(kind == .array || kind == .object)
            append(kind, 0, key: key)
            return nodes.count - 1
        }

        /// Closes the container `begin` opened, with the number of its children.
        package mutating func end(_ container: Int, children: Int) {
            let old = nodes[container]
            nodes[container] = Node(
                payload: Int64(children), size: nodes.count - container, kind: old.kind, keyOffset: old.keyOffset)
        }

        package mutating func encode(_ value: Value, key: UInt32 = 0) {
            switch value {
            case .null: null(key: key)
            case .bool(let b): bool(b, key: key)
            case .int(let i): int(i, key: key)
            case .double(let d): double(d, key: key)
            case .string(let s): string(s.utf8, key: key)
            case .array(let items):
                let container = begin(.array, key: key)
                for item in items { encode(item) }
                end(container, children: items.count)
            case .object(let fields):
                let container = begin(.object, key: key)
                for entry in fields.entries { encode(entry.value, key: self.key(entry.key)) }
                end(container, children: fields.count)
            }
        }

        /// The flat value, in one exactly-sized allocation: growing arrays while building leaves
        /// up to half their capacity unused.
        package func finish() -> FlatValue {
            let stride = MemoryLayout<Node>.stride
            let byteSlots = (bytes.count + stride - 1) / stride
            var storage = ContiguousArray<Node>()
            storage.reserveCapacity(nodes.count + byteSlots)
            storage.append(contentsOf: nodes)
            storage.append(
                contentsOf: repeatElement(Node(payload: 0, size: 0, kind: .null, keyOffset: 0), count: byteSlots))
            storage.withUnsafeMutableBytes { raw in
                bytes.withUnsafeBytes { source in
                    guard let target = raw.baseAddress, let from = source.baseAddress else { return }
                    (target + nodes.count * stride).copyMemory(from: from, byteCount: bytes.count)
                }
            }
            return FlatValue(storage: storage, nodeCount: Int32(nodes.count), byteCount: Int32(bytes.count))
        }
    }

    private init(storage: ContiguousArray<Node>, nodeCount: Int32, byteCount: Int32) {
        self.storage = storage
        self.nodeCount = nodeCount
        self.byteCount = byteCount
    }

    /// How many values the tree holds.
    package var count: Int { Int(nodeCount) }

    /// Lends the raw nodes and the raw bytes, as `init(validatingNodes:bytes:)` takes them back:
    /// the inventory cache writes a resource's properties as they are held.
    package func withRawParts<R>(_ body: (_ nodes: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) -> R) -> R {
        storage.withUnsafeBytes { raw in
            let start = Int(nodeCount) * MemoryLayout<Node>.stride
            return body(
                UnsafeRawBufferPointer(rebasing: raw[0..<start]),
                UnsafeRawBufferPointer(rebasing: raw[start..<(start + Int(byteCount))]))
        }
    }

    /// A flat value from the raw parts `withRawParts` lent, or nil when they are not a well-formed
    /// tree: every container's children tile its subtree exactly, every leaf is one node, every
    /// string and every member's key lies inside the bytes. Reading a `FlatView` trusts exactly
    /// this, through unchecked pointers, so bytes from a file (the inventory cache) are checked
    /// here once, in one pass over the nodes.
    package init?(validatingNodes nodes: UnsafeRawBufferPointer, bytes: UnsafeRawBufferPointer) {
        let stride = MemoryLayout<Node>.stride
        guard nodes.count % stride == 0, nodes.count / stride >= 1, nodes.count / stride <= FlatValue.maximumNodes,
            bytes.count <= Int(Int32.max)
        else { return nil }
        let nodeCount = nodes.count / stride
        let byteSlots = (bytes.count + stride - 1) / stride
        var storage = ContiguousArray<Node>(
            repeating: Node(payload: 0, size: 0, kind: .null, keyOffset: 0), count: nodeCount + byteSlots)
        storage.withUnsafeMutableBytes { raw in
            guard let target = raw.baseAddress else { return }
            if let from = nodes.baseAddress { target.copyMemory(from: from, byteCount: nodes.count) }
            if let from = bytes.baseAddress { (target + nodes.count).copyMemory(from: from, byteCount: bytes.count) }
        }
        let wellFormed = storage.withUnsafeBufferPointer { buffer in
            FlatValue.isWellFormed(UnsafeBufferPointer(rebasing: buffer[0..<nodeCount]), byteCount: bytes.count) {
                offset in
                // A key is a 2-byte length, a 4-byte hash and the UTF-8: all of it inside the bytes.
                guard offset + 6 <= bytes.count else { return false }
                let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
                return offset + 6 + length <= bytes.count
            }
        }
        guard wellFormed else { return nil }
        self.init(storage: storage, nodeCount: Int32(nodeCount), byteCount: Int32(bytes.count))
    }

    private static func isWellFormed(
        _ nodes: UnsafeBufferPointer<Node>, byteCount: Int, keyFits: (Int) -> Bool
    ) -> Bool {
        guard nodes[0].size == nodes.count else { return false }
        for i in nodes.indices {
            let node = nodes[i]
            let end = i + node.size
            guard node.size >= 1, end <= nodes.count else { return false }
            switch node.kind {
            case .array, .object:
                guard node.payload >= 0 else { return false }
                var child = i + 1
                for _ in 0..<node.payload {
                    guard child < end, nodes[child].size >= 1 else { return false }
                    if node.kind == .object, !keyFits(Int(nodes[child].keyOffset)) { return false }
                    child += nodes[child].size
                }
                guard child == end else { return false }
            case .string:
                guard node.size == 1, node.payload >= 0 else { return false }
                let offset = Int(node.payload >> 32)
                let length = Int(node.payload & 0xFFFF_FFFF)
                guard offset + length <= byteCount else { return false }
            default:
                guard node.size == 1 else { return false }
            }
        }
        return true
    }

    /// The string member `key` of the top object, if there is one.
    package func string(member key: String) -> String? { withMember(key) { view, node in view.string(node) } }

    /// The member `key` of the top object as a value, the rest left unread; nil when there is none.
    package func member(_ key: String) -> Value? { withMember(key) { view, node in view.value(at: node) } }

    /// `read` of the node of the top object's member `key`; nil when the top is not an object or
    /// has no such member.
    private func withMember<T>(_ key: String, _ read: (FlatView, Int) -> T?) -> T? {
        withView { view in
            guard view.nodes.count > 0, view.kind(0) == .object else { return nil }
            let utf8 = Array(key.utf8)
            return utf8.withUnsafeBufferPointer { buffer in
                view.member(0, key: buffer, hash: FlatValue.keyHash(utf8)).flatMap { read(view, $0) }
            }
        }
    }

    /// Whether the top is an object (fixtures' properties must be).
    package var isObject: Bool { withView { $0.nodes.count > 0 && $0.kind(0) == .object } }
}

extension FlatValue: Equatable, Hashable {
    package static func == (lhs: FlatValue, rhs: FlatValue) -> Bool { lhs.value == rhs.value }
    package func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// Read access to a `FlatValue` through unsafe buffers: valid only inside `withView`.
package struct FlatView {
    package let nodes: UnsafeBufferPointer<FlatValue.Node>
    package let bytes: UnsafeRawBufferPointer

    @inlinable
    package init(nodes: UnsafeBufferPointer<FlatValue.Node>, bytes: UnsafeRawBufferPointer) {
        self.nodes = nodes
        self.bytes = bytes
    }

    @inlinable package func kind(_ i: Int) -> FlatValue.Kind { nodes[i].kind }

    /// The children of a list or an object node, as node indices.
    @inlinable
    package func children(_ i: Int) -> FlatChildren {
        let node = nodes[i]
        let count = node.kind == .array || node.kind == .object ? Int(node.payload) : 0
        return FlatChildren(view: self, first: i + 1, count: count)
    }

    /// The member of object node `i` whose key is `key` (with `hash`, its `keyHash`), or nil.
    @inlinable
    package func member(_ i: Int, key: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int? {
        guard nodes[i].kind == .object, let raw = bytes.baseAddress else { return nil }
        var child = i + 1
        for _ in 0..<Int(nodes[i].payload) {
            let n = nodes[child]
            let offset = Int(n.keyOffset)
            if raw.loadUnaligned(fromByteOffset: offset + 2, as: UInt32.self).littleEndian == hash,
                Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian) == key.count,
                bytesEqual(offset + 6, key)
            {
                return child
            }
            child += n.size
        }
        return nil
    }

    @inlinable
    func bytesEqual(_ offset: Int, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, let otherBase = other.baseAddress else { return other.isEmpty }
        return memcmp(base + offset, otherBase, other.count) == 0
    }

    /// The bytes of string node `i` (empty for anything else).
    @inlinable
    package func stringBytes(_ i: Int) -> UnsafeRawBufferPointer {
        let node = nodes[i]
        guard node.kind == .string else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let offset = Int(node.payload >> 32)
        let length = Int(node.payload & 0xFFFF_FFFF)
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
    }

    package func string(_ i: Int) -> String? {
        guard nodes[i].kind == .string else { return nil }
        return String(decoding: stringBytes(i), as: UTF8.self)
    }

    package func key(_ i: Int) -> String {
        let offset = Int(nodes[i].keyOffset)
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        return String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + 6)..<(offset + 6 + length)]), as: UTF8.self)
    }

    /// The number at node `i`, for ints and doubles.
    @inlinable
    package func number(_ i: Int) -> Double? {
        switch nodes[i].kind {
        case .int: Double(nodes[i].payload)
        case .double: Double(bitPattern: UInt64(bitPattern: nodes[i].payload))
        default: nil
        }
    }

    /// True for null, the empty string, list and object (Custodian's `empty`).
    @inlinable
    package func isEmpty(_ i: Int) -> Bool {
        let n = nodes[i]
        switch n.kind {
        case .null: return true
        case .string, .array, .object: return n.kind == .string ? (n.payload & 0xFFFF_FFFF) == 0 : n.payload == 0
        default: return false
        }
    }

    /// The subtree at node `i` as a `Value`.
    package func value(at i: Int) -> Value {
        let n = nodes[i]
        switch n.kind {
        case .null: return .null
        case .bool: return .bool(n.payload != 0)
        case .int: return .int(Int(n.payload))
        case .double: return .double(Double(bitPattern: UInt64(bitPattern: n.payload)))
        case .string: return .string(string(i) ?? "")
        case .array:
            var items: [Value] = []
            items.reserveCapacity(Int(n.payload))
            for child in children(i) { items.append(value(at: child)) }
            return .array(items)
        case .object:
            var entries: [Fields.Entry] = []
            entries.reserveCapacity(Int(n.payload))
            for child in children(i) { entries.append(Fields.Entry(key: key(child), value: value(at: child))) }
            return .object(Fields(entries))
        }
    }
}

/// The children of a flat list or object node, in order.
package struct FlatChildren: Sequence {
    package let view: FlatView
    package let first: Int
    package let count: Int

    @inlinable
    package init(view: FlatView, first: Int, count: Int) {
        self.view = view
        self.first = first
        self.count = count
    }

    package struct Iterator: IteratorProtocol {
        @usableFromInline let view: FlatView
        @usableFromInline var upcoming: Int
        @usableFromInline var left: Int

        @inlinable
        init(view: FlatView, upcoming: Int, left: Int) {
            self.view = view
            self.upcoming = upcoming
            self.left = left
        }

        @inlinable
        package mutating func next() -> Int? {
            guard left > 0 else { return nil }
            let current = upcoming
            upcoming += view.nodes[current].size
            left -= 1
            return current
        }
    }

    @inlinable
    package func makeIterator() -> Iterator { Iterator(view: view, upcoming: first, left: count) }
}
