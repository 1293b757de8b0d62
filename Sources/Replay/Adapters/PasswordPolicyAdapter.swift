import CloudModel

/// `aws.iam-password-policy`: the account's one password policy. A replay sets it only where
/// the account has none, and deletes it after; compared on every setting, an absent one read
/// as the default IAM applies.
struct PasswordPolicyAdapter: ReplayAdapter {
    let type = "aws.iam-password-policy"

    /// The settings, the update call's flag for each, and IAM's default.
    static let settings: [(key: String, flag: String, default: Value)] = [
        ("MinimumPasswordLength", "--minimum-password-length", 6),
        ("RequireSymbols", "--require-symbols", false),
        ("RequireNumbers", "--require-numbers", false),
        ("RequireUppercaseCharacters", "--require-uppercase-characters", false),
        ("RequireLowercaseCharacters", "--require-lowercase-characters", false),
        ("AllowUsersToChangePassword", "--allow-users-to-change-password", false),
        ("MaxPasswordAge", "--max-password-age", .null),
        ("PasswordReusePrevention", "--password-reuse-prevention", .null),
        ("HardExpiry", "--hard-expiry", false),
    ]

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        if try context.optional(resource.region, ["iam", "get-account-password-policy"]) != nil {
            throw .notReplayable("the account already has a password policy, and a replay touches only what it creates")
        }
        var arguments = ["iam", "update-account-password-policy"]
        for setting in Self.settings {
            switch properties[setting.key] {
            case .bool(true)?: arguments.append(setting.flag)
            case .bool(false)?: arguments.append("--no-" + setting.flag.dropFirst(2))
            case .int(let n)?: arguments += [setting.flag, String(n)]
            default: break
            }
        }
        try context.aws(resource.region, arguments)
        return "account"
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["iam", "get-account-password-policy"])["PasswordPolicy"] ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        .object(Fields(Self.settings.map { Fields.Entry(key: $0.key, value: properties[$0.key] ?? $0.default) }))
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["iam", "delete-account-password-policy"])
    }
}
