import CloudModel
import Foundation
import Policies
import PolicyPack
import RemediationEngine
import Simulation
import TestSupport
import Testing

@testable import Loading

/// The pack's remediations name nothing of any one estate: what differs (the access-log bucket,
/// the flow-log delivery role) is a parameter the scenario or the alert rule sets.
struct RemediationParameterTests {
    static func scenario(parameters: String, ruleParameters: String = "", in dir: String) throws -> String {
        let fixtures = TestSupport.packageRoot.appendingPathComponent("Fixtures/acme").path
        return try TestSupport.write(
            """
            version: 1
            name: logging-restored
            fixtures: ["\(fixtures)"]
            policies: [builtin:aws-s3-access-logging]
            \(parameters)
            engine:
              alert-rules:
                - name: aws-auto
                  scope: {accounts: ["111111111111"]}
                  auto-remediate: true
                  detection: {mode: event}
                  \(ruleParameters)
            timeline:
              - at: 10m
                inject: patch
                resource: acme-prod-logs-use1
                with: {remove: [Logging]}
            run-for: 1h
            """, to: "s.yaml", in: dir)
    }

    /// The bucket the remediation sent the logs to, and whether the call succeeded (the
    /// simulated S3, like S3, refuses a target bucket that does not exist).
    static func target(_ file: String) throws -> (bucket: String?, succeeded: Bool) {
        let scenario = try ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .anywhere).load(file: file)
        let result = try Simulator(scenario: scenario).run()
        let attempt = try #require(result.attempts.first { $0.policyId == "aws-s3-access-logging" })
        return (
            attempt.parameters["BucketLoggingStatus"]?["LoggingEnabled"]?["TargetBucket"]?.stringValue,
            result.finalInventory["acme-prod-logs-use1"]?.properties["Logging"]?["LoggingEnabled"] != nil
        )
    }

    @Test func theScenarioSetsAParameterAndTheRuleOverridesIt() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenarioWide = try Self.scenario(
            parameters: "parameters: {logBucket: \"acme-access-logs-${account}-${region}\"}", in: dir)
        let wide = try Self.target(scenarioWide)
        #expect(wide.bucket == "acme-access-logs-111111111111-us-east-1")
        #expect(wide.succeeded)
        let byRule = try Self.scenario(
            parameters: "parameters: {logBucket: \"acme-access-logs-${account}-${region}\"}",
            ruleParameters: "parameters: {logBucket: prod-audit-logs}", in: dir)
        let rule = try Self.target(byRule)
        #expect(rule.bucket == "prod-audit-logs")
        #expect(!rule.succeeded, "no such bucket in the estate: the call fails, as S3's would")
    }

    @Test func aMissingOrMisspeltParameterIsAnErrorBeforeAnythingRuns() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .anywhere)
        let missing = try Self.scenario(parameters: "", in: dir)
        do {
            _ = try loader.load(file: missing)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 8, "at the alert rule that remediates")
            #expect(
                error.message.hasPrefix(
                    "policy 'aws-s3-access-logging' remediates under alert rule 'aws-auto' and needs its parameter 'logBucket'"
                ))
        }
        let misspelt = try Self.scenario(parameters: "parameters: {logBuckets: x}", in: dir)
        do {
            _ = try loader.load(file: misspelt)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 5)
            #expect(
                error.message.hasPrefix(
                    "no policy of this scenario takes a parameter 'logBuckets'; did you mean 'logBucket'?"))
        }
    }

    @Test func aPolicyWithNothingOfItsTypeToActOnNeedsNoParameter() throws {
        let vault = Resource(
            id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv", type: "azure.keyvault",
            account: "s", region: "westeurope")
        let rule = AlertRule(name: "all", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)))
        var scenario = Scenario(
            name: "azure-only", inventory: try Inventory([vault]),
            policies: try BuiltinPolicies.load().filter { $0.id == "aws-s3-access-logging" },
            settings: EngineSettings(rules: [rule]), runFor: .hours(1))
        #expect(scenario.unsetParameters().isEmpty, "no bucket: the log bucket is not needed")
        // A bucket the timeline makes is something to act on.
        let bucket = Resource(id: "made-later", type: "aws.s3", account: "1", region: "us-east-1")
        scenario.timeline = [
            TimelineEntry(at: .minutes(5), action: .inject(resourceId: bucket.id, .createResource(bucket), actor: "ci"))
        ]
        #expect(scenario.unsetParameters().map(\.parameter) == ["logBucket"])
    }

    @Test func aPolicyDeclaresWhatItsStepsTake() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        /// The same policy, its remediation declaring `parameters` (YAML lines) or not.
        func policyFile(declaring parameters: String, as name: String) throws -> String {
            try TestSupport.write(
                """
                version: 1
                id: trail-to-bucket
                title: Trail logs to the audit bucket
                resource: aws.cloudtrail
                severity: low
                filters: [{key: S3BucketName, op: absent}]
                remediation:
                \(parameters)  steps:
                    - operation: cloudtrail:UpdateTrail
                      parameters: {Name: "${resourceName}", S3BucketName: "${param.auditBucket}"}
                """, to: name, in: dir)
        }
        let undeclared = try policyFile(declaring: "", as: "p.yaml")
        do {
            _ = try PolicyLoader.load(paths: [undeclared])
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 9)
            #expect(
                error.message.hasPrefix("'${param.auditBucket}' names no parameter of this remediation (declared: none")
            )
        }
        let declared = try policyFile(
            declaring: """
                  parameters:
                    auditBucket: {description: the bucket trails deliver to, default: "audit-${account}"}

                """, as: "q.yaml")
        let policy = try #require(try PolicyLoader.load(paths: [declared]).first)
        #expect(policy.remediation?.parameters.map(\.name) == ["auditBucket"])
        // With its default, nothing needs setting; the value may use the resource's variables.
        let rule = AlertRule(name: "r", autoRemediate: true, detection: .event(deliveryDelay: .zero))
        #expect(rule.missingParameters(for: policy).isEmpty)
        let trail = Resource(
            id: "arn:aws:cloudtrail:us-east-1:123456789012:trail/t", type: "aws.cloudtrail", account: "123456789012",
            region: "us-east-1", name: "t", properties: ["Name": "t"])
        let plan = try RemediationPlan(
            policy: policy, finding: Finding(policyId: policy.id, resourceId: trail.id, matched: []), resource: trail,
            parameters: rule.parameterValues(for: policy))
        #expect(plan.calls.first?.parameters["S3BucketName"] == "audit-123456789012")
    }
}
