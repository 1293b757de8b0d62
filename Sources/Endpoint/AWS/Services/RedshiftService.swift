import CloudModel

/// Redshift on the wire (query protocol): clusters with the settings remsim models, and
/// `ModifyCluster` as remsim models it (public accessibility, encryption).
package enum RedshiftService {
    static let tags: Shape = .list(.structure([Member("Key", .string), Member("Value", .string)]), member: "Tag")
    static let cluster: Shape = .structure([
        Member("ClusterIdentifier", .string), Member("NodeType", .string), Member("ClusterStatus", .string),
        Member("MasterUsername", .string), Member("DBName", .string),
        Member("Endpoint", .structure([Member("Address", .string), Member("Port", .integer)])),
        Member("ClusterCreateTime", .timestamp), Member("AutomatedSnapshotRetentionPeriod", .integer),
        Member(
            "VpcSecurityGroups",
            .list(
                .structure([Member("VpcSecurityGroupId", .string), Member("Status", .string)]),
                member: "VpcSecurityGroup")),
        Member("VpcId", .string), Member("AvailabilityZone", .string), Member("ClusterVersion", .string),
        Member("NumberOfNodes", .integer), Member("PubliclyAccessible", .boolean), Member("Encrypted", .boolean),
        Member("Tags", tags), Member("KmsKeyId", .string), Member("EnhancedVpcRouting", .boolean),
        Member("ClusterNamespaceArn", .string),
    ])

    static func op(
        _ action: String, _ input: [Member], _ output: [Member], _ handling: AWSOperation.Handling
    ) -> AWSOperation {
        AWSOperation(
            service: "redshift", action: action, input: .structure(input), output: .structure(output),
            handling: handling)
    }

    static func notFound(_ id: String) -> AWSError {
        AWSError(code: "ClusterNotFound", message: "Cluster \(id) not found.")
    }

    package static let operations: [AWSOperation] = [
        op(
            "DescribeClusters",
            [
                Member("ClusterIdentifier", .string), Member("MaxRecords", .integer), Member("Marker", .string),
                Member("TagKeys", .list(.string, member: "TagKey")),
                Member("TagValues", .list(.string, member: "TagValue")),
            ],
            [Member("Marker", .string), Member("Clusters", .list(cluster, member: "Cluster"))],
            .read { call, inventory throws(AWSError) in
                var found = call.own("aws.redshift", in: inventory)
                if let id = call.string("ClusterIdentifier") {
                    found = found.filter { $0.id == id }
                    if found.isEmpty { throw notFound(id) }
                }
                // A cluster with any of the keys, and any of the values, as Redshift reads them.
                let keys = call.strings("TagKeys")
                let values = call.strings("TagValues")
                if !keys.isEmpty { found = found.filter { r in keys.contains { r.tags[$0] != nil } } }
                if !values.isEmpty { found = found.filter { r in r.tags.values.contains { values.contains($0) } } }
                found.sort { $0.id < $1.id }
                return .object(try Paging.maxRecords.answer(found, call, into: "Clusters", next: "Marker", described))
            }),
        op(
            "ModifyCluster",
            // Settings remsim does not model are declared, so that a call using them is refused
            // as not modelled rather than as unknown.
            [
                Member("ClusterIdentifier", .string), Member("PubliclyAccessible", .boolean),
                Member("Encrypted", .boolean), Member("KmsKeyId", .string), Member("NodeType", .string),
                Member("NumberOfNodes", .integer), Member("ClusterType", .string),
                Member("AutomatedSnapshotRetentionPeriod", .integer), Member("AllowVersionUpgrade", .boolean),
                Member("EnhancedVpcRouting", .boolean), Member("MasterUserPassword", .string),
                Member("VpcSecurityGroupIds", .list(.string, member: "VpcSecurityGroupId")),
            ],
            [Member("Cluster", cluster)],
            .change { call, inventory throws(AWSError) in
                let id = call.string("ClusterIdentifier") ?? ""
                guard
                    call.own("aws.redshift", id, in: inventory) != nil
                else { throw notFound(id) }
                return PlannedCall(
                    operation: "redshift:ModifyCluster", resourceId: id, parameters: call.parameters,
                    answer: .emptyObject,
                    answerAfter: { after in ["Cluster": after[id].map(described) ?? .null] })
            }),
    ]

    static func described(_ r: Resource) -> Value {
        var fields = r.properties.objectValue ?? Fields()
        fields["ClusterIdentifier"] = .string(r.id)
        fields["ClusterStatus"] = fields["ClusterStatus"] ?? "available"
        fields["Tags"] = EC2Filters.tagList(r.tags)
        return .object(fields)
    }
}
