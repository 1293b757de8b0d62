import CloudModel

/// EC2 on the wire: security groups (read, and every rule change remsim models) and tags.
package enum EC2Service {
    static let tag: Shape = .structure([.ec2("Key", .string), .ec2("Value", .string)])
    static let ipPermission: Shape = .structure([
        .ec2("IpProtocol", .string), .ec2("FromPort", .integer), .ec2("ToPort", .integer),
        .ec2(
            "UserIdGroupPairs",
            .items(
                .structure([
                    .ec2("Description", .string), .ec2("UserId", .string), .ec2("GroupName", .string),
                    .ec2("GroupId", .string), .ec2("VpcId", .string), .ec2("VpcPeeringConnectionId", .string),
                    .ec2("PeeringStatus", .string),
                ])), location: "groups"),
        .ec2("IpRanges", .items(.structure([.ec2("Description", .string), .ec2("CidrIp", .string)]))),
        .ec2("Ipv6Ranges", .items(.structure([.ec2("Description", .string), .ec2("CidrIpv6", .string)]))),
        .ec2("PrefixListIds", .items(.structure([.ec2("Description", .string), .ec2("PrefixListId", .string)]))),
    ])
    static let securityGroup: Shape = .structure([
        .ec2("GroupId", .string), .ec2("IpPermissionsEgress", .items(ipPermission)),
        .ec2("Tags", .items(tag), location: "tagSet"), .ec2("VpcId", .string), .ec2("SecurityGroupArn", .string),
        .ec2("OwnerId", .string), .ec2("GroupName", .string),
        .ec2("Description", .string, location: "groupDescription"),
        .ec2("IpPermissions", .items(ipPermission)),
    ])
    static let filters = Member(
        "Filters", .items(.structure([Member("Name", .string), Member("Values", .items(.string), location: "Value")])),
        location: "Filter")
    static let dryRun = Member.ec2("DryRun", .boolean)

    /// The rule-change calls' request: ingress takes a group by name too, and takes its rules
    /// the old way (one protocol, port range and range) as well as by `IpPermissions`; egress
    /// members carry locations in EC2's model.
    static func ruleChange(ingress: Bool, revoke: Bool) -> Shape {
        let member: (String, Shape) -> Member = { ingress ? Member($0, $1) : .ec2($0, $1) }
        var members = [
            member("GroupId", .string), member("IpPermissions", .items(ipPermission)), member("CidrIp", .string),
            member("FromPort", .integer), member("ToPort", .integer), member("IpProtocol", .string),
            member("SourceSecurityGroupName", .string), member("SourceSecurityGroupOwnerId", .string), dryRun,
        ]
        if ingress { members.append(Member("GroupName", .string)) }
        if revoke { members.append(Member("SecurityGroupRuleIds", .items(.string), location: "SecurityGroupRuleId")) }
        return .structure(members)
    }

    package static let operations: [AWSOperation] =
        [
            AWSOperation(
                service: "ec2", action: "DescribeSecurityGroups",
                input: .structure([
                    Member("GroupIds", .items(.string), location: "GroupId"),
                    Member("GroupNames", .items(.string), location: "GroupName"), Member("NextToken", .string),
                    Member("MaxResults", .integer), dryRun, filters,
                ]),
                output: .structure([
                    .ec2("NextToken", .string),
                    .ec2("SecurityGroups", .items(securityGroup), location: "securityGroupInfo"),
                ]),
                handling: .read(describeSecurityGroups))
        ]
        // Authorizing egress is not modelled by remsim's cloud, so it is not served.
        + [(true, false), (true, true), (false, true)].map { ingress, revoke in
            let action = (revoke ? "Revoke" : "Authorize") + "SecurityGroup" + (ingress ? "Ingress" : "Egress")
            return AWSOperation(
                service: "ec2", action: action, input: ruleChange(ingress: ingress, revoke: revoke),
                output: .structure([.ec2("Return", .boolean)]),
                handling: .change { call, inventory throws(AWSError) in
                    try changeRules(call, inventory, operation: "ec2:\(action)", ingress: ingress)
                })
        }
        + ["CreateTags", "DeleteTags"].map { action in
            AWSOperation(
                service: "ec2", action: action,
                // The two name the same keys differently in the model; capitalised, both are
                // `ResourceId.N` and `Tag.N`.
                input: .structure([
                    dryRun,
                    Member(
                        "Resources", .items(.string), location: action == "CreateTags" ? "ResourceId" : "resourceId"),
                    Member("Tags", .items(tag), location: action == "CreateTags" ? "Tag" : "tag"),
                ]),
                output: .structure([.ec2("Return", .boolean)]),
                handling: .change { call, _ throws(AWSError) in
                    guard let first = call.strings("Resources").first else {
                        throw AWSError(
                            code: "MissingParameter", message: "The request must contain the parameter resourceIdSet")
                    }
                    return PlannedCall(
                        operation: "ec2:\(action)", resourceId: first, parameters: call.parameters,
                        answer: ["Return": true])
                })
        }

    // MARK: - Security groups

    static func describeSecurityGroups(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Value {
        var groups = call.own("aws.security-group", in: inventory)
        let ids = call.strings("GroupIds")
        if !ids.isEmpty {
            for id in ids where !groups.contains(where: { $0.id == id }) {
                throw AWSError(code: "InvalidGroup.NotFound", message: "The security group '\(id)' does not exist")
            }
            groups = groups.filter { ids.contains($0.id) }
        }
        let names = call.strings("GroupNames")
        if !names.isEmpty {
            for name in names where !groups.contains(where: { $0.name == name }) {
                throw AWSError(
                    code: "InvalidGroup.NotFound", message: "The security group '\(name)' does not exist in default VPC"
                )
            }
            groups = groups.filter { names.contains($0.name) }
        }
        for filter in call.parameters["Filters"]?.arrayValue ?? [] {
            let name = filter["Name"]?.stringValue ?? ""
            let values = filter["Values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let pick = try EC2Filters.pick(name, values, fields: securityGroupFilters)
            groups = groups.filter(pick)
        }
        groups.sort { $0.id < $1.id }
        let answer = try EC2Filters.paging.answer(groups, call, into: "SecurityGroups", next: "NextToken", describe)
        return .object(answer)
    }

    static let securityGroupFilters: [String: @Sendable (Resource) -> [String]] = [
        "group-id": { [$0.id] },
        "group-name": { [$0.name] },
        "vpc-id": { [$0.properties["VpcId"]?.stringValue].compactMap { $0 } },
        "owner-id": { [$0.account] },
        "description": { [$0.properties["Description"]?.stringValue].compactMap { $0 } },
    ]

    /// A group as `DescribeSecurityGroups` returns it: its properties, with its owner, ARN and
    /// tags as the API gives them.
    static func describe(_ group: Resource) -> Value {
        var fields = group.properties.objectValue ?? Fields()
        fields["GroupId"] = fields["GroupId"] ?? .string(group.id)
        fields["GroupName"] = fields["GroupName"] ?? .string(group.name)
        fields["OwnerId"] = fields["OwnerId"] ?? .string(group.account)
        fields["SecurityGroupArn"] = .string(
            "arn:aws:ec2:\(group.region):\(group.account):security-group/\(group.id)")
        fields["IpPermissions"] = complete(fields["IpPermissions"])
        fields["IpPermissionsEgress"] = complete(fields["IpPermissionsEgress"])
        fields["Tags"] = EC2Filters.tagList(group.tags)
        return .object(fields)
    }

    /// Rules as EC2 describes them: each with all four of its source lists, empty or not.
    static func complete(_ rules: Value?) -> Value {
        .array(
            (rules?.arrayValue ?? []).map { rule in
                var fields = rule.objectValue ?? Fields()
                for list in ["IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"] where fields[list] == nil {
                    fields[list] = .array([])
                }
                return .object(fields)
            })
    }

    /// A rule change as remsim models it: the group by id, the rules as `IpPermissions`.
    static func changeRules(_ call: AWSCall, _ inventory: Inventory, operation: String, ingress: Bool)
        throws(AWSError) -> PlannedCall
    {
        if !call.strings("SecurityGroupRuleIds").isEmpty {
            throw AWSError(
                code: "InvalidParameterCombination",
                message: "remsim's endpoint does not model security group rule ids: name the rules by IpPermissions")
        }
        var groupId = call.string("GroupId")
        if groupId == nil, ingress, let name = call.string("GroupName") {
            let found = inventory.resources(ofType: "aws.security-group").first {
                $0.account == call.account && $0.region == call.region && $0.name == name
            }
            guard let found else {
                throw AWSError(
                    code: "InvalidGroup.NotFound", message: "The security group '\(name)' does not exist in default VPC"
                )
            }
            groupId = found.id
        }
        guard let groupId else {
            throw AWSError(
                code: "MissingParameter", message: "The request must contain the parameter groupId or groupName")
        }
        var permissions = call.parameters["IpPermissions"]?.arrayValue ?? []
        // The old form: one rule given by its parts.
        if let proto = call.string("IpProtocol") {
            var rule = Fields()
            rule["IpProtocol"] = .string(proto)
            if let from = call.parameters["FromPort"] { rule["FromPort"] = from }
            if let to = call.parameters["ToPort"] { rule["ToPort"] = to }
            if let cidr = call.string("CidrIp") { rule["IpRanges"] = [["CidrIp": .string(cidr)]] }
            if let source = call.string("SourceSecurityGroupName") {
                var pair = Fields()
                pair["GroupName"] = .string(source)
                if let owner = call.string("SourceSecurityGroupOwnerId") { pair["UserId"] = .string(owner) }
                rule["UserIdGroupPairs"] = .array([.object(pair)])
            }
            permissions.append(.object(rule))
        }
        return PlannedCall(
            operation: operation, resourceId: groupId,
            parameters: ["GroupId": .string(groupId), "IpPermissions": .array(permissions)], answer: ["Return": true])
    }
}
