import CloudModel
import Foundation

/// Reads AWS Config configuration items, in every shape Config delivers them:
///
/// - a configuration snapshot or history file delivered to S3, or
///   `aws configservice get-resource-config-history` (`configurationItems`, each `configuration`
///   an object or a JSON string); a history holds several versions of one resource, of which the
///   latest (by `configurationItemCaptureTime`) is imported, and a resource whose latest item
///   says it was deleted is not;
/// - `aws configservice batch-get-resource-config` (`baseConfigurationItems`);
/// - `aws configservice select-resource-config` and `select-aggregate-resource-config`
///   (`Results`, each row a JSON string), with whatever the query selected: a row without
///   `resourceType` takes it from its `arn`, or from `--resource-type`; one without `awsRegion`
///   or `accountId` from its `arn`;
/// - configuration items bare: one item, a list of them, or the change notification Config
///   sends (`configurationItem`);
/// - beside them, what Config does not record about IAM users: their access keys, from the
///   credential report or `aws iam list-access-keys`. Users without them, and KMS keys without
///   their rotation status, are imported with those properties unknown.
///
/// Config writes configurations in camelCase (`groupId`, `ipPermissions`, `dBInstanceIdentifier`)
/// while policies read the describe APIs' PascalCase (`GroupId`, `IpPermissions`,
/// `DBInstanceIdentifier`), so keys are converted, with Config's renamings undone
/// (`ipv4Ranges` → `IpRanges`; its flat `ipRanges` list is dropped). An S3 bucket's
/// supplementary configuration becomes the properties the S3 policies read
/// (`PublicAccessBlockConfiguration`, `Versioning`, `ServerSideEncryptionConfiguration`,
/// `Logging`). Resource types remsim does not model are kept as inert resources of type
/// `aws.` + the Config type.
public enum AWSConfigImporter {
    /// Config's flat copies of what another key holds in full.
    static let dropped: Set<String> = ["ipRanges", "tags", "Tags"]
    static let deletedStatuses: Set<String> = ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]

    /// The lists of configuration items, by the call that prints them, and the notification's item.
    static let lists: [String: ExportReader.Use] = [
        "configurationItems": .items, "baseConfigurationItems": .items, "Results": .items,
        "configurationItem": .single,
    ]
    static let pageKeys: Set<String> = ["nextToken", "NextToken"]
    /// What is read: the lists, the page keys, and the access keys Config does not record
    /// (`list-access-keys`, `get-credential-report`) given beside the items.
    static let uses: [String: ExportReader.Use] = lists.merging(
        (pageKeys.map { ($0, .keep) }) + [("AccessKeyMetadata", .items), ("Content", .keep), ("ReportFormat", .keep)]
    ) { a, _ in a }

    /// The Config type of a resource, read from its ARN: `(service, what the resource part starts
    /// with)` → type. Only types remsim models.
    static let typesByARN: [(service: String, prefix: String, type: String)] = [
        ("ec2", "security-group/", "AWS::EC2::SecurityGroup"), ("ec2", "network-acl/", "AWS::EC2::NetworkAcl"),
        ("ec2", "vpc/", "AWS::EC2::VPC"), ("ec2", "instance/", "AWS::EC2::Instance"),
        ("ec2", "volume/", "AWS::EC2::Volume"), ("s3", "", "AWS::S3::Bucket"), ("iam", "user/", "AWS::IAM::User"),
        ("iam", "role/", "AWS::IAM::Role"), ("rds", "db:", "AWS::RDS::DBInstance"),
        ("rds", "snapshot:", "AWS::RDS::DBSnapshot"), ("redshift", "cluster:", "AWS::Redshift::Cluster"),
        ("cloudtrail", "trail/", "AWS::CloudTrail::Trail"), ("kms", "key/", "AWS::KMS::Key"),
        ("elasticloadbalancing", "loadbalancer/app/", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
        ("lambda", "function:", "AWS::Lambda::Function"),
    ]

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` split in its six fields, or nil.
    static func arnFields(_ arn: String?) -> [Substring]? {
        guard let arn else { return nil }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" ? parts : nil
    }

    static func type(ofARN arn: String?) -> String? {
        guard let parts = arnFields(arn) else { return nil }
        return typesByARN.first { parts[2] == $0.service && parts[5].hasPrefix($0.prefix) }?.type
    }

    /// Imports `files` (`-` is standard input). `resourceType` is the Config type of rows that do
    /// not say theirs (a `select-resource-config` query that did not select it).
    public static func load(files: [String], resourceType: String? = nil) throws(LoadError) -> ImportResult {
        var collector = ImportCollector()
        /// An instance's security groups, from the version of the instance kept.
        var attachments: [String: [String]] = [:]
        /// The capture time of the version of each resource kept, and the resources whose latest
        /// item says they were deleted.
        var captured: [String: Timestamp] = [:]
        var gone: Set<String> = []
        var pagesGoingOn: [String] = []
        var items = 0
        var keys = AccessKeyMerge()
        for file in files {
            // Config records no access keys: the credential report or `list-access-keys` output
            // given beside the items adds them to the users.
            let data = try ExportReader.readData(file)
            if IAMCredentialReport.isCSV(data) {
                try keys.read(report: data, file: ExportReader.displayName(file))
                continue
            }
            /// Imports one configuration item.
            func take(_ entry: ExportItem, _ value: Value) throws(LoadError) {
                items += 1
                let item = try value.decodedJSONString(of: entry, at: "")
                collector.taken(item["configurationItemCaptureTime"]?.stringValue)
                let time = (item["configurationItemCaptureTime"]?.stringValue).flatMap { Timestamp(iso8601: $0) }
                let deleted = item["configurationItemStatus"]?.stringValue.map(deletedStatuses.contains) ?? false
                let r = try resource(item, entry, resourceType: resourceType)
                if collector.index[r.id] != nil || gone.contains(r.id) {
                    // A resource seen before: another version in a history, or the same item twice.
                    let kept = captured[r.id]
                    guard let time, let kept, time != kept else {
                        throw entry.error(
                            "'\(r.id)' appears twice in the import"
                                + (time != nil && time == kept ? ", captured at the same time" : ""))
                    }
                    collector.skip("earlier configuration items of a history (the latest of each is imported)")
                    guard time > kept else { return }
                }
                captured[r.id] = time
                if deleted {
                    gone.insert(r.id)
                    return
                }
                gone.remove(r.id)
                if let slot = collector.index[r.id] {
                    collector.resources[slot] = r
                } else {
                    try collector.add(r, entry)
                }
                if r.type == "aws.ec2" {
                    attachments[r.id] = (item["relationships"]?.arrayValue ?? []).compactMap { rel in
                        rel["resourceType"]?.stringValue == "AWS::EC2::SecurityGroup"
                            ? rel["resourceId"]?.stringValue : nil
                    }
                }
            }
            let summary = try ExportReader.read(
                data: data, file: file,
                expecting:
                    "the JSON of a Config snapshot or history, an `aws configservice` call, or configuration items",
                topList: true, uses: uses, otherwise: .keep
            ) { (entry: ExportItem) throws(LoadError) in
                if entry.list == "AccessKeyMetadata" {
                    try keys.add(listed: entry.value, entry, file: ExportReader.displayName(file))
                } else {
                    try take(entry, entry.value)
                }
            }
            if let content = summary.kept["Content"]?.stringValue, summary.kept["ReportFormat"] == "text/csv" {
                guard let csv = Data(base64Encoded: content) else {
                    throw summary.error("the credential report's Content is not base64")
                }
                try keys.read(report: csv, file: ExportReader.displayName(file) + " (Content)")
                continue
            }
            if summary.keys.contains("AccessKeyMetadata") { continue }
            if summary.top == .object, !summary.keys.contains(where: { lists[$0] != nil }) {
                // One configuration item, bare.
                guard summary.kept["resourceType"] != nil || summary.kept["resourceId"] != nil else {
                    throw summary.error(
                        "no configurationItems, baseConfigurationItems, Results or configurationItem, and not a "
                            + "configuration item: not an AWS Config export")
                }
                try take(ExportItem(value: .object(summary.kept), list: nil, keyPath: ""), .object(summary.kept))
            }
            if pageKeys.contains(where: { summary.kept[$0].map { !$0.isNull && $0 != .string("") } ?? false }) {
                pagesGoingOn.append(ExportReader.displayName(file))
            }
        }
        let deletedCount = gone.count
        if deletedCount > 0 {
            collector.skip("resources whose latest configuration item says they were deleted", deletedCount)
            let kept = collector.resources.filter { !gone.contains($0.id) }
            collector.resources = []
            collector.index = [:]
            for r in kept {
                collector.index[r.id] = collector.resources.count
                collector.resources.append(r)
            }
        }
        for (instance, groups) in attachments.sorted(by: { $0.key < $1.key }) where !gone.contains(instance) {
            for group in groups { collector.attach(instance, toGroup: group) }
        }
        try keys.merge(into: &collector, account: nil)
        // What Config does not record is unknown, not absent: the users' access keys (unless
        // given beside), a key's rotation status.
        for (type, property, advice) in [
            ("aws.iam-user", "AccessKeys", AWSDescribeShape.accessKeysAdvice),
            ("aws.kms-key", "KeyRotationEnabled", "add it to the fixtures from `aws kms get-key-rotation-status`"),
        ] {
            var marked = 0
            for i in collector.resources.indices
            where collector.resources[i].type == type && collector.resources[i].property(property) == nil {
                collector.resources[i].unknownProperties.append(property)
                marked += 1
            }
            if marked > 0 {
                collector.warn(
                    "\(marked) \(type) without \(property), which AWS Config does not record: imported with it unknown, "
                        + "so policies reading it cannot evaluate \(marked == 1 ? "it" : "them"); \(advice)")
            }
        }
        collector.warn(pages: pagesGoingOn, marker: "nextToken")
        return collector.result
    }

    static func resource(_ item: Value, _ entry: ExportItem, resourceType: String? = nil) throws(LoadError)
        -> Resource
    {
        guard item.objectValue != nil else { throw entry.error("expected an object") }
        let arn = item["ARN"]?.stringValue ?? item["arn"]?.stringValue
        guard let configType = item["resourceType"]?.stringValue ?? type(ofARN: arn) ?? resourceType else {
            throw entry.error(
                "missing 'resourceType': select it (`SELECT resourceType, …`) or give the type with --resource-type")
        }
        guard
            let account = item["awsAccountId"]?.stringValue ?? item["accountId"]?.stringValue
                ?? arnFields(arn).map({ String($0[4]) }).flatMap({ $0.isEmpty ? nil : $0 })
        else {
            throw entry.error("missing 'awsAccountId' (select accountId, or arn)")
        }
        let known = ResourceTypeRegistry.type(awsConfigType: configType)
        let resourceId = item["resourceId"]?.stringValue
        let resourceName = item["resourceName"]?.stringValue
        let id: String? =
            switch known?.awsConfig?.id {
            case .resourceName?: resourceName ?? resourceId
            case .arn?: arn ?? resourceId
            case .iamPath(let prefix)?: resourceName.map { "\(prefix)/\(account)/\($0)" }
            case .resourceId?, nil: resourceId ?? arn
            }
        guard let id else {
            throw entry.error("no resourceId or resourceName for this \(configType) item")
        }
        let isGlobal = known?.isGlobal ?? false
        let arnRegion = arnFields(arn).map { String($0[3]) }.flatMap { $0.isEmpty ? nil : $0 }
        guard
            let region = isGlobal
                ? "global" : item["awsRegion"]?.stringValue ?? arnRegion ?? (known == nil ? "global" : nil)
        else {
            throw entry.error("no awsRegion for '\(id)' (select awsRegion, or arn)")
        }
        var properties = pascalCased(
            try item["configuration"]?.decodedJSONString(of: entry, at: "configuration") ?? .emptyObject)
        if properties.objectValue == nil { properties = .emptyObject }
        if configType == "AWS::S3::Bucket" {
            properties = try s3Properties(
                properties, supplementary: item["supplementaryConfiguration"] ?? .emptyObject, entry)
        }
        // A configuration item's tags are an object; an advanced query's, a list of {key, value}.
        var tags: [String: String] = [:]
        for entry in item["tags"]?.objectValue?.entries ?? [] {
            tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
        }
        for tag in item["tags"]?.arrayValue ?? [] {
            if let key = tag["key"]?.stringValue { tags[key] = tag["value"]?.stringValue ?? "" }
        }
        return Resource(
            id: id, type: known?.name ?? "aws.\(configType)", account: account, region: region,
            name: resourceName ?? tags["Name"] ?? id, tags: tags, properties: properties)
    }

    /// Config's group grantees, by the name it writes for them.
    static let groupGrantees: [String: String] = [
        "AllUsers": S3Access.allUsers, "AuthenticatedUsers": S3Access.authenticatedUsers,
        "LogDelivery": "http://acs.amazonaws.com/groups/s3/LogDelivery",
    ]
    /// Config's permission names, as `get-bucket-acl` spells them.
    static let permissions: [String: String] = [
        "FullControl": "FULL_CONTROL", "Write": "WRITE", "WriteAcp": "WRITE_ACP", "Read": "READ", "ReadAcp": "READ_ACP",
    ]

    /// A bucket's `AccessControlList` (a JSON string, sometimes twice over) as `aws s3api
    /// get-bucket-acl` prints an ACL: `{Owner, Grants: [{Grantee, Permission}]}`.
    static func accessControlList(_ value: Value?, _ entry: ExportItem) throws(LoadError) -> Value? {
        let at = "supplementaryConfiguration.AccessControlList"
        guard var acl = value, !acl.isNull else { return nil }
        acl = try acl.decodedJSONString(of: entry, at: at)
        acl = try acl.decodedJSONString(of: entry, at: at)
        guard let ownerId = acl["owner"]?["id"]?.stringValue else {
            throw entry.error("an ACL without its owner's id", at: at)
        }
        var owner = Fields()
        owner["ID"] = .string(ownerId)
        if let name = acl["owner"]?["displayName"]?.stringValue { owner["DisplayName"] = .string(name) }
        var grants: [Value] = []
        for (i, grant) in (acl["grantList"]?.arrayValue ?? []).enumerated() {
            let here = "\(at).grantList[\(i)]"
            guard let permission = grant["permission"]?.stringValue.flatMap({ permissions[$0] }) else {
                throw entry.error(
                    "a grant whose permission is not one of \(permissions.keys.sorted().joined(separator: ", "))",
                    at: here)
            }
            var grantee = Fields()
            if let group = grant["grantee"]?.stringValue {
                guard let uri = groupGrantees[group] else {
                    throw entry.error(
                        "a grant to '\(group)', not a group S3 knows (\(groupGrantees.keys.sorted().joined(separator: ", ")))",
                        at: here)
                }
                grantee["Type"] = "Group"
                grantee["URI"] = .string(uri)
            } else if let id = grant["grantee"]?["id"]?.stringValue {
                grantee["Type"] = "CanonicalUser"
                grantee["ID"] = .string(id)
                if let name = grant["grantee"]?["displayName"]?.stringValue { grantee["DisplayName"] = .string(name) }
            } else {
                throw entry.error("a grant without a grantee", at: here)
            }
            grants.append(["Grantee": .object(grantee), "Permission": .string(permission)])
        }
        return ["Owner": .object(owner), "Grants": .array(grants)]
    }

    /// `groupId` → `GroupId`, recursively, with Config's renamings undone.
    static func pascalCased(_ value: Value) -> Value {
        switch value {
        case .object(let fields):
            var out = Fields()
            for entry in fields.entries where !dropped.contains(entry.key) {
                out[pascalKey(entry.key)] = pascalCased(entry.value)
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(pascalCased))
        default:
            return value
        }
    }

    static func pascalKey(_ key: String) -> String { AWSConfigMapping.describeKey(key) }

    /// The bucket's supplementary configuration, as the properties the S3 describe calls give.
    static func s3Properties(_ configuration: Value, supplementary: Value, _ entry: ExportItem) throws(LoadError)
        -> Value
    {
        var p = configuration
        let s = supplementary.objectValue ?? Fields()
        func part(_ key: String) throws(LoadError) -> Value? {
            guard let v = s[key], !v.isNull else { return nil }
            return pascalCased(try v.decodedJSONString(of: entry, at: "supplementaryConfiguration.\(key)"))
        }
        if let block = try part("PublicAccessBlockConfiguration") {
            p = p.setting("PublicAccessBlockConfiguration", to: block)
        }
        if let versioning = try part("BucketVersioningConfiguration") {
            p = p.setting("Versioning", to: versioning["Status"].map { ["Status": $0] } ?? .emptyObject)
        }
        if let encryption = try part("ServerSideEncryptionConfiguration") {
            p = p.setting("ServerSideEncryptionConfiguration", to: encryption)
        }
        if let acl = try accessControlList(s["AccessControlList"], entry) { p = p.setting("Acl", to: acl) }
        if let policy = s["BucketPolicy"], !policy.isNull {
            let text = try policy.decodedJSONString(of: entry, at: "supplementaryConfiguration.BucketPolicy")
            if let document = text["policyText"], !document.isNull { p = p.setting("Policy", to: document) }
        }
        if let logging = try part("BucketLoggingConfiguration") {
            var enabled = Fields()
            if let target = logging["DestinationBucketName"], !target.isNull { enabled["TargetBucket"] = target }
            if let prefix = logging["LogFilePrefix"], !prefix.isNull { enabled["TargetPrefix"] = prefix }
            p = p.setting("Logging", to: enabled.isEmpty ? .emptyObject : ["LoggingEnabled": .object(enabled)])
        }
        return p
    }
}
