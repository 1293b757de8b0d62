import CloudModel

/// The engine's read-only window on resource state. The simulation hands it the simulated
/// inventory; a live driver would hand it a cache of describe calls.
public protocol InventoryView {
    func resource(id: String) -> Resource?
    func forEachResource(ofType type: String, _ body: (Resource) -> Void)
}

extension Inventory: InventoryView {
    public func resource(id: String) -> Resource? { self[id] }
    public func forEachResource(ofType type: String, _ body: (Resource) -> Void) { forEach(ofType: type, body) }
}
