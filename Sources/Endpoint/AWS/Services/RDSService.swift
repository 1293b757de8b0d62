import CloudModel

/// RDS on the wire (query protocol): DB instances and snapshots with the settings remsim models,
/// a snapshot's `restore` attribute (who may restore it: `all` is public), and the calls remsim
/// models on them.
package enum RDSService {
    static let tagList: Shape = .list(.structure([Member("Key", .string), Member("Value", .string)]), member: "Tag")
    static let filters = Member(
        "Filters",
        .list(
            .structure([Member("Name", .string), Member("Values", .list(.string, member: "Value"))]),
            member: "Filter"))
    static let dbInstance: Shape = .structure([
        Member("DBInstanceIdentifier", .string), Member("DBInstanceClass", .string), Member("Engine", .string),
        Member("DBInstanceStatus", .string),
        Member("Endpoint", .structure([Member("Address", .string), Member("Port", .integer)])),
        Member("BackupRetentionPeriod", .integer), Member("MultiAZ", .boolean), Member("EngineVersion", .string),
        Member("AutoMinorVersionUpgrade", .boolean), Member("PubliclyAccessible", .boolean),
        Member("StorageEncrypted", .boolean), Member("KmsKeyId", .string), Member("CopyTagsToSnapshot", .boolean),
        Member("DBInstanceArn", .string), Member("DeletionProtection", .boolean), Member("TagList", tagList),
        Member("AllocatedStorage", .integer), Member("StorageType", .string), Member("DBName", .string),
        Member("MasterUsername", .string), Member("AvailabilityZone", .string),
        Member("InstanceCreateTime", .timestamp), Member("IAMDatabaseAuthenticationEnabled", .boolean),
        Member("PerformanceInsightsEnabled", .boolean),
        Member(
            "VpcSecurityGroups",
            .list(
                .structure([Member("VpcSecurityGroupId", .string), Member("Status", .string)]),
                member: "VpcSecurityGroupMembership")),
    ])
    static let dbSnapshot: Shape = .structure([
        Member("DBSnapshotIdentifier", .string), Member("DBInstanceIdentifier", .string),
        Member("SnapshotCreateTime", .timestamp), Member("Engine", .string), Member("Status", .string),
        Member("SnapshotType", .string), Member("Encrypted", .boolean), Member("KmsKeyId", .string),
        Member("DBSnapshotArn", .string), Member("TagList", tagList), Member("AllocatedStorage", .integer),
        Member("AvailabilityZone", .string), Member("MasterUsername", .string), Member("EngineVersion", .string),
    ])
    static let attributesResult: Shape = .structure([
        Member("DBSnapshotIdentifier", .string),
        Member(
            "DBSnapshotAttributes",
            .list(
                .structure([
                    Member("AttributeName", .string),
                    Member("AttributeValues", .list(.string, member: "AttributeValue")),
                ]), member: "DBSnapshotAttribute")),
    ])
    static func op(
        _ action: String, _ input: [Member], _ output: [Member], _ handling: AWSOperation.Handling
    ) -> AWSOperation {
        AWSOperation(
            service: "rds", action: action, input: .structure(input), output: .structure(output), handling: handling)
    }

    package static let operations: [AWSOperation] = [
        op(
            "DescribeDBInstances",
            [
                Member("DBInstanceIdentifier", .string), filters, Member("MaxRecords", .integer),
                Member("Marker", .string),
            ],
            [Member("Marker", .string), Member("DBInstances", .list(dbInstance, member: "DBInstance"))],
            .read { call, inventory throws(AWSError) in
                try describe(
                    "aws.rds", call, inventory, id: "DBInstanceIdentifier", into: "DBInstances",
                    notFound: { AWSError(code: "DBInstanceNotFound", message: "DBInstance \($0) not found.") },
                    filters: ["db-instance-id": { [$0.id, arn($0, "db")] }, "engine": { [string($0, "Engine")] }],
                    describedInstance)
            }),
        op(
            "ModifyDBInstance",
            // Beyond what remsim models (the catalog's `rds:ModifyDBInstance`), common settings are
            // declared so that a call using them is refused as not modelled rather than unknown.
            [
                Member("DBInstanceIdentifier", .string), Member("ApplyImmediately", .boolean),
                Member("PubliclyAccessible", .boolean), Member("MultiAZ", .boolean),
                Member("AutoMinorVersionUpgrade", .boolean), Member("BackupRetentionPeriod", .integer),
                Member("DeletionProtection", .boolean), Member("DBInstanceClass", .string),
                Member("AllocatedStorage", .integer), Member("EngineVersion", .string),
                Member("CopyTagsToSnapshot", .boolean), Member("CACertificateIdentifier", .string),
                Member("EnableIAMDatabaseAuthentication", .boolean), Member("MonitoringInterval", .integer),
                Member("VpcSecurityGroupIds", .list(.string, member: "VpcSecurityGroupId")),
            ],
            [Member("DBInstance", dbInstance)],
            .change { call, inventory throws(AWSError) in
                let instance = try instance(call, inventory)
                return PlannedCall(
                    operation: "rds:ModifyDBInstance", resourceId: instance.id, parameters: call.parameters,
                    answer: .emptyObject,
                    answerAfter: { after in
                        ["DBInstance": after[instance.id].map(describedInstance) ?? .null]
                    })
            }),
        op(
            "DescribeDBSnapshots",
            [
                Member("DBInstanceIdentifier", .string), Member("DBSnapshotIdentifier", .string),
                Member("SnapshotType", .string), filters, Member("MaxRecords", .integer), Member("Marker", .string),
            ],
            [Member("Marker", .string), Member("DBSnapshots", .list(dbSnapshot, member: "DBSnapshot"))],
            .read { call, inventory throws(AWSError) in
                var answer = try describe(
                    "aws.rds-snapshot", call, inventory, id: "DBSnapshotIdentifier", into: "DBSnapshots",
                    notFound: { AWSError(code: "DBSnapshotNotFound", message: "DBSnapshot \($0) not found.") },
                    filters: [
                        "db-snapshot-id": { [$0.id, arn($0, "snapshot")] },
                        "db-instance-id": { [string($0, "DBInstanceIdentifier")] },
                        "snapshot-type": { [string($0, "SnapshotType")] },
                    ], describedSnapshot)
                let instance = call.string("DBInstanceIdentifier")
                let type = call.string("SnapshotType")
                if instance != nil || type != nil, case .object(var fields) = answer {
                    fields["DBSnapshots"] = .array(
                        (fields["DBSnapshots"]?.arrayValue ?? []).filter { s in
                            (instance == nil || s["DBInstanceIdentifier"]?.stringValue == instance)
                                && (type == nil || s["SnapshotType"]?.stringValue == type)
                        })
                    answer = .object(fields)
                }
                return answer
            }),
        op(
            "DescribeDBSnapshotAttributes", [Member("DBSnapshotIdentifier", .string)],
            [Member("DBSnapshotAttributesResult", attributesResult)],
            .read { call, inventory throws(AWSError) in
                let snapshot = try snapshot(call, inventory)
                return ["DBSnapshotAttributesResult": attributes(snapshot)]
            }),
        op(
            "ModifyDBSnapshotAttribute",
            [
                Member("DBSnapshotIdentifier", .string), Member("AttributeName", .string),
                Member("ValuesToAdd", .list(.string, member: "AttributeValue")),
                Member("ValuesToRemove", .list(.string, member: "AttributeValue")),
            ],
            [Member("DBSnapshotAttributesResult", attributesResult)],
            .change { call, inventory throws(AWSError) in
                let snapshot = try snapshot(call, inventory)
                return PlannedCall(
                    operation: "rds:ModifyDBSnapshotAttribute", resourceId: snapshot.id, parameters: call.parameters,
                    answer: .emptyObject,
                    answerAfter: { after in
                        ["DBSnapshotAttributesResult": after[snapshot.id].map(attributes) ?? .null]
                    })
            }),
        op(
            "DeleteDBInstance",
            [
                Member("DBInstanceIdentifier", .string), Member("SkipFinalSnapshot", .boolean),
                Member("FinalDBSnapshotIdentifier", .string), Member("DeleteAutomatedBackups", .boolean),
            ],
            [Member("DBInstance", dbInstance)],
            .change { call, inventory throws(AWSError) in
                let instance = try instance(call, inventory)
                // RDS answers with the instance as it starts deleting.
                let deleting = describedInstance(instance).setting("DBInstanceStatus", to: "deleting")
                return PlannedCall(
                    operation: "rds:DeleteDBInstance", resourceId: instance.id, parameters: call.parameters,
                    answer: ["DBInstance": deleting])
            }),
        op(
            "DeleteDBSnapshot", [Member("DBSnapshotIdentifier", .string)], [Member("DBSnapshot", dbSnapshot)],
            .change { call, inventory throws(AWSError) in
                let snapshot = try snapshot(call, inventory)
                return PlannedCall(
                    operation: "rds:DeleteDBSnapshot", resourceId: snapshot.id, parameters: call.parameters,
                    answer: ["DBSnapshot": describedSnapshot(snapshot).setting("Status", to: "deleted")])
            }),
    ]

    static func string(_ r: Resource, _ key: String) -> String { r.properties[key]?.stringValue ?? "" }

    static func arn(_ r: Resource, _ kind: String) -> String {
        let key = kind == "db" ? "DBInstanceArn" : "DBSnapshotArn"
        return r.properties[key]?.stringValue ?? "arn:aws:rds:\(r.region):\(r.account):\(kind):\(r.id)"
    }

    /// The instance the call names (`DBInstanceIdentifier`, an identifier or an ARN).
    static func instance(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Resource {
        let id = call.string("DBInstanceIdentifier") ?? ""
        guard let found = find("aws.rds", id, call, inventory) else {
            throw AWSError(code: "DBInstanceNotFound", message: "DBInstance \(id) not found.")
        }
        return found
    }

    /// The snapshot the call names (`DBSnapshotIdentifier`, an identifier or an ARN).
    static func snapshot(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Resource {
        let id = call.string("DBSnapshotIdentifier") ?? ""
        guard let found = find("aws.rds-snapshot", id, call, inventory) else {
            throw AWSError(code: "DBSnapshotNotFound", message: "DBSnapshot \(id) not found.")
        }
        return found
    }

    /// The account's resource of `type` in the call's region named by its identifier or its ARN.
    static func find(_ type: String, _ given: String, _ call: AWSCall, _ inventory: Inventory) -> Resource? {
        inventory.resources(ofType: type).first {
            $0.account == call.account && $0.region == call.region
                && ($0.id == given || arn($0, type == "aws.rds" ? "db" : "snapshot") == given)
        }
    }

    static func describedInstance(_ r: Resource) -> Value {
        var fields = r.properties.objectValue ?? Fields()
        fields["DBInstanceIdentifier"] = .string(r.id)
        fields["DBInstanceArn"] = .string(arn(r, "db"))
        fields["TagList"] = EC2Filters.tagList(r.tags)
        return .object(fields)
    }

    static func describedSnapshot(_ r: Resource) -> Value {
        var fields = r.properties.objectValue ?? Fields()
        fields["DBSnapshotIdentifier"] = .string(r.id)
        fields["DBSnapshotArn"] = .string(arn(r, "snapshot"))
        fields["TagList"] = EC2Filters.tagList(r.tags)
        return .object(fields)
    }

    /// A snapshot's attributes: `restore` always, empty when nobody else may restore it.
    static func attributes(_ r: Resource) -> Value {
        var list = r.properties["DBSnapshotAttributes"]?.arrayValue ?? []
        if !list.contains(where: { $0["AttributeName"] == "restore" }) {
            list.append(["AttributeName": "restore", "AttributeValues": []])
        }
        return ["DBSnapshotIdentifier": .string(r.id), "DBSnapshotAttributes": .array(list)]
    }

    /// A describe call: one resource by identifier (it must be there), or all, by filters, paged
    /// by `MaxRecords`/`Marker` in identifier order.
    static func describe(
        _ type: String, _ call: AWSCall, _ inventory: Inventory, id idKey: String, into key: String,
        notFound: (String) -> AWSError, filters: [String: @Sendable (Resource) -> [String]],
        _ described: (Resource) -> Value
    ) throws(AWSError) -> Value {
        var found = call.own(type, in: inventory)
        if let id = call.string(idKey) {
            guard let one = find(type, id, call, inventory) else { throw notFound(id) }
            found = [one]
        }
        for filter in call.parameters["Filters"]?.arrayValue ?? [] {
            let name = filter["Name"]?.stringValue ?? ""
            let values = filter["Values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard let field = filters[name] else {
                throw AWSError(code: "InvalidParameterValue", message: "Unrecognized filter name: \(name)")
            }
            found = found.filter { r in field(r).contains { values.contains($0) } }
        }
        found.sort { $0.id < $1.id }
        return .object(try Paging.maxRecords.answer(found, call, into: key, next: "Marker", described))
    }
}
