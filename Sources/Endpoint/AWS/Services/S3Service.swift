import CloudModel
import Foundation
import Policies

/// S3 on the wire (REST-XML, path-style): the bucket listing, every bucket setting remsim models
/// and the ones tools read before acting (Custodian reads ten per bucket), and the calls that
/// change what remsim models. Buckets are reached from any region; another account's bucket
/// answers `AccessDenied`, as it does without a bucket policy letting the caller in.
package enum S3Service {
    static let bucketMember = Member("Bucket", .string, location: "Bucket", placement: .uri)
    static let expectedOwner = Member(
        "ExpectedBucketOwner", .string, location: "x-amz-expected-bucket-owner", placement: .header)
    static let tag: Shape = .structure([Member("Key", .string), Member("Value", .string)])
    static let owner: Shape = .structure([Member("DisplayName", .string), Member("ID", .string)])
    static let grantee: Shape = .structure([
        Member("DisplayName", .string), Member("EmailAddress", .string), Member("ID", .string),
        Member("Type", .string, location: "xsi:type", placement: .attribute), Member("URI", .string),
    ])
    static let grants: Shape = .list(
        .structure([Member("Grantee", grantee), Member("Permission", .string)]), member: "Grant")
    static let accessControlPolicy: Shape = .structure([
        Member("Grants", grants, location: "AccessControlList"), Member("Owner", owner),
    ])
    static let publicAccessBlock: Shape = .structure(
        ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"].map {
            Member($0, .boolean, location: $0)
        })
    static let encryption: Shape = .structure([
        Member(
            "Rules",
            .flattened(
                .structure([
                    Member(
                        "ApplyServerSideEncryptionByDefault",
                        .structure([Member("SSEAlgorithm", .string), Member("KMSMasterKeyID", .string)])),
                    Member("BucketKeyEnabled", .boolean),
                ])), location: "Rule")
    ])
    static let loggingEnabled: Shape = .structure([
        Member("TargetBucket", .string),
        Member(
            "TargetGrants",
            .list(.structure([Member("Grantee", grantee), Member("Permission", .string)]), member: "Grant")),
        Member("TargetPrefix", .string),
    ])
    static let versioning: [Member] = [Member("Status", .string), Member("MFADelete", .string, location: "MfaDelete")]
    static let tagging: Shape = .structure([Member("TagSet", .list(tag, member: "Tag"))])
    static let website: [Member] = [
        Member("RedirectAllRequestsTo", .structure([Member("HostName", .string), Member("Protocol", .string)])),
        Member("IndexDocument", .structure([Member("Suffix", .string)])),
        Member("ErrorDocument", .structure([Member("Key", .string)])),
        Member(
            "RoutingRules",
            .list(
                .structure([
                    Member(
                        "Condition",
                        .structure([
                            Member("HttpErrorCodeReturnedEquals", .string), Member("KeyPrefixEquals", .string),
                        ])),
                    Member(
                        "Redirect",
                        .structure([
                            Member("HostName", .string), Member("HttpRedirectCode", .string),
                            Member("Protocol", .string), Member("ReplaceKeyPrefixWith", .string),
                            Member("ReplaceKeyWith", .string),
                        ])),
                ]), member: "RoutingRule")),
    ]

    /// A read of one bucket setting: `GET /{Bucket}?subresource`.
    static func get(
        _ action: String, _ subresource: String, output: [Member], answerRoot: String? = nil,
        _ read: @escaping @Sendable (Resource, AWSCall) throws(AWSError) -> Value
    ) -> AWSOperation {
        AWSOperation(
            service: "s3", action: action, input: .structure([bucketMember, expectedOwner]),
            output: .structure(output),
            handling: .read { call, inventory throws(AWSError) in try read(try bucket(call, inventory), call) },
            route: .init("GET", "/{Bucket}?\(subresource)", answerRoot: answerRoot))
    }

    /// A call remsim's catalog models under the same name: `PUT /{Bucket}?subresource` with the
    /// setting as the body.
    static func put(_ action: String, _ subresource: String, payload: Member, extra: [Member] = []) -> AWSOperation {
        AWSOperation(
            service: "s3", action: action, input: .structure([bucketMember, payload, expectedOwner] + extra),
            output: .structure([]),
            handling: .change { call, inventory throws(AWSError) in
                let bucket = try bucket(call, inventory)
                var parameters = Fields([Fields.Entry(key: "Bucket", value: .string(name(of: bucket)))])
                guard let setting = call.parameters[payload.name] else {
                    throw XMLReader.malformed("the request has no <\(payload.location ?? payload.name)>")
                }
                parameters[payload.name] = setting
                return PlannedCall(
                    operation: "s3:\(action)", resourceId: bucket.id, parameters: .object(parameters),
                    answer: .emptyObject, region: bucket.region)
            },
            route: .init("PUT", "/{Bucket}?\(subresource)"))
    }

    package static let operations: [AWSOperation] =
        [
            AWSOperation(
                service: "s3", action: "ListBuckets",
                input: .structure([
                    Member("MaxBuckets", .integer, location: "max-buckets", placement: .querystring),
                    Member("ContinuationToken", .string, location: "continuation-token", placement: .querystring),
                    Member("Prefix", .string, location: "prefix", placement: .querystring),
                    Member("BucketRegion", .string, location: "bucket-region", placement: .querystring),
                ]),
                output: .structure([
                    Member(
                        "Buckets",
                        .list(
                            .structure([
                                Member("Name", .string), Member("CreationDate", .timestamp),
                                Member("BucketRegion", .string),
                            ]), member: "Bucket")),
                    Member("Owner", owner), Member("ContinuationToken", .string), Member("Prefix", .string),
                ]),
                handling: .read(listBuckets), route: .init("GET", "/", answerRoot: "ListAllMyBucketsResult")),
            AWSOperation(
                service: "s3", action: "HeadBucket", input: .structure([bucketMember, expectedOwner]),
                output: .structure([
                    Member("BucketRegion", .string, location: "x-amz-bucket-region", placement: .header)
                ]),
                handling: .read { call, inventory throws(AWSError) in
                    ["BucketRegion": .string(try bucket(call, inventory).region)]
                }, route: .init("HEAD", "/{Bucket}")),
            get(
                "GetBucketLocation", "location", output: [Member("LocationConstraint", .string)],
                answerRoot: "LocationConstraint"
            ) { bucket, _ throws(AWSError) in
                // us-east-1 is the one region S3 names by no constraint.
                ["LocationConstraint": bucket.region == "us-east-1" ? "" : .string(bucket.region)]
            },
            get(
                "GetBucketAcl", "acl",
                output: [Member("Owner", owner), Member("Grants", grants, location: "AccessControlList")],
                answerRoot: "AccessControlPolicy"
            ) { bucket, _ throws(AWSError) in acl(of: bucket) },
            get(
                "GetBucketPolicy", "policy", output: [Member("Policy", .string, placement: .payload)]
            ) { bucket, _ throws(AWSError) in
                guard let policy = bucket.properties["Policy"], !policy.isNull else {
                    throw AWSError(code: "NoSuchBucketPolicy", message: "The bucket policy does not exist")
                }
                return ["Policy": BucketPolicy.text(policy)]
            },
            get(
                "GetBucketTagging", "tagging", output: [Member("TagSet", .list(tag, member: "Tag"))],
                answerRoot: "Tagging"
            ) { bucket, _ throws(AWSError) in
                guard !bucket.tags.isEmpty else {
                    throw AWSError(code: "NoSuchTagSet", message: "The TagSet does not exist")
                }
                return ["TagSet": EC2Filters.tagList(bucket.tags)]
            },
            get(
                "GetBucketVersioning", "versioning", output: versioning, answerRoot: "VersioningConfiguration"
            ) { bucket, _ throws(AWSError) in bucket.properties["Versioning"] ?? .emptyObject },
            get(
                "GetBucketLogging", "logging", output: [Member("LoggingEnabled", loggingEnabled)],
                answerRoot: "BucketLoggingStatus"
            ) { bucket, _ throws(AWSError) in bucket.properties["Logging"] ?? .emptyObject },
            get("GetBucketWebsite", "website", output: website, answerRoot: "WebsiteConfiguration") {
                bucket, _ throws(AWSError) in
                try setting(
                    bucket, "Website", notFound: "NoSuchWebsiteConfiguration",
                    "The specified bucket does not have a website configuration")
            },
            get(
                "GetBucketEncryption", "encryption",
                output: [Member("ServerSideEncryptionConfiguration", encryption, placement: .payload)]
            ) { bucket, _ throws(AWSError) in
                [
                    "ServerSideEncryptionConfiguration": try setting(
                        bucket, "ServerSideEncryptionConfiguration",
                        notFound: "ServerSideEncryptionConfigurationNotFoundError",
                        "The server side encryption configuration was not found")
                ]
            },
            get(
                "GetPublicAccessBlock", "publicAccessBlock",
                output: [Member("PublicAccessBlockConfiguration", publicAccessBlock, placement: .payload)]
            ) { bucket, _ throws(AWSError) in
                [
                    "PublicAccessBlockConfiguration": try setting(
                        bucket, "PublicAccessBlockConfiguration", notFound: "NoSuchPublicAccessBlockConfiguration",
                        "The public access block configuration was not found")
                ]
            },
            // Settings remsim does not model: read as S3 answers a bucket that has none, unless the
            // bucket holds one (from an import), which the endpoint cannot describe and so refuses.
            get(
                "GetBucketReplication", "replication",
                output: [Member("ReplicationConfiguration", .structure([]), placement: .payload)]
            ) { bucket, call throws(AWSError) in
                try unmodelled(bucket, call, "Replication")
                throw AWSError(
                    code: "ReplicationConfigurationNotFoundError",
                    message: "The replication configuration was not found")
            },
            get(
                "GetBucketLifecycleConfiguration", "lifecycle", output: [], answerRoot: "LifecycleConfiguration"
            ) { bucket, call throws(AWSError) in
                try unmodelled(bucket, call, "Lifecycle")
                throw AWSError(
                    code: "NoSuchLifecycleConfiguration", message: "The lifecycle configuration does not exist")
            },
            get(
                "GetBucketNotificationConfiguration", "notification", output: [],
                answerRoot: "NotificationConfiguration"
            ) { bucket, call throws(AWSError) in
                try unmodelled(bucket, call, "Notification")
                return .emptyObject
            },
            put(
                "PutPublicAccessBlock", "publicAccessBlock",
                payload: Member(
                    "PublicAccessBlockConfiguration", publicAccessBlock, location: "PublicAccessBlockConfiguration",
                    placement: .payload)),
            put(
                "PutBucketVersioning", "versioning",
                payload: Member(
                    "VersioningConfiguration", .structure(versioning), location: "VersioningConfiguration",
                    placement: .payload)),
            put(
                "PutBucketEncryption", "encryption",
                payload: Member(
                    "ServerSideEncryptionConfiguration", encryption, location: "ServerSideEncryptionConfiguration",
                    placement: .payload)),
            put(
                "PutBucketLogging", "logging",
                payload: Member(
                    "BucketLoggingStatus", .structure([Member("LoggingEnabled", loggingEnabled)]),
                    location: "BucketLoggingStatus", placement: .payload)),
            put(
                "PutBucketTagging", "tagging",
                payload: Member("Tagging", tagging, location: "Tagging", placement: .payload)),
            putBucketAcl,
        ]
        + ["GET", "HEAD"].map(objectRead)

    /// `GetObject` and `HeadObject`, of the objects remsim put (a violation report): the bytes
    /// (for `GET`) and what S3 says of them in headers. A byte range is refused, not answered whole.
    static func objectRead(_ method: String) -> AWSOperation {
        let get = method == "GET"
        var output = [
            Member("ContentType", .string, location: "Content-Type", placement: .header),
            Member("ETag", .string, location: "ETag", placement: .header),
            Member("LastModified", .timestamp, location: "Last-Modified", placement: .header),
        ]
        if get { output.insert(Member("Body", .blob, placement: .payload), at: 0) }
        if !get { output.append(Member("ContentLength", .long, location: "Content-Length", placement: .header)) }
        return AWSOperation(
            service: "s3", action: get ? "GetObject" : "HeadObject",
            input: .structure([
                bucketMember, Member("Key", .string, location: "Key", placement: .uri),
                Member("Range", .string, location: "Range", placement: .header), expectedOwner,
            ]),
            output: .structure(output),
            handling: .readObjects { call, inventory, objects throws(AWSError) in
                let bucket = try bucket(call, inventory)
                guard let object = objects[name(of: bucket)]?[call.string("Key") ?? ""] else {
                    throw AWSError(code: "NoSuchKey", message: "The specified key does not exist.")
                }
                if call.parameters["Range"] != nil {
                    throw AWSError(
                        code: "NotImplemented", message: "remsim's endpoint does not serve byte ranges of an object",
                        status: 501)
                }
                var answer = Fields()
                answer["ContentType"] = .string(object.contentType)
                answer["ETag"] = .string(object.etag)
                answer["LastModified"] = .string(httpDate(object.lastModified))
                if get {
                    answer["Body"] = .string(String(decoding: object.body, as: UTF8.self))
                } else {
                    answer["ContentLength"] = .int(object.body.count)
                }
                return .object(answer)
            },
            route: .init(method, "/{Bucket}/{Key+}"))
    }

    /// `Thu, 01 Jan 2026 00:15:00 GMT`: HTTP's date, as S3 gives `Last-Modified`.
    static func httpDate(_ t: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(t.milliseconds) / 1000))
    }

    /// `PutBucketAcl` with the whole policy as the body, or with a canned ACL (`x-amz-acl`),
    /// which is the policy S3 documents for it. Grants given one by one in headers are refused.
    static let putBucketAcl = AWSOperation(
        service: "s3", action: "PutBucketAcl",
        input: .structure(
            [
                Member("ACL", .string, location: "x-amz-acl", placement: .header),
                Member(
                    "AccessControlPolicy", accessControlPolicy, location: "AccessControlPolicy", placement: .payload),
                bucketMember, expectedOwner,
            ]
                + [
                    ("GrantFullControl", "full-control"), ("GrantRead", "read"), ("GrantReadACP", "read-acp"),
                    ("GrantWrite", "write"), ("GrantWriteACP", "write-acp"),
                ].map { name, header in Member(name, .string, location: "x-amz-grant-" + header, placement: .header) }),
        output: .structure([]),
        handling: .change { call, inventory throws(AWSError) in
            let bucket = try bucket(call, inventory)
            if let header = ["GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP"].first(
                where: { call.parameters[$0] != nil })
            {
                throw AWSError(
                    code: "NotImplemented",
                    message: "remsim's endpoint does not serve PutBucketAcl with grants in headers (\(header))",
                    status: 501)
            }
            let policy: Value
            if let given = call.parameters["AccessControlPolicy"] {
                policy = given
            } else if let canned = call.string("ACL") {
                policy = try cannedACL(canned, of: bucket)
            } else {
                throw AWSError(code: "MissingSecurityHeader", message: "Your request was missing a required header")
            }
            return PlannedCall(
                operation: "s3:PutBucketAcl", resourceId: bucket.id,
                parameters: ["Bucket": .string(name(of: bucket)), "AccessControlPolicy": policy], answer: .emptyObject,
                region: bucket.region)
        },
        route: .init("PUT", "/{Bucket}?acl"))

    static func name(of bucket: Resource) -> String { bucket.properties["Name"]?.stringValue ?? bucket.name }

    static func buckets(_ inventory: Inventory) -> [Resource] {
        inventory.resources(ofType: "aws.s3").sorted { name(of: $0) < name(of: $1) }
    }

    /// The bucket the call names, if the caller's account owns it.
    static func bucket(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Resource {
        let name = call.string("Bucket") ?? ""
        guard let bucket = inventory.resources(ofType: "aws.s3").first(where: { Self.name(of: $0) == name }) else {
            throw AWSError(code: "NoSuchBucket", message: "The specified bucket does not exist")
        }
        guard bucket.account == call.account else { throw AWSError(code: "AccessDenied", message: "Access Denied") }
        if let expected = call.string("ExpectedBucketOwner"), expected != bucket.account {
            throw AWSError(code: "AccessDenied", message: "Access Denied")
        }
        return bucket
    }

    static func setting(_ bucket: Resource, _ key: String, notFound code: String, _ message: String) throws(AWSError)
        -> Value
    {
        guard let value = bucket.properties[key], !value.isNull else { throw AWSError(code: code, message: message) }
        return value
    }

    static func unmodelled(_ bucket: Resource, _ call: AWSCall, _ key: String) throws(AWSError) {
        if let held = bucket.properties[key], !held.isNull {
            throw AWSError(
                code: "NotImplemented",
                message: "remsim's endpoint does not describe a bucket's \(key) (\(name(of: bucket)) has one)",
                status: 501)
        }
    }

    /// The canonical user id S3 gives the account: the ACL's owner where the bucket holds one.
    static func canonicalId(of bucket: Resource) -> String {
        bucket.properties["Acl"]?["Owner"]?["ID"]?.stringValue ?? canonicalId(ofAccount: bucket.account)
    }

    /// A canonical user id of S3's form (64 hex digits) for an account: its digits, repeated.
    static func canonicalId(ofAccount account: String) -> String {
        String(String(repeating: account, count: 64 / max(1, account.count) + 1).prefix(64))
    }

    /// The bucket's ACL; one without an ACL has the one S3 gives a new bucket: its owner with
    /// full control.
    static func acl(of bucket: Resource) -> Value {
        if let acl = bucket.properties["Acl"], acl["Grants"] != nil { return acl }
        return try! cannedACL("private", of: bucket)
    }

    /// The access control policy a canned ACL stands for, as S3 documents them.
    static func cannedACL(_ canned: String, of bucket: Resource) throws(AWSError) -> Value {
        let owner: Value = ["ID": .string(canonicalId(of: bucket))]
        func group(_ name: String, _ permission: String) -> Value {
            [
                "Grantee": ["Type": "Group", "URI": .string("http://acs.amazonaws.com/groups/\(name)")],
                "Permission": .string(permission),
            ]
        }
        var grants: [Value] = [
            ["Grantee": ["Type": "CanonicalUser", "ID": owner["ID"] ?? .null], "Permission": "FULL_CONTROL"]
        ]
        switch canned {
        case "private": break
        case "public-read": grants.append(group("global/AllUsers", "READ"))
        case "public-read-write": grants += [group("global/AllUsers", "READ"), group("global/AllUsers", "WRITE")]
        case "authenticated-read": grants.append(group("global/AuthenticatedUsers", "READ"))
        case "log-delivery-write": grants += [group("s3/LogDelivery", "WRITE"), group("s3/LogDelivery", "READ_ACP")]
        default:
            throw AWSError(code: "InvalidArgument", message: "\(canned) is not a canned ACL S3 has for a bucket")
        }
        return ["Owner": owner, "Grants": .array(grants)]
    }

    /// `ListBuckets`: the caller's buckets by name, with S3's optional prefix, region and paging.
    @Sendable static func listBuckets(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Value {
        var mine = buckets(inventory).filter { $0.account == call.account }
        if let prefix = call.string("Prefix") { mine = mine.filter { name(of: $0).hasPrefix(prefix) } }
        if let region = call.string("BucketRegion") { mine = mine.filter { $0.region == region } }
        if let after = call.string("ContinuationToken") { mine = mine.filter { name(of: $0) > after } }
        var answer = Fields()
        if let max = call.parameters["MaxBuckets"]?.intValue {
            guard (1...10_000).contains(max) else {
                throw AWSError(code: "InvalidArgument", message: "max-buckets must be between 1 and 10000")
            }
            if mine.count > max {
                mine = Array(mine.prefix(max))
                answer["ContinuationToken"] = .string(name(of: mine[max - 1]))
            }
        }
        answer["Buckets"] = .array(
            mine.map { bucket in
                [
                    "Name": .string(name(of: bucket)),
                    "CreationDate": bucket.properties["CreationDate"] ?? "2024-01-01T00:00:00.000Z",
                    "BucketRegion": .string(bucket.region),
                ]
            })
        answer["Owner"] = ["ID": .string(canonicalId(ofAccount: call.account))]
        if let prefix = call.string("Prefix") { answer["Prefix"] = .string(prefix) }
        return .object(answer)
    }
}
