import CloudModel

/// `aws.redshift`: a single-node cluster, public and encrypted as the fixture has it; compared
/// on those two. Deleted after without a final snapshot.
struct RedshiftClusterAdapter: ReplayAdapter {
    let type = "aws.redshift"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["ClusterIdentifier"]?.stringValue ?? resource.name
        var arguments = [
            "redshift", "create-cluster", "--cluster-identifier", name, "--cluster-type", "single-node", "--node-type",
            "ra3.large",
            "--master-username", "remsim", "--master-user-password", "Remsim-\(context.replayId)",
            "--tags", "Key=\(context.tagKey),Value=\(context.replayId)",
            properties["PubliclyAccessible"] == true ? "--publicly-accessible" : "--no-publicly-accessible",
            // New clusters are encrypted unless told otherwise.
            properties["Encrypted"] == true ? "--encrypted" : "--no-encrypted",
        ]
        if let key = properties["KmsKeyId"]?.stringValue { arguments += ["--kms-key-id", context.translate(key)] }
        try context.create(resource.region, arguments, named: "cluster \(name)", alreadyThere: ["ClusterAlreadyExists"])
        try context.aws(resource.region, ["redshift", "wait", "cluster-available", "--cluster-identifier", name])
        return name
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["redshift", "describe-clusters", "--cluster-identifier", id])["Clusters"]?
            .arrayValue?.first ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        context.settings(properties, defaults: ["PubliclyAccessible": false, "Encrypted": false])
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(
            resource.region,
            ["redshift", "delete-cluster", "--cluster-identifier", id, "--skip-final-cluster-snapshot"])
    }
}
