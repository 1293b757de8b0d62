import CloudModel
import Foundation

/// Reads Google Cloud Asset Inventory exports: the newline-delimited JSON that
/// `gcloud asset export --content-type=resource` writes (one asset per line), or a JSON list of
/// assets (`gcloud asset list --format=json`). An asset's `resource.data` is the resource in its
/// API's own shape, which is what the GCP policies read; its `name`
/// (`//compute.googleapis.com/projects/P/global/firewalls/NAME`) is the resource's id. Lines of an
/// `--content-type=iam-policy` export attach their `iam_policy` to the resource as `iamPolicy`,
/// which the bucket policies read. The project comes from the name, or from the asset's
/// `ancestors` project number when `--project` does not say; the region from `resource.location`.
/// Asset types remsim does not model are kept as inert resources of type `gcp.` + the asset type.
public enum GCPAssetInventoryImporter {
    static let types: [String: String] = [
        "compute.googleapis.com/Firewall": "gcp.firewall",
        "storage.googleapis.com/Bucket": "gcp.bucket",
        "sqladmin.googleapis.com/Instance": "gcp.sql-instance",
        "compute.googleapis.com/Instance": "gcp.instance",
        "compute.googleapis.com/Subnetwork": "gcp.subnet",
        "container.googleapis.com/Cluster": "gcp.gke-cluster",
        "cloudkms.googleapis.com/CryptoKey": "gcp.kms-cryptokey",
    ]

    public static func load(files: [String], project: String?) throws(LoadError) -> ImportResult {
        var collector = ImportCollector()
        var policies: [(name: String, policy: Value)] = []
        for file in files {
            _ = try ExportReader.read(
                file: file,
                expecting: "the newline-delimited JSON of `gcloud asset export`, or a JSON list of assets",
                topList: true, lines: true, uses: [:], otherwise: .ignore
            ) { (item: ExportItem) throws(LoadError) in
                let asset = item.value
                guard asset.objectValue != nil else { throw item.error("expected an object") }
                guard let name = asset["name"]?.stringValue, !name.isEmpty else { throw item.error("missing 'name'") }
                if let policy = asset["iam_policy"] ?? asset["iamPolicy"], asset["resource"] == nil {
                    policies.append((name, policy))
                    return
                }
                guard let assetType = (asset["asset_type"] ?? asset["assetType"])?.stringValue else {
                    throw item.error("missing 'asset_type'")
                }
                guard let resource = asset["resource"], let data = resource["data"], data.objectValue != nil else {
                    collector.skip("assets without resource data (export with --content-type=resource)")
                    return
                }
                let ancestorProject = (asset["ancestors"]?.arrayValue ?? []).compactMap(\.stringValue).first {
                    $0.hasPrefix("projects/")
                }
                .map { String($0.dropFirst("projects/".count)) }
                guard let account = ResourceAddress.account(ofId: name) ?? project ?? ancestorProject else {
                    throw item.error("no project in '\(name)'; give it with --project")
                }
                let region = resource["location"]?.stringValue ?? ResourceAddress.region(ofId: name) ?? "global"
                var properties = data
                if let policy = asset["iam_policy"] ?? asset["iamPolicy"] {
                    properties = properties.setting("iamPolicy", to: policy)
                }
                var tags: [String: String] = [:]
                for entry in data["labels"]?.objectValue?.entries ?? [] {
                    tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
                }
                let shortName = name.split(separator: "/").last.map(String.init) ?? name
                try collector.add(
                    Resource(
                        id: name, type: types[assetType] ?? "gcp.\(assetType)", account: account, region: region,
                        name: shortName, tags: tags, properties: properties), item)
            }
        }
        for (name, policy) in policies {
            guard let i = collector.index[name] else {
                collector.skip("IAM policies of assets not in the export")
                continue
            }
            collector.resources[i].properties = collector.resources[i].properties.setting("iamPolicy", to: policy)
        }
        return collector.result
    }
}
