import Foundation
import Loading
import Policies
import PolicyPack
import Synchronization
import TestSupport
import Testing

/// A scenario reads only the built-in policies it names, each once, and reads them exactly as
/// the whole pack reads them.
struct PolicyPackSourceTests {
    /// The built-in pack, counting the policies read.
    final class Counting: Sendable {
        let reads = Mutex<[String]>([])
        var source: PolicyPackSource {
            PolicyPackSource(ids: BuiltinPolicies.source.ids) { id in
                self.reads.withLock { $0.append(id) }
                return BuiltinPolicies.source.policy(id) ?? .failure(LoadError(file: id, message: "none"))
            }
        }
    }

    func scenario(_ policies: String, in dir: String) throws -> String {
        try TestSupport.write(
            """
            version: 1
            name: named
            fixtures: [\(TestSupport.packageRoot.appendingPathComponent("Fixtures/acme").path)]
            policies: \(policies)
            engine:
              alert-rules:
                - {name: watch, detection: {mode: event, delivery-delay: 90s}}
            run-for: 1h
            """, to: "scenario.yaml", in: dir)
    }

    @Test func onlyTheNamedPoliciesAreReadEachOnce() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let counting = Counting()
        let loader = ScenarioLoader(pack: counting.source, paths: .anywhere)
        let file = try scenario("[builtin:aws-sg-ssh-open-to-world, builtin:aws-s3-public-access-block]", in: dir)
        let first = try loader.load(file: file)
        _ = try loader.load(file: file)
        #expect(first.policies.map(\.id) == ["aws-sg-ssh-open-to-world", "aws-s3-public-access-block"])
        #expect(counting.reads.withLock { $0 }.sorted() == ["aws-s3-public-access-block", "aws-sg-ssh-open-to-world"])
    }

    @Test func allOfThemAreThePackAsItLoadsWhole() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let loaded = try ScenarioLoader(pack: BuiltinPolicies.source, paths: .anywhere).load(
            file: try scenario("[builtin:all]", in: dir))
        let whole = try BuiltinPolicies.load()
        #expect(loaded.policies.map(\.id) == whole.map(\.id).sorted())
        #expect(loaded.policies.map(\.behaviour) == whole.sorted { $0.id < $1.id }.map(\.behaviour))
    }

    @Test func anUnknownNameIsRefusedWithTheNearestOneUnread() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let counting = Counting()
        let file = try scenario("[builtin:aws-sg-ssh-open-to-wrld]", in: dir)
        #expect {
            try ScenarioLoader(pack: counting.source, paths: .anywhere).load(file: file)
        } throws: { error in
            "\(error)".contains("no built-in policy 'aws-sg-ssh-open-to-wrld'")
                && "\(error)".contains("builtin:aws-sg-ssh-open-to-world")
        }
        #expect(counting.reads.withLock { $0 }.isEmpty)
    }
}
