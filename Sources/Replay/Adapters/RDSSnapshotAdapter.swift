import CloudModel

/// `aws.rds-snapshot`: a manual snapshot of its instance (the fixture's, or one made for it),
/// shared as the fixture shares it; compared on who may restore it.
struct RDSSnapshotAdapter: ReplayAdapter {
    let type = "aws.rds-snapshot"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["DBSnapshotIdentifier"]?.stringValue ?? resource.name
        let instance: String
        if let named = properties["DBInstanceIdentifier"]?.stringValue, context.ids[named] != nil {
            instance = context.real(named)
        } else {
            instance = "\(name)-source".lowercased()
            try RDSInstanceAdapter.createInstance(instance, region: resource.region, properties: [:], in: context)
            context.helper("instance", of: resource, is: instance)
        }
        try context.create(
            resource.region,
            [
                "rds", "create-db-snapshot", "--db-snapshot-identifier", name, "--db-instance-identifier", instance,
                "--tags", "Key=\(context.tagKey),Value=\(context.replayId)",
            ], named: "DB snapshot \(name)", alreadyThere: ["DBSnapshotAlreadyExists"])
        try context.aws(resource.region, ["rds", "wait", "db-snapshot-available", "--db-snapshot-identifier", name])
        return name
    }

    func configure(_ resource: Resource, id: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        for attribute in properties["DBSnapshotAttributes"]?.arrayValue ?? []
        where attribute["AttributeName"] == "restore" {
            let values = (attribute["AttributeValues"]?.arrayValue ?? []).compactMap(\.stringValue)
            guard !values.isEmpty else { continue }
            try context.aws(
                resource.region,
                [
                    "rds", "modify-db-snapshot-attribute", "--db-snapshot-identifier", id,
                    "--attribute-name", "restore", "--values-to-add",
                ] + values)
        }
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        let answer = try context.aws(
            resource.region, ["rds", "describe-db-snapshot-attributes", "--db-snapshot-identifier", id])
        return ["DBSnapshotAttributes": answer["DBSnapshotAttributesResult"]?["DBSnapshotAttributes"] ?? []]
    }

    /// The accounts (or `all`) that may restore it, sorted.
    func project(_ properties: Value, in context: ReplayContext) -> Value {
        let values = (properties["DBSnapshotAttributes"]?.arrayValue ?? [])
            .filter { $0["AttributeName"] == "restore" }
            .flatMap { ($0["AttributeValues"]?.arrayValue ?? []).compactMap(\.stringValue) }
        return ["restore": .array(values.sorted().map(Value.string))]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        // A remediation may have deleted it already; the instance made for it is still there.
        _ = try context.optional(resource.region, ["rds", "delete-db-snapshot", "--db-snapshot-identifier", id])
        if let instance = context.helper("instance", of: resource) {
            try RDSInstanceAdapter.deleteInstance(instance, region: resource.region, in: context)
        }
    }

}
