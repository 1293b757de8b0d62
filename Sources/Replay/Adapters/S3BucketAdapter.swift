import CloudModel
import Policies

/// `aws.s3`: a bucket with its versioning, ACL, website, policy, public access block, default
/// encryption (with its bucket key) and access logging; compared on those but the policy, which no
/// action changes.
struct S3BucketAdapter: ReplayAdapter {
    let type = "aws.s3"

    /// The bucket its access logs go to.
    func dependencies(of resource: Resource) -> [String] {
        resource.properties["Logging"]?["LoggingEnabled"]?["TargetBucket"]?.stringValue.map {
            $0 == resource.id ? [] : [$0]
        } ?? []
    }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let bucket = properties["Name"]?.stringValue ?? resource.id
        var arguments = ["s3api", "create-bucket", "--bucket", bucket]
        if resource.region != "us-east-1" {
            arguments += ["--create-bucket-configuration", "LocationConstraint=\(resource.region)"]
        }
        // Bucket names are global, and us-east-1 answers "created" for a bucket its caller already
        // owns: one already there (someone else's, or an earlier replay's kept with --keep) is
        // never taken over.
        do throws(ReplayError) {
            if try context.optional(resource.region, ["s3api", "head-bucket", "--bucket", bucket]) != nil {
                throw .notReplayable(
                    "the bucket '\(bucket)' already exists on the endpoint, and a replay touches only what it creates")
            }
        } catch {
            // 403: it exists, in an account the caller cannot see into.
            if case .callFailed(_, let message) = error, message.contains("(403)") {
                throw .notReplayable("the bucket '\(bucket)' already exists on the endpoint, owned by another account")
            }
            throw error
        }
        try context.aws(resource.region, arguments)
        return bucket
    }

    func configure(_ resource: Resource, id bucket: String, properties: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        try context.aws(
            resource.region,
            [
                "s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging",
                "TagSet=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
            ])
        // A bucket that receives access logs (from a planned bucket, or named by a call) or a
        // trail's logs lets the service write to it, by the bucket policy AWS documents (new
        // buckets have ACLs off).
        let receivesAccessLogs =
            context.referenced.contains(resource.id)
            || context.planned.contains { dependencies(of: $0).contains(resource.id) }
        let receivesTrail = context.planned.contains {
            $0.type == "aws.cloudtrail" && $0.properties["S3BucketName"]?.stringValue == bucket
        }
        if receivesAccessLogs || receivesTrail, let policy = properties["Policy"], !policy.isNull {
            throw .notReplayable(
                "\(resource.id) has a bucket policy and receives logs, whose delivery the replay allows by a bucket policy of its own"
            )
        }
        try Self.letServices(
            write: bucket, region: resource.region, accessLogs: receivesAccessLogs, cloudTrail: receivesTrail,
            in: context)
        try put(properties, on: bucket, region: resource.region, in: context)
    }

    /// A setting someone else removed is deleted; the others are put again as they now are.
    func change(_ resource: Resource, id bucket: String, from old: Value, to new: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        let before = project(old, in: context)
        let after = project(new, in: context)
        if before["Versioning"] != after["Versioning"], after["Versioning"] == "Off" {
            throw .notReplayable(
                "its timeline turns versioning of \(resource.id) off, which S3 cannot do once it was on")
        }
        if new["PublicAccessBlockConfiguration"]?.isNull ?? true,
            before["PublicAccessBlockConfiguration"] != after["PublicAccessBlockConfiguration"]
        {
            try context.aws(resource.region, ["s3api", "delete-public-access-block", "--bucket", bucket])
        }
        if new["ServerSideEncryptionConfiguration"]?.isNull ?? true,
            before["DefaultEncryption"] != after["DefaultEncryption"]
        {
            try context.aws(resource.region, ["s3api", "delete-bucket-encryption", "--bucket", bucket])
        }
        if new["Logging"]?["LoggingEnabled"] == nil, before["Logging"] != after["Logging"] {
            try context.aws(
                resource.region, ["s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status", "{}"])
        }
        try put(new, on: bucket, region: resource.region, in: context)
    }

    /// Puts each of the settings `properties` holds. The ACL goes first: a public access block
    /// that blocks public ACLs refuses a public grant put after it.
    func put(_ properties: Value, on bucket: String, region: String, in context: ReplayContext) throws(ReplayError) {
        if let acl = properties["Acl"], !(acl["Grants"]?.arrayValue ?? []).isEmpty {
            try putAcl(acl, on: bucket, region: region, in: context)
        }
        if let website = properties["Website"], S3Access.hostsWebsite(website) {
            var configuration = Fields()
            for key in ["IndexDocument", "ErrorDocument", "RedirectAllRequestsTo", "RoutingRules"] {
                if let v = website[key] { configuration[key] = v }
            }
            try context.aws(
                region,
                [
                    "s3api", "put-bucket-website", "--bucket", bucket, "--website-configuration",
                    Value.object(configuration).jsonText,
                ])
        }
        if let policy = properties["Policy"], !policy.isNull, let text = BucketPolicy.text(policy).stringValue {
            try context.aws(region, ["s3api", "put-bucket-policy", "--bucket", bucket, "--policy", text])
        }
        if let status = properties["Versioning"]?["Status"]?.stringValue {
            try context.aws(
                region,
                [
                    "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration",
                    "Status=\(status)",
                ])
        }
        if let block = properties["PublicAccessBlockConfiguration"], !block.isNull {
            try context.aws(
                region,
                [
                    "s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration",
                    block.jsonText,
                ])
        }
        if let encryption = properties["ServerSideEncryptionConfiguration"], !encryption.isNull {
            try context.aws(
                region,
                [
                    "s3api", "put-bucket-encryption", "--bucket", bucket,
                    "--server-side-encryption-configuration", context.real(in: encryption).jsonText,
                ])
        }
        if let logging = properties["Logging"], logging["LoggingEnabled"] != nil {
            try context.aws(
                region,
                [
                    "s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status",
                    context.real(in: logging).jsonText,
                ])
        }
    }

    /// Puts the fixture's ACL, its owner (and the owner's own grants) being the endpoint's bucket
    /// owner. Buckets are made with ACLs disabled (object ownership enforced), so ownership is set
    /// to "bucket owner preferred" first, as AWS documents for a bucket that uses ACLs.
    func putAcl(_ acl: Value, on bucket: String, region: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(
            region,
            [
                "s3api", "put-bucket-ownership-controls", "--bucket", bucket, "--ownership-controls",
                "Rules=[{ObjectOwnership=BucketOwnerPreferred}]",
            ])
        let owner = try context.aws(region, ["s3api", "get-bucket-acl", "--bucket", bucket])["Owner"] ?? .null
        let fixtureOwner = acl["Owner"]?["ID"]
        // Calls that name the fixture's owner (a remediation putting the ACL back) name the endpoint's.
        if let fixture = fixtureOwner?.stringValue, let real = owner["ID"]?.stringValue {
            context.created(fixture, as: real)
        }
        let grants = (acl["Grants"]?.arrayValue ?? []).map { grant -> Value in
            guard fixtureOwner != nil, grant["Grantee"]?["ID"] == fixtureOwner, case .object(var g) = grant,
                case .object(var grantee)? = grant["Grantee"]
            else { return grant }
            grantee["ID"] = owner["ID"] ?? .null
            grantee["DisplayName"] = nil
            g["Grantee"] = .object(grantee)
            return .object(g)
        }
        let policy: Value = .object(
            Fields([.init(key: "Owner", value: owner), .init(key: "Grants", value: .array(grants))]))
        try context.aws(
            region, ["s3api", "put-bucket-acl", "--bucket", bucket, "--access-control-policy", policy.jsonText])
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        var fields: [Fields.Entry] = [Fields.Entry(key: "Name", value: .string(id))]
        let acl = try context.aws(resource.region, ["s3api", "get-bucket-acl", "--bucket", id])
        fields.append(
            Fields.Entry(key: "Acl", value: ["Owner": acl["Owner"] ?? .null, "Grants": acl["Grants"] ?? .array([])]))
        if let website = try context.optional(resource.region, ["s3api", "get-bucket-website", "--bucket", id]) {
            fields.append(Fields.Entry(key: "Website", value: website))
        }
        if let policy = try context.optional(resource.region, ["s3api", "get-bucket-policy", "--bucket", id])?["Policy"]
        {
            fields.append(Fields.Entry(key: "Policy", value: policy))
        }
        let versioning = try context.aws(resource.region, ["s3api", "get-bucket-versioning", "--bucket", id])
        if let status = versioning["Status"] {
            fields.append(Fields.Entry(key: "Versioning", value: ["Status": status]))
        }
        // These answer "not found" for a bucket without the setting.
        if let block = try context.optional(resource.region, ["s3api", "get-public-access-block", "--bucket", id]) {
            fields.append(
                Fields.Entry(
                    key: "PublicAccessBlockConfiguration", value: block["PublicAccessBlockConfiguration"] ?? .null))
        }
        if let encryption = try context.optional(resource.region, ["s3api", "get-bucket-encryption", "--bucket", id]) {
            fields.append(
                Fields.Entry(
                    key: "ServerSideEncryptionConfiguration",
                    value: encryption["ServerSideEncryptionConfiguration"] ?? .null))
        }
        let logging = try context.aws(resource.region, ["s3api", "get-bucket-logging", "--bucket", id])
        if logging["LoggingEnabled"] != nil { fields.append(Fields.Entry(key: "Logging", value: logging)) }
        return .object(Fields(fields))
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let block = properties["PublicAccessBlockConfiguration"]
        let firstRule = properties["ServerSideEncryptionConfiguration"]?["Rules"]?.arrayValue?.first
        let rule = firstRule?["ApplyServerSideEncryptionByDefault"]
        // S3 Bucket Keys: absent reads as off, as S3 has it.
        let bucketKey = firstRule?["BucketKeyEnabled"] == true ? " bucket-key" : ""
        let logging = properties["Logging"]?["LoggingEnabled"]
        return [
            // Never enabled and absent mean the same.
            "Versioning": properties["Versioning"]?["Status"] ?? "Off",
            "Grants": Self.grants(properties["Acl"]),
            "Website": .bool(S3Access.hostsWebsite(properties["Website"])),
            "PublicAccessBlockConfiguration": .object(
                Fields(
                    ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"].map {
                        Fields.Entry(key: $0, value: block?[$0] ?? false)
                    })),
            "DefaultEncryption": rule.map { r in
                .string(
                    (r["SSEAlgorithm"]?.stringValue ?? "") + " "
                        + context.fixture(inText: r["KMSMasterKeyID"]?.stringValue ?? "") + bucketKey)
            } ?? .null,
            "Logging": logging.map { l in
                .string((l["TargetBucket"]?.stringValue ?? "") + "/" + (l["TargetPrefix"]?.stringValue ?? ""))
            } ?? .null,
        ]
    }

    /// An ACL's grants as `GRANTEE PERMISSION`, sorted: the owner's as `owner` (its canonical id
    /// differs from endpoint to endpoint), a group by the last part of its URI. A bucket without
    /// an ACL has the one S3 gives a new bucket: its owner with full control.
    static func grants(_ acl: Value?) -> Value {
        guard let acl, let grants = acl["Grants"]?.arrayValue else { return ["owner FULL_CONTROL"] }
        let owner = acl["Owner"]?["ID"]
        return .array(
            grants.map { g -> String in
                let grantee = g["Grantee"] ?? .null
                let who =
                    if let uri = grantee["URI"]?.stringValue {
                        String(uri.split(separator: "/").last ?? "")
                    } else if owner != nil, grantee["ID"] == owner {
                        "owner"
                    } else {
                        "id:" + (grantee["ID"]?.stringValue ?? grantee["EmailAddress"]?.stringValue ?? "")
                    }
                return who + " " + (g["Permission"]?.stringValue ?? "")
            }.sorted().map(Value.string))
    }

    /// Lets S3's logging service and CloudTrail write into `bucket`, as AWS documents it.
    static func letServices(
        write bucket: String, region: String, accessLogs: Bool, cloudTrail: Bool, in context: ReplayContext
    ) throws(ReplayError) {
        var statements: [Value] = []
        if accessLogs {
            statements.append([
                "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
                "Principal": ["Service": "logging.s3.amazonaws.com"],
                "Action": "s3:PutObject", "Resource": .string("arn:aws:s3:::\(bucket)/*"),
            ])
        }
        if cloudTrail {
            statements.append([
                "Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": ["Service": "cloudtrail.amazonaws.com"],
                "Action": "s3:GetBucketAcl", "Resource": .string("arn:aws:s3:::\(bucket)"),
            ])
            statements.append([
                "Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": ["Service": "cloudtrail.amazonaws.com"],
                "Action": "s3:PutObject", "Resource": .string("arn:aws:s3:::\(bucket)/AWSLogs/*"),
                "Condition": ["StringEquals": ["s3:x-amz-acl": "bucket-owner-full-control"]],
            ])
        }
        guard !statements.isEmpty else { return }
        let policy: Value = ["Version": "2012-10-17", "Statement": .array(statements)]
        try context.aws(region, ["s3api", "put-bucket-policy", "--bucket", bucket, "--policy", policy.jsonText])
    }

    /// Empties the bucket (the access logs S3 delivered to it, every version) and deletes it.
    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        while true {
            let listed = try context.aws(
                resource.region, ["s3api", "list-object-versions", "--bucket", id, "--max-items", "1000"])
            let objects = ((listed["Versions"]?.arrayValue ?? []) + (listed["DeleteMarkers"]?.arrayValue ?? [])).map {
                v -> Value in
                ["Key": v["Key"] ?? .null, "VersionId": v["VersionId"] ?? .null]
            }
            guard !objects.isEmpty else { break }
            try context.aws(
                resource.region,
                [
                    "s3api", "delete-objects", "--bucket", id, "--delete",
                    Value.object(
                        Fields([
                            Fields.Entry(key: "Objects", value: .array(objects)),
                            Fields.Entry(key: "Quiet", value: true),
                        ])
                    ).jsonText,
                ])
        }
        try context.aws(resource.region, ["s3api", "delete-bucket", "--bucket", id])
    }
}
