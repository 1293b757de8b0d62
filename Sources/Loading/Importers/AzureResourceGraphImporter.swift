import CloudModel
import Foundation

/// Reads Azure Resource Graph results: the JSON of `az graph query -q "Resources | …"` (an object
/// whose `data` holds the rows) or the rows alone (`--query data`). Each row is a resource in
/// Azure Resource Manager's shape, which is what the Azure policies read: its `properties` keep
/// ARM's field names, and `id`, `name`, `type`, `location`, `kind` and `sku` stay beside them.
/// The row's subscription becomes the account and its location the region; `tags` become the
/// resource's tags.
///
/// Resource Graph does not hold child resources such as a database's transparent data
/// encryption or a server's auditing settings; rows that carry them under
/// `transparentDataEncryption` / `auditingSettings` (joined in the query) keep them. Types remsim
/// does not model are kept as inert resources of type `azure.` + the ARM type.
public enum AzureResourceGraphImporter {
    /// ARM types (lowercase, as Resource Graph writes them) remsim models.
    static let types: [String: String] = [
        "microsoft.storage/storageaccounts": "azure.storage",
        "microsoft.network/networksecuritygroups": "azure.networksecuritygroup",
        "microsoft.sql/servers": "azure.sqlserver",
        "microsoft.sql/servers/databases": "azure.sqldatabase",
        "microsoft.keyvault/vaults": "azure.keyvault",
        "microsoft.compute/virtualmachines": "azure.vm",
        "microsoft.web/sites": "azure.webapp",
        "microsoft.dbforpostgresql/servers": "azure.postgresql-server",
    ]
    /// Row columns that say where the resource is, not what it is.
    static let addressColumns: Set<String> = ["tags", "tenantId", "subscriptionId", "resourceGroup", "managedBy"]

    public static func load(files: [String]) throws(LoadError) -> ImportResult {
        var collector = ImportCollector()
        for file in files {
            let summary = try ExportReader.read(
                file: file, expecting: "the JSON of `az graph query` (an object with 'data', or its rows)",
                topList: true, uses: ["data": .items], otherwise: .ignore
            ) { (item: ExportItem) throws(LoadError) in
                let row = item.value
                guard row.objectValue != nil else { throw item.error("expected an object") }
                guard let id = row["id"]?.stringValue, !id.isEmpty else { throw item.error("missing 'id'") }
                guard let armType = row["type"]?.stringValue else { throw item.error("missing 'type'") }
                guard let account = row["subscriptionId"]?.stringValue ?? ResourceAddress.account(ofId: id) else {
                    throw item.error("no subscription for '\(id)'")
                }
                var properties = Fields()
                for entry in row.objectValue?.entries ?? []
                where !addressColumns.contains(entry.key) && !entry.value.isNull {
                    properties[entry.key] = entry.value
                }
                var tags: [String: String] = [:]
                for entry in row["tags"]?.objectValue?.entries ?? [] {
                    tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
                }
                let type = types[armType.lowercased()] ?? "azure.\(armType.lowercased())"
                try collector.add(
                    Resource(
                        id: id, type: type, account: account, region: row["location"]?.stringValue ?? "global",
                        name: row["name"]?.stringValue ?? ResourceAddress.name(ofId: id) ?? id, tags: tags,
                        properties: .object(properties)), item)
            }
            if summary.top == .object, !summary.keys.contains("data") {
                throw summary.error("no 'data': not the output of `az graph query`")
            }
        }
        return collector.result
    }
}
