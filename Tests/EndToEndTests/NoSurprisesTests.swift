import Foundation
import TestSupport
import Testing

/// `remsim run` does what the scenario files say and nothing else: it starts no other program,
/// opens no network connection, and reads nothing outside the tree its scenarios live in.
struct NoSurprisesTests {
    let cli = CommandLineTests()

    /// strace, when it is installed and may trace here (some containers forbid ptrace).
    static let strace: String? = {
        guard
            let path = ["/usr/bin/strace", "/bin/strace"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { return nil }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: path)
        probe.arguments = ["-f", "-o", "/dev/null", "/bin/true"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? path : nil
    }()

    /// CI installs strace and sets REMSIM_REQUIRE_STRACE, so the system-call test cannot be
    /// skipped there unnoticed.
    @Test func straceIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_STRACE"] == "1" {
            #expect(
                Self.strace != nil,
                "REMSIM_REQUIRE_STRACE=1 but strace is missing or may not trace here (apt-get install strace)")
        }
    }

    /// The whole suite under strace, following every thread: one execve (remsim itself), no
    /// internet socket, and no connection but the C library's look-up of the user's name through
    /// the local name-service cache.
    @Test(.enabled(if: strace != nil, "no strace that may trace here (apt-get install strace)"))
    func aRunStartsNoProgramAndOpensNoConnection() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let binary = try #require(CommandLineTests.binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.strace))
        process.arguments = [
            "-f", "-qq", "-e", "trace=execve,execveat,fork,vfork,socket,connect", "-o", dir + "/trace.log", binary,
            "run", "--db", "runs.sqlite",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let trace = try String(contentsOfFile: dir + "/trace.log", encoding: .utf8)
        guard !trace.contains("PTRACE_TRACEME") && !trace.isEmpty else {
            Issue.record("strace could not trace here: \(trace.prefix(200))")
            return
        }
        #expect(process.terminationStatus == 0)
        // Each line is "PID  call(...)", the PID left-aligned in a padded column.
        let calls = trace.split(separator: "\n").map { $0.drop { $0 != " " }.drop { $0 == " " } }
        let programs = calls.filter {
            $0.hasPrefix("execve") || $0.hasPrefix("execveat") || $0.hasPrefix("vfork") || $0.hasPrefix("fork")
        }
        #expect(programs.count == 1 && programs.first?.contains(binary) == true, "\(programs)")
        let sockets = calls.filter { $0.hasPrefix("socket(") }
        #expect(sockets.allSatisfy { $0.hasPrefix("socket(AF_UNIX") }, "\(sockets)")
        let connections = calls.filter { $0.hasPrefix("connect(") }
        #expect(connections.allSatisfy { $0.contains("sun_path=\"/var/run/nscd/socket\"") }, "\(connections)")
        #expect(calls.count > 1, "the trace holds the run's calls")
    }

    @Test func scenarioPathsOutsideTheTreeAreRefusedUnlessAllowed() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/Scenarios/ssh-opened-to-world-is-closed.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(
            of: "fixtures: [../Fixtures/acme]", with: "fixtures: [../Fixtures/acme, ../../../../../../etc/ssl]"
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try cli.run(["run", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--db", "r.sqlite"], in: dir)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("fixtures[1]: '/etc/ssl' is outside"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.sqlite"), "nothing recorded")
        let validated = try cli.run(["validate", "Scenarios/ssh-opened-to-world-is-closed.yaml"], in: dir)
        #expect(validated.status == 2 && validated.stderr.contains("is outside"))
        let allowed = try cli.run(
            ["run", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--db", "r.sqlite", "--allow-outside-root"], in: dir
        )
        #expect(!allowed.stderr.contains("is outside"), "\(allowed.stderr)")
    }

    /// A scenario kept outside the repository may name the repository's fixtures when remsim runs
    /// in the repository: both its own directory and the working directory are roots. Anything
    /// else outside stays refused, with both roots named; `--root` repeated gives several.
    @Test func aScenarioOutsideTheTreeMayNameTheWorkingDirectorysFiles() throws {
        let dir = try cli.workspace()
        let elsewhere = try TestSupport.temporaryDirectory()
        let secrets = try TestSupport.temporaryDirectory()
        defer {
            for d in [dir, elsewhere, secrets] { try? FileManager.default.removeItem(atPath: d) }
        }
        let text = try String(
            contentsOfFile: dir + "/Scenarios/ssh-opened-to-world-is-closed.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "fixtures: [../Fixtures/acme]", with: "fixtures: [\(dir)/Fixtures/acme]")
            .write(toFile: elsewhere + "/mine.yaml", atomically: true, encoding: .utf8)
        let ran = try cli.run(["run", elsewhere + "/mine.yaml", "--db", "r.sqlite"], in: dir)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.contains("PASS  ssh-opened-to-world-is-closed"))

        try TestSupport.write(
            "version: 1\naccount: \"111111111111\"\nregion: us-east-1\nresources:\n  - id: sg-x\n"
                + "    type: aws.security-group\n    properties: {GroupId: sg-x, IpPermissions: []}\n",
            to: "net.yaml", in: secrets)
        try text.replacingOccurrences(
            of: "fixtures: [../Fixtures/acme]", with: "fixtures: [\(dir)/Fixtures/acme, \(secrets)/net.yaml]"
        ).write(toFile: elsewhere + "/mine.yaml", atomically: true, encoding: .utf8)
        let refused = try cli.run(["validate", elsewhere + "/mine.yaml"], in: dir)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("fixtures[1]: '\(secrets)/net.yaml' is outside ")
                && refused.stderr.contains(" and \(dir), the directories remsim may read in"), "\(refused.stderr)")
        let rooted = try cli.run(
            ["validate", elsewhere + "/mine.yaml", "--root", elsewhere, "--root", secrets, "--root", dir], in: dir)
        #expect(rooted.status == 0, "\(rooted.stderr)")
    }

    @Test func limitsAreNamedInTheErrorAndRaisedByTheirFlag() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenario = "Scenarios/throttled-calls-retry-with-backoff.yaml"
        let small = try cli.run(["validate", scenario, "--max-timeline", "3"], in: dir)
        #expect(small.status == 2)
        #expect(
            small.stderr.contains("timeline: 5 timeline entries, over the limit of 3 (raise it with --max-timeline)"),
            "\(small.stderr)")
        #expect(try cli.run(["validate", scenario, "--max-timeline", "5"], in: dir).status == 0)
        let tiny = try cli.run(["run", scenario, "--max-file-size", "1KiB", "--db", "r.sqlite"], in: dir)
        #expect(
            tiny.status == 2 && tiny.stderr.contains("over the limit of 1 KiB (raise it with --max-file-size)"),
            "\(tiny.stderr)")
        let bad = try cli.run(["run", scenario, "--max-file-size", "lots"], in: dir)
        #expect(
            bad.status != 0
                && bad.stderr.contains("--max-file-size: expected a size such as 64MiB or 2GB, found 'lots'"))
    }
}
