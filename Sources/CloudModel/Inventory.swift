import Foundation

/// The in-memory store of resources, indexed by id, by type and by account.
///
/// Evaluating a policy walks only the resources of its type (`resources(ofType:)`), so a pack of
/// policies over a large inventory costs one pass over each type, not one pass per policy over
/// everything. Order is insertion order everywhere, which keeps runs deterministic.
public struct Inventory: Sendable {
    /// Removed resources leave a tombstone (`alive[slot] == false`) so that slots never move;
    /// keeping the array non-optional lets `forEach` hand out resources without copying them.
    @usableFromInline var slots: [Resource] = []
    var alive: [Bool] = []
    private var slotById: [String: Int] = [:]
    @usableFromInline var slotsByType: [String: [Int]] = [:]
    private var slotsByAccount: [String: [Int]] = [:]
    /// Who names whom: relation → target id → the slots of the resources whose `relations`
    /// name it, ascending. Built as resources come in, so that "which functions use this key"
    /// is a lookup, not a walk over every function for every key.
    private var slotsByRelation: [String: [String: [Int]]] = [:]
    public private(set) var count = 0
    /// How many resources hold properties their export could not say (`unknownProperties`):
    /// a scan for them is skipped when none does, as in any inventory not imported.
    package private(set) var withUnknownProperties = 0
    /// When the latest of the exports the inventory was read from was taken (a fixture file's
    /// `as-of`), and the file that says so: a scenario over it starts then unless it says
    /// otherwise, and may not start before it.
    package var asOf: AsOf?

    package struct AsOf: Sendable, Equatable {
        package var at: Timestamp
        package var file: String
        package var line: Int?

        package init(at: Timestamp, file: String, line: Int?) {
            self.at = at
            self.file = file
            self.line = line
        }
    }
    /// Counts the resources handed out by walks and lookups, when set: tests that growth stays
    /// linear count work with it, not time. Shared by the copies a simulation makes.
    @usableFromInline package var visits: VisitCounter?

    package init() {}

    package init(_ resources: some Sequence<Resource>) throws(InventoryError) {
        for resource in resources { try insert(resource) }
    }

    package mutating func reserveCapacity(_ n: Int) {
        slots.reserveCapacity(n)
        alive.reserveCapacity(n)
        slotById.reserveCapacity(n)
    }

    /// Adds a new resource; ids are unique across the whole inventory. The resource is consumed:
    /// a caller that moves it in saves a retain and a release of each of its fields.
    package mutating func insert(_ resource: consuming Resource) throws(InventoryError) {
        let slot = slots.count
        // One lookup on the way in; the id's first slot is put back when it was taken.
        if let first = slotById.updateValue(slot, forKey: resource.id) {
            slotById[resource.id] = first
            throw .duplicateId(resource.id)
        }
        slotsByType[resource.type, default: []].append(slot)
        slotsByAccount[resource.account, default: []].append(slot)
        if !resource.relations.isEmpty { indexRelations(of: resource, at: slot) }
        if !resource.unknownProperties.isEmpty { withUnknownProperties += 1 }
        slots.append(resource)
        alive.append(true)
        count += 1
    }

    private mutating func indexRelations(of resource: Resource, at slot: Int) {
        for (relation, targets) in resource.relations {
            for target in Set(targets) {
                // Slots come in ascending on insert; a re-indexed resource goes to its place.
                var slots = slotsByRelation[relation, default: [:]][target, default: []]
                if let last = slots.last, last > slot {
                    slots.insert(slot, at: slots.firstIndex { $0 > slot } ?? slots.endIndex)
                } else {
                    slots.append(slot)
                }
                slotsByRelation[relation, default: [:]][target] = slots
            }
        }
    }

    private mutating func unindexRelations(of resource: Resource, at slot: Int) {
        for (relation, targets) in resource.relations {
            for target in Set(targets) {
                slotsByRelation[relation]?[target]?.removeAll { $0 == slot }
            }
        }
    }

    /// Replaces a resource with the same id (its type and account must not change), or inserts it.
    package mutating func upsert(_ resource: Resource) {
        if let slot = slotById[resource.id], slots[slot].type == resource.type, slots[slot].account == resource.account
        {
            if slots[slot].relations != resource.relations {
                unindexRelations(of: slots[slot], at: slot)
                indexRelations(of: resource, at: slot)
            }
            withUnknownProperties +=
                (resource.unknownProperties.isEmpty ? 0 : 1) - (slots[slot].unknownProperties.isEmpty ? 0 : 1)
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
        unindexRelations(of: old, at: slot)
        if !old.unknownProperties.isEmpty { withUnknownProperties -= 1 }
        count -= 1
        return old
    }

    /// Where the resource is in insertion order (its slot), for ordering lookups as walks order them.
    package func position(of id: String) -> Int? { slotById[id] }

    public subscript(id: String) -> Resource? {
        guard let slot = slotById[id] else { return nil }
        return slots[slot]
    }

    /// Applies `change` to the resource with this id in place; false when there is none.
    @discardableResult
    package mutating func modify(id: String, _ change: (inout Resource) throws -> Void) rethrows -> Bool {
        guard let slot = slotById[id] else { return false }
        let relations = slots[slot].relations
        let wasUnknown = !slots[slot].unknownProperties.isEmpty
        try change(&slots[slot])
        withUnknownProperties += (slots[slot].unknownProperties.isEmpty ? 0 : 1) - (wasUnknown ? 1 : 0)
        if slots[slot].relations != relations {
            var before = slots[slot]
            before.relations = relations
            unindexRelations(of: before, at: slot)
            indexRelations(of: slots[slot], at: slot)
        }
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
        visits?.add(indices.count)
        for slot in indices { try body(slots[slot]) }
    }

    /// For scans: hands `test` the flat properties, id, account, region and tags of each resource
    /// of one type, read in place, and lends `found` only the resources `test` picks. Handing out
    /// whole resources costs a copy of each (a retain of every field), which is most of a scan's
    /// time when almost everything complies.
    package func scan(
        ofType type: String,
        _ test: (_ properties: FlatView, _ id: String, _ account: String, _ region: String, _ tags: [String: String])
            -> Bool,
        found: (borrowing Resource) -> Void
    ) {
        guard let indices = slotsByType[type] else { return }
        visits?.add(indices.count)
        // Through the buffer, each resource's fields are lent in place: read through the array,
        // each string and the tags were retained and released for every resource of every scan.
        slots.withUnsafeBufferPointer { slots in
            for slot in indices
            where slots[slot].flatProperties.withView({
                test($0, slots[slot].id, slots[slot].account, slots[slot].region, slots[slot].tags)
            }) {
                found(slots[slot])
            }
        }
    }

    /// Visits the resources of one type whose `relation` names `target` (`uses-key` → a key id),
    /// in insertion order, as `forEach(ofType:)` would find them, through the index.
    package func forEach(
        ofType type: String, relatedBy relation: String, to target: String, _ body: (borrowing Resource) -> Void
    ) {
        guard let found = slotsByRelation[relation]?[target] else { return }
        visits?.add(found.count)
        for slot in found where slots[slot].type == type { body(slots[slot]) }
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

/// A count of resources visited (see `Inventory.visits`).
@usableFromInline package final class VisitCounter: @unchecked Sendable {
    // @unchecked: `count` is only touched while holding `lock`.
    private let lock = NSLock()
    private var count = 0

    package init() {}

    package var resources: Int { lock.withLock { count } }

    @usableFromInline package func add(_ n: Int) { lock.withLock { count += n } }
}

package enum InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateId(String)

    package var description: String {
        switch self {
        case .duplicateId(let id): "resource id '\(id)' appears more than once"
        }
    }
}
