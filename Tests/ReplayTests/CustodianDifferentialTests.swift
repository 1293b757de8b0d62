import CloudModel
import Foundation
import Loading
import Policies
import TestSupport
import Testing

@testable import Replay

/// Cloud Custodian itself against remsim's reading of the same policy files: for each case in
/// `Custodian/` (a policy file, unchanged, and the fixtures it runs on), the resources are made on
/// moto, `custodian run` acts on them there, remsim simulates the same policies on the same
/// resources, and both the matched resources and every resource's end state must agree.
///
/// Custodian comes from PyPI (`.ci/run` installs it in a virtual environment of its own and sets
/// REMSIM_CUSTODIAN to its `custodian`); moto and the AWS CLI as for the replay tests.
struct CustodianDifferentialTests {
    static let custodian: String? = {
        let env = ProcessInfo.processInfo.environment
        if let given = env["REMSIM_CUSTODIAN"], FileManager.default.isExecutableFile(atPath: given) { return given }
        let paths = (env["PATH"] ?? "").split(separator: ":")
        return paths.map { "\($0)/custodian" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let available = custodian != nil && MotoReplayTests.tools

    static let casesDirectory = TestSupport.packageRoot.appendingPathComponent("Tests/ReplayTests/Custodian").path

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: casesDirectory)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
    }()

    @Test func custodianIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_CUSTODIAN"] == "1" {
            #expect(Self.available, "REMSIM_REQUIRE_CUSTODIAN=1 but custodian, moto_server or aws is missing")
        }
        #expect(!Self.cases.isEmpty)
    }

    @Test(
        .enabled(if: available, "custodian, moto_server or aws is missing (pip install c7n 'moto[server]' awscli)"),
        arguments: cases)
    func custodianAndRemsimAgree(_ name: String) throws {
        let policyFile = "\(Self.casesDirectory)/\(name).yml"
        let policies = try PolicyLoader.load(file: policyFile, source: policyFile)
        let inventory = try FixtureLoader.load(paths: ["\(Self.casesDirectory)/\(name).fixtures.yaml"])
        let resources = inventory.all.sorted { $0.id < $1.id }
        let outcome = try MotoServer.run { cli, url in
            try CustodianComparison(resources: resources, policies: policies, cli: cli, replayId: "c7n-\(name)").run {
                try Self.runCustodian(policyFile, endpoint: url)
            }
        }
        if ProcessInfo.processInfo.environment["REMSIM_SHOW_CUSTODIAN_CASES"] != nil {
            print("\(name): matched \(outcome.matchedByCustodian.sorted { $0.key < $1.key })")
        }
        for policy in policies {
            #expect(
                outcome.matchedByRemsim[policy.id] == outcome.matchedByCustodian[policy.id],
                "\(policy.id): remsim matched \(outcome.matchedByRemsim[policy.id] ?? []), Custodian \(outcome.matchedByCustodian[policy.id] ?? [])"
            )
        }
        #expect(outcome.differences.isEmpty, "\(outcome.differences)")
        #expect(outcome.failedCalls.isEmpty, "\(outcome.failedCalls)")
        #expect(outcome.cleanup.isEmpty, "\(outcome.cleanup)")
        // A case that matches nothing would prove nothing.
        #expect(outcome.matchedByCustodian.values.contains { !$0.isEmpty })
    }

    /// The shipped example files are Custodian's own: `custodian validate` (with its Azure and GCP
    /// providers) accepts every one, and remsim loads every one.
    @Test(.enabled(if: custodian != nil, "custodian is missing (pip install c7n)"))
    func theExampleFilesAreValidCustodian() throws {
        let folder = TestSupport.packageRoot.appendingPathComponent("Fixtures/policies/custodian").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yml") }.sorted()
        #expect(files.count >= 5)
        for file in files {
            let path = "\(folder)/\(file)"
            #expect(try !PolicyLoader.load(file: path, source: path).isEmpty)
        }
        let (status, text) = try Self.runCustodianCommand(["validate"] + files.map { "\(folder)/\($0)" })
        #expect(status == 0, "custodian validate:\n\(text)")
        #expect(text.components(separatedBy: "Configuration valid").count - 1 == files.count, "\(text)")
    }

    /// Runs `custodian` with `arguments` (in `directory`, with `environment` added); its exit
    /// status and what it printed.
    static func runCustodianCommand(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    )
        throws -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: custodian!)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }.merging(
            ["C7N_SKIP_VERSION_CHECK": "1"]
        ) { $1 }
        let log = Pipe()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let text = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// `custodian run` on the unchanged file against the endpoint; each policy's matched resources.
    static func runCustodian(_ policyFile: String, endpoint: String) throws -> [String: [Value]] {
        let output = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        // A `value_from` file: URL is relative to where Custodian runs; remsim reads it relative
        // to the policy file.
        let (status, text) = try runCustodianCommand(
            ["run", "--cache-period", "0", "-s", output, policyFile],
            in: URL(fileURLWithPath: policyFile).deletingLastPathComponent().path,
            environment: [
                "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
            ])
        try #require(status == 0, "custodian run failed:\n\(text)")
        var out: [String: [Value]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: output) {
            let file = "\(output)/\(name)/resources.json"
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            out[name] = try Value(json: String(decoding: data, as: UTF8.self)).arrayValue ?? []
        }
        return out
    }
}
