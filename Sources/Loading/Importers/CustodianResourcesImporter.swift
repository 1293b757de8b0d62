import CloudModel
import Foundation
import Policies
import Simulation

/// Reads what `custodian run` writes for each policy: `OUTPUT/POLICY/resources.json`, the
/// resources the policy matched as Custodian describes them, and `metadata.json` beside it, which
/// names the policy's resource type, the account and region it ran in, and when. So a team that
/// already runs Custodian seeds fixtures from what its policies saw.
///
/// Custodian's AWS resources are the describe calls' output with what its query adds (a
/// bucket's `Location`, `Tags`, `Acl`, `Policy`, `Versioning`, and `Logging` as
/// `get-bucket-logging`'s `LoggingEnabled`), which becomes remsim's shape (`CustodianShape` in
/// reverse); its `c7n:` annotations are left out; what remsim keeps that Custodian's resource
/// holds only once a filter fetched it (a bucket's public access block, a user's access keys, a
/// key's rotation status, a VPC's flow logs) is imported as unknown. Azure resources are ARM's
/// shape already. A resource several policies matched is imported once, from the latest run.
/// GCP resources are named by Cloud Asset Inventory names in remsim, which Custodian's output
/// does not give: they are counted, with the export to use instead.
public enum CustodianResourcesImporter {
    public static func load(files: [String]) throws(LoadError) -> ImportResult {
        var collector = ImportCollector()
        var annotations = 0
        var seen: [String: Timestamp] = [:]
        for file in files {
            guard (file as NSString).lastPathComponent == "resources.json" else {
                if (file as NSString).lastPathComponent != "metadata.json" {
                    collector.skip("files that are not a policy's resources.json")
                }
                continue
            }
            let metadataFile = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
                "metadata.json")
            // Confined like the file beside it: a link out of the tree is refused unread.
            try PathConfinement.current.root(forNamed: metadataFile)?.checkRead(metadataFile)
            let metadataText = String(decoding: try ExportReader.readData(metadataFile), as: UTF8.self)
            let metadata: Value
            do throws(Value.JSONProblem) {
                metadata = try Value(json: metadataText, maxDepth: Limits.current.maxDepth)
            } catch {
                throw LoadError(file: metadataFile, message: "invalid JSON: \(error)")
            }
            guard let typeName = metadata["policy"]?["resource"]?.stringValue else {
                throw LoadError(
                    file: metadataFile, keyPath: "policy.resource", message: "missing: not Custodian's metadata.json")
            }
            let full = typeName.contains(".") ? typeName : "aws.\(typeName)"
            let account = metadata["config"]?["account_id"]?.stringValue
            let region = metadata["config"]?["region"]?.stringValue
            let ranAt = (metadata["execution"]?["start"]?.numberValue).map {
                Timestamp(milliseconds: Int64($0 * 1000))
            }
            if let ranAt { collector.taken(ranAt.iso8601) }
            guard let type = ResourceTypeRegistry.type(named: full) else {
                _ = try ExportReader.read(
                    file: file, expecting: "a JSON list of resources", topList: true, uses: [:], otherwise: .ignore
                ) { (_: ExportItem) throws(LoadError) in collector.skip("\(full) (not modelled)") }
                continue
            }
            _ = try ExportReader.read(
                file: file, expecting: "the JSON list of resources `custodian run` writes", topList: true, uses: [:],
                otherwise: .ignore
            ) { (item: ExportItem) throws(LoadError) in
                guard case .object(var fields) = item.value else { throw item.error("expected an object") }
                for key in fields.keys where key.hasPrefix("c7n:") {
                    fields[key] = nil
                    annotations += 1
                }
                let resource: Resource
                switch type.cloud {
                case .aws:
                    resource = try awsResource(type, fields, item, account: account, region: region)
                case .azure:
                    guard let id = fields["id"]?.stringValue else { throw item.error("missing 'id'") }
                    var tags: [String: String] = [:]
                    for entry in fields["tags"]?.objectValue?.entries ?? [] {
                        tags[entry.key] = entry.value.stringValue ?? entry.value.jsonText
                    }
                    fields["tags"] = nil
                    guard let subscription = ResourceAddress.account(ofId: id) ?? account else {
                        throw item.error("no subscription in '\(id)'")
                    }
                    resource = Resource(
                        id: id, type: type.name, account: subscription,
                        region: fields["location"]?.stringValue ?? "global",
                        name: fields["name"]?.stringValue ?? ResourceAddress.name(ofId: id) ?? id, tags: tags,
                        properties: .object(fields))
                case .gcp:
                    collector.skip(
                        "GCP resources (remsim names them as Cloud Asset Inventory does: import `gcloud asset "
                            + "export` instead)")
                    return
                }
                // A resource several policies matched: the latest run's description.
                if let slot = collector.index[resource.id] {
                    if let ranAt, ranAt >= (seen[resource.id] ?? ranAt) {
                        collector.resources[slot] = resource
                        seen[resource.id] = ranAt
                    }
                    collector.skip("resources matched by more than one policy (imported once)")
                    return
                }
                try collector.add(resource, item)
                if let ranAt { seen[resource.id] = ranAt }
            }
        }
        if annotations > 0 { collector.skip("Custodian's c7n: annotations", annotations) }
        var unknown = 0
        for i in collector.resources.indices {
            let type = collector.resources[i].type
            let missing = ((CustodianShape.fetchedByFilters[type] ?? []) + (fetchedByFilters[type] ?? [])).filter {
                collector.resources[i].property($0) == nil
            }
            guard !missing.isEmpty else { continue }
            collector.resources[i].unknownProperties = missing
            unknown += 1
        }
        if unknown > 0 {
            collector.warn(
                "\(unknown) resource\(unknown == 1 ? "" : "s") lack what Custodian fetches only for a filter that needs "
                    + "it (a bucket's public access block and encryption, a user's access keys, a key's rotation, a "
                    + "VPC's flow logs): imported with it unknown, so policies reading it cannot evaluate "
                    + "\(unknown == 1 ? "it" : "them"); AWS Config's items hold most of it")
        }
        return collector.result
    }

    /// Properties of the describe shape a Custodian resource holds only once a filter fetched them
    /// (cross-account filters read snapshot attributes), besides `CustodianShape.fetchedByFilters`.
    static let fetchedByFilters: [String: [String]] = [
        "aws.rds-snapshot": ["DBSnapshotAttributes"], "aws.ebs-snapshot": ["CreateVolumePermissions"],
        "aws.app-elb": ["Attributes"],
    ]

    /// An AWS resource of Custodian's output in remsim's shape, its id, account and region as
    /// the describe importer forms them.
    static func awsResource(
        _ type: ResourceType, _ fields: Fields, _ item: ExportItem, account: String?, region: String?
    ) throws(LoadError) -> Resource {
        var fields = fields
        let tagList = fields["Tags"]
        fields["Tags"] = nil
        if type.name == "aws.s3" {
            // Custodian's Logging is get-bucket-logging's LoggingEnabled; empty, none.
            if let logging = fields["Logging"] {
                fields["Logging"] = logging.objectValue?.isEmpty ?? true ? nil : ["LoggingEnabled": logging]
            }
            if fields["Versioning"]?.objectValue?.isEmpty == true { fields["Versioning"] = nil }
            // get-bucket-location: no constraint is us-east-1, `EU` the old name of eu-west-1.
            if let location = fields["Location"] {
                let constraint = location["LocationConstraint"]?.stringValue
                fields["BucketRegion"] = .string(constraint == "EU" ? "eu-west-1" : constraint ?? "us-east-1")
                fields["Location"] = nil
            }
        }
        // The key-rotation-status filter keeps the whole get-key-rotation-status answer.
        if type.name == "aws.kms-key", let status = fields["KeyRotationEnabled"], status.objectValue != nil {
            fields["KeyRotationEnabled"] = status["KeyRotationEnabled"] ?? .null
        }
        let flat = FlatValue(.object(fields))
        let shape =
            AWSDescribeShape.all.first { $0.type == type.name }
            ?? AWSDescribeShape(
                list: type.name, call: "custodian run", type: type.name,
                id: type.idProperty.map(AWSDescribeShape.Id.property) ?? .property("id"))
        return try AWSDescribeImporter.resource(shape, flat, tags: tagList, item, region, account)
    }
}
