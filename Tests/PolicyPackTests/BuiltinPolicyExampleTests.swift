import CloudModel
import Policies
import PolicyPack
import Testing

/// Every built-in policy's examples are tests: each `match` resource must violate the policy and
/// each `no-match` resource must not. Examples are evaluated at 2026-01-01T00:00:00Z.
struct BuiltinPolicyExampleTests {
    static let policies: [Policy] = (try? BuiltinPolicies.load()) ?? []
    static let at = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    /// The remediations Netskope's AWS framework ships and the common Prisma Cloud remediable
    /// policies, across the three clouds.
    static let required = [
        "aws-sg-ssh-open-to-world", "aws-sg-rdp-open-to-world", "aws-rds-snapshot-public",
        "aws-redshift-publicly-accessible",
        "aws-cloudtrail-log-file-validation", "aws-nacl-allow-all-inbound", "aws-s3-public-access-block",
        "aws-iam-access-key-older-than-90-days", "aws-vpc-flow-logs-enabled",
        "aws-s3-versioning-enabled", "aws-s3-default-encryption", "aws-s3-access-logging", "aws-ebs-snapshot-public",
        "aws-rds-publicly-accessible", "aws-rds-multi-az", "aws-kms-key-rotation", "aws-ec2-imdsv2-required",
        "aws-sg-default-restricts-ingress", "aws-sg-default-restricts-egress",
        "azure-storage-secure-transfer", "azure-storage-default-network-deny",
        "azure-storage-blob-public-access-disabled",
        "azure-nsg-ssh-open-to-internet", "azure-nsg-rdp-open-to-internet", "azure-webapp-https-only",
        "azure-webapp-minimum-tls-12", "azure-keyvault-recoverable", "azure-sql-database-tde",
        "azure-postgresql-ssl-enforced",
        "gcp-firewall-ssh-open-to-world", "gcp-firewall-rdp-open-to-world", "gcp-bucket-public",
        "gcp-bucket-uniform-access",
        "gcp-subnet-flow-logs", "gcp-instance-block-project-ssh-keys", "gcp-gke-master-authorized-networks",
    ]

    @Test func packCoversTheThreeCloudsAndTheNamedRemediations() throws {
        let pack = try BuiltinPolicies.load()
        #expect(pack.count >= 40)
        #expect(pack.filter(\.isRemediable).count >= 30)
        let byId = Dictionary(uniqueKeysWithValues: pack.map { ($0.id, $0) })
        for id in Self.required {
            #expect(byId[id]?.isRemediable == true, "missing remediable built-in policy \(id)")
        }
        for cloud in Cloud.allCases {
            #expect(
                pack.filter { $0.resourceType.hasPrefix(cloud.rawValue + ".") }.count >= 8, "too few \(cloud) policies")
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

    static let frameworks = [
        "CIS-AWS-3.0", "CIS-Azure-2.0", "CIS-GCP-2.0", "CIS-GKE-1.4", "NIST-800-53", "PCI-DSS-4.0",
    ]

    @Test(arguments: policies.map(\.id))
    func everyPolicyIsMappedToControls(id: String) throws {
        let policy = try #require(Self.policies.first { $0.id == id })
        #expect(policy.source == "builtin:\(id)")
        #expect(policy.compliance.contains { $0.hasPrefix("NIST-800-53/") }, "\(id) names no NIST 800-53 control")
        for control in policy.compliance {
            let parts = control.split(separator: "/", maxSplits: 1).map(String.init)
            #expect(
                parts.count == 2 && Self.frameworks.contains(parts[0]) && !parts[1].isEmpty,
                "\(id): '\(control)' is not FRAMEWORK/CONTROL")
            if parts[0].hasPrefix("CIS-") {
                let cloud = String(policy.resourceType.prefix { $0 != "." })
                let fits =
                    parts[0].lowercased().hasPrefix("cis-\(cloud)") || (cloud == "gcp" && parts[0] == "CIS-GKE-1.4")
                #expect(fits, "\(id): \(control) is a benchmark of another cloud")
            }
        }
    }
}
