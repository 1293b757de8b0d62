import CloudModel
import Foundation
import PolicyPack
import RemediationEngine
import Simulation
import TestSupport
import Testing

@testable import Loading

/// A recorded AWS Config history, replayed as a scenario: what auto-remediation would have done.
struct ConfigHistoryTests {
    static let samples = TestSupport.packageRoot.appendingPathComponent(
        "Tests/LoadingTests/Samples/aws-config-history"
    ).path
    static var files: [String] {
        [samples + "/get-resource-config-history.json", samples + "/lookup-events.json"]
    }

    @Test func theFirstStateIsTheFixtureAndEveryLaterChangeAnEntryByItsActor() throws {
        let history = try ResourceHistory.awsConfig(files: Self.files)
        #expect(history.start == Timestamp(iso8601: "2026-11-01T09:00:00Z"))
        #expect(history.end == Timestamp(iso8601: "2026-11-03T08:00:00Z"))
        #expect(history.initial.map(\.id) == ["sg-0f0e0d0c0b0a09081"])
        #expect(history.initial[0].properties["IpPermissions"]?.arrayValue?.count == 1, "closed at the start")
        #expect(
            history.changes.map(\.actor) == [
                "terraform-ci", "dana", "terraform-ci", "dana", "terraform-ci", "dana", "terraform-ci",
                "release-pipeline",
            ])
        guard case .patch(let set, let remove) = history.changes[0].kind else {
            Issue.record("expected a patch")
            return
        }
        #expect(Array(set.keys) == ["IpPermissions"], "only what the change changed")
        #expect(set["IpPermissions"]?.arrayValue?.count == 2)
        #expect(remove.isEmpty)
        guard case .create(let bucket) = history.changes.last?.kind else {
            Issue.record("expected the bucket's creation")
            return
        }
        #expect(bucket.type == "aws.s3")
        #expect(history.warnings.isEmpty, "CloudTrail names every actor")

        // Without CloudTrail, the changes are no one's, and that is said.
        let anonymous = try ResourceHistory.awsConfig(files: [Self.files[0]])
        #expect(Set(anonymous.changes.map(\.actor)) == [ResourceHistory.unknownActor])
        #expect(anonymous.warnings.first?.hasPrefix("8 changes are attributed to no one") == true)

        // The last day only: the state on 2 November at 08:00 is the start.
        let lastDay = try ResourceHistory.awsConfig(files: Self.files, days: 1)
        #expect(lastDay.start == Timestamp(iso8601: "2026-11-02T08:00:00Z"))
        #expect(lastDay.changes.count == 8)
        #expect(lastDay.skipped.isEmpty)
    }

    @Test func theHistoryScenarioRunsAndNamesTheLoopTheDriftingActorWouldHaveCaused() throws {
        let history = try ResourceHistory.awsConfig(files: Self.files)
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try FixtureWriter(directory: dir + "/fixtures").write { emit in
            for r in history.initial { try emit(r) }
        }
        let pack = try BuiltinPolicies.load()
        let needing = ResourceHistory.needing(pack, given: [:])
        #expect(needing.map(\.policy) == ["aws-s3-access-logging", "aws-vpc-flow-logs-enabled"])
        let file = try TestSupport.write(
            history.scenario(name: "payments-history", fixtures: "fixtures", pack: pack.map(\.id), needing: needing),
            to: "h.yaml", in: dir)
        let scenario = try ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .anywhere).load(file: file)
        #expect(scenario.start == history.start)
        #expect(scenario.timeline.count == history.changes.count)
        let result = try Simulator(scenario: scenario).run()
        // Terraform put SSH back four times; auto-remediation would have revoked it three times,
        // and the fourth time the loop guard would have named terraform-ci and stopped.
        let loops = result.records.filter { $0.kind == .loop }
        #expect(loops.map(\.cause) == ["terraform-ci"])
        #expect(loops.first?.resourceId == "sg-0f0e0d0c0b0a09081")
        #expect(
            result.attempts.filter { $0.policyId == "aws-sg-ssh-open-to-world" }.map(\.command.text).allSatisfy {
                $0.contains(" ec2 revoke-security-group-ingress --group-id sg-0f0e0d0c0b0a09081 ")
            })
        #expect(Set(result.attempts.filter { $0.policyId == "aws-sg-ssh-open-to-world" }.map(\.callId)).count == 3)
        // Same history, same seed: the same answer.
        let again = try Simulator(scenario: scenario).run()
        #expect(again.records.map(\.kind) == result.records.map(\.kind))
    }
}

/// Cloud Asset Inventory's history (`gcloud asset get-history`), replayed the same way.
struct AssetHistoryTests {
    @Test func anAssetHistoryBecomesAScenarioThatFindsTheLoop() throws {
        let file = TestSupport.packageRoot.appendingPathComponent(
            "Tests/LoadingTests/Samples/gcp-asset-history/get-history.json"
        ).path
        let history = try ResourceHistory.gcpAssets(files: [file])
        #expect(history.source == "Cloud Asset Inventory")
        #expect(history.initial.map(\.account) == ["412345678901"])
        #expect(history.warnings.last?.hasPrefix("project 412345678901 is named by number only") == true)
        #expect(history.changes.count == 8, "seven changes, then the deletion")
        if case .delete = history.changes.last?.kind {} else { Issue.record("the last change deletes the rule") }
        #expect(history.warnings.first?.contains("Cloud Asset Inventory records no actor") == true)
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try FixtureWriter(directory: dir + "/fixtures").write { emit in
            for r in history.initial { try emit(r) }
        }
        let pack = try BuiltinPolicies.load()
        let scenarioFile = try TestSupport.write(
            history.scenario(
                name: "web-history", fixtures: "fixtures", pack: pack.map(\.id),
                needing: ResourceHistory.needing(pack, given: [:])),
            to: "h.yaml", in: dir)
        let scenario = try ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .anywhere).load(
            file: scenarioFile)
        let result = try Simulator(scenario: scenario).run()
        #expect(result.records.filter { $0.kind == .loop }.map(\.cause) == [ResourceHistory.unknownActor])
        #expect(Set(result.attempts.filter { $0.policyId == "gcp-bucket-uniform-access" }.map(\.callId)).count == 3)
    }
}

/// Resource Graph's recorded changes, undone from the estate now to the window's start, then
/// replayed path by path.
struct AzureChangeHistoryTests {
    @Test func resourceChangesBecomeAScenarioThatNamesWhoKeptUndoingTheFix() throws {
        let dir = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Samples/azure-change-history").path
        let history = try ResourceHistory.azureChanges(
            files: [dir + "/resources-now.json", dir + "/resourcechanges.json"])
        let account = try #require(history.initial.first)
        #expect(
            account.properties["properties"]?["supportsHttpsTrafficOnly"] == true,
            "the state before the first change: every change undone")
        #expect(history.changes.count == 7)
        guard case .patch(let set, _) = history.changes[0].kind else {
            Issue.record("expected a patch")
            return
        }
        #expect(set == ["properties.supportsHttpsTrafficOnly": false], "the path it changed, typed as the property is")
        #expect(history.changes.map(\.actor).filter { $0 == "ops-bot@contoso.com" }.count == 4)
        #expect(history.skipped.map(\.what) == ["tag changes (a patch changes properties)"])
        let out = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try FixtureWriter(directory: out + "/fixtures").write { emit in for r in history.initial { try emit(r) } }
        let pack = try BuiltinPolicies.load()
        let file = try TestSupport.write(
            history.scenario(
                name: "storage-history", fixtures: "fixtures", pack: pack.map(\.id),
                needing: ResourceHistory.needing(pack, given: [:])), to: "h.yaml", in: out)
        let scenario = try ScenarioLoader(builtins: pack, paths: .anywhere).load(file: file)
        let result = try Simulator(scenario: scenario).run()
        #expect(result.records.filter { $0.kind == .loop }.map(\.cause) == ["ops-bot@contoso.com"])
        #expect(
            Set(result.attempts.filter { $0.policyId == "azure-storage-secure-transfer" }.map(\.callId)).count == 3)
    }
}
