import CloudModel

/// `aws.iam-user`: a user with its access keys, each in its fixture status; compared on the
/// keys' statuses. The endpoint issues its own key ids, so each fixture key id maps to the new
/// one (commands name the new key; the comparison names the fixture's).
struct IAMUserAdapter: ReplayAdapter {
    let type = "aws.iam-user"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["UserName"]?.stringValue ?? resource.name
        try context.create(
            resource.region,
            [
                "iam", "create-user", "--user-name", name, "--tags", "Key=\(context.tagKey),Value=\(context.replayId)",
            ], named: "user \(name)", alreadyThere: ["EntityAlreadyExists"])
        return name
    }

    func configure(_ resource: Resource, id name: String, properties: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        for key in properties["AccessKeys"]?.arrayValue ?? [] {
            guard let fixtureKey = key["AccessKeyId"]?.stringValue else { continue }
            let made = try context.aws(resource.region, ["iam", "create-access-key", "--user-name", name])
            guard let realKey = made["AccessKey"]?["AccessKeyId"]?.stringValue else {
                throw .callFailed(call: "iam create-access-key", message: "no AccessKeyId in the answer")
            }
            context.created(fixtureKey, as: realKey)
            if let status = key["Status"]?.stringValue, status != "Active" {
                try context.aws(
                    resource.region,
                    ["iam", "update-access-key", "--user-name", name, "--access-key-id", realKey, "--status", status])
            }
        }
    }

    func read(_ resource: Resource, id name: String, in context: ReplayContext) throws(ReplayError) -> Value {
        let keys =
            try context.aws(resource.region, ["iam", "list-access-keys", "--user-name", name])["AccessKeyMetadata"]?
            .arrayValue ?? []
        return ["UserName": .string(name), "AccessKeys": .array(keys)]
    }

    /// Each key as "fixture key id: status", sorted.
    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let keys = (properties["AccessKeys"]?.arrayValue ?? []).map { k in
            "\(context.fixture(k["AccessKeyId"]?.stringValue ?? "")): \(k["Status"]?.stringValue ?? "")"
        }
        return ["AccessKeys": .array(keys.sorted().map(Value.string))]
    }

    func delete(_ resource: Resource, id name: String, in context: ReplayContext) throws(ReplayError) {
        for key in try context.aws(resource.region, ["iam", "list-access-keys", "--user-name", name])[
            "AccessKeyMetadata"]?.arrayValue ?? []
        {
            if let id = key["AccessKeyId"]?.stringValue {
                try context.aws(
                    resource.region, ["iam", "delete-access-key", "--user-name", name, "--access-key-id", id])
            }
        }
        try context.aws(resource.region, ["iam", "delete-user", "--user-name", name])
    }
}
