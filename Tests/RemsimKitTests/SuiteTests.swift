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
