import Foundation
import TestSupport
import Testing

/// A pull request can add files and links to a repository whose CI runs remsim. Nothing outside
/// the tree is read through any path remsim is given or finds, and nothing of a file that is not
/// remsim's own format is printed.
extension CommandLineTests {
    static let secret = "GITHUB_TOKEN=ghp_0123456789abcdefSECRET\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGSECRET\n"

    /// A workspace and, outside it, a secrets file; returns both.
    func hostileWorkspace() throws -> (dir: String, secret: String) {
        let dir = try workspace()
        let outside = try TestSupport.temporaryDirectory()
        let secret = try TestSupport.write(Self.secret, to: "ci.env", in: outside)
        return (dir, secret)
    }

    func expectRefusedUnread(_ r: Outcome, _ what: String) {
        #expect(r.status == 2, "\(what): exit \(r.status)")
        #expect(!r.stdout.contains("SECRET") && !r.stderr.contains("SECRET"), "\(what) printed the secret: \(r.stderr)")
        #expect(r.stderr.contains("not read") || r.stderr.contains("leads outside"), "\(what): \(r.stderr)")
    }

    @Test func linksOutOfTheTreeAreRefusedUnreadWhereverAPathComesFrom() throws {
        let (dir, secret) = try hostileWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        // Found by walking a directory, and named directly.
        try fm.createSymbolicLink(atPath: dir + "/Scenarios/evil.yaml", withDestinationPath: secret)
        expectRefusedUnread(try run(["run"], in: dir), "run over Scenarios/")
        expectRefusedUnread(try run(["validate"], in: dir), "validate over Scenarios/")
        expectRefusedUnread(try run(["run", "Scenarios/evil.yaml"], in: dir), "run FILE")
        expectRefusedUnread(try run(["validate", dir + "/Scenarios/evil.yaml"], in: dir), "validate ABSOLUTE-FILE")
        expectRefusedUnread(try run(["impact", "Scenarios/evil.yaml"], in: dir), "impact SCENARIO")
        expectRefusedUnread(
            try run(["replay", "Scenarios/evil.yaml", "--endpoint-url", "http://127.0.0.1:9"], in: dir), "replay FILE")
        expectRefusedUnread(
            try run(["policies", "list", "--policies", "Scenarios/evil.yaml"], in: dir), "policies list --policies")
        expectRefusedUnread(
            try run(["validate", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--policies", "Scenarios"], in: dir),
            "validate --policies DIR")
        expectRefusedUnread(try run(["impact", "--fixtures", "Scenarios/evil.yaml"], in: dir), "impact --fixtures")
        expectRefusedUnread(
            try run(
                ["import", "aws-describe", "Scenarios/evil.yaml", "--region", "us-east-1", "--output", "out"], in: dir),
            "import FILE")
        #expect(!fm.fileExists(atPath: dir + "/out"))
        try fm.removeItem(atPath: dir + "/Scenarios/evil.yaml")

        // Named by a scenario: a fixture directory holding a link, and a policy path that is one.
        try fm.createSymbolicLink(atPath: dir + "/Fixtures/acme/aws/leak.yaml", withDestinationPath: secret)
        expectRefusedUnread(
            try run(["run", "Scenarios/ssh-opened-to-world-is-closed.yaml"], in: dir), "a fixture directory with a link"
        )
        try fm.removeItem(atPath: dir + "/Fixtures/acme/aws/leak.yaml")
        let prisma = dir + "/Scenarios/prisma-cli-template-closes-ssh.yaml"
        try String(contentsOfFile: prisma, encoding: .utf8).replacingOccurrences(
            of: "../Fixtures/policies/prisma-sg-ssh-cli.yaml", with: "../Fixtures/policies"
        )
        .write(toFile: prisma, atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/Fixtures/policies/leak.yaml", withDestinationPath: secret)
        expectRefusedUnread(
            try run(["run", "Scenarios/prisma-cli-template-closes-ssh.yaml"], in: dir), "a policy directory with a link"
        )
        try fm.removeItem(atPath: dir + "/Fixtures/policies/leak.yaml")

        // Lifted only when asked.
        try fm.createSymbolicLink(atPath: dir + "/Scenarios/evil.yaml", withDestinationPath: secret)
        let allowed = try run(["validate", "Scenarios/evil.yaml", "--allow-outside-root"], in: dir)
        #expect(
            allowed.status == 2 && allowed.stderr.contains("not a remsim YAML file")
                && !allowed.stderr.contains("SECRET"), "\(allowed.stderr)")
    }

    @Test func aFileThatIsNotRemsimsFormatIsNeverQuoted() throws {
        let (dir, _) = try hostileWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(Self.secret, to: "Scenarios/copied.yaml", in: dir)
        let r = try run(["validate", "Scenarios/copied.yaml"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("Scenarios/copied.yaml:1:1: expected a mapping, found a plain value"), "\(r.stderr)")
        #expect(!r.stderr.contains("SECRET") && !r.stderr.contains("ghp_"))
        // A value deep in a remsim file is quoted, but only its first 40 characters.
        let long = String(repeating: "x", count: 500)
        try TestSupport.write(
            "version: 1\nname: \(long)\nfixtures: [../Fixtures/acme]\npolicies: "
                + "[builtin:aws-sg-ssh-open-to-world]\nengine: {alert-rules: [{name: r, detection: {mode: evnt}}]}\nrun-for: \(long)\n",
            to: "Scenarios/long.yaml", in: dir)
        let l = try run(["validate", "Scenarios/long.yaml"], in: dir)
        #expect(l.status == 2)
        #expect(!l.stderr.contains(String(repeating: "x", count: 41)), "\(l.stderr)")
    }
}

extension CommandLineTests {
    @Test func badFlagsAndLimitsAreBadInput() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for arguments in [
            ["validate", "--max-depth", "100000"], ["run", "--format", "xml"], ["validate", "--max-depth", "zero"],
            ["history", "--limit"],
        ] {
            let r = try run(arguments, in: dir)
            #expect(r.status == 2, "\(arguments): exit \(r.status)")
        }
        #expect(
            try run(["validate", "--max-depth", "100000"], in: dir).stderr.contains(
                "--max-depth: 100000 is over the ceiling of 1000"))
        // The built-in pack is remsim's own: a file limit of 0 refuses the scenario, not the pack.
        let zero = try run(
            ["validate", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--max-file-size", "0"], in: dir)
        #expect(zero.status == 2)
        #expect(
            zero.stderr.contains("ssh-opened-to-world-is-closed.yaml: the file is")
                && !zero.stderr.contains("PolicyPack"), "\(zero.stderr)")
    }

    @Test func readingAMissingDatabaseCreatesNothing() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for command in [["history"], ["report"], ["compare"]] {
            let r = try run(command + ["--db", "typo/runs.sqlite"], in: dir)
            #expect(r.status == 3, "\(command)")
            #expect(r.stderr.contains("typo/runs.sqlite: no such file"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/typo"))
        #expect(
            try run(["run", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--db", "runs.sqlite"], in: dir).status == 0
        )
        try FileManager.default.removeItem(atPath: dir + "/runs.sqlite.lock")
        #expect(try run(["history", "--db", "runs.sqlite"], in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/runs.sqlite.lock"), "reading takes no lock")
    }
}
