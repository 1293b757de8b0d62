import CloudModel
import Foundation
import Loading
import Policies
import Replay
import TestSupport
import Testing

@testable import Endpoint

/// Cloud Custodian, from PyPI, run unchanged against the endpoint: its policy files and the
/// fixtures of the differential cases (`Tests/ReplayTests/Custodian`), served by remsim's
/// simulated cloud instead of moto. What it matches and what its actions leave must be what
/// remsim's reading of the same files gives, which the differential tests hold, case by case, to
/// the same policies run by Custodian on moto.
struct CustodianOnTheEndpointTests {
    static let custodian: String? = {
        let given = ProcessInfo.processInfo.environment["REMSIM_CUSTODIAN"]
        return given.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }()

    static let casesDirectory = TestSupport.packageRoot.appendingPathComponent("Tests/ReplayTests/Custodian").path

    /// Every differential case run against moto, each a policy file beside its fixtures
    /// (`in-process` runs Custodian's Azure and GCP providers, off the AWS wire).
    static let cases: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: casesDirectory)) ?? [])
        .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()

    /// Whether `value` holds everything `part` does: the members of each object (and maybe more),
    /// lists of the same length element by element, scalars equal.
    static func holds(_ value: Value, _ part: Value) -> Bool {
        switch (value, part) {
        case (.object(let a), .object(let b)):
            return b.entries.allSatisfy { entry in a[entry.key].map { holds($0, entry.value) } ?? false }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { holds($0, $1) }
        case (.int, .double), (.double, .int):
            return value.numberValue == part.numberValue
        case (.string(let text), .object):
            // A bucket policy: the API's JSON text, a fixture's mapping.
            return (try? Value(json: text)).map { holds($0, part) } ?? false
        case (.string(let a), .string(let b)) where a != b:
            // The same time, written with another offset.
            return Timestamp(iso8601: a).map { $0 == Timestamp(iso8601: b) } ?? false
        default:
            return value == part
        }
    }

    @Test func everyDifferentialCaseRunsOnTheEndpoint() {
        // 19 when written: security groups, IAM, buckets, flow logs, instances, volumes and
        // snapshots, databases, Lambda, tags.
        #expect(Self.cases.count >= 19, "\(Self.cases)")
    }

    @Test func custodianIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_CUSTODIAN"] == "1" {
            #expect(Self.custodian != nil, "REMSIM_REQUIRE_CUSTODIAN=1 but REMSIM_CUSTODIAN names no custodian")
        }
    }

    @Test(.enabled(if: custodian != nil, "REMSIM_CUSTODIAN is not set (pip install c7n)"), arguments: cases)
    func custodianRemediatesTheSimulatedCloudAsRemsimReadsItsPolicies(_ name: String) async throws {
        let policyFile = "\(Self.casesDirectory)/\(name).yml"
        let policies = try PolicyLoader.load(file: policyFile, source: policyFile)
        let inventory = try FixtureLoader.load(paths: ["\(Self.casesDirectory)/\(name).fixtures.yaml"])
        let account = try #require(inventory.accounts.first)
        let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        let live = try LiveCloud(inventory: inventory, now: now)
        let output = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let custodian = try #require(Self.custodian)

        let ran = try await ServedEndpoint.with(live, AWSEndpoint(defaultAccount: account, actor: "custodian")) { url in
            try await ServedEndpoint.run(
                custodian, ["run", "--cache-period", "0", "-s", output, policyFile],
                environment: [
                    "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                    "AWS_DEFAULT_REGION": "us-east-1", "C7N_SKIP_VERSION_CHECK": "1", "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                ], directory: Self.casesDirectory)
        }
        let state = live.withState { $0 }
        #expect(ran.status == 0, "custodian run failed:\n\(ran.errors)\n\(ran.output.suffix(3000))")
        #expect(state.refusals.isEmpty, "Custodian asked for what the endpoint does not serve: \(state.refusals)")
        let failed = state.calls.filter { !$0.outcome.isSuccess }.map { "\($0.operation.name): \($0.outcome)" }
        #expect(failed.isEmpty, "\(failed)")

        let order = inventory.all.map(\.id).sorted()
        let remsim = try CustodianComparison.remsimSide(
            policies: policies, inventory: inventory, order: order, now: now)
        for policy in policies {
            let key = try #require(CustodianComparison.idKeys[policy.resourceType])
            let file = "\(output)/\(policy.id)/resources.json"
            let found = try Value(
                json: String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self))
            let matched = (found.arrayValue ?? []).compactMap { $0[key]?.stringValue }.sorted()
            // remsim's ids, as Custodian names the resources (a user by its name).
            let expected = (remsim.matched[policy.id] ?? []).compactMap { id in
                inventory[id].map { $0.properties[key]?.stringValue ?? $0.name }
            }.sorted()
            #expect(matched == expected, "\(policy.id): Custodian matched \(matched) on the endpoint")
        }
        #expect(remsim.matched.values.contains { !$0.isEmpty }, "a case that matches nothing proves nothing")
        // What Custodian wrote, imported back (`remsim import custodian-resources`), holds what it
        // read: each resource by its remsim id, in its account, with every tag and property of the
        // case (but what Custodian leaves to filters, imported as unknown); the wire and Custodian
        // add fields (an empty `Ipv6Ranges`, `OwnerId`, `MatchedIpPermissions`), which stay.
        // The first policy's: it read the case before any action changed it.
        let first = try #require(policies.first?.id)
        let written = try InputFiles.collect(["\(output)/\(first)"], extensions: ["json"])
        let imported = try CustodianResourcesImporter.load(files: written)
        #expect(
            Set(imported.resources.map(\.id)) == Set(remsim.matched[first] ?? []),
            "\(name): what the first policy matched, every resource once")
        for resource in imported.resources {
            let original = try #require(
                inventory[resource.id], "\(name): imported '\(resource.id)' is no resource of the case")
            #expect(resource.type == original.type && resource.account == original.account, "\(resource.id)")
            #expect(original.tags.allSatisfy { resource.tags[$0.key] == $0.value }, "\(name): \(resource.id)'s tags")
            var expected = original.properties.objectValue ?? Fields()
            for key in resource.unknownProperties { expected[key] = nil }
            #expect(
                Self.holds(resource.properties, .object(expected)),
                "\(name): \(resource.id) imported as \(resource.properties.jsonText), read from \(Value.object(expected).jsonText)"
            )
        }
        for id in order {
            #expect(
                state.inventory[id]?.properties == remsim.cloud.inventory[id]?.properties,
                "\(id) ends otherwise under Custodian on the endpoint than under remsim")
            #expect(state.inventory[id]?.tags == remsim.cloud.inventory[id]?.tags, "\(id): tags")
        }
        // A case of filters alone (its policies report) makes no call.
        let acts = policies.contains { $0.remediation != nil }
        #expect(state.calls.isEmpty == !acts, "\(state.calls.count) calls")
        #expect(state.calls.allSatisfy { $0.operation.actor == "custodian" })
    }
}
