import CloudModel

/// Elastic Load Balancing v2 on the wire (query protocol): application load balancers, their
/// attributes and tags, and `ModifyLoadBalancerAttributes` as remsim models it.
package enum ELBv2Service {
    static let keyValue: Shape = .list(
        .structure([Member("Key", .string), Member("Value", .string)]), member: "member")
    static let loadBalancer: Shape = .structure([
        Member("LoadBalancerArn", .string), Member("DNSName", .string), Member("CanonicalHostedZoneId", .string),
        Member("CreatedTime", .timestamp), Member("LoadBalancerName", .string), Member("Scheme", .string),
        Member("VpcId", .string), Member("State", .structure([Member("Code", .string), Member("Reason", .string)])),
        Member("Type", .string), Member("SecurityGroups", .list(.string, member: "member")),
        Member("IpAddressType", .string),
    ])

    static func op(
        _ action: String, _ input: [Member], _ output: [Member], _ handling: AWSOperation.Handling
    ) -> AWSOperation {
        AWSOperation(
            service: "elasticloadbalancing", action: action, input: .structure(input), output: .structure(output),
            handling: handling)
    }

    static func notFound(_ given: String) -> AWSError {
        AWSError(code: "LoadBalancerNotFound", message: "One or more load balancers not found: '\(given)'")
    }

    /// The caller's load balancer of this region with the ARN given.
    static func find(_ arn: String, _ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Resource {
        guard
            let found = call.own("aws.app-elb", arn, in: inventory)
        else { throw notFound(arn) }
        return found
    }

    package static let operations: [AWSOperation] = [
        op(
            "DescribeLoadBalancers",
            [
                Member("LoadBalancerArns", .list(.string, member: "member")),
                Member("Names", .list(.string, member: "member")), Member("Marker", .string),
                Member("PageSize", .integer),
            ],
            [Member("LoadBalancers", .list(loadBalancer, member: "member")), Member("NextMarker", .string)],
            .read { call, inventory throws(AWSError) in
                var found = call.own("aws.app-elb", in: inventory)
                let arns = call.strings("LoadBalancerArns")
                for arn in arns where !found.contains(where: { $0.id == arn }) { throw notFound(arn) }
                if !arns.isEmpty { found = found.filter { arns.contains($0.id) } }
                let names = call.strings("Names")
                for given in names where !found.contains(where: { name($0) == given }) { throw notFound(given) }
                if !names.isEmpty { found = found.filter { names.contains(name($0)) } }
                found.sort { $0.id < $1.id }
                let answer = try Paging(
                    token: "Marker", size: "PageSize", defaultSize: 400, sizes: 1...400,
                    badToken: { AWSError(code: "ValidationError", message: "Invalid marker: \($0)") },
                    badSize: {
                        AWSError(code: "ValidationError", message: "PageSize must be between 1 and 400, not \($0)")
                    }
                ).answer(found, call, into: "LoadBalancers", next: "NextMarker", described)
                return .object(answer)
            }),
        op(
            "DescribeLoadBalancerAttributes", [Member("LoadBalancerArn", .string)], [Member("Attributes", keyValue)],
            .read { call, inventory throws(AWSError) in
                ["Attributes": attributes(try find(call.string("LoadBalancerArn") ?? "", call, inventory))]
            }),
        op(
            "ModifyLoadBalancerAttributes", [Member("LoadBalancerArn", .string), Member("Attributes", keyValue)],
            [Member("Attributes", keyValue)],
            .change { call, inventory throws(AWSError) in
                let balancer = try find(call.string("LoadBalancerArn") ?? "", call, inventory)
                return PlannedCall(
                    operation: "elasticloadbalancing:ModifyLoadBalancerAttributes", resourceId: balancer.id,
                    parameters: call.parameters, answer: .emptyObject,
                    answerAfter: { after in ["Attributes": after[balancer.id].map(attributes) ?? []] })
            }),
        op(
            "DescribeTags", [Member("ResourceArns", .list(.string, member: "member"))],
            [
                Member(
                    "TagDescriptions",
                    .list(.structure([Member("ResourceArn", .string), Member("Tags", keyValue)]), member: "member"))
            ],
            .read { call, inventory throws(AWSError) in
                var descriptions: [Value] = []
                for arn in call.strings("ResourceArns") {
                    let balancer = try find(arn, call, inventory)
                    descriptions.append(["ResourceArn": .string(arn), "Tags": EC2Filters.tagList(balancer.tags)])
                }
                return ["TagDescriptions": .array(descriptions)]
            }),
    ]

    static func name(_ r: Resource) -> String { r.properties["LoadBalancerName"]?.stringValue ?? r.name }

    static func described(_ r: Resource) -> Value {
        var fields = r.properties.objectValue ?? Fields()
        fields["LoadBalancerArn"] = .string(r.id)
        fields["LoadBalancerName"] = .string(name(r))
        fields["Type"] = fields["Type"] ?? "application"
        return .object(fields)
    }

    /// The attributes remsim holds, in key order.
    static func attributes(_ r: Resource) -> Value {
        .array(
            (r.properties["Attributes"]?.arrayValue ?? []).sorted {
                ($0["Key"]?.stringValue ?? "") < ($1["Key"]?.stringValue ?? "")
            })
    }
}
