import CloudModel

/// `aws.ebs`: a volume of the fixture's size, type and encryption, in its availability zone (with
/// its KMS key when the replay made that key); compared on those. Attachments are not made: the
/// instances' own volumes are not the fixture's.
struct EBSVolumeAdapter: ReplayAdapter {
    let type = "aws.ebs"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        try Self.make(in: resource.region, properties: properties, in: context)
    }

    /// A volume as `properties` describe it (1 GiB of gp3 where they say nothing), tagged with
    /// the replay id; its id.
    static func make(in region: String, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        var arguments = [
            "ec2", "create-volume",
            "--availability-zone", properties["AvailabilityZone"]?.stringValue ?? "\(region)a",
            "--size", properties["Size"].map { $0.stringValue ?? $0.jsonText } ?? "1",
            "--volume-type", properties["VolumeType"]?.stringValue ?? "gp3",
            "--tag-specifications", "ResourceType=volume,Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]",
        ]
        if properties["Encrypted"] == true {
            arguments.append("--encrypted")
            // The fixture's key only where the replay made it; otherwise the account's default key.
            if let key = properties["KmsKeyId"]?.stringValue, context.translate(key) != key {
                arguments += ["--kms-key-id", context.translate(key)]
            }
        }
        guard let id = try context.aws(region, arguments)["VolumeId"]?.stringValue else {
            throw .callFailed(call: "ec2 create-volume", message: "no VolumeId in the answer")
        }
        return id
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["ec2", "describe-volumes", "--volume-ids", id])["Volumes"]?.arrayValue?.first
            ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        context.settings(properties, defaults: ["Size": 1, "VolumeType": "gp3", "Encrypted": false])
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        // A remediation may have deleted it already.
        _ = try context.optional(resource.region, ["ec2", "delete-volume", "--volume-id", id])
    }
}
