import CloudModel

/// `aws.iam-password-policy`: the account's one password policy. A replay sets it only where
/// the account has none, and deletes it after; compared on every setting, an absent one read
/// as the default IAM applies.
struct PasswordPolicyAdapter: ReplayAdapter {
    let type = "aws.iam-password-policy"
    let onePerAccount = true

    /// The settings compared, with the value IAM applies when the call leaves one out.
    static let defaults: KeyValuePairs<String, Value> = [
        "MinimumPasswordLength": 6, "RequireSymbols": false, "RequireNumbers": false,
        "RequireUppercaseCharacters": false,
        "RequireLowercaseCharacters": false, "AllowUsersToChangePassword": false, "MaxPasswordAge": .null,
        "PasswordReusePrevention": .null, "HardExpiry": false,
    ]

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        if try context.optional(resource.region, ["iam", "get-account-password-policy"]) != nil {
            throw .notReplayable("the account already has a password policy, and a replay touches only what it creates")
        }
        let wanted = Fields(
            Self.defaults.compactMap { d in properties[d.key].map { Fields.Entry(key: d.key, value: $0) } })
        try context.aws(resource.region, context.words("iam:UpdateAccountPasswordPolicy", .object(wanted)))
        return "account"
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["iam", "get-account-password-policy"])["PasswordPolicy"] ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        context.settings(properties, defaults: Self.defaults)
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["iam", "delete-account-password-policy"])
    }
}
