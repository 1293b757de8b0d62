import CloudModel

/// A KMS key named as `kms:DescribeKey` takes it: its key id, its key ARN, an alias name
/// (`alias/data`) or an alias ARN, looked up in one account and region, as a call made there
/// finds it. A key of another account is not found: under KMS's default key policy another
/// account cannot describe it, and key policies are not modelled.
package enum KMSKeyReference {
    /// The key `reference` names in `account` and `region`; nil when there is none.
    package static func resolve(_ reference: String, account: String, region: String, in view: some InventoryView)
        -> Resource?
    {
        var found: Resource?
        view.forEachResource(ofType: "aws.kms-key") { key in
            guard found == nil, key.account == account, key.region == region, names(key, reference) else { return }
            found = key
        }
        return found
    }

    /// The key's ARN, as `kms:DescribeKey` gives it.
    package static func arn(of key: Resource) -> String {
        AWSResourceARN.of(key) ?? key.id
    }

    /// Its aliases: those `AliasNames` lists (as Cloud Custodian describes a key) and its name
    /// when that is an alias (a fixture names a key by its alias).
    package static func aliases(of key: Resource) -> [String] {
        var aliases = (key.properties["AliasNames"]?.arrayValue ?? []).compactMap(\.stringValue)
        if key.name.hasPrefix("alias/"), !aliases.contains(key.name) { aliases.append(key.name) }
        return aliases
    }

    /// Whether `reference` is one of the ways a call can name the key: its id, its ARN, an alias
    /// or an alias's ARN.
    static func names(_ key: Resource, _ reference: String) -> Bool {
        if reference == key.id || reference == arn(of: key) { return true }
        let aliasARN = "arn:aws:kms:\(key.region):\(key.account):"
        return aliases(of: key).contains { reference == $0 || reference == aliasARN + $0 }
    }
}
