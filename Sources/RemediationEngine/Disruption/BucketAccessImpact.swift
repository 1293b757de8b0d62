import CloudModel
import CloudOperations

/// Closing a bucket to the public: S3's public access block, an S3 ACL put back without its grants
/// to everyone or every AWS account, removing allUsers from a GCP bucket,
/// disallowing blob public access on an Azure storage account, uniform bucket-level access.
///
/// - `website`: the bucket hosts a static website (S3 `Website`, GCS `website`).
/// - `cloudfront-origin`: a CloudFront distribution (`aws.distribution`, relation `origin`)
///   serves it without origin access control, so it reads the bucket anonymously.
/// - `anonymous-reads`: `usage.anonymous-requests: {count, last-seen}` within the look-back
///   window (high), or older (low).
/// - `object-acls`: uniform access turns off object ACLs that grant access
///   (`usage.object-acls: {count, public}`): high when some are public, medium otherwise.
struct BucketAccessImpact: ImpactRule {
    let operations: Set<String> = [
        "s3:PutPublicAccessBlock", "s3:PutBucketAcl", "storage.buckets.setIamPolicy", "storage.buckets.patch",
        "Microsoft.Storage/storageAccounts/write",
    ]
    let summary =
        "stops anonymous access: a static website it hosts, a CloudFront distribution without origin access "
        + "control, anonymous readers, object ACLs"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        let r = c.resource
        let p = c.parameters
        let closesPublicAccess: Bool =
            switch c.operation {
            case "s3:PutPublicAccessBlock": true
            case "s3:PutBucketAcl":
                !Self.globalGrants(r.property("Acl")?["Grants"]).subtracting(
                    Self.globalGrants(p["AccessControlPolicy"]?["Grants"])
                ).isEmpty
            case "storage.buckets.setIamPolicy":
                (p["removeMembers"]?.arrayValue ?? []).contains { $0 == "allUsers" || $0 == "allAuthenticatedUsers" }
            case "Microsoft.Storage/storageAccounts/write":
                p["body"]?["properties"]?["allowBlobPublicAccess"]?.boolValue == false
            default: false
            }
        let enablesUniformAccess =
            c.operation == "storage.buckets.patch"
            && p["body"]?["iamConfiguration"]?["uniformBucketLevelAccess"]?["enabled"]?.boolValue == true
        var warnings: [DisruptionWarning] = []
        func warn(
            _ kind: String, _ severity: ImpactSeverity, _ evidence: [String], _ explanation: String,
            affected: [String] = []
        ) {
            warnings.append(
                DisruptionWarning(
                    kind: kind, severity: severity, resourceId: r.id, operation: c.operation,
                    affected: affected, evidence: evidence, explanation: explanation))
        }
        if closesPublicAccess {
            let site = r.property("Website") ?? r.property("website")
            if let site, !site.isEmpty {
                warn(
                    "website", .high, ["website configuration: \(site.jsonText)"],
                    "the bucket hosts a public static website; closing public access takes it offline")
            }
            var origins: [String] = []
            c.view.forEachResource(ofType: "aws.distribution", relatedBy: "origin", to: r.id) { d in
                let items = d.property("DistributionConfig")?["Origins"]?["Items"]?.arrayValue ?? []
                let protected = items.contains {
                    ($0["OriginAccessControlId"]?.stringValue ?? "") != ""
                        || $0["S3OriginConfig"]?["OriginAccessIdentity"]?.stringValue.map { !$0.isEmpty } == true
                }
                if !protected { origins.append(d.id) }
            }
            if !origins.isEmpty {
                warn(
                    "cloudfront-origin", .high, origins.map { "\($0) reads it without origin access control" },
                    "CloudFront serves this bucket anonymously; closing public access makes the distribution "
                        + "return 403",
                    affected: origins)
            }
            if let anon = r.usage["anonymous-requests"], let last = c.time(anon["last-seen"]) {
                let count = Int(anon["count"]?.numberValue ?? 0)
                let recent = c.isRecent(last)
                warn(
                    "anonymous-reads", recent ? .high : .low,
                    ["\(count) anonymous request\(count == 1 ? "" : "s"), last \(c.ago(last))"],
                    recent
                        ? "anonymous clients read this bucket within the last \(c.lookback); they will be refused"
                        : "anonymous reads were seen, but not within the last \(c.lookback)")
            }
        }
        if enablesUniformAccess, let acls = r.usage["object-acls"] {
            let count = Int(acls["count"]?.numberValue ?? 0)
            let open = Int(acls["public"]?.numberValue ?? 0)
            if count > 0 {
                warn(
                    "object-acls", open > 0 ? .high : .medium,
                    ["\(count) object ACL grant\(count == 1 ? "" : "s"), \(open) public"],
                    "uniform bucket-level access turns off the object ACLs that grant access today")
            }
        }
        return warnings
    }

    /// An S3 ACL's grants to everyone or every AWS account, as `URI PERMISSION`.
    static func globalGrants(_ grants: Value?) -> Set<String> {
        Set(
            (grants?.arrayValue ?? []).filter(S3Access.isGlobal).map {
                ($0["Grantee"]?["URI"]?.stringValue ?? "") + " " + ($0["Permission"]?.stringValue ?? "")
            })
    }
}
