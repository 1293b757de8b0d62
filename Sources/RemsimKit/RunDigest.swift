import CloudModel
import Loading
import Policies
import Simulation

/// Digests of what a run ran on, so `remsim compare` can say when two runs used different
/// fixtures or policies. FNV-1a over a canonical text (each resource as a fixture file writes
/// it, each policy's `behaviour`): it detects change, it is not a seal.
enum RunDigest {
    static func fixtures(_ scenarios: [Scenario]) -> String {
        // Each distinct inventory counts once, in a stable order, whichever scenarios share it.
        var digests: Set<String> = []
        for scenario in scenarios {
            var h = FNV()
            for r in scenario.inventory.all.sorted(by: { $0.id < $1.id }) { h.add(FixtureWriter.value(of: r).jsonText) }
            digests.insert(h.hex)
        }
        var all = FNV()
        for d in digests.sorted() { all.add(d) }
        return all.hex
    }

    static func policies(_ scenarios: [Scenario]) -> String {
        var h = FNV()
        var done: Set<String> = []
        for policy in scenarios.flatMap(\.policies).sorted(by: { $0.id < $1.id }) where done.insert(policy.id).inserted
        {
            h.add(policy.behaviour.jsonText)
        }
        return h.hex
    }

    struct FNV {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add(_ text: String) {
            for byte in text.utf8 {
                value ^= UInt64(byte)
                value = value &* 0x0000_0100_0000_01B3
            }
            value ^= 0xFF
            value = value &* 0x0000_0100_0000_01B3
        }
        var hex: String { String(value, radix: 16).leftPadded(to: 16) }
    }
}
