import CloudModel
import Foundation

/// Reads AWS Config configuration items, as Config delivers them:
///
/// - a configuration snapshot file, or `aws configservice get-resource-config-history`
///   (`configurationItems`, each `configuration` an object or a JSON string);
/// - `aws configservice batch-get-resource-config` (`baseConfigurationItems`);
/// - `aws configservice select-resource-config` (`Results`, each a JSON string).
///
/// Config writes configurations in camelCase (`groupId`, `ipPermissions`, `dBInstanceIdentifier`)
/// while policies read the describe APIs' PascalCase (`GroupId`, `IpPermissions`,
/// `DBInstanceIdentifier`), so keys are converted, with Config's renamings undone
/// (`ipv4Ranges` → `IpRanges`; its flat `ipRanges` list is dropped). An S3 bucket's
/// supplementary configuration becomes the properties the S3 policies read
/// (`PublicAccessBlockConfiguration`, `Versioning`, `ServerSideEncryptionConfiguration`,
/// `Logging`). Items of resources since deleted are skipped and counted; resource types remsim
/// does not model are kept as inert resources of type `aws.` + the Config type.
public enum AWSConfigImporter {
    /// Config's flat copies of what another key holds in full.
    static let dropped: Set<String> = ["ipRanges", "tags", "Tags"]
    static let deletedStatuses: Set<String> = ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]

    /// The lists of configuration items, by the call that prints them.
    static let lists: [String: ExportReader.Use] = [
        "configurationItems": .items, "baseConfigurationItems": .items, "Results": .items,
    ]

    public static func load(files: [String]) throws(LoadError) -> ImportResult {
        var collector = ImportCollector()
        var attachments: [(group: String, instance: String)] = []
        for file in files {
            let summary = try ExportReader.read(
                file: file, expecting: "the JSON object of a Config snapshot or an `aws configservice` call",
                uses: lists, otherwise: .ignore
            ) { (entry: ExportItem) throws(LoadError) in
                let item = try entry.value.decodedJSONString(of: entry, at: "")
                if let status = item["configurationItemStatus"]?.stringValue, deletedStatuses.contains(status) {
                    collector.skip("configuration items of deleted resources")
                    return
                }
                let r = try resource(item, entry)
                try collector.add(r, entry)
                if r.type == "aws.ec2" {
                    for rel in item["relationships"]?.arrayValue ?? []
                    where rel["resourceType"]?.stringValue == "AWS::EC2::SecurityGroup" {
                        if let gid = rel["resourceId"]?.stringValue { attachments.append((gid, r.id)) }
                    }
                }
            }
            guard summary.keys.contains(where: { lists[$0] != nil }) else {
                throw summary.error(
                    "no configurationItems, baseConfigurationItems or Results: not an AWS Config export")
            }
        }
        for (group, instance) in attachments { collector.attach(instance, toGroup: group) }
        return collector.result
    }

    static func resource(_ item: Value, _ entry: ExportItem) throws(LoadError) -> Resource {
        guard item.objectValue != nil else { throw entry.error("expected an object") }
        guard let configType = item["resourceType"]?.stringValue else { throw entry.error("missing 'resourceType'") }
        guard let account = item["awsAccountId"]?.stringValue ?? item["accountId"]?.stringValue else {
            throw entry.error("missing 'awsAccountId'")
        }
        let known = ResourceTypeRegistry.type(awsConfigType: configType)
        let resourceId = item["resourceId"]?.stringValue
        let resourceName = item["resourceName"]?.stringValue
        let arn = item["ARN"]?.stringValue ?? item["arn"]?.stringValue
        let id: String? =
            switch known?.awsConfig?.id {
            case .resourceName?: resourceName ?? resourceId
            case .arn?: arn ?? resourceId
            case .iamPath(let prefix)?: resourceName.map { "\(prefix)/\(account)/\($0)" }
            case .resourceId?, nil: resourceId ?? arn
            }
        guard let id else { throw entry.error("no resourceId for this \(configType) item") }
        let isGlobal = known?.isGlobal ?? false
        let region = isGlobal ? "global" : item["awsRegion"]?.stringValue ?? "global"
        var properties = pascalCased(
            try item["configuration"]?.decodedJSONString(of: entry, at: "configuration") ?? .emptyObject)
        if properties.objectValue == nil { properties = .emptyObject }
        if configType == "AWS::S3::Bucket" {
            properties = try s3Properties(
                properties, supplementary: item["supplementaryConfiguration"] ?? .emptyObject, entry)
        }
        var tags: [String: String] = [:]
        for entry in item["tags"]?.objectValue?.entries ?? [] {
            tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
        }
        return Resource(
            id: id, type: known?.name ?? "aws.\(configType)", account: account, region: region,
            name: resourceName ?? tags["Name"] ?? id, tags: tags, properties: properties)
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
        if let logging = try part("BucketLoggingConfiguration") {
            var enabled = Fields()
            if let target = logging["DestinationBucketName"], !target.isNull { enabled["TargetBucket"] = target }
            if let prefix = logging["LogFilePrefix"], !prefix.isNull { enabled["TargetPrefix"] = prefix }
            p = p.setting("Logging", to: enabled.isEmpty ? .emptyObject : ["LoggingEnabled": .object(enabled)])
        }
        return p
    }
}
