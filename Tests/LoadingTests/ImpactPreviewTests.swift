import CloudModel
import Loading
import PolicyPack
import RemediationEngine
import Simulation
import TestSupport
import Testing

/// `remsim impact` answers "what happens if we switch this on?" with the engine `remsim run`
/// drives: over the acme organisation it changes exactly what the backlog scenario changes.
struct ImpactPreviewTests {
    @Test func thePreviewChangesWhatTheRunChanges() throws {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let backlog = try loader.load(file: TestSupport.scenariosDirectory + "/staging-backlog-cleared.yaml")
        let preview = try ImpactPreview(scenario: backlog, horizon: .days(1))
        let run = try Simulator(scenario: backlog).run()
        let changedByRun = Set(
            run.finalInventory.all.filter { backlog.inventory[$0.id]?.properties != $0.properties }.map(\.id))
        #expect(Set(preview.changes.map(\.resourceId)) == changedByRun)
        #expect(preview.openAtStart.values.reduce(0, +) == 4)
        #expect(preview.stillOpen == 0)
        #expect(preview.warnings.map(\.kind) == run.warnings.map(\.kind))
        let trail = try #require(preview.changes.first { $0.resourceId.hasSuffix("trail/staging-org-trail") })
        #expect(trail.properties.map(\.name) == ["LogFileValidationEnabled"])
        #expect(trail.properties.first?.before == false && trail.properties.first?.after == true)
        let user = try #require(preview.changes.first { $0.resourceId.hasSuffix("old-reporting") })
        #expect(user.properties.map(\.name) == ["AccessKeys[0].Status"])
        #expect(user.properties.first?.after == "Inactive")
        #expect(preview.changes.filter(\.created).map(\.resourceId).allSatisfy { $0.contains(":log-group:") })
        #expect(
            trail.commands == [
                "aws --region us-east-1 cloudtrail update-trail --name staging-org-trail --enable-log-file-validation"
            ])
    }

    /// A deletion shows as the resource deleted, not as every property gone; what the deletion
    /// makes (RDS's final snapshot) as created.
    @Test func thePreviewShowsDeletedResourcesAsDeleted() throws {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let cleanup = try loader.load(
            file: TestSupport.scenariosDirectory + "/custodian-cleanup-deletes-only-what-has-a-copy.yaml")
        let preview = try ImpactPreview(scenario: cleanup, horizon: .hours(2))
        #expect(
            Set(preview.changes.filter(\.deleted).map(\.resourceId)) == [
                "vol-0c1e000000000001a", "legacy-billing", "legacy-billing-2024-06-30",
            ])
        #expect(preview.changes.filter(\.deleted).allSatisfy { $0.properties.isEmpty && !$0.created })
        #expect(preview.changes.filter(\.created).map(\.resourceId) == ["Final-legacy-billing-2026-01-01-00-00"])
        #expect(Set(preview.heldBack.compactMap(\.resourceId)) == ["vol-0c1e000000000002a", "legacy-reports"])
    }

    /// The rules' controls and disruption modes hold in the preview too: the default-group
    /// incident is blocked, so the preview changes nothing and says why.
    @Test func blockedRemediationsAreHeldBackInThePreview() throws {
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load())
        let incident = try loader.load(
            file: TestSupport.scenariosDirectory + "/incident-default-group-remediation-blocked.yaml")
        let preview = try ImpactPreview(scenario: incident)
        #expect(preview.changes.isEmpty)
        #expect(preview.heldBack.map(\.kind) == [.blocked])
        #expect(preview.warnings.contains { $0.kind == "default-group-in-use" && $0.severity == .high })
        #expect(preview.stillOpen == 1)
    }
}
