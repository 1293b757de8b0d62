import CloudModel

/// `aws.network-acl`: made in its VPC with the fixture's entries (the rule 32767 deny entries
/// come with every ACL); compared on the entries that calls can change, as a set.
struct NetworkACLAdapter: ReplayAdapter {
    let type = "aws.network-acl"

    func dependencies(of resource: Resource) -> [String] {
        resource.properties["VpcId"]?.stringValue.map { [$0] } ?? []
    }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let vpc = try VPCAdapter.vpc(for: resource, properties: properties, in: context)
        let made = try context.aws(
            resource.region,
            [
                "ec2", "create-network-acl", "--vpc-id", vpc,
                "--tag-specifications",
                "ResourceType=network-acl,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
            ])
        guard let id = made["NetworkAcl"]?["NetworkAclId"]?.stringValue else {
            throw .callFailed(call: "ec2 create-network-acl", message: "no NetworkAclId in the answer")
        }
        return id
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        for entry in properties["Entries"]?.arrayValue ?? [] {
            guard let number = entry["RuleNumber"]?.intValue, number != 32767 else { continue }
            var arguments = [
                "ec2", "create-network-acl-entry", "--network-acl-id", id, "--rule-number", String(number),
                "--protocol", entry["Protocol"]?.stringValue ?? "-1", "--rule-action",
                entry["RuleAction"]?.stringValue ?? "allow",
                entry["Egress"] == true ? "--egress" : "--ingress",
            ]
            if let cidr = entry["CidrBlock"]?.stringValue { arguments += ["--cidr-block", cidr] }
            if let cidr = entry["Ipv6CidrBlock"]?.stringValue { arguments += ["--ipv6-cidr-block", cidr] }
            if let from = entry["PortRange"]?["From"]?.intValue, let to = entry["PortRange"]?["To"]?.intValue {
                arguments += ["--port-range", "From=\(from),To=\(to)"]
            }
            try context.aws(resource.region, arguments)
        }
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["ec2", "describe-network-acls", "--network-acl-ids", id])["NetworkAcls"]?
            .arrayValue?.first ?? .null
    }

    /// "ingress 100 allow -1 0.0.0.0/0", with the port range where there is one; sorted.
    func project(_ properties: Value, in context: ReplayContext) -> Value {
        // Rule 32767 (the `*` deny) comes with every ACL and no call changes it; moto leaves it
        // out of a new ACL.
        let entries = (properties["Entries"]?.arrayValue ?? []).filter { $0["RuleNumber"]?.intValue != 32767 }.map {
            e -> String in
            var text =
                "\(e["Egress"] == true ? "egress" : "ingress") \(e["RuleNumber"]?.jsonText ?? "") "
                + "\(e["RuleAction"]?.stringValue ?? "")"
            text +=
                " \(e["Protocol"]?.stringValue ?? e["Protocol"]?.jsonText ?? "") "
                + "\(e["CidrBlock"]?.stringValue ?? e["Ipv6CidrBlock"]?.stringValue ?? "")"
            if let from = e["PortRange"]?["From"], let to = e["PortRange"]?["To"] {
                text += " \(from.jsonText)-\(to.jsonText)"
            }
            return text
        }
        return ["Entries": .array(entries.sorted().map(Value.string))]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["ec2", "delete-network-acl", "--network-acl-id", id])
        try VPCAdapter.deleteOwn(for: resource, in: context)
    }
}
