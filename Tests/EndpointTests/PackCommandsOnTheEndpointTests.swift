import CloudModel
import Foundation
import PolicyPack
import Replay
import Simulation
import TestSupport
import Testing

@testable import Endpoint

/// The AWS CLI commands the built-in pack renders for its own examples (what `remsim run` prints
/// and an operator would paste), run by the real AWS CLI against the endpoint: each must be read
/// as the operation remsim's engine issued, and leave every resource as the engine's call left it.
@Suite(.enabled(if: ServedEndpoint.tools, "the AWS CLI is missing (pip install awscli)"))
struct PackCommandsOnTheEndpointTests {
    @Test func theAWSCLIRunsThePacksRenderedCommandsAsTheEngineCalledThem() async throws {
        let served = Set(AWSEndpoint.served.map(\.name))
        var ran = 0
        var skipped: Set<String> = []
        for scenario in try Replay.exampleScenarios(of: try BuiltinPolicies.load()) {
            let result = try Simulator(scenario: scenario).run()
            let calls = result.attempts.filter { $0.outcome?.isSuccess == true }
            guard !calls.isEmpty else { continue }
            let unserved = calls.map(\.operation).filter { !served.contains($0) }
            guard unserved.isEmpty else {
                skipped.formUnion(unserved)
                continue
            }
            let live = try LiveCloud(inventory: scenario.inventory, now: scenario.start)
            let endpoint = AWSEndpoint(defaultAccount: scenario.inventory.accounts.first ?? "111111111111")
            try await ServedEndpoint.with(live, endpoint) { url in
                for call in calls {
                    let account = scenario.inventory[call.resourceId]?.account ?? ""
                    let words = call.command.words
                    try #require(words.first == "aws")
                    let out = try await ServedEndpoint.run(
                        "aws", Array(words.dropFirst()) + ["--endpoint-url", url],
                        environment: [
                            "AWS_ACCESS_KEY_ID": SignatureScope.key(for: account, temporary: false),
                            "AWS_SECRET_ACCESS_KEY": "remsim", "AWS_CONFIG_FILE": "/dev/null",
                            "AWS_DEFAULT_REGION": "us-east-1",
                            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_MAX_ATTEMPTS": "1",
                        ])
                    #expect(out.status == 0, "\(scenario.name): \(call.command.text)\n\(out.errors)")
                }
            }
            let state = live.withState { $0 }
            #expect(state.refusals.isEmpty, "\(scenario.name): \(state.refusals)")
            #expect(state.calls.map(\.operation.name) == calls.map(\.operation), "\(scenario.name)")
            #expect(state.calls.allSatisfy { $0.outcome.isSuccess }, "\(scenario.name): \(state.calls.map(\.outcome))")
            for id in Set(calls.map(\.resourceId)) {
                #expect(
                    state.session.inventory[id]?.properties == result.finalInventory[id]?.properties,
                    "\(scenario.name): \(id) ends otherwise after the CLI's commands than after the engine's calls")
                #expect(state.session.inventory[id]?.tags == result.finalInventory[id]?.tags, "\(scenario.name): \(id)")
            }
            ran += 1
        }
        // Every AWS operation the pack's remediations call is served: each example with a call runs
        // (37 when written: security groups, network ACLs, flow logs, buckets, IAM keys and password
        // policy, KMS, CloudTrail, RDS, EC2 instances and snapshots, Redshift, ELBv2, Lambda).
        #expect(skipped.isEmpty, "not served: \(skipped.sorted())")
        #expect(ran >= 37, "\(ran) examples ran")
    }
}
