import CloudModel

/// What a caller of the AWS endpoint gets without saying: the account of a key that names none
/// (the lowest of the inventory's AWS accounts) and the region tools are pointed at (the one
/// most of its regional AWS resources are in). `remsim serve` prints them; external engines run
/// with them.
package struct AWSDefaults: Sendable, Equatable {
    /// Every AWS account the inventory holds, sorted.
    package var accounts: [String]
    package var account: String
    package var region: String

    package init(_ inventory: Inventory, account given: String? = nil) {
        var accounts: Set<String> = []
        var regions: [String: Int] = [:]
        for type in inventory.types where type.hasPrefix("aws.") {
            inventory.forEach(ofType: type) { r in
                accounts.insert(r.account)
                if r.region != "global" { regions[r.region, default: 0] += 1 }
            }
        }
        self.accounts = accounts.sorted()
        account = given ?? self.accounts.first ?? "123456789012"
        region = regions.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? "us-east-1"
    }
}
