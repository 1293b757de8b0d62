import CloudModel

/// EC2's VPCs, their flow logs and network ACLs on the wire: the describes, and the two calls
/// remsim models on them (`CreateFlowLogs`, `DeleteNetworkAclEntry`).
extension EC2Service {
    static let vpcShape: Shape = .structure([
        .ec2("OwnerId", .string), .ec2("IsDefault", .boolean), .ec2("Tags", .items(tag), location: "tagSet"),
        .ec2("VpcId", .string), .ec2("State", .string), .ec2("CidrBlock", .string),
    ])
    static let flowLogShape: Shape = .structure([
        .ec2("DeliverLogsPermissionArn", .string), .ec2("FlowLogId", .string), .ec2("FlowLogStatus", .string),
        .ec2("LogGroupName", .string), .ec2("ResourceId", .string), .ec2("TrafficType", .string),
        .ec2("LogDestinationType", .string), .ec2("LogDestination", .string), .ec2("LogFormat", .string),
        .ec2("MaxAggregationInterval", .integer),
    ])
    static let networkAclShape: Shape = .structure([
        .ec2(
            "Associations",
            .items(
                .structure([
                    .ec2("NetworkAclAssociationId", .string), .ec2("NetworkAclId", .string), .ec2("SubnetId", .string),
                ])), location: "associationSet"),
        .ec2(
            "Entries",
            .items(
                .structure([
                    .ec2("CidrBlock", .string), .ec2("Egress", .boolean), .ec2("Ipv6CidrBlock", .string),
                    .ec2("PortRange", .structure([.ec2("From", .integer), .ec2("To", .integer)])),
                    .ec2("IcmpTypeCode", .structure([.ec2("Code", .integer), .ec2("Type", .integer)])),
                    .ec2("Protocol", .string), .ec2("RuleAction", .string), .ec2("RuleNumber", .integer),
                ])), location: "entrySet"),
        .ec2("IsDefault", .boolean, location: "default"), .ec2("NetworkAclId", .string),
        .ec2("Tags", .items(tag), location: "tagSet"), .ec2("VpcId", .string), .ec2("OwnerId", .string),
    ])

    static let networkOperations: [AWSOperation] = [
        AWSOperation(
            service: "ec2", action: "DescribeVpcs",
            input: .structure([
                filters, Member("VpcIds", .items(.string), location: "VpcId"), Member("NextToken", .string),
                Member("MaxResults", .integer), dryRun,
            ]),
            output: .structure([.ec2("NextToken", .string), .ec2("Vpcs", .items(vpcShape), location: "vpcSet")]),
            handling: .read { call, inventory throws(AWSError) in
                try describe(
                    "aws.vpc", call, inventory, ids: "VpcIds", into: "Vpcs",
                    notFound: { AWSError(code: "InvalidVpcID.NotFound", message: "The vpc ID '\($0)' does not exist") },
                    fields: [
                        "vpc-id": { [$0.id] }, "owner-id": { [$0.account] },
                        "cidr": { [$0.properties["CidrBlock"]?.stringValue].compactMap { $0 } },
                        "is-default": { [($0.properties["IsDefault"]?.boolValue ?? false) ? "true" : "false"] },
                        "state": { [$0.properties["State"]?.stringValue ?? "available"] },
                    ]
                ) { vpc in
                    var fields = vpc.properties.objectValue ?? Fields()
                    fields["VpcId"] = .string(vpc.id)
                    fields["OwnerId"] = fields["OwnerId"] ?? .string(vpc.account)
                    fields["State"] = fields["State"] ?? "available"
                    fields["IsDefault"] = fields["IsDefault"] ?? false
                    fields["Tags"] = EC2Filters.tagList(vpc.tags)
                    fields["FlowLogs"] = nil
                    return .object(fields)
                }
            }),
        AWSOperation(
            service: "ec2", action: "DescribeFlowLogs",
            input: .structure([
                Member("DryRun", .boolean), Member("Filter", filters.shape),
                Member("FlowLogIds", .items(.string), location: "FlowLogId"), Member("MaxResults", .integer),
                Member("NextToken", .string),
            ]),
            output: .structure([
                .ec2("FlowLogs", .items(flowLogShape), location: "flowLogSet"), .ec2("NextToken", .string),
            ]),
            handling: .read { call, inventory throws(AWSError) in
                // A flow log is held by the VPC it logs: each is read out as EC2 lists them.
                var logs: [(vpc: Resource, log: Value)] = []
                for vpc in inventory.resources(ofType: "aws.vpc")
                where vpc.account == call.account && vpc.region == call.region {
                    for log in vpc.properties["FlowLogs"]?.arrayValue ?? [] {
                        logs.append((vpc, log.setting("ResourceId", to: log["ResourceId"] ?? .string(vpc.id))))
                    }
                }
                let ids = call.strings("FlowLogIds")
                if !ids.isEmpty { logs = logs.filter { ids.contains($0.log["FlowLogId"]?.stringValue ?? "") } }
                let fields: [String: @Sendable (Value) -> [String]] = [
                    "resource-id": { [$0["ResourceId"]?.stringValue].compactMap { $0 } },
                    "flow-log-id": { [$0["FlowLogId"]?.stringValue].compactMap { $0 } },
                    "log-group-name": { [$0["LogGroupName"]?.stringValue].compactMap { $0 } },
                    "traffic-type": { [$0["TrafficType"]?.stringValue].compactMap { $0 } },
                    "log-destination-type": { [$0["LogDestinationType"]?.stringValue].compactMap { $0 } },
                    "deliver-log-status": { [$0["DeliverLogsStatus"]?.stringValue ?? "SUCCESS"] },
                ]
                for filter in call.parameters["Filter"]?.arrayValue ?? [] {
                    let name = filter["Name"]?.stringValue ?? ""
                    let values = filter["Values"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    guard let field = fields[name] else {
                        throw AWSError(code: "InvalidParameterValue", message: "The filter '\(name)' is invalid")
                    }
                    logs = logs.filter { entry in
                        field(entry.log).contains { have in values.contains { EC2Filters.glob($0, matches: have) } }
                    }
                }
                logs.sort { ($0.log["FlowLogId"]?.stringValue ?? "") < ($1.log["FlowLogId"]?.stringValue ?? "") }
                let answer = try EC2Filters.paging.answer(logs, call, into: "FlowLogs", next: "NextToken") { $0.log }
                return .object(answer)
            }),
        AWSOperation(
            service: "ec2", action: "CreateFlowLogs",
            input: .structure([
                Member("DryRun", .boolean), Member("ClientToken", .string),
                Member("DeliverLogsPermissionArn", .string), Member("LogGroupName", .string),
                Member("ResourceIds", .items(.string), location: "ResourceId"), Member("ResourceType", .string),
                Member("TrafficType", .string), Member("LogDestinationType", .string),
                Member("LogDestination", .string), Member("LogFormat", .string),
                Member("MaxAggregationInterval", .integer),
            ]),
            output: .structure([
                .ec2("ClientToken", .string), .ec2("FlowLogIds", .items(.string), location: "flowLogIdSet"),
                .ec2(
                    "Unsuccessful",
                    .items(
                        .structure([
                            .ec2("Error", .structure([.ec2("Code", .string), .ec2("Message", .string)])),
                            .ec2("ResourceId", .string),
                        ]))),
            ]),
            handling: .change { call, inventory throws(AWSError) in
                let ids = call.strings("ResourceIds")
                guard ids.count == 1, let vpcId = ids.first else {
                    throw AWSError(
                        code: "NotImplemented",
                        message: "remsim's endpoint models CreateFlowLogs for one VPC at a time, not \(ids.count)",
                        status: 501)
                }
                guard call.string("ResourceType") == "VPC" else {
                    throw AWSError(
                        code: "NotImplemented",
                        message:
                            "remsim's endpoint models flow logs of VPCs, not of \(call.string("ResourceType") ?? "nothing")",
                        status: 501)
                }
                guard
                    let vpc = call.own("aws.vpc", vpcId, in: inventory)
                else {
                    throw AWSError(code: "InvalidVpcID.NotFound", message: "The vpc ID '\(vpcId)' does not exist")
                }
                var parameters = call.parameters.objectValue ?? Fields()
                parameters["DryRun"] = nil
                parameters["ClientToken"] = nil
                return PlannedCall(
                    operation: "ec2:CreateFlowLogs", resourceId: vpc.id, parameters: .object(parameters),
                    answer: .emptyObject,
                    answerAfter: { after in
                        // The flow log the call made: the VPC's newest.
                        let made = after[vpc.id]?.properties["FlowLogs"]?.arrayValue?.last?["FlowLogId"]
                        // EC2 always lists what failed, here nothing (a failure is the call's error).
                        return ["FlowLogIds": .array(made.map { [$0] } ?? []), "Unsuccessful": []]
                    })
            }),
        AWSOperation(
            service: "ec2", action: "DescribeNetworkAcls",
            input: .structure([
                Member("NextToken", .string), Member("MaxResults", .integer), dryRun,
                Member("NetworkAclIds", .items(.string), location: "NetworkAclId"), filters,
            ]),
            output: .structure([
                .ec2("NetworkAcls", .items(networkAclShape), location: "networkAclSet"), .ec2("NextToken", .string),
            ]),
            handling: .read { call, inventory throws(AWSError) in
                try describe(
                    "aws.network-acl", call, inventory, ids: "NetworkAclIds", into: "NetworkAcls",
                    notFound: {
                        AWSError(
                            code: "InvalidNetworkAclID.NotFound", message: "The networkAcl ID '\($0)' does not exist")
                    },
                    fields: [
                        "network-acl-id": { [$0.id] }, "owner-id": { [$0.account] },
                        "vpc-id": { [$0.properties["VpcId"]?.stringValue].compactMap { $0 } },
                        "default": { [($0.properties["IsDefault"]?.boolValue ?? false) ? "true" : "false"] },
                        "association.subnet-id": {
                            ($0.properties["Associations"]?.arrayValue ?? []).compactMap { $0["SubnetId"]?.stringValue }
                        },
                    ]
                ) { acl in
                    var fields = acl.properties.objectValue ?? Fields()
                    fields["NetworkAclId"] = .string(acl.id)
                    fields["OwnerId"] = fields["OwnerId"] ?? .string(acl.account)
                    fields["Tags"] = EC2Filters.tagList(acl.tags)
                    return .object(fields)
                }
            }),
        AWSOperation(
            service: "ec2", action: "DeleteNetworkAclEntry",
            input: .structure([
                dryRun, .ec2("NetworkAclId", .string), .ec2("RuleNumber", .integer), .ec2("Egress", .boolean),
            ]),
            output: .structure([]),
            handling: .change { call, inventory throws(AWSError) in
                let id = call.string("NetworkAclId") ?? ""
                guard
                    call.own("aws.network-acl", id, in: inventory) != nil
                else {
                    throw AWSError(
                        code: "InvalidNetworkAclID.NotFound", message: "The networkAcl ID '\(id)' does not exist")
                }
                var parameters = call.parameters.objectValue ?? Fields()
                parameters["DryRun"] = nil
                return PlannedCall(
                    operation: "ec2:DeleteNetworkAclEntry", resourceId: id, parameters: .object(parameters),
                    answer: .emptyObject)
            }),
    ]

    /// A describe call of one type: the caller's own in the call's region, by ids (each must be
    /// there), by filters, paged, in id order.
    static func describe(
        _ type: String, _ call: AWSCall, _ inventory: Inventory, ids idKey: String, into key: String,
        notFound: (String) -> AWSError, fields: [String: @Sendable (Resource) -> [String]],
        _ described: (Resource) -> Value
    ) throws(AWSError) -> Value {
        let own = call.own(type, in: inventory)
        return try narrowed(own, call, ids: idKey, into: key, notFound: notFound, fields: fields, described)
    }

    /// The resources a describe call can see, narrowed to its ids (each must be there) and by its
    /// filters, in id order, paged.
    static func narrowed(
        _ visible: [Resource], _ call: AWSCall, ids idKey: String, into key: String,
        notFound: (String) -> AWSError, fields: [String: @Sendable (Resource) -> [String]],
        _ described: (Resource) -> Value
    ) throws(AWSError) -> Value {
        var found = visible
        let ids = call.strings(idKey)
        if !ids.isEmpty {
            for id in ids where !found.contains(where: { $0.id == id }) { throw notFound(id) }
            found = found.filter { ids.contains($0.id) }
        }
        for filter in call.parameters["Filters"]?.arrayValue ?? [] {
            let name = filter["Name"]?.stringValue ?? ""
            let values = filter["Values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            found = found.filter(try EC2Filters.pick(name, values, fields: fields))
        }
        found.sort { $0.id < $1.id }
        return .object(try EC2Filters.paging.answer(found, call, into: key, next: "NextToken", described))
    }
}
