import CloudModel

/// `aws.vpc`: created with its CIDR block and its active flow logs (each group they write to
/// made too); compared on the block and the flow logs.
struct VPCAdapter: ReplayAdapter {
    let type = "aws.vpc"

    func dependencies(of resource: Resource) -> [String] { [] }

    /// The block of a VPC whose fixture names none.
    static let defaultCidr = "10.0.0.0/16"

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let cidr = properties["CidrBlock"]?.stringValue ?? Self.defaultCidr
        let answer = try context.aws(
            resource.region,
            [
                "ec2", "create-vpc", "--cidr-block", cidr,
                "--tag-specifications", "ResourceType=vpc,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
            ])
        guard let id = answer["Vpc"]?["VpcId"]?.stringValue else {
            throw .callFailed(call: "ec2 create-vpc", message: "no VpcId in the answer")
        }
        return id
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        for log in properties["FlowLogs"]?.arrayValue ?? [] {
            try createFlowLog(log, for: resource, id: id, in: context)
        }
    }

    /// Flow logs deleted or made by someone else: those gone are deleted on the endpoint, those
    /// new are made.
    func change(_ resource: Resource, id: String, from old: Value, to new: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        let wanted = (new["FlowLogs"]?.arrayValue ?? []).map { key($0, context) }
        let had = Set((old["FlowLogs"]?.arrayValue ?? []).map { key($0, context) })
        let logs =
            try context.aws(
                resource.region, ["ec2", "describe-flow-logs", "--filter", "Name=resource-id,Values=\(id)"])[
                "FlowLogs"]?.arrayValue ?? []
        let gone = logs.filter { !wanted.contains(key($0, context)) }.compactMap { $0["FlowLogId"]?.stringValue }
        if !gone.isEmpty { try context.aws(resource.region, ["ec2", "delete-flow-logs", "--flow-log-ids"] + gone) }
        for log in new["FlowLogs"]?.arrayValue ?? [] where !had.contains(key(log, context)) {
            try createFlowLog(log, for: resource, id: id, in: context)
        }
    }

    /// Makes one active flow log, and the log group it writes to when there is none yet.
    func createFlowLog(_ log: Value, for resource: Resource, id: String, in context: ReplayContext) throws(ReplayError)
    {
        let status = log["FlowLogStatus"]?.stringValue ?? "ACTIVE"
        guard status == "ACTIVE" else {
            throw .notReplayable("\(resource.id) has a flow log in status \(status), which no call makes")
        }
        var arguments = [
            "ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", id,
            "--traffic-type", log["TrafficType"]?.stringValue ?? "ALL",
            "--tag-specifications",
            "ResourceType=vpc-flow-log,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
        ]
        let destination = log["LogDestinationType"]?.stringValue ?? "cloud-watch-logs"
        if destination == "cloud-watch-logs" {
            let group = context.translate(
                log["LogGroupName"]?.stringValue ?? "\(Self.ownGroupPrefix(context))\(resource.id)")
            if try LogGroupAdapter.find(group, region: resource.region, in: context) == nil {
                try LogGroupAdapter.make(group, region: resource.region, in: context)
                var n = 0
                while context.helper("log-group-\(n)", of: resource) != nil { n += 1 }
                context.helper("log-group-\(n)", of: resource, is: group)
            }
            let role =
                log["DeliverLogsPermissionArn"]?.stringValue.map(context.translate)
                ?? "arn:aws:iam::\(context.accounts[resource.account] ?? resource.account):role/vpc-flow-logs-delivery"
            arguments += ["--log-group-name", group, "--deliver-logs-permission-arn", role]
        } else {
            guard let target = log["LogDestination"]?.stringValue else {
                throw .notReplayable("\(resource.id) has a flow log to \(destination) with no LogDestination")
            }
            arguments += ["--log-destination-type", destination, "--log-destination", context.translate(target)]
        }
        try context.aws(resource.region, arguments)
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        let vpc =
            try context.aws(resource.region, ["ec2", "describe-vpcs", "--vpc-ids", id])["Vpcs"]?.arrayValue?.first
            ?? .null
        let logs =
            try context.aws(
                resource.region, ["ec2", "describe-flow-logs", "--filter", "Name=resource-id,Values=\(id)"])["FlowLogs"]
            ?? []
        return vpc.setting("FlowLogs", to: logs)
    }

    /// The block, and each flow log as "status traffic destination", sorted.
    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let logs = (properties["FlowLogs"]?.arrayValue ?? []).map { key($0, context) }
        return [
            "CidrBlock": properties["CidrBlock"] ?? .string(Self.defaultCidr),
            "FlowLogs": .array(logs.sorted().map(Value.string)),
        ]
    }

    /// The name of the log group made for a flow log whose fixture names none, before the VPC's id.
    static func ownGroupPrefix(_ context: ReplayContext) -> String { "remsim-replay/\(context.replayId)/" }

    /// A flow log as "status traffic destination", in the fixture's names.
    func key(_ log: Value, _ context: ReplayContext) -> String {
        var destination = context.fixture(
            inText: log["LogGroupName"]?.stringValue ?? log["LogDestination"]?.stringValue ?? "")
        // The group made for a flow log whose fixture names none stands for none.
        if destination.hasPrefix(Self.ownGroupPrefix(context)) { destination = "" }
        return
            "\(log["FlowLogStatus"]?.stringValue ?? "ACTIVE") \(log["TrafficType"]?.stringValue ?? "") \(destination)"
    }

    /// Its flow logs first, then the VPC, then the groups made for its flow logs.
    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        let logs =
            try context.aws(
                resource.region, ["ec2", "describe-flow-logs", "--filter", "Name=resource-id,Values=\(id)"])[
                "FlowLogs"]?.arrayValue ?? []
        let ids = logs.compactMap { $0["FlowLogId"]?.stringValue }
        if !ids.isEmpty { try context.aws(resource.region, ["ec2", "delete-flow-logs", "--flow-log-ids"] + ids) }
        try context.aws(resource.region, ["ec2", "delete-vpc", "--vpc-id", id])
        var n = 0
        while let group = context.helper("log-group-\(n)", of: resource) {
            try context.aws(resource.region, ["logs", "delete-log-group", "--log-group-name", group])
            n += 1
        }
    }

    /// The endpoint's VPC for a resource that lives in one: the fixture's, made earlier in the
    /// replay, or, when the fixture names none, one made here for it alone (the account's default
    /// VPC is not the replay's to change), which `deleteOwn` removes.
    static func vpc(for resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String
    {
        if let named = properties["VpcId"]?.stringValue { return context.real(named) }
        let vpc = try VPCAdapter().create(resource, properties: [:], in: context)
        context.helper("vpc", of: resource, is: vpc)
        return vpc
    }

    static func deleteOwn(for resource: Resource, in context: ReplayContext) throws(ReplayError) {
        if let vpc = context.helper("vpc", of: resource) { try VPCAdapter().delete(resource, id: vpc, in: context) }
    }

}
