import CloudModel
import Foundation

/// Reads Azure Resource Graph results: the JSON of `az graph query -q "Resources | …"` (an object
/// whose `data` holds the rows) or the rows alone (`--query data`). Each row is a resource in
/// Azure Resource Manager's shape, which is what the Azure policies read: its `properties` keep
/// ARM's field names, and `id`, `name`, `type`, `location`, `kind` and `sku` stay beside them.
/// The row's subscription becomes the account and its location the region; `tags` become the
/// resource's tags. A query that projects columns without `id` is read when it keeps
/// `subscriptionId`, `resourceGroup`, `type` and `name`, from which the ARM id is formed. `az
/// resource list` prints the same rows with `properties: null`; such rows are counted and warned
/// about and imported with their properties unknown (`Resource.unknownProperties`), which policies
/// reading them cannot evaluate rather than find absent. A page of results that goes on
/// (`skip_token`) is warned about.
///
/// Resource Graph does not hold child resources such as a database's transparent data
/// encryption or a server's auditing settings; rows that carry them under
/// `transparentDataEncryption` / `auditingSettings` (joined in the query) keep them, and rows
/// that do not are imported with them unknown. Types remsim
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
    /// Child resources Resource Graph does not hold, which policies read, by type: a row that does
    /// not carry them (joined in the query) is imported with them unknown.
    static let children: [String: String] = [
        "azure.sqldatabase": "transparentDataEncryption", "azure.sqlserver": "auditingSettings",
    ]
    /// Row columns that say where the resource is, not what it is.
    static let addressColumns: Set<String> = ["tags", "tenantId", "subscriptionId", "resourceGroup", "managedBy"]

    public static func load(files: [String]) throws(LoadError) -> ImportResult {
        var collector = ImportCollector()
        var withoutProperties = 0
        var childrenUnknown: [String: Int] = [:]
        var pagesGoingOn: [String] = []
        for file in files {
            let summary = try ExportReader.read(
                file: file, expecting: "the JSON of `az graph query` (an object with 'data', or its rows)",
                topList: true, uses: ["data": .items, "skip_token": .keep, "\u{24}skipToken": .keep],
                otherwise: .ignore
            ) { (item: ExportItem) throws(LoadError) in
                let row = item.value
                guard row.objectValue != nil else { throw item.error("expected an object") }
                guard let armType = row["type"]?.stringValue else { throw item.error("missing 'type'") }
                let id: String
                if let given = row["id"]?.stringValue { id = given } else { id = try composedId(row, armType, item) }
                guard !id.isEmpty else { throw item.error("missing 'id'") }
                if row["properties"]?.isNull ?? false { withoutProperties += 1 }
                guard let account = row["subscriptionId"]?.stringValue ?? ResourceAddress.account(ofId: id) else {
                    throw item.error("no subscription for '\(id)'")
                }
                var properties = Fields()
                for entry in row.objectValue?.entries ?? []
                where !addressColumns.contains(entry.key) && !entry.value.isNull {
                    properties[entry.key] = entry.value
                }
                if properties["id"] == nil { properties["id"] = .string(id) }
                var tags: [String: String] = [:]
                for entry in row["tags"]?.objectValue?.entries ?? [] {
                    tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
                }
                let type = types[armType.lowercased()] ?? "azure.\(armType.lowercased())"
                var resource = Resource(
                    id: id, type: type, account: account, region: row["location"]?.stringValue ?? "global",
                    name: row["name"]?.stringValue ?? ResourceAddress.name(ofId: id) ?? id, tags: tags,
                    properties: .object(properties))
                // `az resource list` prints no properties: not empty ones, unknown ones.
                if row["properties"]?.isNull ?? false {
                    resource.unknownProperties = [Resource.everyProperty]
                } else if let child = children[type], row[child] == nil || row[child]!.isNull {
                    resource.unknownProperties = [child]
                    childrenUnknown[type, default: 0] += 1
                }
                try collector.add(resource, item)
            }
            if summary.top == .object, !summary.keys.contains("data") {
                throw summary.error("no 'data': not the output of `az graph query`")
            }
            if (summary.kept["skip_token"] ?? summary.kept["$skipToken"]).map({ !$0.isNull }) ?? false {
                pagesGoingOn.append(ExportReader.displayName(file))
            }
        }
        if withoutProperties > 0 {
            collector.warn(
                "\(withoutProperties) row\(withoutProperties == 1 ? " has" : "s have") `properties: null` (as `az "
                    + "resource list` prints them): imported with their properties unknown, so policies reading them "
                    + "cannot evaluate \(withoutProperties == 1 ? "it" : "them"); export with `az graph query -q "
                    + "\"Resources\"` instead, which holds them")
        }
        for (type, count) in childrenUnknown.sorted(by: { $0.key < $1.key }) {
            let child = children[type] ?? ""
            collector.warn(
                "\(count) \(type) without '\(child)', which Resource Graph does not hold: imported with it unknown, so "
                    + "policies reading it cannot evaluate \(count == 1 ? "it" : "them"); join it in the query as "
                    + "'\(child)' (or add it to the fixtures) to evaluate \(count == 1 ? "it" : "them")")
        }
        collector.warn(pages: pagesGoingOn, marker: "skip_token")
        return collector.result
    }

    /// The ARM id of a row that projected its parts but not `id`:
    /// `/subscriptions/S/resourceGroups/G/providers/NAMESPACE/T1/N1/T2/N2`, a child's name
    /// (`server/db`) giving one name per type segment.
    static func composedId(_ row: Value, _ armType: String, _ item: ExportItem) throws(LoadError) -> String {
        let needed = ["subscriptionId", "resourceGroup", "name"]
        let missing = needed.filter { row[$0]?.stringValue?.isEmpty ?? true }
        guard missing.isEmpty else {
            throw item.error(
                "missing 'id': project it, or \(missing.map { "'\($0)'" }.joined(separator: ", ")) to form it from")
        }
        let typeParts = armType.split(separator: "/").map(String.init)
        let nameParts = (row["name"]?.stringValue ?? "").split(separator: "/").map(String.init)
        guard typeParts.count >= 2, nameParts.count == typeParts.count - 1 else {
            throw item.error("missing 'id', and the name does not fit the type '\(armType)' to form it from")
        }
        var id =
            "/subscriptions/\(row["subscriptionId"]!.stringValue!)/resourceGroups/"
            + "\(row["resourceGroup"]!.stringValue!)/providers/\(typeParts[0])"
        for (t, n) in zip(typeParts.dropFirst(), nameParts) { id += "/\(t)/\(n)" }
        return id
    }
}
