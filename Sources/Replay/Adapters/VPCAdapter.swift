import CloudModel

/// `aws.vpc`: created with its CIDR block; compared on it.
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

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["ec2", "describe-vpcs", "--vpc-ids", id])["Vpcs"]?.arrayValue?.first ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        ["CidrBlock": properties["CidrBlock"] ?? .null]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["ec2", "delete-vpc", "--vpc-id", id])
    }

    /// The endpoint's VPC for a resource that lives in one: the fixture's, made earlier in the
    /// replay, or, when the fixture names none, one made here for it alone (the account's default
    /// VPC is not the replay's to change), which `deleteOwn` removes.
    static func vpc(for resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        if let named = properties["VpcId"]?.stringValue { return context.real(named) }
        let vpc = try VPCAdapter().create(resource, properties: [:], in: context)
        context.created(ownKey(resource), as: vpc)
        return vpc
    }

    static func deleteOwn(for resource: Resource, in context: ReplayContext) throws(ReplayError) {
        if let vpc = context.ids[ownKey(resource)] { try VPCAdapter().delete(resource, id: vpc, in: context) }
    }

    static func ownKey(_ resource: Resource) -> String { "\(resource.id)#vpc" }
}
