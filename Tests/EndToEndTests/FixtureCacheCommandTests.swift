import Foundation
import TestSupport
import Testing

/// `remsim run` reads fixtures through `.remsim/cache/fixtures`: the same results with and
/// without it, every change seen, and a cache folder that is a link never written through.
struct FixtureCacheCommandTests {
    let cli = CommandLineTests()

    func objects(_ dir: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: dir + "/.remsim/cache/fixtures/objects")) ?? []
    }

    @Test func aCachedRunGivesTheSameResultsAsAParsedOne() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let parsed = try cli.run(["run", "--no-cache", "--db", "a.sqlite"], in: dir)
        #expect(parsed.status == 0, "\(parsed.stderr)")
        #expect(objects(dir).isEmpty, "--no-cache writes no cache")

        let first = try cli.run(["run", "--db", "a.sqlite"], in: dir)
        #expect(!objects(dir).isEmpty)
        let second = try cli.run(["run", "--db", "a.sqlite"], in: dir)
        let lines = { (r: CommandLineTests.Outcome) in
            r.stdout.split(separator: "\n").filter { !$0.contains(" recorded in ") }
        }
        #expect(lines(first) == lines(parsed), "the first cached run differs")
        #expect(lines(second) == lines(parsed), "the second cached run differs")
        // The runs used the same fixtures: compare finds no change in them.
        let compare = try cli.run(["compare", "1", "3", "--db", "a.sqlite"], in: dir)
        #expect(compare.status == 0, "\(compare.stdout)\(compare.stderr)")
        #expect(!(compare.stdout + compare.stderr).contains("different fixtures"), "\(compare.stdout)")
    }

    @Test func aFixtureChangedAfterItWasCachedIsReadAgain() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenario = "Scenarios/ssh-opened-to-world-is-closed.yaml"
        let before = try cli.run(["run", scenario], in: dir)
        #expect(before.status == 0, "\(before.stdout)\(before.stderr)")
        // The group the scenario opens to the world is gone from the fixtures: the scenario can
        // no longer load, which only a fresh read of the file can tell.
        let fixture = dir + "/Fixtures/acme/aws/111111111111/us-east-1/network.yaml"
        let text = try String(contentsOfFile: fixture, encoding: .utf8)
        try text.replacingOccurrences(of: "sg-0a1b2c3d4e5f61001", with: "sg-0a1b2c3d4e5f6ffff").write(
            toFile: fixture, atomically: true, encoding: .utf8)
        let after = try cli.run(["run", scenario], in: dir)
        #expect(after.status == 2, "\(after.stdout)\(after.stderr)")
        #expect(after.stderr.contains("sg-0a1b2c3d4e5f61001"), "\(after.stderr)")
    }

    @Test func aCacheFolderThatIsALinkIsNotWrittenThrough() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outside = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.createDirectory(atPath: dir + "/.remsim", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/.remsim/cache", withDestinationPath: outside)
        let r = try cli.run(["run", "Scenarios/ssh-opened-to-world-is-closed.yaml"], in: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("warning: the fixture cache is not used: .remsim/cache is a link"), "\(r.stderr)")
        #expect((try FileManager.default.subpathsOfDirectory(atPath: outside)).isEmpty)
    }
}
