import Foundation
import RunStore
import TestSupport
import Testing

/// What `remsim run` and `remsim validate` promise about scenarios that cannot run, and that the
/// built-in pack travels inside the binary.
extension CommandLineTests {
    static let stopper = """
        version: 1
        name: drift-every-second
        fixtures: [../Fixtures/acme]
        policies: [builtin:aws-sg-ssh-open-to-world]
        engine:
          alert-rules:
            - {name: r, auto-remediate: true, detection: {mode: event}}
        timeline:
          - at: 1m
            drift: {actor: tf, every: 1s}
            resource: sg-0a1b2c3d4e5f61002
            with: {set: {Description: drifting}}
        run-for: 2h
        expect:
          - {resource: sg-0a1b2c3d4e5f61002, compliant-with: [aws-sg-ssh-open-to-world]}
        """

    @Test func aScenarioThatStopsDuringItsRunIsRecordedWithTheOthers() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(Self.stopper, to: "Scenarios/stopper.yaml", in: dir)
        let r = try run(
            [
                "run", "Scenarios/ssh-opened-to-world-is-closed.yaml", "Scenarios/stopper.yaml", "--max-events", "2000",
                "--db", "runs.sqlite",
            ], in: dir)
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("PASS  ssh-opened-to-world-is-closed"))
        #expect(r.stdout.contains("STOP  drift-every-second"))
        #expect(r.stdout.contains("stopped after 2000 simulated events"))
        #expect(r.stdout.contains("2 scenarios: 1 passed, 1 failed · run 1 recorded in runs.sqlite"))
        let db = try RunDatabase(path: dir + "/runs.sqlite")
        let recorded = try #require(try db.runs().first)
        #expect(recorded.status == .complete)
        let scenarios = try db.scenarioResults(runId: try #require(recorded.id))
        #expect(scenarios.map(\.name).sorted() == ["drift-every-second", "ssh-opened-to-world-is-closed"])
        let stopped = try #require(scenarios.first { $0.name == "drift-every-second" })
        #expect(!stopped.passed)
        #expect(stopped.error?.contains("stopped after 2000 simulated events") == true)
        #expect(
            try db.timeline(scenarioResultId: try #require(stopped.id)).contains {
                $0.text.hasPrefix("the run stopped")
            })

        let report = try run(["report", "--db", "runs.sqlite", "--output", "report.html"], in: dir)
        #expect(report.status == 0)
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(html.contains(">STOP</span> drift-every-second") && html.contains("its expectations were not checked"))

        let junit = try run(
            ["run", "Scenarios/stopper.yaml", "--max-events", "2000", "--db", "j.sqlite", "--format", "junit"], in: dir)
        #expect(
            junit.stdout.contains(#"errors="1""#) && junit.stdout.contains(#"<error message="stopped"#),
            "\(junit.stdout)")
    }

    @Test func validateAndRunRefuseTheSameTimelineBeforeAnythingRuns() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Every shipped scenario is fine; this one names a group after deleting it.
        try TestSupport.write(
            """
            version: 1
            name: deleted-then-named
            fixtures: [../Fixtures/acme]
            policies: [builtin:aws-sg-ssh-open-to-world]
            engine:
              alert-rules:
                - {name: r, auto-remediate: true, detection: {mode: event}}
            timeline:
              - {at: 10m, inject: delete-resource, resource: sg-0a1b2c3d4e5f61002}
              - {at: 20m, inject: open-ingress, resource: sg-0a1b2c3d4e5f61002, with: {port: 22, cidr: 0.0.0.0/0}}
            run-for: 1h
            """, to: "Scenarios/zz-deleted-then-named.yaml", in: dir)
        let message =
            "Scenarios/zz-deleted-then-named.yaml:10:5: timeline[1]: the timeline names resource "
            + "'sg-0a1b2c3d4e5f61002', which the entry at"
        let v = try run(["validate"], in: dir)
        #expect(v.status == 2)
        #expect(v.stderr.contains(message), "\(v.stderr)")
        let r = try run(["run"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message))
        #expect(!r.stdout.contains("PASS"), "nothing runs, nothing is printed as passed")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.remsim/runs.sqlite"), "nothing is recorded")
    }

    /// The pack is compiled in: the binary copied alone into an empty folder lists all of it.
    @Test func theBinaryCopiedAloneStillHasItsPolicies() throws {
        let binary = try #require(Self.binary, "the remsim binary is not built")
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: binary, toPath: dir + "/remsim")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dir + "/remsim")
        process.arguments = ["policies", "list"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let files = try FileManager.default.subpathsOfDirectory(
            atPath: TestSupport.packageRoot.appendingPathComponent("Sources/PolicyPack/Policies").path
        )
        .filter { $0.hasSuffix(".yaml") }
        #expect(text.contains("\(files.count) policies ("), "\(text.suffix(200))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["remsim"], "nothing beside it")
    }
}
