import CloudModel

/// `aws.rds`: the smallest PostgreSQL instance, with the fixture's public access, Multi-AZ,
/// minor-version upgrades, backup retention and deletion protection; compared on those, an
/// absent one read as RDS's default. Deleted after without a final snapshot.
struct RDSInstanceAdapter: ReplayAdapter {
    let type = "aws.rds"

    /// The settings compared, the create call's flag for each, and RDS's default.
    static let settings: [(key: String, flag: String, default: Value)] = [
        ("PubliclyAccessible", "--publicly-accessible", false),
        ("MultiAZ", "--multi-az", false),
        ("AutoMinorVersionUpgrade", "--auto-minor-version-upgrade", true),
        ("BackupRetentionPeriod", "--backup-retention-period", 1),
        ("DeletionProtection", "--deletion-protection", false),
    ]

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["DBInstanceIdentifier"]?.stringValue ?? resource.name
        try Self.createInstance(name, region: resource.region, properties: properties, in: context)
        return name
    }

    static func createInstance(_ name: String, region: String, properties: Value, in context: ReplayContext) throws(ReplayError) {
        var arguments = [
            "rds", "create-db-instance", "--db-instance-identifier", name, "--engine", "postgres",
            "--db-instance-class", "db.t3.micro", "--allocated-storage", "20",
            "--master-username", "remsim", "--master-user-password", "remsim-replay-\(context.replayId)",
            "--tags", "Key=\(context.tagKey),Value=\(context.replayId)",
        ]
        for setting in settings {
            switch properties[setting.key] {
            case .bool(let on)?: arguments.append(on ? setting.flag : "--no-" + setting.flag.dropFirst(2))
            case .int(let n)?: arguments += [setting.flag, String(n)]
            default: break
            }
        }
        try context.create(region, arguments, named: "DB instance \(name)", alreadyThere: ["DBInstanceAlreadyExists"])
        try context.aws(region, ["rds", "wait", "db-instance-available", "--db-instance-identifier", name])
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws(resource.region, ["rds", "describe-db-instances", "--db-instance-identifier", id])["DBInstances"]?.arrayValue?.first ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        .object(Fields(Self.settings.map { Fields.Entry(key: $0.key, value: properties[$0.key] ?? $0.default) }))
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try Self.deleteInstance(id, region: resource.region, in: context)
    }

    static func deleteInstance(_ name: String, region: String, in context: ReplayContext) throws(ReplayError) {
        // Deletion protection, if the fixture had it, is lifted first.
        try context.aws(region, ["rds", "modify-db-instance", "--db-instance-identifier", name, "--no-deletion-protection", "--apply-immediately"])
        try context.aws(region, ["rds", "delete-db-instance", "--db-instance-identifier", name, "--skip-final-snapshot", "--delete-automated-backups"])
    }
}
