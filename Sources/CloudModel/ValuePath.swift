/// A path into a value tree, in the JMESPath subset that policy authors already write:
/// `PublicAccessBlockConfiguration.BlockPublicAcls`, `AccessKeys[0].Status`,
/// `IpPermissions[].IpRanges[].CidrIp` (a projection: every element, flattened).
package struct ValuePath: Sendable, Hashable, CustomStringConvertible {
    package enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
        /// `[]`: apply the rest of the path to every element and flatten the results.
        case each
    }

    /// One reference to immutable storage: a path is copied and passed around constantly during
    /// evaluation, and this makes each copy a single retain. The keys' bytes and hashes are in
    /// buffers of its own, so resolving a path in a flat value retains nothing at all.
    private final class Storage: @unchecked Sendable {
        // @unchecked: immutable after init; the buffers are owned here and freed in deinit.
        let components: [Component]
        let description: String
        /// The keys, when the path is nothing but keys (the common case, resolved without recursion).
        let plainKeys: [String]?
        /// Every key's UTF-8 bytes, one after another; component `i`'s are `keyStart[i]..<keyStart[i + 1]`
        /// (empty for a component that is not a key), its hash `keyHash[i]`.
        let keyArena: UnsafeMutableBufferPointer<UInt8>
        let keyStart: UnsafeMutableBufferPointer<Int>
        let keyHash: UnsafeMutableBufferPointer<UInt32>

        init(components: [Component], description: String) {
            self.components = components
            self.description = description
            let keys: [[UInt8]] = components.map { c in
                if case .key(let k) = c { Array(k.utf8) } else { [] }
            }
            keyArena = .allocate(capacity: keys.reduce(0) { $0 + $1.count })
            keyStart = .allocate(capacity: keys.count + 1)
            keyHash = .allocate(capacity: keys.count)
            var offset = 0
            for (i, bytes) in keys.enumerated() {
                keyStart[i] = offset
                keyHash[i] = FlatValue.keyHash(bytes)
                for b in bytes {
                    keyArena[offset] = b
                    offset += 1
                }
            }
            keyStart[keys.count] = offset
            var plain: [String]? = []
            for c in components {
                guard case .key(let k) = c else {
                    plain = nil
                    break
                }
                plain?.append(k)
            }
            self.plainKeys = plain
        }

        deinit {
            keyArena.deallocate()
            keyStart.deallocate()
            keyHash.deallocate()
        }

        /// Component `i`'s key bytes.
        func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: keyArena[keyStart[i]..<keyStart[i + 1]])
        }
    }

    private let storage: Storage

    package var components: [Component] { storage.components }
    package var description: String { storage.description }

    package init(components: [Component], description: String) {
        storage = Storage(components: components, description: description)
    }

    package static func == (lhs: ValuePath, rhs: ValuePath) -> Bool { lhs.components == rhs.components }
    package func hash(into hasher: inout Hasher) { hasher.combine(components) }

    /// Parses `text`, or throws a `ValuePathError` saying where it went wrong.
    package init(parsing text: String) throws(ValuePathError) {
        let chars = Array(text)
        guard !chars.isEmpty else { throw ValuePathError(path: text, message: "the path is empty") }
        var components: [Component] = []
        var current = ""
        var afterBracket = false
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "[" {
                if !current.isEmpty {
                    components.append(.key(current))
                    current = ""
                } else if components.isEmpty {
                    throw ValuePathError(path: text, message: "a path cannot start with '['")
                } else if !afterBracket {
                    throw ValuePathError(path: text, message: "an empty key before '[' at character \(i + 1)")
                }
                guard let close = chars[i...].firstIndex(of: "]") else {
                    throw ValuePathError(path: text, message: "'[' at character \(i + 1) is never closed")
                }
                let inside = String(chars[(i + 1)..<close])
                if inside.isEmpty {
                    components.append(.each)
                } else if let n = Int(inside), n >= 0 {
                    components.append(.index(n))
                } else {
                    throw ValuePathError(path: text, message: "'[\(inside)]' is neither '[]' nor a list index")
                }
                afterBracket = true
                i = close + 1
                continue
            }
            if c == "." {
                if !current.isEmpty {
                    components.append(.key(current))
                    current = ""
                } else if !afterBracket {
                    throw ValuePathError(path: text, message: "an empty key at character \(i + 1)")
                }
                afterBracket = false
            } else {
                if afterBracket {
                    throw ValuePathError(path: text, message: "expected '.' or '[' after ']' at character \(i + 1)")
                }
                current.append(c)
            }
            i += 1
        }
        if !current.isEmpty {
            components.append(.key(current))
        } else if chars.last == "." {
            throw ValuePathError(path: text, message: "the path ends with '.'")
        }
        self.init(components: components, description: text)
    }

    /// True when the path projects over a list, so that it resolves to a list of results.
    package var isProjection: Bool { components.contains(.each) }

    /// The value at this path, or nil when a member along the way is missing.
    /// A projection resolves to a list of the results that exist (JMESPath semantics).
    package func resolve(in value: Value) -> Value? {
        if let plainKeys = storage.plainKeys {
            guard case .object(var fields) = value else { return nil }
            for (i, key) in plainKeys.enumerated() {
                guard let member = fields[key] else { return nil }
                if i == plainKeys.count - 1 { return member }
                guard case .object(let inner) = member else { return nil }
                fields = inner
            }
            return nil
        }
        return Self.resolve(components[...], in: value)
    }

    private static func resolve(_ rest: ArraySlice<Component>, in value: Value) -> Value? {
        guard let first = rest.first else { return value }
        let tail = rest.dropFirst()
        switch first {
        case .key(let key):
            guard case .object(let fields) = value, let member = fields[key] else { return nil }
            return resolve(tail, in: member)
        case .index(let n):
            guard case .array(let items) = value, n < items.count else { return nil }
            return resolve(tail, in: items[n])
        case .each:
            guard case .array(let items) = value else { return nil }
            var out: [Value] = []
            let flattens = tail.contains(.each)
            for item in items {
                guard let result = resolve(tail, in: item), !result.isNull else { continue }
                if flattens, case .array(let inner) = result {
                    out.append(contentsOf: inner)
                } else {
                    out.append(result)
                }
            }
            return .array(out)
        }
    }

    /// Where a path leads in a flat value.
    package enum FlatResolution {
        case missing
        case node(Int)
        /// A projection's results, flattened as `resolve(in:)` flattens them.
        case projection([Int])
    }

    /// Resolves the path in a flat value from node `root`, with the same meaning as
    /// `resolve(in:)` on the equivalent `Value`.
    package func resolve(in view: FlatView, from root: Int) -> FlatResolution {
        Unmanaged.passUnretained(storage)._withUnsafeGuaranteedRef { s in
            if s.plainKeys != nil {
                var current = root
                for i in 0..<(s.keyStart.count - 1) {
                    guard let found = view.member(current, key: s.key(i), hash: s.keyHash[i]) else { return .missing }
                    current = found
                }
                return .node(current)
            }
            return Self.resolve(s, 0, in: view, at: root) ?? .missing
        }
    }

    private static func resolve(_ s: Storage, _ index: Int, in view: FlatView, at node: Int) -> FlatResolution? {
        guard index < s.components.count else { return .node(node) }
        switch s.components[index] {
        case .key:
            guard let found = view.member(node, key: s.key(index), hash: s.keyHash[index]) else { return nil }
            return resolve(s, index + 1, in: view, at: found)
        case .index(let n):
            guard view.kind(node) == .array, n < Int(view.nodes[node].payload) else { return nil }
            var child = node + 1
            for _ in 0..<n { child += Int(view.nodes[child].size) }
            return resolve(s, index + 1, in: view, at: child)
        case .each:
            guard view.kind(node) == .array else { return nil }
            let flattens = s.components[(index + 1)...].contains(.each)
            var out: [Int] = []
            for child in view.children(node) {
                switch resolve(s, index + 1, in: view, at: child) {
                case nil, .missing?:
                    continue
                case .node(let i)?:
                    if view.kind(i) == .null { continue }
                    if flattens, view.kind(i) == .array {
                        out.append(contentsOf: view.children(i))
                    } else {
                        out.append(i)
                    }
                case .projection(let list)?:
                    out.append(contentsOf: list)  // only a path with a later '[]' gives one: flatten
                }
            }
            return .projection(out)
        }
    }

    /// Writes `newValue` at this path, creating missing objects on the way; nil removes the member.
    /// Projections cannot be written to.
    package func assign(_ newValue: Value?, in value: inout Value) throws(ValuePathError) {
        guard !isProjection else {
            throw ValuePathError(path: description, message: "a path with '[]' cannot be written to")
        }
        try Self.assign(newValue, components[...], in: &value, path: description)
    }

    private static func assign(_ newValue: Value?, _ rest: ArraySlice<Component>, in value: inout Value, path: String)
        throws(ValuePathError)
    {
        guard let first = rest.first else {
            value = newValue ?? .null
            return
        }
        let tail = rest.dropFirst()
        switch first {
        case .key(let key):
            var fields: Fields
            switch value {
            case .object(let existing): fields = existing
            case .null: fields = Fields()
            default: throw ValuePathError(path: path, message: "'\(key)' is inside \(value.kindName), not a mapping")
            }
            if tail.isEmpty {
                fields[key] = newValue
            } else {
                var member = fields[key] ?? .null
                try assign(newValue, tail, in: &member, path: path)
                fields[key] = member
            }
            value = .object(fields)
        case .index(let n):
            guard case .array(var items) = value, n < items.count else {
                throw ValuePathError(path: path, message: "index [\(n)] is out of range")
            }
            if tail.isEmpty, newValue == nil {
                items.remove(at: n)
            } else {
                try assign(newValue, tail, in: &items[n], path: path)
            }
            value = .array(items)
        case .each:
            throw ValuePathError(path: path, message: "a path with '[]' cannot be written to")
        }
    }
}

package struct ValuePathError: Error, Sendable, Equatable, CustomStringConvertible {
    package let path: String
    package let message: String
    package var description: String { "invalid path '\(path)': \(message)" }
}
