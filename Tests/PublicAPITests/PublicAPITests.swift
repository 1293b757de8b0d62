// Built without package access (Package.swift): it sees only what remsim
// makes public, so a declaration the README's example needs cannot slip back to `package`.
import Foundation
import RemsimKit
import Testing

struct PublicAPITests {
    /// The README's example: load a suite, run and record it, read each result's assertions and
    /// final inventory.
    @Test func theDocumentedExampleCompilesAndRuns() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scenarios = root.appendingPathComponent("Scenarios/ssh-opened-to-world-is-closed.yaml").path
        let database = FileManager.default.temporaryDirectory.appendingPathComponent(
            "remsim-api-\(getpid())-\(UUID().uuidString)/runs.sqlite"
        ).path
        defer { try? FileManager.default.removeItem(atPath: (database as NSString).deletingLastPathComponent) }

        let suite = try ScenarioSuite.load([scenarios], confinement: .anywhere)
        var lines: [String] = []
        let run = try suite.run(recordingIn: database, labels: ["my-branch"], gitCommit: nil) { result in
            lines.append((result.passed ? "PASS " : "FAIL ") + result.name)
        }
        #expect(lines == ["PASS ssh-opened-to-world-is-closed"])
        #expect(run.passed && run.runId > 0)
        for result in run.results {
            #expect(result.assertions.allSatisfy { $0.passed })
            #expect(!result.assertions.map(\.expected).isEmpty)
            let group = try #require(result.finalInventory["sg-0a1b2c3d4e5f61001"])
            #expect(group.type == "aws.security-group")
            #expect(result.finalInventory.count > 1)
            #expect(result.summary(.mttr).p95 != nil)
        }
    }

    /// A scenario's problems come back as values a program can read: file, line, message.
    @Test func loadErrorsNameTheFileAndLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "remsim-api-bad-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "version: 1\nname: bad\n".write(
            to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        #expect {
            try ScenarioSuite.load([dir.path], confinement: .anywhere)
        } throws: { error in
            guard let problem = (error as? LoadErrors)?.errors.first else { return false }
            return problem.file.hasSuffix("bad.yaml") && problem.line == 1
                && problem.message == "missing required key 'fixtures'"
        }
    }
}
