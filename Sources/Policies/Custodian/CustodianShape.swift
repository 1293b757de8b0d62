import CloudModel

/// How Cloud Custodian describes a resource of a type remsim models, made from remsim's
/// properties: what its value filters read.
///
/// remsim folds into a resource's properties what other API calls return (a bucket's public
/// access block, a user's access keys, a key's rotation status, a VPC's flow logs); Custodian's
/// resource holds them only once a type filter has fetched them, so here they are left out and
/// the type filters read them from the properties. A bucket carries what Custodian's S3 query
/// adds (`Location`, `Tags`, `Versioning`, `Logging` as `get-bucket-logging`'s `LoggingEnabled`,
/// and `Policy`, `Acl`, `Website`, `Replication`, `Notification`, `Lifecycle` when there are
/// some); an AWS resource carries its tags as a `Tags` list, an Azure one in `tags`, a GCP one in
/// `labels`.
package enum CustodianShape {
    /// Properties remsim keeps that Custodian's resource of the type does not have.
    package static let fetchedByFilters: [String: [String]] = [
        "aws.s3": ["PublicAccessBlockConfiguration", "ServerSideEncryptionConfiguration"],
        "aws.iam-user": ["AccessKeys", "MFADevices", "LoginProfile"],
        "aws.kms-key": ["KeyRotationEnabled"],
        "aws.vpc": ["FlowLogs"],
    ]

    package static func document(type: String, properties: Value, tags: [String: String]) -> Value {
        guard case .object(var fields) = properties else { return properties }
        for key in fetchedByFilters[type] ?? [] { fields[key] = nil }
        let sortedTags = tags.keys.sorted()
        if type.hasPrefix("aws.") {
            if fields["Tags"] == nil, !tags.isEmpty || type == "aws.s3" {
                fields["Tags"] = .array(sortedTags.map { ["Key": .string($0), "Value": .string(tags[$0] ?? "")] })
            }
        } else if type.hasPrefix("azure.") {
            if fields["tags"] == nil, !tags.isEmpty {
                fields["tags"] = .object(Fields(sortedTags.map { .init(key: $0, value: .string(tags[$0] ?? "")) }))
            }
        } else if fields["labels"] == nil, !tags.isEmpty {
            fields["labels"] = .object(Fields(sortedTags.map { .init(key: $0, value: .string(tags[$0] ?? "")) }))
        }
        if type == "aws.s3" {
            // get-bucket-policy's answer is the policy's JSON text.
            if let policy = fields["Policy"] { fields["Policy"] = BucketPolicy.text(policy) }
            fields["Versioning"] = properties["Versioning"] ?? .emptyObject
            fields["Logging"] = properties["Logging"]?["LoggingEnabled"] ?? .emptyObject
            if fields["Location"] == nil {
                fields["Location"] = ["LocationConstraint": .null]
            }
        }
        return .object(fields)
    }
}
