import Foundation
import Policies
import Synchronization

/// Built-in policies as the loaders see them: every id, and each policy read only when a
/// reference first names it. A scenario naming three built-in policies reads three files, not the
/// whole pack: parsing the pack's YAML was half of a small run's time.
package struct PolicyPackSource: Sendable {
    /// Every id, sorted.
    package let ids: [String]
    private let reader: Reader

    /// A pack whose policies are already read (code that builds its own, tests).
    package init(_ policies: [Policy]) {
        let byId = Dictionary(policies.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        ids = byId.keys.sorted()
        reader = Reader { id in byId[id].map { .success($0) } }
    }

    /// A pack of `ids` whose policy `id` is read by `read` the first time it is named, once.
    package init(ids: [String], read: @escaping @Sendable (String) -> Result<Policy, LoadError>) {
        self.ids = ids.sorted()
        let known = Set(ids)
        reader = Reader { id in known.contains(id) ? read(id) : nil }
    }

    /// The policy `id`: nil when there is none, a failure when its file cannot be read.
    package func policy(_ id: String) -> Result<Policy, LoadError>? { reader.policy(id) }

    /// Reads each policy once, whichever thread asks first.
    private final class Reader: Sendable {
        private let read: @Sendable (String) -> Result<Policy, LoadError>?
        private let cache = Mutex<[String: Result<Policy, LoadError>]>([:])

        init(_ read: @escaping @Sendable (String) -> Result<Policy, LoadError>?) { self.read = read }

        func policy(_ id: String) -> Result<Policy, LoadError>? {
            if let known = cache.withLock({ $0[id] }) { return known }
            guard let result = read(id) else { return nil }
            cache.withLock { $0[id] = result }
            return result
        }
    }
}
