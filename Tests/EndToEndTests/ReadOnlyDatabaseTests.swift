import Foundation
import TestSupport
import Testing

/// The read-only commands read a run database on a read-only file system (a CI cache restored
/// read-only, an artifact mounted for review). This needs a read-only bind mount, which needs
/// root; CI runs as root and sets REMSIM_REQUIRE_MOUNT, so the test cannot be skipped there.
struct ReadOnlyDatabaseTests {
    let cli = CommandLineTests()

    static func sh(_ command: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A folder `source`, mounted read-only at a new folder; nil where mounting is not allowed.
    static func readOnlyMount(of source: String) -> String? {
        guard let target = try? TestSupport.temporaryDirectory() else { return nil }
        guard sh("mount --bind '\(source)' '\(target)' && mount -o remount,bind,ro '\(target)'") == 0 else {
            _ = sh("umount '\(target)'")
            return nil
        }
        return target
    }

    static let canMount: Bool = {
        guard let dir = try? TestSupport.temporaryDirectory(), let mounted = readOnlyMount(of: dir) else {
            return false
        }
        _ = sh("umount '\(mounted)'")
        return true
    }()

    @Test func mountingIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_MOUNT"] == "1" {
            #expect(Self.canMount, "REMSIM_REQUIRE_MOUNT=1 but a read-only bind mount cannot be made here")
        }
    }

    @Test(.enabled(if: canMount, "read-only bind mounts need root"))
    func historyReportAndCompareReadADatabaseOnAReadOnlyFileSystem() throws {
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: store) }
        #expect(
            try cli.run(
                ["run", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--db", store + "/runs.sqlite"], in: dir
            ).status == 0)
        try FileManager.default.removeItem(atPath: store + "/runs.sqlite.lock")
        let mounted = try #require(Self.readOnlyMount(of: store))
        defer { _ = Self.sh("umount '\(mounted)'") }
        let history = try cli.run(["history", "--db", mounted + "/runs.sqlite"], in: dir)
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("aws-sg-ssh-open-to-world 1m30.3s"))
        let report = try cli.run(["report", "--db", mounted + "/runs.sqlite", "--output", dir + "/r.html"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try cli.run(["compare", "1", "1", "--db", mounted + "/runs.sqlite"], in: dir).status == 0)
        // Recording there is refused, with the reason.
        let run = try cli.run(
            ["run", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--db", mounted + "/runs.sqlite"], in: dir)
        #expect(run.status == 3)
        #expect(
            run.stderr.contains("cannot open the run database \(mounted)/runs.sqlite: cannot create its lock file"),
            "\(run.stderr)")
    }
}
