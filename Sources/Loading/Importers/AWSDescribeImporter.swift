import CloudModel
import Foundation

/// Reads the JSON the AWS CLI prints for its describe calls, so that a team can seed fixtures
/// from its own account:
///
/// - `aws ec2 describe-security-groups` (`SecurityGroups`)
/// - `aws ec2 describe-instances` (`Reservations[].Instances`)
/// - `aws ec2 describe-vpcs` (`Vpcs`) and `aws ec2 describe-flow-logs` (`FlowLogs`, attached to
///   their VPCs as the `FlowLogs` property the flow-log policy reads)
/// - `aws cloudtrail describe-trails` (`trailList`)
///
/// Properties stay exactly as the CLI printed them, except `Tags`, which become the resource's
/// tags. An instance's security groups are recorded as `attached-to` relations on the groups. What
/// the importer does not model (another top-level list, a flow log of a subnet) is counted and
/// reported, never dropped silently.
public enum AWSDescribeImporter {
    public typealias Result = ImportResult

    /// The lists of describe output this importer reads; any other is counted as not modelled.
    static let lists: [String: ExportReader.Use] = [
        "SecurityGroups": .flat(aside: ["Tags"]), "Vpcs": .flat(aside: ["Tags"]), "trailList": .flat(aside: ["Tags"]),
        "Reservations": .items, "FlowLogs": .items,
    ]

    /// Imports `files`. `region` is needed for security groups and VPCs (describe output does not
    /// say); `account`, when given, overrides the owner ids in the output.
    public static func load(files: [String], region: String?, account: String?) throws(LoadError) -> Result {
        var collector = ImportCollector()
        var flowLogs: [Value] = []
        var attachments: [(group: String, instance: String)] = []

        for file in files {
            let summary = try ExportReader.read(
                file: file, expecting: "the JSON object an `aws … describe-…` call prints",
                uses: lists, otherwise: .count
            ) { (item: ExportItem) throws(LoadError) in
                let value = item.value
                switch item.list {
                case "SecurityGroups", "Vpcs", "trailList":
                    // Read straight into flat storage, the tags set aside.
                    guard let flat = item.flat else { throw item.error("expected an object") }
                    func field(_ key: String) throws(LoadError) -> String {
                        guard let s = flat.string(member: key), !s.isEmpty else { throw item.error("missing '\(key)'") }
                        return s
                    }
                    let r: Resource
                    switch item.list {
                    case "SecurityGroups":
                        let id = try field("GroupId")
                        r = try resource(
                            flat, tags: value["Tags"], id: id, type: "aws.security-group",
                            name: flat.string(member: "GroupName"),
                            account: account ?? flat.string(member: "OwnerId"), region: try needed(region, item), item)
                    case "Vpcs":
                        let id = try field("VpcId")
                        r = try resource(
                            flat, tags: value["Tags"], id: id, type: "aws.vpc", name: nil,
                            account: account ?? flat.string(member: "OwnerId"), region: try needed(region, item), item)
                    default:
                        let arn = try field("TrailARN")
                        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
                        r = try resource(
                            flat, tags: value["Tags"], id: arn, type: "aws.cloudtrail",
                            name: flat.string(member: "Name"),
                            account: account ?? (parts.count > 4 ? String(parts[4]) : nil),
                            region: try needed(flat.string(member: "HomeRegion") ?? region, item), item)
                    }
                    try collector.add(r, item)
                case "Reservations":
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
                            if let gid = group["GroupId"]?.stringValue { attachments.append((gid, id)) }
                        }
                    }
                default:
                    flowLogs.append(value)
                }
            }
            for (key, count) in summary.counts { collector.skip("\(key) (not modelled)", count) }
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
        return collector.result
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
