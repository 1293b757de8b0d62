import Foundation
import Loading
import RemsimKit
import RunStore
import Simulation
import TestSupport
import Testing

/// The layer `remsim run` stands on, called as a user's Swift code calls it.
struct SuiteTests {
    @Test func aSuiteIsLoadedRunAndRecordedAsTheCommandLineDoesIt() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = try ScenarioSuite.load(
            [
                TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml",
                TestSupport.scenariosDirectory + "/snooze-dismiss-and-disable.yaml",
            ], confinement: .anywhere)
        var seen: [String] = []
        let run = try suite.run(recordingIn: dir + "/runs.sqlite", labels: ["t"], gitCommit: nil) {
            seen.append($0.name)
        }
        #expect(seen == suite.scenarios.map(\.name))
        #expect(run.passed)
        let db = try RunDatabase(readingFrom: dir + "/runs.sqlite")
        let row = try #require(try db.runs().first)
        #expect(row.id == run.runId && row.status == .complete && row.scenarioCount == 2 && row.labels == ["t"])
        // The same suite run again gives the same results: same scenario, same seed.
        let again = try suite.run()
        #expect(again.map(\.assertions.count) == run.results.map(\.assertions.count))
        #expect(again.map(\.attempts.count) == run.results.map(\.attempts.count))
    }

    /// The fixtures' digest is taken as their files are read: scenarios that share fixtures
    /// share it, other fixtures have another, and one changed byte changes it.
    @Test func fixturesAreDigestedOnceAsTheyAreRead() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(
            atPath: TestSupport.packageRoot.appendingPathComponent("Fixtures").path, toPath: dir + "/Fixtures")
        try FileManager.default.createDirectory(atPath: dir + "/Scenarios", withIntermediateDirectories: true)
        for name in [
            "ssh-opened-to-world-is-closed.yaml", "snooze-dismiss-and-disable.yaml",
            "incident-all-traffic-rule-waits-for-approval.yaml",
        ] {
            try FileManager.default.copyItem(
                atPath: TestSupport.scenariosDirectory + "/" + name, toPath: dir + "/Scenarios/" + name)
        }
        let suite = try ScenarioSuite.load([dir + "/Scenarios"], confinement: .anywhere)
        let digests = Dictionary(uniqueKeysWithValues: suite.scenarios.map { ($0.name, $0.fixturesDigest) })
        let acme = try #require(digests["ssh-opened-to-world-is-closed"] ?? nil)
        #expect(digests["snooze-dismiss-and-disable"] == acme)
        #expect(digests["incident-all-traffic-rule-waits-for-approval"] != acme)
        let file = dir + "/Fixtures/acme/gcp/acme-data-7310/network.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let changed = try ScenarioSuite.load(
            [dir + "/Scenarios/ssh-opened-to-world-is-closed.yaml"], confinement: .anywhere)
        #expect(changed.scenarios.first?.fixturesDigest != acme)
    }

    @Test func everyBadFileIsReportedNotJustTheFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name: a\nrun-for: 1h\nfixtures: [missing.json]\n".write(
            toFile: dir + "/a.yaml", atomically: true, encoding: .utf8)
        try "name: b\nrun-for: soon\n".write(toFile: dir + "/b.yaml", atomically: true, encoding: .utf8)
        #expect {
            try ScenarioSuite.load([dir], confinement: .anywhere)
        } throws: { error in
            // Each file's every problem (a.yaml lacks version, policies and engine), in file order.
            let files = (error as? LoadErrors)?.errors.map { ($0.file as NSString).lastPathComponent } ?? []
            return files.first == "a.yaml" && files.last == "b.yaml" && files.count > 2
                && files == files.sorted()
        }
    }

    @Test func aDatabaseThatCannotBeOpenedStopsTheRunBeforeAnyScenarioRuns() throws {
        let suite = try ScenarioSuite.load(
            [TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml"], confinement: .anywhere)
        var ran = 0
        #expect(throws: SuiteError.self) {
            try suite.run(recordingIn: "/proc/remsim/runs.sqlite", gitCommit: nil) { _ in ran += 1 }
        }
        #expect(ran == 0)
    }
}
