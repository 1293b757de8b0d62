import CloudModel

/// `aws.ebs-snapshot`: a snapshot of a 1 GiB volume made for it, shared as the fixture shares
/// it; compared on who may create volumes from it.
struct EBSSnapshotAdapter: ReplayAdapter {
    let type = "aws.ebs-snapshot"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let tags = "Tags=[{Key=\(context.tagKey),Value=\(context.replayId)}]"
        let volume = try EBSVolumeAdapter.make(in: resource.region, properties: [:], in: context)
        context.helper("volume", of: resource, is: volume)
        try context.aws(resource.region, ["ec2", "wait", "volume-available", "--volume-ids", volume])
        let snapshot = try context.aws(
            resource.region,
            [
                "ec2", "create-snapshot", "--volume-id", volume, "--tag-specifications",
                "ResourceType=snapshot,\(tags)",
            ])["SnapshotId"]?.stringValue
        guard let snapshot else {
            throw .callFailed(call: "ec2 create-snapshot", message: "no SnapshotId in the answer")
        }
        return snapshot
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["ec2", "wait", "snapshot-completed", "--snapshot-ids", id])
        for permission in properties["CreateVolumePermissions"]?.arrayValue ?? [] {
            var arguments = [
                "ec2", "modify-snapshot-attribute", "--snapshot-id", id, "--attribute", "createVolumePermission",
                "--operation-type", "add",
            ]
            if let group = permission["Group"]?.stringValue {
                arguments += ["--group-names", group]
            } else if let user = permission["UserId"]?.stringValue {
                arguments += ["--user-ids", user]
            } else {
                continue
            }
            try context.aws(resource.region, arguments)
        }
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        let answer = try context.aws(
            resource.region,
            ["ec2", "describe-snapshot-attribute", "--snapshot-id", id, "--attribute", "createVolumePermission"])
        return ["CreateVolumePermissions": answer["CreateVolumePermissions"] ?? []]
    }

    /// "group all", "user 222222222222", sorted.
    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let shared = (properties["CreateVolumePermissions"]?.arrayValue ?? []).compactMap { p -> String? in
            if let g = p["Group"]?.stringValue { return "group \(g)" }
            return p["UserId"]?.stringValue.map { "user \($0)" }
        }
        return ["CreateVolumePermissions": .array(shared.sorted().map(Value.string))]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        // A remediation may have deleted it already; the volume made for it is still there.
        _ = try context.optional(resource.region, ["ec2", "delete-snapshot", "--snapshot-id", id])
        if let volume = context.helper("volume", of: resource) {
            try context.aws(resource.region, ["ec2", "delete-volume", "--volume-id", volume])
        }
    }

}
