/// The in-memory store of resources, indexed by id, by type and by account.
///
/// Evaluating a policy walks only the resources of its type (`resources(ofType:)`), so a pack of
/// policies over a large inventory costs one pass over each type, not one pass per policy over
/// everything. Order is insertion order everywhere, which keeps runs deterministic.
public struct Inventory: Sendable {
    /// Removed resources leave a tombstone (`alive[slot] == false`) so that slots never move;
    /// keeping the array non-optional lets `forEach` hand out resources without copying them.
    @usableFromInline var slots: [Resource] = []
    private var alive: [Bool] = []
    private var slotById: [String: Int] = [:]
    @usableFromInline var slotsByType: [String: [Int]] = [:]
    private var slotsByAccount: [String: [Int]] = [:]
    public private(set) var count = 0

    package init() {}

    package init(_ resources: some Sequence<Resource>) throws(InventoryError) {
        for resource in resources { try insert(resource) }
    }

    package mutating func reserveCapacity(_ n: Int) {
        slots.reserveCapacity(n)
        alive.reserveCapacity(n)
        slotById.reserveCapacity(n)
    }

    /// Adds a new resource; ids are unique across the whole inventory.
    package mutating func insert(_ resource: Resource) throws(InventoryError) {
        guard slotById[resource.id] == nil else { throw .duplicateId(resource.id) }
        let slot = slots.count
        slots.append(resource)
        alive.append(true)
        slotById[resource.id] = slot
        slotsByType[resource.type, default: []].append(slot)
        slotsByAccount[resource.account, default: []].append(slot)
        count += 1
    }

    /// Replaces a resource with the same id (its type and account must not change), or inserts it.
    package mutating func upsert(_ resource: Resource) {
        if let slot = slotById[resource.id], slots[slot].type == resource.type, slots[slot].account == resource.account
        {
            slots[slot] = resource
        } else {
            if slotById[resource.id] != nil { remove(id: resource.id) }
            try? insert(resource)  // cannot fail: the id is free now
        }
    }

    /// Removes a resource; returns it, or nil when there was none.
    @discardableResult
    package mutating func remove(id: String) -> Resource? {
        guard let slot = slotById.removeValue(forKey: id) else { return nil }
        let old = slots[slot]
        alive[slot] = false
        slots[slot] = Resource(id: "", type: "", account: "", region: "")
        slotsByType[old.type]?.removeAll { $0 == slot }
        slotsByAccount[old.account]?.removeAll { $0 == slot }
        count -= 1
        return old
    }

    public subscript(id: String) -> Resource? {
        guard let slot = slotById[id] else { return nil }
        return slots[slot]
    }

    /// Applies `change` to the resource with this id in place; false when there is none.
    @discardableResult
    package mutating func modify(id: String, _ change: (inout Resource) throws -> Void) rethrows -> Bool {
        guard let slot = slotById[id] else { return false }
        try change(&slots[slot])
        return true
    }

    public func resources(ofType type: String) -> [Resource] {
        (slotsByType[type] ?? []).map { slots[$0] }
    }

    /// Visits the resources of one type, lending each to `body`. Inlinable so that callers in
    /// other modules visit without copying each resource (a copy retains every field).
    @inlinable
    package func forEach(ofType type: String, _ body: (borrowing Resource) throws -> Void) rethrows {
        guard let indices = slotsByType[type] else { return }
        for slot in indices { try body(slots[slot]) }
    }

    /// For scans: hands `test` the flat properties and tags of each resource of one type, read in
    /// place, and lends `found` only the resources `test` picks. Handing out whole resources
    /// costs a copy of each (a retain of every field), which is most of a scan's time when
    /// almost everything complies.
    package func scan(
        ofType type: String, _ test: (FlatView, [String: String]) -> Bool, found: (borrowing Resource) -> Void
    ) {
        guard let indices = slotsByType[type] else { return }
        for slot in indices where slots[slot].flatProperties.withView({ test($0, slots[slot].tags) }) {
            found(slots[slot])
        }
    }

    public func resources(inAccount account: String) -> [Resource] {
        (slotsByAccount[account] ?? []).map { slots[$0] }
    }

    /// Every resource, in insertion order.
    public var all: [Resource] { slots.indices.filter { alive[$0] }.map { slots[$0] } }

    public var types: [String] { slotsByType.filter { !$0.value.isEmpty }.keys.sorted() }
    public var accounts: [String] { slotsByAccount.filter { !$0.value.isEmpty }.keys.sorted() }
    public func count(ofType type: String) -> Int { slotsByType[type]?.count ?? 0 }
}

package enum InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateId(String)

    package var description: String {
        switch self {
        case .duplicateId(let id): "resource id '\(id)' appears more than once"
        }
    }
}
