import CloudModel
import Foundation
import Loading
import PolicyPack
import TestSupport
import Testing

@testable import Endpoint

/// The real AWS CLI (from PyPI, as CI installs it) against the endpoint on 127.0.0.1: what it
/// parses out of the answers is what the simulated cloud holds, and its changes land there.
@Suite(.enabled(if: ServedEndpoint.tools, "the AWS CLI is missing (pip install awscli)"))
struct AWSCLIOnTheEndpointTests {
    @Test func theCLIReadsTheGroupsAsTheCloudHoldsThem() async throws {
        let live = try AWSEndpointTests.live()
        let inventory = try AWSEndpointTests.inventory()
        try await ServedEndpoint.with(live, AWSEndpointTests.endpoint) { url in
            let (ran, answer) = try await ServedEndpoint.aws(url, ["ec2", "describe-security-groups"])
            #expect(ran.status == 0, "\(ran.errors)")
            let groups = answer?["SecurityGroups"]?.arrayValue ?? []
            #expect(groups.compactMap { $0["GroupId"]?.stringValue } == ["sg-0000000000000001", "sg-0000000000000002"])
            for group in groups {
                let id = try #require(group["GroupId"]?.stringValue)
                let held = try #require(inventory[id])
                // As EC2 describes them: every rule with its four source lists, empty or not.
                #expect(group["IpPermissions"] == EC2Service.complete(held.properties["IpPermissions"]))
                #expect(group["IpPermissions"]?.arrayValue?.first?["Ipv6Ranges"] == .array([]))
                #expect(group["GroupName"] == held.properties["GroupName"])
                #expect(group["Description"] == held.properties["Description"])
                #expect(group["OwnerId"] == .string(held.account))
                let tags = (group["Tags"]?.arrayValue ?? []).map {
                    ($0["Key"]?.stringValue ?? "", $0["Value"]?.stringValue ?? "")
                }
                #expect(Dictionary(uniqueKeysWithValues: tags) == held.tags)
            }
        }
    }

    @Test func theCLIsChangesLandAndItsMistakesComeBackAsAWSErrors() async throws {
        let live = try AWSEndpointTests.live()
        try await ServedEndpoint.with(live, AWSEndpointTests.endpoint) { url in
            let (revoked, _) = try await ServedEndpoint.aws(
                url,
                [
                    "ec2", "revoke-security-group-ingress", "--group-id", "sg-0000000000000001", "--protocol", "tcp",
                    "--port", "22", "--cidr", "0.0.0.0/0",
                ])
            #expect(revoked.status == 0, "\(revoked.errors)")
            let (tagged, _) = try await ServedEndpoint.aws(
                url, ["ec2", "create-tags", "--resources", "sg-0000000000000001", "--tags", "Key=owner,Value=sec"])
            #expect(tagged.status == 0, "\(tagged.errors)")

            let (missing, _) = try await ServedEndpoint.aws(
                url, ["ec2", "describe-security-groups", "--group-ids", "sg-ffffffffffffffff"])
            #expect(missing.status != 0)
            #expect(missing.errors.contains("(InvalidGroup.NotFound)"))

            let (unserved, _) = try await ServedEndpoint.aws(url, ["ec2", "describe-key-pairs"])
            #expect(unserved.status != 0)
            #expect(unserved.errors.contains("(InvalidAction)") && unserved.errors.contains("ec2:DescribeKeyPairs"))
        }
        try live.withState { state in
            let group = try #require(state.inventory["sg-0000000000000001"])
            #expect(group.properties["IpPermissions"] == [TestEndpoint.permission(22, cidrs: ["10.0.0.0/8"])])
            #expect(group.tags["owner"] == "sec")
            #expect(state.calls.map(\.operation.name) == ["ec2:RevokeSecurityGroupIngress", "ec2:CreateTags"])
            #expect(state.refusals.map(\.operation) == ["DescribeKeyPairs"])
        }
    }

    @Test func aRoleAssumedByTheCLIActsInItsAccount() async throws {
        let live = try AWSEndpointTests.live()
        try await ServedEndpoint.with(live, AWSEndpointTests.endpoint) { url in
            let (ran, answer) = try await ServedEndpoint.aws(
                url,
                [
                    "sts", "assume-role", "--role-arn", "arn:aws:iam::222222222222:role/fixer", "--role-session-name",
                    "ci",
                ])
            #expect(ran.status == 0, "\(ran.errors)")
            let key = try #require(answer?["Credentials"]?["AccessKeyId"]?.stringValue)
            let (_, identity) = try await ServedEndpoint.aws(url, ["sts", "get-caller-identity"], key: key)
            #expect(identity?["Account"] == "222222222222")
            let (_, groups) = try await ServedEndpoint.aws(url, ["ec2", "describe-security-groups"], key: key)
            #expect(
                groups?["SecurityGroups"]?.arrayValue?.compactMap { $0["GroupId"]?.stringValue } == [
                    "sg-0000000000000004"
                ])
        }
    }
}

extension AWSCLIOnTheEndpointTests {
    /// EC2 throttling from the scenario's faults comes back as EC2 gives it, and the CLI's own
    /// retry logic runs on it: one command, as many requests as its attempts.
    @Test func throttlingFromTheScenarioIsRetriedByTheCLI() async throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inventory = try AWSEndpointTests.inventory()
        try TestSupport.write(
            "version: 1\nresources:\n"
                + inventory.all.map { r in
                    """
                      - id: \(r.id)
                        type: \(r.type)
                        account: "\(r.account)"
                        region: \(r.region)
                        properties: \(r.properties.jsonText)

                    """
                }.joined(), to: "fixtures.yaml", in: dir)
        let file = try TestSupport.write(
            """
            version: 1
            name: throttled
            fixtures: [fixtures.yaml]
            policies: [builtin:aws-sg-ssh-open-to-world]
            engine:
              alert-rules:
                - {name: detect, policies: [aws-sg-ssh-open-to-world], auto-remediate: false, detection: {mode: poll, every: 1h}}
            timeline:
              - at: 0s
                fault: {kind: throttle, limit: 1, per: 1h, scope: {services: [ec2]}}
            run-for: 2h
            """, to: "scenario.yaml", in: dir)
        let scenario = try ScenarioLoader(pack: BuiltinPolicies.source, paths: .anywhere).load(file: file)
        let live = try LiveCloud(scenario: scenario)
        live.withState { try? $0.session.advance(to: scenario.start) }
        try await ServedEndpoint.with(live, AWSEndpointTests.endpoint) { url in
            let revoke = [
                "ec2", "revoke-security-group-ingress", "--group-id", "sg-0000000000000001", "--protocol", "tcp",
                "--port", "22", "--cidr", "0.0.0.0/0",
            ]
            let (first, _) = try await ServedEndpoint.aws(url, revoke)
            #expect(first.status == 0, "\(first.errors)")
            let before = live.withState { $0.requests }
            let (second, _) = try await ServedEndpoint.aws(
                url,
                [
                    "ec2", "revoke-security-group-ingress", "--group-id", "sg-0000000000000002", "--protocol", "tcp",
                    "--port", "443", "--cidr", "0.0.0.0/0",
                ], attempts: 3)
            #expect(second.status != 0)
            #expect(second.errors.contains("(RequestLimitExceeded)"), "\(second.errors)")
            #expect(live.withState { $0.requests } - before == 3, "the CLI tried three times")
        }
        let calls = live.withState { $0.calls.map(\.outcome) }
        #expect(calls.first == .succeeded)
        #expect(
            calls.dropFirst().allSatisfy {
                $0 == .failed(code: "RequestLimitExceeded", message: "Request limit exceeded.")
            })
    }
}
