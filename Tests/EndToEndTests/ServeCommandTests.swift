import Foundation
import TestSupport
import Testing

/// `remsim serve` as a person uses it: the scenario's cloud up on 127.0.0.1, the AWS CLI
/// changing it, the scenario's own engine answering at simulated speed, Ctrl-C ending it.
struct ServeCommandTests {
    static let awsCLI: String? = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.map { "\($0)/aws" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test(.enabled(if: awsCLI != nil, "the AWS CLI is missing (pip install awscli)"))
    func theCLIOpensSSHAndTheScenariosEngineClosesItAgain() throws {
        let binary = try #require(TestSupport.remsimBinary, "the remsim binary is not built")
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: binary)
        // A simulated hour every 12 seconds: the engine's 90 s delivery delay is 0.3 s, and the
        // scenario's 2 hours (after which its clock stops, and its engine with it) leave the
        // AWS CLI's call 20 seconds to land in, on a machine busy with the other tests.
        serve.arguments = ["serve", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--port", "0", "--speed", "300"]
        serve.currentDirectoryURL = TestSupport.packageRoot
        serve.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 }
        serve.standardOutput = output
        serve.standardError = output
        try serve.run()
        defer { if serve.isRunning { serve.terminate() } }

        func text() -> String { String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self) }
        func waitFor(_ what: String) -> Bool { waitUntil { text().contains(what) } }
        func waitUntil(seconds: Double = 20, _ condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if condition() { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
        try #require(waitFor("AWS endpoint: http://127.0.0.1:"), "\(text())")
        let url = try #require(
            text().split(separator: "\n").first { $0.contains("AWS endpoint:") }?.split(separator: " ").first {
                $0.hasPrefix("http://127.0.0.1:")
            }.map(String.init))
        // It listens on the loopback address only, as the kernel reports its sockets.
        if let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8),
            let port = Int(url.split(separator: ":").last ?? "")
        {
            let hex = String(format: "%04X", port)
            let listening = table.split(separator: "\n").map { $0.split(separator: " ") }.filter {
                $0.count > 3 && $0[1].hasSuffix(":\(hex)") && $0[3] == "0A"
            }
            #expect(listening.map { String($0[1]) } == ["0100007F:\(hex)"])
        }
        // The key the banner gives acts in the account it names.
        let key = try #require(text().split(separator: "\n").first { $0.contains("AWS_ACCESS_KEY_ID=") })
        #expect(key.contains("AWS_ACCESS_KEY_ID=AKIA111111111111RSIM"))

        // Wait for the scenario's own story first: its injection at 10m, closed by its engine.
        #expect(waitFor("revoke-security-group-ingress --group-id sg-0a1b2c3d4e5f61001"), "\(text())")
        let opened = try aws(
            url,
            [
                "ec2", "authorize-security-group-ingress", "--group-id", "sg-0a1b2c3d4e5f61001", "--protocol", "tcp",
                "--port", "22", "--cidr", "0.0.0.0/0",
            ])
        #expect(opened.status == 0, "\(opened.errors)")
        #expect(waitFor("ec2 authorize-security-group-ingress --group-id sg-0a1b2c3d4e5f61001"), "\(text())")
        // Closed again by the engine: a second revoke after the CLI's call.
        #expect(waitUntil { text().components(separatedBy: "revoke-security-group-ingress").count == 3 }, "\(text())")
        let described = try aws(url, ["ec2", "describe-security-groups", "--group-ids", "sg-0a1b2c3d4e5f61001"])
        #expect(described.status == 0, "\(described.errors)")
        // SSH is open to the bastion range only; HTTPS to the world stays.
        let answer = try JSONSerialization.jsonObject(with: Data(described.output.utf8)) as? [String: Any]
        let group = (answer?["SecurityGroups"] as? [[String: Any]])?.first
        let open = (group?["IpPermissions"] as? [[String: Any]] ?? []).flatMap { rule in
            (rule["IpRanges"] as? [[String: Any]] ?? []).map { "\(rule["FromPort"] ?? "-") \($0["CidrIp"] ?? "")" }
        }
        #expect(open.sorted() == ["22 10.0.0.0/8", "443 0.0.0.0/0"], "\(open)")
        let refused = try aws(url, ["s3api", "get-bucket-cors", "--bucket", "acme-prod-assets-use1"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("NotImplemented"))

        serve.interrupt()
        // Ctrl-C must end it; a server that ignores it is a failure here, not a hung test run.
        #expect(waitUntil(seconds: 15) { !serve.isRunning }, "remsim serve did not stop on SIGINT")
        if serve.isRunning {
            serve.terminate()
            Thread.sleep(forTimeInterval: 1)
            if serve.isRunning { kill(serve.processIdentifier, SIGKILL) }
        }
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0, "\(text())")
        #expect(
            text().contains("1 call changed the cloud or tried to (0 failed); not served: s3:GET /{Bucket}?cors"),
            "\(text())")
    }

    @Test func itListsWhatItServesAndRefusesBadFlags() throws {
        let binary = try #require(TestSupport.remsimBinary, "the remsim binary is not built")
        let listed = try Self.run(binary, ["serve", "--operations"])
        #expect(listed.status == 0)
        #expect(listed.output.contains("ec2:DescribeSecurityGroups\n"))
        #expect(listed.output.contains("sts:AssumeRole\n"))
        for (arguments, message) in [
            (["serve", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--speed", "0"], "--speed"),
            (["serve", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--port", "70000"], "--port"),
            (["serve", "Scenarios/ssh-opened-to-world-is-closed.yaml", "--account", "12"], "--account"),
            (["serve", "Scenarios/no-such-scenario.yaml"], "no-such-scenario.yaml"),
        ] {
            let ran = try Self.run(binary, arguments)
            #expect(ran.status == 2, "\(arguments)")
            #expect(ran.errors.contains(message), "\(ran.errors)")
        }
    }

    struct Ran {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Ran {
        let ran = try TestSupport.runProgram(
            executable, arguments, in: TestSupport.packageRoot.path,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 })
        return Ran(status: ran.status, output: ran.stdout, errors: ran.stderr)
    }

    func aws(_ url: String, _ arguments: [String]) throws -> Ran {
        try Self.run(
            try #require(Self.awsCLI),
            arguments + ["--endpoint-url", url, "--region", "us-east-1", "--output", "json"],
            environment: [
                "AWS_ACCESS_KEY_ID": "AKIA111111111111RSIM", "AWS_SECRET_ACCESS_KEY": "remsim",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_MAX_ATTEMPTS": "1",
            ])
    }
}
