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
        var policies: [(name: String, policy: Value, node: YAMLNode)] = []
        for file in files {
            for node in try assets(in: file) {
                let asset = try node.value()
                guard let name = asset["name"]?.stringValue, !name.isEmpty else { throw node.error("missing 'name'") }
                if let policy = asset["iam_policy"] ?? asset["iamPolicy"], asset["resource"] == nil {
                    policies.append((name, policy, node))
                    continue
                }
                guard let assetType = (asset["asset_type"] ?? asset["assetType"])?.stringValue else {
                    throw node.error("missing 'asset_type'")
                }
                guard let resource = asset["resource"], let data = resource["data"], data.objectValue != nil else {
                    collector.skip("assets without resource data (export with --content-type=resource)")
                    continue
                }
                let ancestorProject = (asset["ancestors"]?.arrayValue ?? []).compactMap(\.stringValue).first {
                    $0.hasPrefix("projects/")
                }
                .map { String($0.dropFirst("projects/".count)) }
                guard let account = ResourceAddress.account(ofId: name) ?? project ?? ancestorProject else {
                    throw node.error("no project in '\(name)'; give it with --project")
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
                        name: shortName, tags: tags, properties: properties), node)
            }
        }
        for (name, policy, _) in policies {
            guard let i = collector.index[name] else {
                collector.skip("IAM policies of assets not in the export")
                continue
            }
            collector.resources[i].properties = collector.resources[i].properties.setting("iamPolicy", to: policy)
        }
        return collector.result
    }

    /// The assets of a file: a JSON list, or one JSON object per line. A bad line is reported
    /// with its own line number.
    static func assets(in file: String) throws(LoadError) -> [YAMLNode] {
        let data = try YAMLNode.readData(file: file)
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: file, message: "the file is not valid UTF-8 text")
        }
        if text.drop(while: \.isWhitespace).first == "[" {
            return try YAMLNode.parse(file: file, data: data).list()
        }
        var out: [YAMLNode] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let node: YAMLNode
            do throws(LoadError) {
                node = try YAMLNode.parse(file: file, data: Data(line.utf8)).onLine(n + 1)
            } catch {
                var e = error
                e.line = n + 1 + (e.line.map { $0 - 1 } ?? 0)
                throw e
            }
            guard node.isMapping else { throw node.error("expected one JSON object per line") }
            out.append(node)
        }
        return out
    }
}
