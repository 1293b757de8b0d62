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
}
