import CloudModel
import Foundation

/// Reads the JSON the AWS CLI prints for its describe, list and get calls, so that a team can
/// seed fixtures from its own account. Every list `AWSDescribeShape.all` names becomes resources of
/// its type (`Volumes` → `aws.ebs`, `DBInstances` → `aws.rds`, `Users` → `aws.iam-user`, …), and
/// besides those:
///
/// - `aws ec2 describe-instances` (`Reservations[].Instances`); an instance's security groups
///   become `attached-to` relations on the groups;
/// - `aws ec2 describe-flow-logs` (`FlowLogs`), attached to their VPCs as the `FlowLogs` property
///   the flow-log policy reads;
/// - `aws cloudfront list-distributions` (`DistributionList.Items`);
/// - `aws iam get-account-password-policy` (`PasswordPolicy`) and `aws kms describe-key`
///   (`KeyMetadata`), one resource each;
/// - what other calls add to a resource: `aws iam list-access-keys` (`AccessKeyMetadata`, the
///   user's `AccessKeys`), the IAM credential report (`aws iam get-credential-report`, or its
///   CSV), `aws ec2 describe-snapshot-attribute`, `aws rds describe-db-snapshot-attributes` and
///   `aws kms get-key-rotation-status`.
///
/// Properties stay exactly as the CLI printed them, except the tags, which become the resource's
/// tags. What is not imported is counted with its reason, never dropped silently; a page of output
/// that goes on (`NextToken`) and resources that lack properties the pack reads are warned about.
public enum AWSDescribeImporter {
    public typealias Result = ImportResult

    /// The lists read, and the members kept to merge into what they describe.
    static let uses: [String: ExportReader.Use] = {
        var uses: [String: ExportReader.Use] = [:]
        for shape in AWSDescribeShape.all { uses[shape.list] = .flat(aside: [shape.tags]) }
        for key in ["Reservations", "FlowLogs", "AccessKeyMetadata"] { uses[key] = .items }
        for key in ["PasswordPolicy", "KeyMetadata", "DistributionList", "DBSnapshotAttributesResult"] {
            uses[key] = .single
        }
        for key in AWSDescribeShape.pageKeys { uses[key] = .keep }
        for key in [
            "SnapshotId", "CreateVolumePermissions", "KeyId", "KeyRotationEnabled", "Content", "ReportFormat",
            "GeneratedTime",
        ] {
            uses[key] = .keep
        }
        for key in AWSDescribeShape.metadataKeys { uses[key] = .ignore }
        return uses
    }()

    /// Imports `files` (`-` is standard input). `region` is needed for what the output does not
    /// place (security groups, VPCs); `account`, when given, overrides the owner ids in the output.
    public static func load(files: [String], region: String?, account: String?) throws(LoadError) -> Result {
        var collector = ImportCollector()
        var flowLogs: [Value] = []
        var attachments: [(group: String, instance: String)] = []
        var keys = AccessKeyMerge()
        /// Properties other calls print about a resource: (type, id or ARN, property, value).
        var additions: [(type: String, id: String, key: String, value: Value, file: String)] = []
        var shapesRead: [String: AWSDescribeShape] = [:]
        var pagesGoingOn: [String] = []

        for file in files {
            let data = try ExportReader.readData(file)
            if IAMCredentialReport.isCSV(data) {
                try keys.read(report: data, file: ExportReader.displayName(file))
                continue
            }
            let summary = try ExportReader.read(
                data: data, file: file, expecting: "the JSON object an `aws …` describe, list or get call prints",
                uses: uses, otherwise: .count
            ) { (item: ExportItem) throws(LoadError) in
                let value = item.value
                if let list = item.list, let shape = AWSDescribeShape.byList[list] {
                    guard let flat = item.flat else { throw item.error("expected an object") }
                    if shape.type == "aws.app-elb", let type = flat.string(member: "Type"), type != "application" {
                        collector.skip("load balancers of type \(type) (not modelled: aws.app-elb is application)")
                        return
                    }
                    let r = try resource(shape, flat, tags: value[shape.tags], item, region, account)
                    if case .iamPath = shape.id, let slot = collector.index[r.id],
                        collector.resources[slot].type == r.type
                    {
                        // `list-users` and `get-account-authorization-details` describe the same
                        // users: one resource, with what each says.
                        var fields = collector.resources[slot].properties.objectValue ?? Fields()
                        for entry in r.properties.objectValue?.entries ?? [] { fields[entry.key] = entry.value }
                        collector.resources[slot].properties = .object(fields)
                        collector.resources[slot].tags.merge(r.tags) { _, new in new }
                    } else {
                        try collector.add(r, item)
                    }
                    shapesRead[shape.list] = shape
                    return
                }
                switch item.list {
                case "Reservations":
                    try instances(of: value, item, region: region, account: account, into: &collector) {
                        attachments.append(($0, $1))
                    }
                case "FlowLogs":
                    flowLogs.append(value)
                case "AccessKeyMetadata":
                    try keys.add(listed: value, item, file: ExportReader.displayName(file))
                case "PasswordPolicy":
                    guard value.objectValue != nil else { throw item.error("expected an object") }
                    guard let account else {
                        throw item.error("the password policy does not name its account; give it with --account")
                    }
                    try collector.add(
                        Resource(
                            id: "iam-password-policy/\(account)", type: "aws.iam-password-policy", account: account,
                            region: "global", name: "account-password-policy", properties: value), item)
                case "KeyMetadata":
                    guard value.objectValue != nil else { throw item.error("expected an object") }
                    let flat = FlatValue(value)
                    let shape = AWSDescribeShape(
                        list: "KeyMetadata", call: "aws kms describe-key", type: "aws.kms-key", id: .property("KeyId"),
                        account: [.arn("Arn")], region: [.arn("Arn")],
                        lacks: (["KeyRotationEnabled"], "import `aws kms get-key-rotation-status` for each as well"))
                    try collector.add(try resource(shape, flat, tags: nil, item, region, account), item)
                    shapesRead[shape.list] = shape
                case "DistributionList":
                    guard case .array(let list) = value["Items"] ?? .array([]) else {
                        throw item.error("expected a list", at: "Items")
                    }
                    let shape = AWSDescribeShape(
                        list: "DistributionList", call: "aws cloudfront list-distributions", type: "aws.distribution",
                        id: .property("Id"), account: [.arn("ARN")], region: [.global])
                    for (i, distribution) in list.enumerated() {
                        guard distribution.objectValue != nil else {
                            throw item.error("expected an object", at: "Items[\(i)]")
                        }
                        try collector.add(
                            try resource(
                                shape, FlatValue(distribution), tags: nil, item, region, account, at: "Items[\(i)]"),
                            item)
                    }
                case "DBSnapshotAttributesResult":
                    guard let id = value["DBSnapshotIdentifier"]?.stringValue, let list = value["DBSnapshotAttributes"]
                    else { throw item.error("expected DBSnapshotIdentifier and DBSnapshotAttributes") }
                    additions.append(("aws.rds-snapshot", id, "DBSnapshotAttributes", list, file))
                default:
                    break
                }
            }
            let kept = summary.kept
            if let id = kept["SnapshotId"]?.stringValue, let permissions = kept["CreateVolumePermissions"] {
                additions.append(("aws.ebs-snapshot", id, "CreateVolumePermissions", permissions, file))
            }
            if let id = kept["KeyId"]?.stringValue, let enabled = kept["KeyRotationEnabled"] {
                additions.append(("aws.kms-key", id, "KeyRotationEnabled", enabled, file))
            } else if kept["KeyRotationEnabled"] != nil {
                collector.skip("key rotation statuses that do not name their key (a CLI before 2024 prints no KeyId)")
            }
            collector.taken(kept["GeneratedTime"]?.stringValue)
            if let content = kept["Content"]?.stringValue, kept["ReportFormat"]?.stringValue == "text/csv" {
                guard let csv = Data(base64Encoded: content) else {
                    throw summary.error("the credential report's Content is not base64")
                }
                try keys.read(report: csv, file: ExportReader.displayName(file) + " (Content)")
            }
            if AWSDescribeShape.pageKeys.contains(where: { key in
                guard let v = kept[key] else { return false }
                return !(v.isNull || v == .bool(false) || v == .string(""))
            }) {
                pagesGoingOn.append(ExportReader.displayName(file))
            }
            for (key, count) in summary.counts {
                if let reason = AWSDescribeShape.namesOnly[key] {
                    collector.skip("\(key): \(reason)", count)
                } else {
                    collector.skip("\(key) (not modelled)", count)
                }
            }
            for key in summary.others { collector.skip("\(key) (not a list of resources)") }
        }

        // Flow logs become the FlowLogs property of their VPC, as the flow-log policy reads it.
        for log in flowLogs {
            guard let target = log["ResourceId"]?.stringValue, let i = collector.index[target],
                collector.resources[i].type == "aws.vpc"
            else {
                collector.skip("flow logs of resources not imported as VPCs")
                continue
            }
            let properties = collector.resources[i].properties
            let existing = properties["FlowLogs"]?.arrayValue ?? []
            collector.resources[i].properties = properties.setting("FlowLogs", to: .array(existing + [log]))
        }
        for (group, instance) in attachments {
            collector.attach(instance, toGroup: group)
        }
        for addition in additions {
            let i =
                collector.index[addition.id]
                ?? collector.resources.firstIndex {
                    $0.type == addition.type && ($0.properties["Arn"]?.stringValue == addition.id)
                }
            guard let i, collector.resources[i].type == addition.type else {
                collector.skip("\(addition.key) of resources not in the import")
                continue
            }
            collector.resources[i].properties = collector.resources[i].properties.setting(
                addition.key, to: addition.value)
        }
        try keys.merge(into: &collector, account: account)
        markLacking(shapesRead.values.sorted { $0.list < $1.list }, &collector)
        collector.warn(
            pages: pagesGoingOn, marker: "NextToken or Marker",
            advice: " (the AWS CLI prints every page when --max-items is not given)")
        return collector.result
    }

    /// Marks what resources lack because their output does not hold it and nothing imported added
    /// it as unknown (so policies reading it cannot be evaluated on them, rather than finding it
    /// absent), and says so.
    static func markLacking(_ shapes: [AWSDescribeShape], _ collector: inout ImportCollector) {
        for shape in shapes {
            guard let lacks = shape.lacks else { continue }
            var marked = 0
            for i in collector.resources.indices where collector.resources[i].type == shape.type {
                let missing = lacks.properties.filter { collector.resources[i].property($0) == nil }
                guard !missing.isEmpty else { continue }
                collector.resources[i].unknownProperties = missing
                marked += 1
            }
            guard marked > 0 else { continue }
            let them = lacks.properties.count == 1 ? "it" : "them"
            collector.warn(
                "\(marked) \(shape.type) from `\(shape.call)` lack \(lacks.properties.joined(separator: ", ")): the "
                    + "output does not hold \(them), so they are imported with \(them) unknown and policies reading "
                    + "\(them) cannot evaluate them; \(lacks.advice)")
        }
    }

    /// The instances of one reservation of `aws ec2 describe-instances`.
    static func instances(
        of value: Value, _ item: ExportItem, region: String?, account: String?, into collector: inout ImportCollector,
        attach: (String, String) -> Void
    ) throws(LoadError) {
        guard value.objectValue != nil else { throw item.error("expected an object") }
        let owner = value["OwnerId"]?.stringValue
        guard case .array(let list) = value["Instances"] ?? .array([]) else {
            throw item.error("expected a list", at: "Instances")
        }
        for (i, instance) in list.enumerated() {
            let part = "Instances[\(i)]"
            guard case .object(var fields) = instance else {
                throw item.error("expected an object", at: part)
            }
            let tags = fields["Tags"]
            fields["Tags"] = nil
            guard let id = instance["InstanceId"]?.stringValue, !id.isEmpty else {
                throw item.error("missing 'InstanceId'", at: part)
            }
            let zone = instance["Placement"]?["AvailabilityZone"]?.stringValue
            let instanceRegion = zone.map { String($0.dropLast()) } ?? region
            try collector.add(
                try resource(
                    FlatValue(.object(fields)), tags: tags, id: id, type: "aws.ec2", name: nil,
                    account: account ?? owner, region: try needed(instanceRegion, item, at: part), item,
                    at: part), item)
            for group in instance["SecurityGroups"]?.arrayValue ?? [] {
                if let gid = group["GroupId"]?.stringValue { attach(gid, id) }
            }
        }
    }

    /// A resource of `shape` from one item of its list.
    static func resource(
        _ shape: AWSDescribeShape, _ flat: FlatValue, tags: Value?, _ item: ExportItem, _ region: String?,
        _ account: String?, at part: String = ""
    ) throws(LoadError) -> Resource {
        func field(_ key: String) throws(LoadError) -> String {
            guard let s = flat.string(member: key), !s.isEmpty else { throw item.error("missing '\(key)'", at: part) }
            return s
        }
        let owner = account ?? AWSDescribeShape.resolve(shape.account, flat, account: true)
        let id: String
        switch shape.id {
        case .property(let key):
            id = try field(key)
        case .iamPath(let prefix, let nameKey):
            let name = try field(nameKey)
            guard let owner else {
                throw item.error("no account in the output for '\(name)'; give it with --account", at: part)
            }
            id = "\(prefix)/\(owner)/\(name)"
        }
        let place = AWSDescribeShape.resolve(shape.region, flat, account: false) ?? region
        return try resource(
            flat, tags: tags, id: id, type: shape.type, name: shape.name.flatMap { flat.string(member: $0) },
            account: owner, region: try needed(place, item, at: part), item, at: part)
    }

    /// A resource of `properties` (without their tags), and its `tags` as describe output lists them.
    static func resource(
        _ properties: FlatValue, tags list: Value?, id: String, type: String, name: String?, account: String?,
        region: String, _ item: ExportItem, at part: String = ""
    )
        throws(LoadError) -> Resource
    {
        guard let account else {
            throw item.error("no owner id in the output for '\(id)'; give the account with --account", at: part)
        }
        var tags: [String: String] = [:]
        for tag in list?.arrayValue ?? [] {
            if let key = tag["Key"]?.stringValue { tags[key] = tag["Value"]?.stringValue ?? "" }
        }
        return Resource(
            id: id, type: type, account: account, region: region, name: name ?? tags["Name"] ?? id, tags: tags,
            flatProperties: properties, relations: [:], usage: .null)
    }

    static func needed(_ region: String?, _ item: ExportItem, at part: String = "") throws(LoadError) -> String {
        guard let region else {
            throw item.error("describe output does not name the region; give it with --region", at: part)
        }
        return region
    }
}
