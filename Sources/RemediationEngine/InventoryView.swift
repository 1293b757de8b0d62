import CloudModel

/// The engine's read-only window on resource state. The simulation hands it the simulated
/// inventory; a live driver would hand it a cache of describe calls.
public protocol InventoryView {
    func resource(id: String) -> Resource?
    func forEachResource(ofType type: String, _ body: (Resource) -> Void)
    /// Who last changed the resource and when, as CloudTrail or the Activity Log records it; nil
    /// when unknown. The loop guard names the cause of a loop from it.
    func lastChange(of id: String) -> ResourceChange?
}

extension InventoryView {
    public func lastChange(of id: String) -> ResourceChange? { nil }
}

/// A change's author: a person, a pipeline (`terraform`), or a remediation (`remsim/POLICY`).
public struct ResourceChange: Sendable, Hashable {
    public var actor: String
    public var at: Timestamp
    public init(actor: String, at: Timestamp) {
        self.actor = actor
        self.at = at
    }

    /// The identity the engine's calls carry for `policy`.
    public static func remediationActor(policy: String) -> String { "remsim/\(policy)" }

    /// The policy whose remediation made this change, if one did.
    public var remediatingPolicy: String? { actor.hasPrefix("remsim/") ? String(actor.dropFirst("remsim/".count)) : nil }
}

extension Inventory: InventoryView {
    public func resource(id: String) -> Resource? { self[id] }
    public func forEachResource(ofType type: String, _ body: (Resource) -> Void) { forEach(ofType: type, body) }
}
