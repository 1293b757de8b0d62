import CloudModel
import CloudOperations

/// The engine's read-only window on resource state. The simulation hands it the simulated
/// inventory; a live driver would hand it a cache of describe calls.
public protocol InventoryView {
    func resource(id: String) -> Resource?
    func forEachResource(ofType type: String, _ body: (Resource) -> Void)
    /// Who last changed the resource and when, as CloudTrail or the Activity Log records it; nil
    /// when unknown. The loop guard names the cause of a loop from it.
    func lastChange(of id: String) -> ResourceChange?
    /// Every change to the resource at or after `since`, oldest first, as an audit-log lookup
    /// (`cloudtrail lookup-events`) returns them. A remediation whose verification still finds
    /// a violation reads it to tell a change someone made meanwhile from a fix that did not work.
    func changes(of id: String, since: Timestamp) -> [ResourceChange]
    /// The resources of one type whose `relation` names `target` (the functions that use a key,
    /// the distributions that serve a bucket), in the order `forEachResource(ofType:)` visits them.
    func forEachResource(
        ofType type: String, relatedBy relation: String, to target: String, _ body: (Resource) -> Void)
}

/// A view that can read resources in place for a scan (the inventory, the simulation's view).
package protocol InPlaceScanning {
    /// Hands `test` each resource of one type as the engine sees it, read in place (flat
    /// properties, id, account, region, tags), and `found` only those `test` picks.
    func scanInPlace(
        ofType type: String, _ test: (FlatView, String, String, String, [String: String]) -> Bool,
        found: (Resource) -> Void)
}

extension InventoryView {
    public func lastChange(of id: String) -> ResourceChange? { nil }
    /// For scans: in place where the view can (`InPlaceScanning`), else each resource of the
    /// type, whole.
    package func scan(
        ofType type: String, _ test: (FlatView, String, String, String, [String: String]) -> Bool,
        found: (Resource) -> Void
    ) {
        if let inPlace = self as? any InPlaceScanning {
            inPlace.scanInPlace(ofType: type, test, found: found)
            return
        }
        scanWhole(ofType: type, test, found: found)
    }

    /// A scan that reads each resource whole, as `forEachResource` lends it.
    package func scanWhole(
        ofType type: String, _ test: (FlatView, String, String, String, [String: String]) -> Bool,
        found: (Resource) -> Void
    ) {
        forEachResource(ofType: type) { r in
            if r.flatProperties.withView({ test($0, r.id, r.account, r.region, r.tags) }) { found(r) }
        }
    }
    /// Without an index: every resource of the type, filtered.
    public func forEachResource(
        ofType type: String, relatedBy relation: String, to target: String, _ body: (Resource) -> Void
    ) {
        forEachResource(ofType: type) { r in
            if (r.relations[relation] ?? []).contains(target) { body(r) }
        }
    }
    /// Without an audit log, only the last change is known.
    public func changes(of id: String, since: Timestamp) -> [ResourceChange] {
        lastChange(of: id).map { $0.at >= since ? [$0] : [] } ?? []
    }
}

/// A change's author: a person, a pipeline (`terraform`), or a remediation (`remsim/POLICY`).
public struct ResourceChange: Sendable, Hashable {
    public var actor: String
    public var at: Timestamp
    /// The top-level properties the change touched (`tags` for any tag), as an audit log's
    /// request parameters tell; nil when unknown, or when the resource was made or deleted.
    public var properties: Set<String>?
    public init(actor: String, at: Timestamp, properties: Set<String>? = nil) {
        self.actor = actor
        self.at = at
        self.properties = properties
    }

    /// The top-level properties that differ between two states of a resource, `tags` for its tags.
    package static func touched(from before: Resource, to after: Resource) -> Set<String> {
        var keys = changedProperties(from: before, to: after)
        if before.tags != after.tags { keys.insert("tags") }
        return keys
    }

    /// The top-level properties that differ between two versions of a resource (nil: it did not
    /// exist), each version's properties read once.
    package static func changedProperties(from before: Resource?, to after: Resource?) -> Set<String> {
        let a = before?.properties.objectValue
        let b = after?.properties.objectValue
        return Set((a?.keys ?? []) + (b?.keys ?? [])).filter { a?[$0] != b?[$0] }
    }

    /// Whether the change may bear on a policy that reads `reads` (nil: anything).
    package func touches(_ reads: Set<String>?) -> Bool {
        guard let reads, let properties else { return true }
        return !properties.isDisjoint(with: reads)
    }

    /// The identity the engine's calls carry for `policy`.
    package static func remediationActor(policy: String) -> String { "remsim/\(policy)" }

    /// The policy whose remediation made this change, if one did.
    package var remediatingPolicy: String? {
        actor.hasPrefix("remsim/") ? String(actor.dropFirst("remsim/".count)) : nil
    }
}

extension Inventory: InventoryView {
    public func resource(id: String) -> Resource? { self[id] }
    public func forEachResource(ofType type: String, _ body: (Resource) -> Void) { forEach(ofType: type, body) }
    public func forEachResource(
        ofType type: String, relatedBy relation: String, to target: String, _ body: (Resource) -> Void
    ) {
        forEach(ofType: type, relatedBy: relation, to: target) { body(copy $0) }
    }
}

extension Inventory: InPlaceScanning {
    package func scanInPlace(
        ofType type: String, _ test: (FlatView, String, String, String, [String: String]) -> Bool,
        found: (Resource) -> Void
    ) {
        scan(ofType: type, test, found: { found(copy $0) })
    }
}
