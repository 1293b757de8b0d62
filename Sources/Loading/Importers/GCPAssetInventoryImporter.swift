import CloudModel
import Foundation

/// Reads Google Cloud Asset Inventory exports: the newline-delimited JSON that
/// `gcloud asset export --content-type=resource` writes (one asset per line), or a JSON list of
/// assets (`gcloud asset list --format=json`). An asset's `resource.data` is the resource in its
/// API's own shape, which is what the GCP policies read; its `name`
/// (`//compute.googleapis.com/projects/P/global/firewalls/NAME`) is the resource's id. Lines of an
/// `--content-type=iam-policy` export attach their `iam_policy` to the resource as `iamPolicy`,
/// which the bucket policies read. `gcloud asset search-all-resources --read-mask='*' --format=json`
/// is read too: each result's `versionedResources` hold the resource's data.
///
/// A project is one account whichever form an asset names it by: its id (`projects/acme-prod` in
/// most names) or its number (`projects/123456789012` in `ancestors`, in some names, and in a
/// search result's `project`). Numbers become ids where the export says which id a number has:
/// the project's own asset (`cloudresourcemanager.googleapis.com/Project`), or any asset whose
/// name holds the id and whose ancestors hold the number. So an organisation-wide dump needs no
/// `--project`; `--project` is only for assets that name no project at all. The region comes from
/// `resource.location`. Asset types remsim does not model are kept as inert resources of type
/// `gcp.` + the asset type.
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
        /// Project numbers → ids, as the export relates them.
        var projectIds: [String: String] = [:]
        var withoutData = 0
        var searchedWithoutData = 0
        for file in files {
            _ = try ExportReader.read(
                file: file,
                expecting: "the newline-delimited JSON of `gcloud asset export`, or a JSON list of assets",
                topList: true, lines: true, uses: [:], otherwise: .ignore
            ) { (item: ExportItem) throws(LoadError) in
                let asset = item.value
                guard asset.objectValue != nil else { throw item.error("expected an object") }
                collector.taken((asset["update_time"] ?? asset["updateTime"])?.stringValue)
                guard let name = asset["name"]?.stringValue, !name.isEmpty else { throw item.error("missing 'name'") }
                if let policy = asset["iam_policy"] ?? asset["iamPolicy"], asset["resource"] == nil {
                    policies.append((name, policy))
                    return
                }
                guard let assetType = (asset["asset_type"] ?? asset["assetType"])?.stringValue else {
                    throw item.error("missing 'asset_type'")
                }
                // An export's `resource`, or a search result's latest versioned resource.
                let resource =
                    asset["resource"]
                    ?? (asset["versionedResources"]?.arrayValue?.first).map { versioned in
                        var r = Fields()
                        r["data"] = versioned["resource"] ?? .null
                        r["location"] = asset["location"] ?? .null
                        return Value.object(r)
                    }
                let ancestorNumber = ancestorProject(asset)
                let searchProject = asset["project"]?.stringValue.map {
                    $0.hasPrefix("projects/") ? String($0.dropFirst("projects/".count)) : $0
                }
                let named = ResourceAddress.account(ofId: name)
                for number in [ancestorNumber, searchProject].compactMap({ $0 }) where isNumber(number) {
                    if let named, !isNumber(named) { projectIds[number] = named }
                }
                if assetType == "cloudresourcemanager.googleapis.com/Project",
                    let data = resource?["data"], let id = data["projectId"]?.stringValue,
                    let number = data["projectNumber"]?.stringValue ?? data["projectNumber"]?.intValue.map(String.init)
                {
                    projectIds[number] = id
                }
                // A search result without its resource (searched without --read-mask='*') is a
                // resource whose properties are unknown; an export's asset without data (another
                // content type) is not imported.
                let data = resource?["data"].flatMap { $0.objectValue != nil ? $0 : nil }
                guard data != nil || searchProject != nil else {
                    withoutData += 1
                    return
                }
                guard let account = named ?? ancestorNumber ?? searchProject ?? project else {
                    throw item.error("no project in '\(name)' nor in its ancestors; give it with --project")
                }
                var properties = data ?? .emptyObject
                if let policy = asset["iam_policy"] ?? asset["iamPolicy"] {
                    properties = properties.setting("iamPolicy", to: policy)
                }
                var imported = Self.resource(
                    name: name, assetType: assetType, data: properties,
                    location: resource?["location"]?.stringValue ?? asset["location"]?.stringValue, project: account)
                if data == nil {
                    // A search result's labels are beside its (absent) data.
                    for entry in asset["labels"]?.objectValue?.entries ?? [] {
                        imported.tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
                    }
                    imported.unknownProperties = [Resource.everyProperty]
                    searchedWithoutData += 1
                }
                try collector.add(imported, item)
            }
        }
        if withoutData > 0 {
            collector.skip("assets without their resource's data (export with --content-type=resource)", withoutData)
        }
        if searchedWithoutData > 0 {
            collector.warn(
                "\(searchedWithoutData) search result\(searchedWithoutData == 1 ? " holds" : "s hold") no resource "
                    + "data: imported with \(searchedWithoutData == 1 ? "its" : "their") properties unknown, so "
                    + "policies reading them cannot evaluate \(searchedWithoutData == 1 ? "it" : "them"); search with "
                    + "--read-mask='*', which returns them")
        }
        // One account per project: a number the export relates to an id becomes the id.
        var unresolved: Set<String> = []
        for i in collector.resources.indices where isNumber(collector.resources[i].account) {
            if let id = projectIds[collector.resources[i].account] {
                collector.resources[i].account = id
            } else {
                unresolved.insert(collector.resources[i].account)
            }
        }
        if !unresolved.isEmpty {
            collector.warn(
                "project\(unresolved.count == 1 ? "" : "s") \(unresolved.sorted().joined(separator: ", ")) "
                    + "\(unresolved.count == 1 ? "is" : "are") named by number only: the export holds no asset "
                    + "relating \(unresolved.count == 1 ? "it" : "them") to a project id (export the Project assets "
                    + "too, `--asset-types=cloudresourcemanager.googleapis.com/Project`), so \(unresolved.count == 1 ? "its" : "their") "
                    + "resources are imported under the number")
        }
        for (name, policy) in policies {
            guard let i = collector.index[name] else {
                collector.skip("IAM policies of assets not in the export")
                continue
            }
            collector.resources[i].properties = collector.resources[i].properties.setting("iamPolicy", to: policy)
        }
        // A bucket's IAM policy comes from another content type: without it, the policies that
        // read it cannot evaluate the bucket (rather than find it private).
        var withoutPolicy = 0
        for i in collector.resources.indices
        where collector.resources[i].type == "gcp.bucket" && !collector.resources[i].propertiesUnknown
            && collector.resources[i].property("iamPolicy") == nil
        {
            collector.resources[i].unknownProperties.append("iamPolicy")
            withoutPolicy += 1
        }
        if withoutPolicy > 0 {
            collector.warn(
                "\(withoutPolicy) bucket\(withoutPolicy == 1 ? " has" : "s have") no IAM policy in the export: imported "
                    + "with it unknown, so policies reading it cannot evaluate \(withoutPolicy == 1 ? "it" : "them"); "
                    + "export with --content-type=iam-policy as well")
        }
        return collector.result
    }

    /// The project number an asset's `ancestors` name.
    static func ancestorProject(_ asset: Value) -> String? {
        (asset["ancestors"]?.arrayValue ?? []).compactMap(\.stringValue).first { $0.hasPrefix("projects/") }
            .map { String($0.dropFirst("projects/".count)) }
    }

    /// The resource an asset's data describes, in `project`.
    static func resource(name: String, assetType: String, data: Value, location: String?, project: String)
        -> Resource
    {
        var tags: [String: String] = [:]
        for entry in data["labels"]?.objectValue?.entries ?? [] {
            tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
        }
        return Resource(
            id: name, type: types[assetType] ?? "gcp.\(assetType)", account: project,
            region: location ?? ResourceAddress.region(ofId: name) ?? "global",
            name: name.split(separator: "/").last.map(String.init) ?? name, tags: tags, properties: data)
    }

    static func isNumber(_ s: String) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
}
