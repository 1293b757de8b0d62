import CloudModel

/// `aws.security-group`: created in its VPC with its ingress and egress rules; compared on the
/// rules, as sets (AWS returns them in no fixed order, and adds empty lists).
struct SecurityGroupAdapter: ReplayAdapter {
    let type = "aws.security-group"

    /// Its VPC, and the groups its rules name.
    func dependencies(of resource: Resource) -> [String] {
        var ids = resource.properties["VpcId"]?.stringValue.map { [$0] } ?? []
        for key in ["IpPermissions", "IpPermissionsEgress"] {
            for rule in resource.properties[key]?.arrayValue ?? [] {
                for pair in rule["UserIdGroupPairs"]?.arrayValue ?? [] {
                    if let g = pair["GroupId"]?.stringValue, g != resource.id, !ids.contains(g) { ids.append(g) }
                }
            }
        }
        return ids
    }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        // A VPC comes with its default group: that one is taken over, not created.
        let id: String
        if properties["GroupName"]?.stringValue == "default" {
            // One that names no VPC gets a VPC of its own, made here and deleted with it: the
            // default VPC's group is not the replay's to change.
            let vpc = try VPCAdapter.vpc(for: resource, properties: properties, in: context)
            let found = try context.aws(
                resource.region,
                [
                    "ec2", "describe-security-groups", "--filters", "Name=vpc-id,Values=\(vpc)",
                    "Name=group-name,Values=default",
                ])["SecurityGroups"]?.arrayValue?.first?["GroupId"]?.stringValue
            guard let found else {
                throw .callFailed(call: "ec2 describe-security-groups", message: "the new VPC has no default group")
            }
            id = found
            try context.aws(
                resource.region,
                ["ec2", "create-tags", "--resources", id, "--tags", "Key=\(context.tagKey),Value=\(context.replayId)"])
        } else {
            id = try newGroup(resource, properties: properties, in: context)
        }
        return id
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        // Whatever the group starts with (all egress; the default group's self-reference) is
        // replaced by the fixture's rules.
        let current = try read(resource, id: id, in: context)
        for (key, verb) in [
            ("IpPermissions", "revoke-security-group-ingress"), ("IpPermissionsEgress", "revoke-security-group-egress"),
        ] {
            guard let existing = current[key], existing.arrayValue?.isEmpty == false else { continue }
            try context.aws(
                resource.region, ["ec2", verb, "--group-id", id, "--ip-permissions", stripped(existing).jsonText])
        }
        for (key, verb) in [
            ("IpPermissions", "authorize-security-group-ingress"),
            ("IpPermissionsEgress", "authorize-security-group-egress"),
        ] {
            guard let wanted = properties[key], wanted.arrayValue?.isEmpty == false else { continue }
            try context.aws(
                resource.region,
                [
                    "ec2", verb, "--group-id", id, "--ip-permissions",
                    rules(wanted, context, selfId: (resource.id, id)).jsonText,
                ])
        }
    }

    /// Rules opened or closed by someone else: the group is given the new rules as at the start.
    func change(_ resource: Resource, id: String, from old: Value, to new: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        try configure(resource, id: id, properties: new, in: context)
    }

    func newGroup(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        var arguments = [
            "ec2", "create-security-group",
            "--group-name", properties["GroupName"]?.stringValue ?? resource.name,
            "--description", properties["Description"]?.stringValue ?? resource.name,
            "--tag-specifications",
            "ResourceType=security-group,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
        ]
        if let vpc = properties["VpcId"]?.stringValue { arguments += ["--vpc-id", context.real(vpc)] }
        let answer = try context.aws(resource.region, arguments)
        guard let id = answer["GroupId"]?.stringValue else {
            throw .callFailed(call: "ec2 create-security-group", message: "no GroupId in the answer")
        }
        return id
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["ec2", "describe-security-groups", "--group-ids", id])["SecurityGroups"]?
            .arrayValue?.first ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        [
            "IpPermissions": .array(normalised(properties["IpPermissions"], context)),
            "IpPermissionsEgress": .array(normalised(properties["IpPermissionsEgress"], context)),
        ]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        // The default group goes with its VPC: the one made for it here, if any.
        guard resource.properties["GroupName"]?.stringValue != "default" else {
            try VPCAdapter.deleteOwn(for: resource, in: context)
            return
        }
        try context.aws(resource.region, ["ec2", "delete-security-group", "--group-id", id])
    }

    /// Rules as the API takes them: group references translated to the endpoint's ids (a group's
    /// reference to itself to its own new id).
    func rules(_ value: Value, _ context: ReplayContext, selfId: (fixture: String, real: String)? = nil) -> Value {
        .array(
            (value.arrayValue ?? []).map { rule in
                var r = rule
                if let pairs = rule["UserIdGroupPairs"]?.arrayValue {
                    r = r.setting(
                        "UserIdGroupPairs",
                        to: .array(
                            pairs.map { p in
                                guard let g = p["GroupId"]?.stringValue else { return p }
                                let real = g == selfId?.fixture ? (selfId?.real ?? g) : context.real(g)
                                return Value.object(Fields([Fields.Entry(key: "GroupId", value: .string(real))]))
                            }))
                }
                return r
            })
    }

    /// Rules as described, reduced to what revoking them needs.
    func stripped(_ value: Value) -> Value {
        .array(
            (value.arrayValue ?? []).map { rule in
                var fields: [Fields.Entry] = []
                for key in ["IpProtocol", "FromPort", "ToPort", "IpRanges", "Ipv6Ranges", "PrefixListIds"] {
                    if let v = rule[key], !(v.arrayValue?.isEmpty ?? false) {
                        fields.append(Fields.Entry(key: key, value: v))
                    }
                }
                if let pairs = rule["UserIdGroupPairs"]?.arrayValue, !pairs.isEmpty {
                    fields.append(
                        Fields.Entry(
                            key: "UserIdGroupPairs", value: .array(pairs.map { ["GroupId": $0["GroupId"] ?? .null] })))
                }
                return .object(Fields(fields))
            })
    }

    /// One entry per (protocol, ports, source), sorted: the same rules written either way compare
    /// equal. Ports are dropped for all-protocol rules, which have none.
    func normalised(_ value: Value?, _ context: ReplayContext) -> [Value] {
        var out: Set<String> = []
        for rule in value?.arrayValue ?? [] {
            let proto = rule["IpProtocol"].map { $0.stringValue ?? $0.jsonText } ?? "-1"
            let ports = proto == "-1" ? "" : "\(rule["FromPort"]?.jsonText ?? "")-\(rule["ToPort"]?.jsonText ?? "")"
            for r in rule["IpRanges"]?.arrayValue ?? [] {
                out.insert("\(proto) \(ports) \(r["CidrIp"]?.stringValue ?? "")")
            }
            for r in rule["Ipv6Ranges"]?.arrayValue ?? [] {
                out.insert("\(proto) \(ports) \(r["CidrIpv6"]?.stringValue ?? "")")
            }
            for r in rule["PrefixListIds"]?.arrayValue ?? [] {
                out.insert("\(proto) \(ports) \(r["PrefixListId"]?.stringValue ?? "")")
            }
            for r in rule["UserIdGroupPairs"]?.arrayValue ?? [] {
                out.insert("\(proto) \(ports) \(context.fixture(r["GroupId"]?.stringValue ?? ""))")
            }
        }
        return out.sorted().map(Value.string)
    }
}
