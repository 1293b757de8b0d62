import CloudModel

/// `aws.app-elb`: an internal application load balancer in two subnets of its VPC (the
/// fixture's, or one made for it), with the fixture's attributes; compared on the attributes
/// remediations change.
struct LoadBalancerAdapter: ReplayAdapter {
    let type = "aws.app-elb"

    /// The attributes compared, with the value ELB gives a new load balancer.
    static let compared: [(key: String, default: String)] = [
        ("routing.http.drop_invalid_header_fields.enabled", "false"),
        ("deletion_protection.enabled", "false"),
    ]

    func dependencies(of resource: Resource) -> [String] {
        resource.properties["VpcId"]?.stringValue.map { [$0] } ?? []
    }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        guard properties["Type"]?.stringValue ?? "application" == "application" else {
            throw .notReplayable(
                "\(resource.id) is a \(properties["Type"]?.stringValue ?? "") load balancer; a replay makes "
                    + "application ones"
            )
        }
        let arn = properties["LoadBalancerArn"]?.stringValue ?? resource.id
        let parts = arn.split(separator: "/")
        let name = parts.count >= 3 ? String(parts[parts.count - 2]) : resource.name
        let vpc = try VPCAdapter.vpc(for: resource, properties: properties, in: context)
        // Two subnets in two zones, the first two /24 blocks of the VPC's range.
        let block =
            try context.aws(resource.region, ["ec2", "describe-vpcs", "--vpc-ids", vpc])["Vpcs"]?.arrayValue?.first?[
                "CidrBlock"]?.stringValue ?? "10.0.0.0/16"
        let octets = block.split(separator: "/")[0].split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else {
            throw .callFailed(call: "ec2 describe-vpcs", message: "unreadable CIDR block \(block)")
        }
        var subnets: [String] = []
        for (n, zone) in ["a", "b"].enumerated() {
            let subnet = try context.aws(
                resource.region,
                [
                    "ec2", "create-subnet", "--vpc-id", vpc, "--availability-zone", "\(resource.region)\(zone)",
                    "--cidr-block", "\(octets[0]).\(octets[1]).\(octets[2] + n).0/24",
                    "--tag-specifications",
                    "ResourceType=subnet,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
                ])["Subnet"]?["SubnetId"]?.stringValue
            guard let subnet else { throw .callFailed(call: "ec2 create-subnet", message: "no SubnetId in the answer") }
            context.helper("subnet-\(n)", of: resource, is: subnet)
            subnets.append(subnet)
        }
        let made = try context.create(
            resource.region,
            [
                "elbv2", "create-load-balancer", "--name", name, "--type", "application", "--scheme", "internal",
                "--subnets",
            ] + subnets + ["--tags", "Key=\(context.tagKey),Value=\(context.replayId)"], named: "load balancer \(name)",
            alreadyThere: ["DuplicateLoadBalancerName"])
        guard let real = made["LoadBalancers"]?.arrayValue?.first?["LoadBalancerArn"]?.stringValue else {
            throw .callFailed(call: "elbv2 create-load-balancer", message: "no LoadBalancerArn in the answer")
        }
        return real
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        let attributes = (properties["Attributes"]?.arrayValue ?? []).filter { a in
            Self.compared.contains { $0.key == a["Key"]?.stringValue }
        }
        guard !attributes.isEmpty else { return }
        try context.aws(
            resource.region,
            [
                "elbv2", "modify-load-balancer-attributes", "--load-balancer-arn", id, "--attributes",
                Value.array(attributes).jsonText,
            ])
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        [
            "Attributes": try context.aws(
                resource.region, ["elbv2", "describe-load-balancer-attributes", "--load-balancer-arn", id])[
                    "Attributes"] ?? []
        ]
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let attributes = properties["Attributes"]?.arrayValue ?? []
        return .object(
            Fields(
                Self.compared.map { c in
                    Fields.Entry(
                        key: c.key,
                        value: attributes.first { $0["Key"]?.stringValue == c.key }?["Value"] ?? .string(c.default))
                }))
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(
            resource.region,
            [
                "elbv2", "modify-load-balancer-attributes", "--load-balancer-arn", id, "--attributes",
                "Key=deletion_protection.enabled,Value=false",
            ])
        try context.aws(resource.region, ["elbv2", "delete-load-balancer", "--load-balancer-arn", id])
        for n in 0..<2 {
            if let subnet = context.helper("subnet-\(n)", of: resource) {
                try context.aws(resource.region, ["ec2", "delete-subnet", "--subnet-id", subnet])
            }
        }
        try VPCAdapter.deleteOwn(for: resource, in: context)
    }
}
