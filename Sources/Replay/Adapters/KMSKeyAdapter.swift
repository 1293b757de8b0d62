import CloudModel
import RemediationEngine

/// `aws.kms-key`: a customer managed key of the fixture's key spec, with rotation and aliases as
/// the fixture has them (its `AliasNames`, and its name when that is an alias); compared on
/// rotation. KMS never deletes a key at once: the replay deletes its aliases and schedules the
/// deletion for the shortest wait KMS allows (7 days).
struct KMSKeyAdapter: ReplayAdapter {
    let type = "aws.kms-key"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        guard properties["KeyManager"]?.stringValue != "AWS" else {
            throw .notReplayable("\(resource.id) is an AWS managed key, which only AWS creates")
        }
        let made = try context.aws(
            resource.region,
            [
                "kms", "create-key", "--key-spec", properties["KeySpec"]?.stringValue ?? "SYMMETRIC_DEFAULT",
                "--description", properties["Description"]?.stringValue ?? resource.name,
                "--tags", "TagKey=\(context.tagKey),TagValue=\(context.replayId)",
            ])
        guard let id = made["KeyMetadata"]?["KeyId"]?.stringValue else {
            throw .callFailed(call: "kms create-key", message: "no KeyId in the answer")
        }
        // Commands may name the key by its id or its ARN.
        if let keyId = properties["KeyId"]?.stringValue, keyId != resource.id { context.created(keyId, as: id) }
        if let arn = properties["Arn"]?.stringValue, let realArn = made["KeyMetadata"]?["Arn"]?.stringValue,
            arn != resource.id
        {
            context.created(arn, as: realArn)
        }
        return id
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        if properties["KeyRotationEnabled"] == true {
            try context.aws(resource.region, ["kms", "enable-key-rotation", "--key-id", id])
        }
        for alias in KMSKeyReference.aliases(of: resource) {
            try context.aws(resource.region, ["kms", "create-alias", "--alias-name", alias, "--target-key-id", id])
        }
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        let rotation = try context.aws(resource.region, ["kms", "get-key-rotation-status", "--key-id", id])
        return ["KeyRotationEnabled": rotation["KeyRotationEnabled"] ?? false]
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        context.settings(properties, defaults: ["KeyRotationEnabled": false])
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        for alias in KMSKeyReference.aliases(of: resource) {
            try context.aws(resource.region, ["kms", "delete-alias", "--alias-name", alias])
        }
        try context.aws(
            resource.region, ["kms", "schedule-key-deletion", "--key-id", id, "--pending-window-in-days", "7"])
    }
}
