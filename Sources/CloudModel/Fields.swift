/// The members of an object value, in the order they were written.
///
/// Cloud API objects are small (a handful of keys), so a flat array searched linearly is both
/// faster than hashing and several times smaller than a dictionary: this keeps an inventory of a
/// million resources within its memory budget.
public struct Fields: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: Value
        public init(key: String, value: Value) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var entries: [Entry]

    public init() { entries = [] }

    /// Later entries with a key already seen replace the earlier value, keeping its position.
    public init(_ entries: [Entry]) {
        self.entries = []
        self.entries.reserveCapacity(entries.count)
        for entry in entries { self[entry.key] = entry.value }
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }
    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> Value? {
        get {
            // By index, not `for entry in entries`: iterating copies each entry (a retain of its
            // key and value), and this lookup runs millions of times in a scan.
            for i in entries.indices where entries[i].key == key { return entries[i].value }
            return nil
        }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    // Hashing and equality ignore key order: two objects with the same members are the same
    // object, as in JSON.
    public static func == (lhs: Fields, rhs: Fields) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        for entry in lhs.entries where rhs[entry.key] != entry.value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries.sorted(by: { $0.key < $1.key }) {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
