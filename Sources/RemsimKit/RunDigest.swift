import CloudModel
import Loading
import Policies
import Simulation

/// Digests of what a run ran on, so `remsim compare` can say when two runs used different
/// fixtures or policies: `ContentDigest` over the fixture files' bytes and each policy's
/// `behaviour`. It detects change, it is not a seal.
enum RunDigest {
    static func fixtures(_ scenarios: [Scenario]) -> String {
        // Each distinct inventory counts once, in a stable order, whichever scenarios share it:
        // the digest of its files' bytes, taken while they were read; for a scenario built in
        // code, of what its inventory holds (`Inventory.contentDigest`).
        var digests: Set<String> = []
        for scenario in scenarios {
            digests.insert(scenario.fixturesDigest ?? scenario.inventory.contentDigest.hex)
        }
        var all = ContentDigest()
        for d in digests.sorted() { all.add(d) }
        return all.hex
    }

    static func policies(_ scenarios: [Scenario]) -> String {
        var h = ContentDigest()
        var done: Set<String> = []
        for policy in scenarios.flatMap(\.policies).sorted(by: { $0.id < $1.id }) where done.insert(policy.id).inserted
        {
            h.add(policy.behaviour.jsonText)
        }
        return h.hex
    }
}
