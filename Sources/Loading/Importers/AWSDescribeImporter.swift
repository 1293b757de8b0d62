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

    /// Imports `files`. `region` is needed for security groups and VPCs (describe output does not
    /// say); `account`, when given, overrides the owner ids in the output.
    public static func load(files: [String], region: String?, account: String?) throws(LoadError) -> Result {
        var collector = ImportCollector()
        var flowLogs: [(log: Value, node: YAMLNode)] = []
        var attachments: [(group: String, instance: String)] = []
        func add(_ r: Resource, _ node: YAMLNode) throws(LoadError) { try collector.add(r, node) }

        for file in files {
            let root = try YAMLNode.read(file: file)
            guard root.isMapping else { throw root.error("expected the JSON object an `aws … describe-…` call prints") }
            let document = try root.mapping(allowing: root.mappingKeys)
            for (key, listNode) in document.entries {
                let items = try listNode.list()
                switch key {
                case "SecurityGroups":
                    for node in items {
                        let item = try node.value()
                        let id = try string(item, "GroupId", node)
                        try add(
                            try resource(
                                item, id: id, type: "aws.security-group", name: item["GroupName"]?.stringValue,
                                account: account ?? item["OwnerId"]?.stringValue, region: try needed(region, node), node
                            ), node)
                    }
                case "Reservations":
                    for reservation in items {
                        let owner = try reservation.value()["OwnerId"]?.stringValue
                        let r = try reservation.mapping(allowing: reservation.mappingKeys)
                        for node in try r["Instances"]?.list() ?? [] {
                            let item = try node.value()
                            let id = try string(item, "InstanceId", node)
                            let zone = item["Placement"]?["AvailabilityZone"]?.stringValue
                            let instanceRegion = zone.map { String($0.dropLast()) } ?? region
                            try add(
                                try resource(
                                    item, id: id, type: "aws.ec2", name: nil, account: account ?? owner,
                                    region: try needed(instanceRegion, node), node), node)
                            for group in item["SecurityGroups"]?.arrayValue ?? [] {
                                if let gid = group["GroupId"]?.stringValue { attachments.append((gid, id)) }
                            }
                        }
                    }
                case "Vpcs":
                    for node in items {
                        let item = try node.value()
                        let id = try string(item, "VpcId", node)
                        try add(
                            try resource(
                                item, id: id, type: "aws.vpc", name: nil,
                                account: account ?? item["OwnerId"]?.stringValue,
                                region: try needed(region, node), node), node)
                    }
                case "FlowLogs":
                    for node in items { flowLogs.append((try node.value(), node)) }
                case "trailList":
                    for node in items {
                        let item = try node.value()
                        let arn = try string(item, "TrailARN", node)
                        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
                        let trailAccount = account ?? (parts.count > 4 ? String(parts[4]) : nil)
                        try add(
                            try resource(
                                item, id: arn, type: "aws.cloudtrail", name: item["Name"]?.stringValue,
                                account: trailAccount,
                                region: try needed(item["HomeRegion"]?.stringValue ?? region, node), node), node)
                    }
                default:
                    collector.skip("\(key) (not modelled)", items.count)
                }
            }
        }

        // Flow logs become the FlowLogs property of their VPC, as the flow-log policy reads it.
        for (log, _) in flowLogs {
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

    static func resource(
        _ item: Value, id: String, type: String, name: String?, account: String?, region: String, _ node: YAMLNode
    )
        throws(LoadError) -> Resource
    {
        guard let account else {
            throw node.error("no owner id in the output for '\(id)'; give the account with --account")
        }
        guard case .object(var fields) = item else { throw node.error("expected an object") }
        var tags: [String: String] = [:]
        for tag in fields["Tags"]?.arrayValue ?? [] {
            if let key = tag["Key"]?.stringValue { tags[key] = tag["Value"]?.stringValue ?? "" }
        }
        fields["Tags"] = nil
        return Resource(
            id: id, type: type, account: account, region: region, name: name ?? tags["Name"] ?? id, tags: tags,
            properties: .object(fields))
    }

    static func string(_ item: Value, _ key: String, _ node: YAMLNode) throws(LoadError) -> String {
        guard let s = item[key]?.stringValue, !s.isEmpty else { throw node.error("missing '\(key)'") }
        return s
    }

    static func needed(_ region: String?, _ node: YAMLNode) throws(LoadError) -> String {
        guard let region else { throw node.error("describe output does not name the region; give it with --region") }
        return region
    }
}
