import CloudModel
import Foundation
import TestSupport
import Testing

@testable import Endpoint

/// An endpoint on a free port of 127.0.0.1 for the length of a test, and real programs run
/// against it without blocking the threads that serve it.
enum ServedEndpoint {
    static let tools: Bool = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.contains { FileManager.default.isExecutableFile(atPath: "\($0)/aws") }
    }()

    /// The python beside `moto_server` on PATH: it has moto and boto3.
    static let motoPython: String? = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        return paths.first { FileManager.default.isExecutableFile(atPath: "\($0)/moto_server") }.map { "\($0)/python" }
    }()

    /// Serves `live` while `body` runs, with the endpoint's URL. The server runs on a thread of
    /// its own (`BackgroundServer`), so tests that block theirs do not starve it.
    static func with<T: Sendable>(
        _ live: LiveCloud, _ endpoint: AWSEndpoint, _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let server = try BackgroundServer { live.respond(to: $0, with: endpoint) }
        defer { server.stop() }
        return try await body(server.url)
    }

    struct Ran: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `executable` (looked up on PATH) and waits for it without holding a thread.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil
    )
        async throws -> Ran
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Files, not pipes: reading a pipe until its end would hold one of the few threads that
        // also serve the program's requests.
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = "\(directory)/out"
        let errPath = "\(directory)/err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        let status: Int32 = try await withCheckedThrowingContinuation { done in
            process.terminationHandler = { done.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { done.resume(throwing: error) }
        }
        let o = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let e = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return Ran(status: status, output: o, errors: e)
    }

    /// `aws ARGUMENTS` against `url` as the caller with `key`, its answer parsed.
    static func aws(
        _ url: String, _ arguments: [String], key: String = "testing", region: String = "us-east-1", attempts: Int = 1
    ) async throws -> (Ran, Value?) {
        let ran = try await run(
            "aws", arguments + ["--endpoint-url", url, "--region", region, "--output", "json"],
            environment: [
                "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_MAX_ATTEMPTS": String(attempts), "AWS_RETRY_MODE": "standard",
            ])
        let text = ran.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return (ran, text.isEmpty ? nil : try? Value(json: text))
    }
}
