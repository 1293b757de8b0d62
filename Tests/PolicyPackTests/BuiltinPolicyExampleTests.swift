import CloudModel
import Policies
import PolicyPack
import Testing

/// Every built-in policy's examples are tests: each `match` resource must violate the policy and
/// each `no-match` resource must not. Examples are evaluated at 2026-01-01T00:00:00Z.
struct BuiltinPolicyExampleTests {
    static let policies: [Policy] = (try? BuiltinPolicies.load()) ?? []
    static let at = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    @Test func packLoadsAndCoversTheCoreSix() throws {
        let ids = Set(try BuiltinPolicies.load().map(\.id))
        for id in [
            "aws-sg-ssh-open-to-world", "aws-sg-rdp-open-to-world", "aws-s3-public-access-block",
            "aws-iam-access-key-older-than-90-days", "aws-vpc-flow-logs-enabled", "aws-cloudtrail-log-file-validation",
        ] {
            #expect(ids.contains(id), "missing built-in policy \(id)")
        }
    }

    @Test(arguments: policies.map(\.id))
    func examplesBehave(id: String) throws {
        let policy = try #require(Self.policies.first { $0.id == id })
        #expect(!policy.examples.match.isEmpty, "\(id) has no examples that must match")
        #expect(!policy.examples.noMatch.isEmpty, "\(id) has no examples that must not match")
        let evaluator = Evaluator(now: Self.at)
        for example in policy.examples.match {
            #expect(evaluator.violates(policy, example), "\(id): example '\(example.name)' should match")
        }
        for example in policy.examples.noMatch {
            #expect(!evaluator.violates(policy, example), "\(id): example '\(example.name)' should not match")
        }
    }

    @Test(arguments: policies.map(\.id))
    func everyPolicyIsRemediableAndMapped(id: String) throws {
        let policy = try #require(Self.policies.first { $0.id == id })
        #expect(policy.isRemediable)
        #expect(policy.compliance.contains { $0.hasPrefix("CIS-AWS-") })
        #expect(policy.source == "builtin:\(id)")
    }
}
