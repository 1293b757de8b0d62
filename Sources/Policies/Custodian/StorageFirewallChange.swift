import CloudModel

/// Custodian's `set-firewall-rules` on an Azure storage account, worked out for the account as
/// it is: one update of `properties.networkAcls` with `default-action` (Deny unless given), the
/// `ip-rules` and `virtual-network-rules` given (each only when the policy gives it) and the
/// `bypass-rules` joined with commas. Appending (the default), the account's own IP rules,
/// virtual network rules and bypass entries not among the new ones follow them; the bypass
/// entries are split on commas as Azure writes them (`AzureServices, Logging`), spaces kept, as
/// Custodian splits them. Without `bypass-rules` the update carries `AzureServices`, the Azure
/// SDK's default, and with an empty list `None`. More than 200 IP rules: no call, as Custodian
/// skips the account.
package final class StorageFirewallChange: ResourceCheck, @unchecked Sendable {
    package static let ipRuleLimit = 200

    let name: String
    let defaultAction: String
    let ipRules: [String]?
    let virtualNetworkRules: [String]?
    let bypass: [String]?
    let append: Bool

    package init(
        name: String, defaultAction: String, ipRules: [String]?, virtualNetworkRules: [String]?, bypass: [String]?,
        append: Bool
    ) {
        self.name = name
        self.defaultAction = defaultAction
        self.ipRules = ipRules
        self.virtualNetworkRules = virtualNetworkRules
        self.bypass = bypass
        self.append = append
        super.init(resourceType: "azure.storage")
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool { true }

    override package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? {
        let account = resource.document
        let none = MatchedElements(path: name, elements: [])
        guard let id = account["id"]?.stringValue, let accountName = account["name"]?.stringValue,
            let resourceGroup = ResourceAddress.resourceGroup(ofId: id)
        else { return none }
        let acls = account["properties"]?["networkAcls"]
        // Custodian reads the account's rules only for what the policy sets, and stops on an
        // account without `networkAcls` there.
        if ipRules != nil || virtualNetworkRules != nil || bypass != nil, acls?.objectValue == nil { return none }
        var set = Fields()
        set["defaultAction"] = .string(defaultAction)
        if let ipRules {
            let existing = (acls?["ipRules"]?.arrayValue ?? []).map {
                $0["value"].map { $0.stringValue ?? $0.jsonText } ?? "None"
            }
            // Each of the account's IP rules once, where the new ones do not have it.
            var rules = ipRules
            if append { for ip in existing where !rules.contains(ip) { rules.append(ip) } }
            guard rules.count <= Self.ipRuleLimit else { return none }
            set["ipRules"] = .array(rules.map { ["value": .string($0)] })
        }
        if let virtualNetworkRules {
            let existing = (acls?["virtualNetworkRules"]?.arrayValue ?? []).map {
                $0["id"].map { $0.stringValue ?? $0.jsonText } ?? "None"
            }
            set["virtualNetworkRules"] = .array(
                Self.appending(existing, to: virtualNetworkRules, if: append).map { ["id": .string($0)] })
        }
        if let bypass {
            let existing = (acls?["bypass"]?.stringValue ?? "").split(separator: ",", omittingEmptySubsequences: false)
                .map(String.init)
            let entries = Self.appending(existing, to: bypass, if: append)
            set["bypass"] = .string(entries.isEmpty ? "None" : entries.joined(separator: ","))
        } else {
            set["bypass"] = "AzureServices"
        }
        return MatchedElements(
            path: name,
            elements: [
                [
                    "resourceGroup": .string(resourceGroup), "name": .string(accountName),
                    "body": ["properties": ["networkAcls": .object(set)]],
                ]
            ])
    }

    /// `new`, then, when appending, each of `existing` not among them (duplicates kept).
    static func appending(_ existing: [String], to new: [String], if append: Bool) -> [String] {
        append ? new + existing.filter { !new.contains($0) } : new
    }
}
