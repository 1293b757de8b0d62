import CloudModel

/// `aws.ec2`: a t3.micro from the current Amazon Linux 2 image (as SSM's public parameter names
/// it), with the fixture's metadata options; compared on them. Terminated after.
struct EC2InstanceAdapter: ReplayAdapter {
    let type = "aws.ec2"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let image = try context.aws(
            resource.region,
            [
                "ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
            ])["Parameter"]?["Value"]?.stringValue
        guard let image else { throw .callFailed(call: "ssm get-parameter", message: "no Amazon Linux 2 image id") }
        let options = properties["MetadataOptions"]
        var arguments = [
            "ec2", "run-instances", "--image-id", image, "--instance-type", "t3.micro", "--count", "1",
            "--metadata-options",
            "HttpTokens=\(options?["HttpTokens"]?.stringValue ?? "optional"),HttpEndpoint=\(options?["HttpEndpoint"]?.stringValue ?? "enabled")",
            "--tag-specifications",
            "ResourceType=instance,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
        ]
        // Given either way: EC2 describes every instance's HibernationOptions, and an endpoint that
        // leaves them out when not told (moto) would misalign Custodian's hibernate split.
        let hibernates = properties["HibernationOptions"]?["Configured"]?.boolValue == true
        arguments += ["--hibernation-options", "Configured=\(hibernates)"]
        let made = try context.aws(resource.region, arguments)
        guard let id = made["Instances"]?.arrayValue?.first?["InstanceId"]?.stringValue else {
            throw .callFailed(call: "ec2 run-instances", message: "no InstanceId in the answer")
        }
        return id
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["ec2", "describe-instances", "--instance-ids", id])["Reservations"]?
            .arrayValue?.first?["Instances"]?.arrayValue?.first ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let options = properties["MetadataOptions"]
        return [
            "HttpTokens": options?["HttpTokens"] ?? "optional", "HttpEndpoint": options?["HttpEndpoint"] ?? "enabled",
            "State": properties["State"]?["Name"] ?? "running",
        ]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["ec2", "terminate-instances", "--instance-ids", id])
    }
}
