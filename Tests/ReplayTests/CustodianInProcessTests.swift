import CloudModel
import Foundation
import Loading
import Policies
import RemediationEngine
import Simulation
import TestSupport
import Testing

/// Cloud Custodian's Azure and GCP providers against remsim's reading of the same policy files.
/// No emulator serves those clouds, so Custodian runs in process (`Custodian/in_process.py`): its
/// own loading, schema validation, filters and actions on the resources each case's fixtures
/// hold, with only the cloud's client replaced by one that records the calls. For every policy,
/// the resources Custodian matches must be remsim's, and the calls its actions make must be the
/// calls remsim plans (named as remsim's catalog names them), each of which remsim's simulated
/// cloud must then carry out.
struct CustodianInProcessTests {
    static let python = TestSupport.custodianPython

    static let directory = TestSupport.packageRoot.appendingPathComponent("Tests/ReplayTests/Custodian").path

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/in-process")) ?? []
        return names.filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
    }()

    @Test func custodianIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_CUSTODIAN"] == "1" {
            #expect(
                Self.python != nil, "REMSIM_REQUIRE_CUSTODIAN=1 but REMSIM_CUSTODIAN names no custodian beside a python"
            )
        }
        #expect(Self.cases.count >= 2)
    }

    @Test(
        .enabled(if: python != nil, "REMSIM_CUSTODIAN is not set (pip install c7n c7n-azure c7n-gcp)"),
        arguments: cases)
    func custodianAndRemsimAgree(_ name: String) throws {
        let policyFile = "\(Self.directory)/in-process/\(name).yml"
        let policies = try PolicyLoader.load(file: policyFile, source: policyFile)
        let inventory = try FixtureLoader.load(paths: ["\(Self.directory)/in-process/\(name).fixtures.yaml"])
        var byType: [String: [Resource]] = [:]
        for resource in inventory.all.sorted(by: { $0.id < $1.id }) {
            byType[resource.type, default: []].append(resource)
        }

        let custodian = try Self.runCustodian(
            policyFile,
            byType.mapValues {
                // Each resource as its cloud's API describes it, its tags where Azure (`tags`) or GCP
                // (`labels`) carries them.
                $0.map { CustodianShape.document(type: $0.type, properties: $0.properties, tags: $0.tags) }
            })
        let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        let evaluator = Evaluator(now: now)
        for policy in policies {
            var matched: [Value] = []
            var calls: [Value] = []
            var cloud = SimulatedCloud(inventory: inventory)
            cloud.now = now
            for (index, resource) in (byType[policy.resourceType] ?? []).enumerated() {
                guard let finding = evaluator.finding(policy, resource) else { continue }
                matched.append(.int(index))
                guard policy.remediation != nil else { continue }
                let plan = try RemediationPlan(policy: policy, finding: finding, resource: resource, now: now)
                for call in plan.calls {
                    calls.append(["operation": .string(call.operation), "parameters": call.parameters])
                    let result = cloud.apply(
                        CloudOperation(
                            callId: calls.count, name: call.operation, cloud: resource.cloud ?? .aws,
                            account: resource.account, region: resource.region, resourceId: resource.id,
                            parameters: call.parameters, command: call.command))
                    if case .failed(let code, let message) = result.outcome, !call.alreadyDone.contains(code) {
                        Issue.record("\(policy.id): \(call.operation) on \(resource.id) failed: \(code): \(message)")
                    }
                }
            }
            #expect(
                custodian["matched"]?[policy.id] == .array(matched),
                "\(policy.id): remsim matched \(matched), Custodian \(custodian["matched"]?[policy.id] ?? .null)")
            // A rule Custodian's `close` adds is named with a fresh UUID (version 1); remsim's has
            // the same form, made from what decides the run.
            func sameUUID(_ calls: Value) throws -> Value {
                try Value(
                    json: calls.jsonText.replacing(
                        /[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/, with: "UUID"))
            }
            #expect(
                try sameUUID(custodian["calls"]?[policy.id] ?? .null) == sameUUID(.array(calls)),
                "\(policy.id): remsim calls \(Value.array(calls).jsonText), Custodian \((custodian["calls"]?[policy.id] ?? .null).jsonText)"
            )
        }
        // A case that matches nothing would prove nothing.
        #expect(custodian["matched"]?.objectValue?.entries.contains { $0.value.arrayValue?.isEmpty == false } == true)
    }

    /// Custodian's verdicts and calls (see `in_process.py`).
    static func runCustodian(_ policyFile: String, _ resources: [String: [Value]]) throws -> Value {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = ["\(directory)/in_process.py"]
        process.environment = ProcessInfo.processInfo.environment.merging(["C7N_SKIP_VERSION_CHECK": "1"]) { $1 }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let request: Value = [
            "policies": .string(policyFile),
            "resources": .object(
                Fields(resources.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .array($0.value)) })),
        ]
        stdin.fileHandleForWriting.write(Data(request.jsonText.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "in_process.py failed:\n\(errors)")
        return try Value(json: String(decoding: output, as: UTF8.self))
    }
}
