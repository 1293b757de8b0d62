import CloudModel

/// `aws.vpc`: created with its CIDR block and its active flow logs (each group they write to
/// made too); compared on the block and the flow logs.
struct VPCAdapter: ReplayAdapter {
    let type = "aws.vpc"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let cidr = properties["CidrBlock"]?.stringValue ?? "10.0.0.0/16"
        let answer = try context.aws(resource.region, [
            "ec2", "create-vpc", "--cidr-block", cidr,
            "--tag-specifications", "ResourceType=vpc,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
        ])
        guard let id = answer["Vpc"]?["VpcId"]?.stringValue else { throw .callFailed(call: "ec2 create-vpc", message: "no VpcId in the answer") }
        return id
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        var groups = 0
        for log in properties["FlowLogs"]?.arrayValue ?? [] {
            let status = log["FlowLogStatus"]?.stringValue ?? "ACTIVE"
            guard status == "ACTIVE" else {
                throw .notReplayable("\(resource.id) has a flow log in status \(status), which no call makes")
            }
            var arguments = [
                "ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", id,
                "--traffic-type", log["TrafficType"]?.stringValue ?? "ALL",
                "--tag-specifications", "ResourceType=vpc-flow-log,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
            ]
            let destination = log["LogDestinationType"]?.stringValue ?? "cloud-watch-logs"
            if destination == "cloud-watch-logs" {
                let group = context.translate(log["LogGroupName"]?.stringValue ?? "remsim-replay/\(context.replayId)/\(resource.id)")
                try LogGroupAdapter.make(group, region: resource.region, in: context)
                context.helper("log-group-\(groups)", of: resource, is: group)
                groups += 1
                let role = log["DeliverLogsPermissionArn"]?.stringValue.map(context.translate) ?? "arn:aws:iam::\(context.accounts[resource.account] ?? resource.account):role/vpc-flow-logs-delivery"
                arguments += ["--log-group-name", group, "--deliver-logs-permission-arn", role]
            } else {
                guard let target = log["LogDestination"]?.stringValue else {
                    throw .notReplayable("\(resource.id) has a flow log to \(destination) with no LogDestination")
                }
                arguments += ["--log-destination-type", destination, "--log-destination", context.translate(target)]
            }
            try context.aws(resource.region, arguments)
        }
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        let vpc = try context.aws(resource.region, ["ec2", "describe-vpcs", "--vpc-ids", id])["Vpcs"]?.arrayValue?.first ?? .null
        let logs = try context.aws(resource.region, ["ec2", "describe-flow-logs", "--filter", "Name=resource-id,Values=\(id)"])["FlowLogs"] ?? []
        return vpc.setting("FlowLogs", to: logs)
    }

    /// The block, and each flow log as "status traffic destination", sorted.
    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let logs = (properties["FlowLogs"]?.arrayValue ?? []).map { log -> String in
            let destination = log["LogGroupName"]?.stringValue ?? log["LogDestination"]?.stringValue ?? ""
            return "\(log["FlowLogStatus"]?.stringValue ?? "ACTIVE") \(log["TrafficType"]?.stringValue ?? "") \(context.fixture(inText: destination))"
        }
        return ["CidrBlock": properties["CidrBlock"] ?? .null, "FlowLogs": .array(logs.sorted().map(Value.string))]
    }

    /// Its flow logs first, then the VPC, then the groups made for its flow logs.
    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        let logs = try context.aws(resource.region, ["ec2", "describe-flow-logs", "--filter", "Name=resource-id,Values=\(id)"])["FlowLogs"]?.arrayValue ?? []
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
    static func vpc(for resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        if let named = properties["VpcId"]?.stringValue { return context.real(named) }
        let vpc = try VPCAdapter().create(resource, properties: [:], in: context)
        context.helper("vpc", of: resource, is: vpc)
        return vpc
    }

    static func deleteOwn(for resource: Resource, in context: ReplayContext) throws(ReplayError) {
        if let vpc = context.helper("vpc", of: resource) { try VPCAdapter().delete(resource, id: vpc, in: context) }
    }

}
