import CloudModel

/// `aws.rds`: the smallest PostgreSQL instance, with the fixture's public access, Multi-AZ,
/// minor-version upgrades, backup retention and deletion protection; compared on those, an
/// absent one read as RDS's default. Deleted after without a final snapshot.
struct RDSInstanceAdapter: ReplayAdapter {
    let type = "aws.rds"

    /// The settings compared, with RDS's default for a new instance.
    static let defaults: KeyValuePairs<String, Value> = [
        "PubliclyAccessible": false, "MultiAZ": false, "AutoMinorVersionUpgrade": true, "BackupRetentionPeriod": 1,
        "DeletionProtection": false,
    ]

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["DBInstanceIdentifier"]?.stringValue ?? resource.name
        try Self.createInstance(name, region: resource.region, properties: properties, in: context)
        return name
    }

    static func createInstance(_ name: String, region: String, properties: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        var parameters = Fields([
            Fields.Entry(key: "DBInstanceIdentifier", value: .string(name)),
            Fields.Entry(key: "Engine", value: "postgres"),
            Fields.Entry(key: "DBInstanceClass", value: "db.t3.micro"),
            Fields.Entry(key: "AllocatedStorage", value: 20),
            Fields.Entry(key: "MasterUsername", value: "remsim"),
            Fields.Entry(key: "MasterUserPassword", value: .string("remsim-replay-\(context.replayId)")),
            Fields.Entry(key: "Tags", value: [["Key": .string(context.tagKey), "Value": .string(context.replayId)]]),
        ])
        for d in defaults { if let v = properties[d.key] { parameters[d.key] = v } }
        let arguments = context.words("rds:CreateDBInstance", .object(parameters))
        try context.create(region, arguments, named: "DB instance \(name)", alreadyThere: ["DBInstanceAlreadyExists"])
        try context.aws(region, ["rds", "wait", "db-instance-available", "--db-instance-identifier", name])
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["rds", "describe-db-instances", "--db-instance-identifier", id])[
            "DBInstances"]?.arrayValue?.first ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        context.settings(properties, defaults: Self.defaults)
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try Self.deleteInstance(id, region: resource.region, in: context)
    }

    static func deleteInstance(_ name: String, region: String, in context: ReplayContext) throws(ReplayError) {
        // Deletion protection, if the fixture had it, is lifted first; a remediation may have
        // deleted the instance already.
        let there = try context.optional(
            region,
            [
                "rds", "modify-db-instance", "--db-instance-identifier", name, "--no-deletion-protection",
                "--apply-immediately",
            ])
        guard there != nil else { return }
        try context.aws(
            region,
            [
                "rds", "delete-db-instance", "--db-instance-identifier", name, "--skip-final-snapshot",
                "--delete-automated-backups",
            ])
    }
}
