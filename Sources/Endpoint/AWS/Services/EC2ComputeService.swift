import CloudModel

/// EC2's instances, EBS volumes and EBS snapshots on the wire: the describes engines make before
/// they act, a snapshot's `createVolumePermission` attribute, and the calls remsim models on them
/// (stop, terminate, instance metadata options, deleting a volume or a snapshot, and taking a
/// snapshot's public or cross-account permission away).
extension EC2Service {
    static let stateShape: Shape = .structure([.ec2("Code", .integer), .ec2("Name", .string)])
    static let groupIdentifier: Shape = .structure([.ec2("GroupId", .string), .ec2("GroupName", .string)])
    static let metadataOptionsShape: Shape = .structure([
        .ec2("State", .string), .ec2("HttpTokens", .string), .ec2("HttpPutResponseHopLimit", .integer),
        .ec2("HttpEndpoint", .string), .ec2("HttpProtocolIpv6", .string), .ec2("InstanceMetadataTags", .string),
    ])
    static let instanceShape: Shape = .structure([
        .ec2("InstanceId", .string), .ec2("ImageId", .string), .ec2("InstanceType", .string),
        .ec2("State", stateShape, location: "instanceState"), .ec2("LaunchTime", .timestamp),
        .ec2("Placement", .structure([.ec2("AvailabilityZone", .string)])), .ec2("SubnetId", .string),
        .ec2("VpcId", .string), .ec2("PrivateIpAddress", .string),
        .ec2("PublicIpAddress", .string, location: "ipAddress"),
        .ec2("SecurityGroups", .items(groupIdentifier), location: "groupSet"),
        .ec2("IamInstanceProfile", .structure([.ec2("Arn", .string), .ec2("Id", .string)])),
        .ec2(
            "BlockDeviceMappings",
            .items(
                .structure([
                    .ec2("DeviceName", .string),
                    .ec2(
                        "Ebs",
                        .structure([
                            .ec2("AttachTime", .timestamp), .ec2("DeleteOnTermination", .boolean),
                            .ec2("Status", .string), .ec2("VolumeId", .string),
                        ])),
                ])), location: "blockDeviceMapping"),
        .ec2("MetadataOptions", metadataOptionsShape), .ec2("Tags", .items(tag), location: "tagSet"),
    ])
    static let reservationShape: Shape = .structure([
        .ec2("ReservationId", .string), .ec2("OwnerId", .string),
        .ec2("Groups", .items(groupIdentifier), location: "groupSet"),
        .ec2("Instances", .items(instanceShape), location: "instancesSet"),
    ])
    static let volumeShape: Shape = .structure([
        .ec2("VolumeId", .string), .ec2("Size", .integer), .ec2("SnapshotId", .string),
        .ec2("AvailabilityZone", .string), .ec2("State", .string, location: "status"), .ec2("CreateTime", .timestamp),
        .ec2(
            "Attachments",
            .items(
                .structure([
                    .ec2("DeleteOnTermination", .boolean), .ec2("VolumeId", .string), .ec2("InstanceId", .string),
                    .ec2("Device", .string), .ec2("State", .string, location: "status"),
                    .ec2("AttachTime", .timestamp),
                ])), location: "attachmentSet"),
        .ec2("Encrypted", .boolean), .ec2("KmsKeyId", .string), .ec2("VolumeType", .string),
        .ec2("Iops", .integer), .ec2("Tags", .items(tag), location: "tagSet"),
    ])
    static let snapshotShape: Shape = .structure([
        .ec2("SnapshotId", .string), .ec2("VolumeId", .string), .ec2("State", .string, location: "status"),
        .ec2("StartTime", .timestamp), .ec2("Progress", .string), .ec2("OwnerId", .string),
        .ec2("Description", .string), .ec2("VolumeSize", .integer), .ec2("Encrypted", .boolean),
        .ec2("KmsKeyId", .string), .ec2("Tags", .items(tag), location: "tagSet"),
    ])
    static let createVolumePermission: Shape = .structure([.ec2("UserId", .string), .ec2("Group", .string)])
    static let instanceStateChange: Shape = .items(
        .structure([
            .ec2("InstanceId", .string), .ec2("CurrentState", stateShape), .ec2("PreviousState", stateShape),
        ]))

    static let imageShape: Shape = .structure([
        .ec2("ImageId", .string), .ec2("Name", .string), .ec2("CreationDate", .string),
        .ec2("OwnerId", .string, location: "imageOwnerId"), .ec2("State", .string, location: "imageState"),
        .ec2(
            "BlockDeviceMappings",
            .items(
                .structure([
                    .ec2("DeviceName", .string), .ec2("Ebs", .structure([.ec2("SnapshotId", .string)])),
                ])), location: "blockDeviceMapping"),
    ])

    static let computeOperations: [AWSOperation] = [
        // remsim models no machine images: the caller's own are none. Images of others (Amazon's,
        // the Marketplace's, shared ones) are outside the simulated cloud, so such a request is
        // refused as not modelled rather than answered with none.
        AWSOperation(
            service: "ec2", action: "DescribeImages",
            input: .structure([
                Member("ExecutableUsers", .items(.string), location: "ExecutableBy"),
                Member("ImageIds", .items(.string), location: "ImageId"),
                Member("Owners", .items(.string), location: "Owner"), Member("IncludeDeprecated", .boolean),
                Member("IncludeDisabled", .boolean), Member("MaxResults", .integer), Member("NextToken", .string),
                dryRun, filters,
            ]),
            output: .structure([.ec2("NextToken", .string), .ec2("Images", .items(imageShape), location: "imagesSet")]),
            handling: .read { call, _ throws(AWSError) in
                let owners = call.strings("Owners")
                guard !owners.isEmpty, owners.allSatisfy({ $0 == "self" || $0 == call.account }),
                    call.strings("ImageIds").isEmpty, call.strings("ExecutableUsers").isEmpty
                else {
                    throw AWSError(
                        code: "NotImplemented",
                        message:
                            "remsim models no machine images: it lists the caller's own (Owners=self), which are none",
                        status: 501)
                }
                return ["Images": []]
            }),
        AWSOperation(
            service: "ec2", action: "DescribeInstances",
            input: .structure([
                Member("InstanceIds", .items(.string), location: "InstanceId"), dryRun, filters,
                .ec2("NextToken", .string), .ec2("MaxResults", .integer),
            ]),
            output: .structure([
                .ec2("NextToken", .string), .ec2("Reservations", .items(reservationShape), location: "reservationSet"),
            ]),
            handling: .read { call, inventory throws(AWSError) in
                // One reservation per instance: remsim keeps no launch requests to group them by.
                let page = try describe(
                    "aws.ec2", call, inventory, ids: "InstanceIds", into: "Instances",
                    notFound: instanceNotFound,
                    fields: [
                        "instance-id": { [$0.id] }, "owner-id": { [$0.account] },
                        "instance-state-name": { [stateName($0)] },
                        "instance-type": { [$0.properties["InstanceType"]?.stringValue].compactMap { $0 } },
                        "vpc-id": { [$0.properties["VpcId"]?.stringValue].compactMap { $0 } },
                        "instance.group-id": {
                            ($0.properties["SecurityGroups"]?.arrayValue ?? []).compactMap {
                                $0["GroupId"]?.stringValue
                            }
                        },
                        "metadata-options.http-tokens": {
                            [$0.properties["MetadataOptions"]?["HttpTokens"]?.stringValue].compactMap { $0 }
                        },
                    ],
                    describedInstance)
                var answer = Fields()
                answer["Reservations"] = .array(
                    (page["Instances"]?.arrayValue ?? []).map { instance in
                        let id = instance["InstanceId"]?.stringValue ?? ""
                        return [
                            "ReservationId": .string("r-" + id.dropFirst(2)),
                            "OwnerId": .string(call.account), "Groups": [], "Instances": [instance],
                        ]
                    })
                answer["NextToken"] = page["NextToken"]
                return .object(answer)
            }),
        instanceStateCall("StopInstances", into: "StoppingInstances"),
        instanceStateCall("TerminateInstances", into: "TerminatingInstances"),
        AWSOperation(
            service: "ec2", action: "ModifyInstanceMetadataOptions",
            input: .structure([
                Member("InstanceId", .string), Member("HttpTokens", .string),
                Member("HttpPutResponseHopLimit", .integer), Member("HttpEndpoint", .string),
                Member("DryRun", .boolean), Member("HttpProtocolIpv6", .string),
                Member("InstanceMetadataTags", .string),
            ]),
            output: .structure([
                .ec2("InstanceId", .string),
                .ec2("InstanceMetadataOptions", metadataOptionsShape),
            ]),
            handling: .change { call, inventory throws(AWSError) in
                let id = call.string("InstanceId") ?? ""
                guard call.own("aws.ec2", id, in: inventory) != nil else { throw instanceNotFound(id) }
                return PlannedCall(
                    operation: "ec2:ModifyInstanceMetadataOptions", resourceId: id,
                    parameters: withoutDryRun(call.parameters), answer: .emptyObject,
                    answerAfter: { after in
                        // AWS answers while the change is being applied.
                        var options = after[id]?.properties["MetadataOptions"]?.objectValue ?? Fields()
                        options["State"] = "pending"
                        return ["InstanceId": .string(id), "InstanceMetadataOptions": .object(options)]
                    })
            }),
        AWSOperation(
            service: "ec2", action: "DescribeVolumes",
            input: .structure([
                Member("VolumeIds", .items(.string), location: "VolumeId"), dryRun, filters,
                .ec2("NextToken", .string), .ec2("MaxResults", .integer),
            ]),
            output: .structure([
                .ec2("NextToken", .string), .ec2("Volumes", .items(volumeShape), location: "volumeSet"),
            ]),
            handling: .read { call, inventory throws(AWSError) in
                try describe(
                    "aws.ebs", call, inventory, ids: "VolumeIds", into: "Volumes",
                    notFound: {
                        AWSError(code: "InvalidVolume.NotFound", message: "The volume '\($0)' does not exist.")
                    },
                    fields: [
                        "volume-id": { [$0.id] },
                        "status": { [$0.properties["State"]?.stringValue ?? "available"] },
                        "encrypted": { [($0.properties["Encrypted"]?.boolValue ?? false) ? "true" : "false"] },
                        "attachment.instance-id": {
                            ($0.properties["Attachments"]?.arrayValue ?? []).compactMap {
                                $0["InstanceId"]?.stringValue
                            }
                        },
                        "volume-type": { [$0.properties["VolumeType"]?.stringValue].compactMap { $0 } },
                    ]
                ) { volume in
                    var fields = volume.properties.objectValue ?? Fields()
                    fields["VolumeId"] = .string(volume.id)
                    fields["State"] = fields["State"] ?? "available"
                    fields["Attachments"] = .array(
                        (fields["Attachments"]?.arrayValue ?? []).map {
                            $0.setting("VolumeId", to: .string(volume.id))
                        })
                    fields["Tags"] = EC2Filters.tagList(volume.tags)
                    return .object(fields)
                }
            }),
        AWSOperation(
            service: "ec2", action: "DeleteVolume", input: .structure([Member("VolumeId", .string), dryRun]),
            output: .structure([]),
            handling: .change { call, inventory throws(AWSError) in
                let id = call.string("VolumeId") ?? ""
                guard call.own("aws.ebs", id, in: inventory) != nil else {
                    throw AWSError(code: "InvalidVolume.NotFound", message: "The volume '\(id)' does not exist.")
                }
                return PlannedCall(
                    operation: "ec2:DeleteVolume", resourceId: id, parameters: withoutDryRun(call.parameters),
                    answer: .emptyObject)
            }),
        AWSOperation(
            service: "ec2", action: "DescribeSnapshots",
            input: .structure([
                Member("MaxResults", .integer), Member("NextToken", .string),
                Member("OwnerIds", .items(.string), location: "Owner"),
                Member("RestorableByUserIds", .items(.string), location: "RestorableBy"),
                Member("SnapshotIds", .items(.string), location: "SnapshotId"), dryRun, filters,
            ]),
            output: .structure([
                .ec2("NextToken", .string), .ec2("Snapshots", .items(snapshotShape), location: "snapshotSet"),
            ]),
            handling: .read(describeSnapshots)),
        AWSOperation(
            service: "ec2", action: "DescribeSnapshotAttribute",
            input: .structure([Member("Attribute", .string), Member("SnapshotId", .string), dryRun]),
            output: .structure([
                .ec2("SnapshotId", .string),
                .ec2("CreateVolumePermissions", .items(createVolumePermission), location: "createVolumePermission"),
                .ec2(
                    "ProductCodes",
                    .items(
                        .structure([
                            .ec2("ProductCodeId", .string, location: "productCode"),
                            .ec2("ProductCodeType", .string, location: "type"),
                        ])),
                    location: "productCodes"),
            ]),
            handling: .read { call, inventory throws(AWSError) in
                let id = call.string("SnapshotId") ?? ""
                guard let snapshot = call.own("aws.ebs-snapshot", id, in: inventory) else { throw snapshotNotFound(id) }
                switch call.string("Attribute") {
                case "createVolumePermission":
                    return [
                        "SnapshotId": .string(id),
                        "CreateVolumePermissions": snapshot.properties["CreateVolumePermissions"] ?? [],
                    ]
                case "productCodes":
                    return ["SnapshotId": .string(id), "ProductCodes": []]
                case let other:
                    throw AWSError(
                        code: "InvalidParameterValue",
                        message: "Value (\(other ?? "")) for parameter attribute is invalid. Unknown attribute.")
                }
            }),
        AWSOperation(
            service: "ec2", action: "ModifySnapshotAttribute",
            input: .structure([
                Member("Attribute", .string),
                Member(
                    "CreateVolumePermission",
                    .structure([
                        Member("Add", .items(createVolumePermission)), Member("Remove", .items(createVolumePermission)),
                    ])),
                Member("GroupNames", .items(.string), location: "UserGroup"), Member("OperationType", .string),
                Member("SnapshotId", .string), Member("UserIds", .items(.string), location: "UserId"), dryRun,
            ]),
            output: .structure([]),
            handling: .change { call, inventory throws(AWSError) in
                let id = call.string("SnapshotId") ?? ""
                guard call.own("aws.ebs-snapshot", id, in: inventory) != nil else { throw snapshotNotFound(id) }
                return PlannedCall(
                    operation: "ec2:ModifySnapshotAttribute", resourceId: id,
                    parameters: try snapshotPermissionChange(call), answer: .emptyObject)
            }),
        AWSOperation(
            service: "ec2", action: "DeleteSnapshot", input: .structure([Member("SnapshotId", .string), dryRun]),
            output: .structure([]),
            handling: .change { call, inventory throws(AWSError) in
                let id = call.string("SnapshotId") ?? ""
                guard call.own("aws.ebs-snapshot", id, in: inventory) != nil else { throw snapshotNotFound(id) }
                return PlannedCall(
                    operation: "ec2:DeleteSnapshot", resourceId: id, parameters: withoutDryRun(call.parameters),
                    answer: .emptyObject)
            }),
    ]

    static func instanceNotFound(_ id: String) -> AWSError {
        AWSError(code: "InvalidInstanceID.NotFound", message: "The instance ID '\(id)' does not exist")
    }

    static func snapshotNotFound(_ id: String) -> AWSError {
        AWSError(code: "InvalidSnapshot.NotFound", message: "The snapshot '\(id)' does not exist.")
    }

    static func withoutDryRun(_ parameters: Value) -> Value {
        var fields = parameters.objectValue ?? Fields()
        fields["DryRun"] = nil
        return .object(fields)
    }

    /// EC2's state codes by name (a fixture may give the name alone).
    static let stateCodes: [String: Int] = [
        "pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80,
    ]

    static func stateName(_ instance: Resource) -> String {
        instance.properties["State"]?["Name"]?.stringValue ?? "running"
    }

    static func state(_ instance: Resource) -> Value {
        let name = stateName(instance)
        return ["Code": .int(stateCodes[name] ?? 16), "Name": .string(name)]
    }

    static func describedInstance(_ instance: Resource) -> Value {
        var fields = instance.properties.objectValue ?? Fields()
        fields["InstanceId"] = .string(instance.id)
        fields["State"] = state(instance)
        fields["Tags"] = EC2Filters.tagList(instance.tags)
        return .object(fields)
    }

    /// `StopInstances` or `TerminateInstances`: every instance must be the caller's; the answer
    /// gives each one's state before and after.
    static func instanceStateCall(_ action: String, into key: String) -> AWSOperation {
        AWSOperation(
            service: "ec2", action: action,
            input: .structure(
                [
                    Member("InstanceIds", .items(.string), location: "InstanceId"), Member("SkipOsShutdown", .boolean),
                    dryRun,
                ]
                    // The model names Force's key in one and not in the other; both send `Force`.
                    + (action == "StopInstances"
                        ? [Member("Hibernate", .boolean), .ec2("Force", .boolean)] : [Member("Force", .boolean)])),
            output: .structure([.ec2(key, instanceStateChange, location: "instancesSet")]),
            handling: .change { call, inventory throws(AWSError) in
                let ids = call.strings("InstanceIds")
                guard let first = ids.first else {
                    throw AWSError(
                        code: "MissingParameter", message: "The request must contain the parameter InstanceId")
                }
                // AWS answers an instance that changes state with the state it passes through
                // (`stopping`, `shutting-down`), one already there with that state.
                let passing: Value =
                    action == "StopInstances"
                    ? ["Code": 64, "Name": "stopping"] : ["Code": 32, "Name": "shutting-down"]
                @Sendable func current(_ before: Value?, _ after: Value?) -> Value {
                    guard let after else { return .null }
                    return before == after ? after : passing
                }
                var states: [String: Value] = [:]
                for id in ids {
                    guard let instance = call.own("aws.ec2", id, in: inventory) else { throw instanceNotFound(id) }
                    states[id] = state(instance)
                }
                let before = states
                return PlannedCall(
                    operation: "ec2:\(action)", resourceId: first, parameters: withoutDryRun(call.parameters),
                    answer: .emptyObject,
                    answerAfter: { after in
                        var answer = Fields()
                        answer[key] = .array(
                            ids.map { id in
                                [
                                    "InstanceId": .string(id), "PreviousState": before[id] ?? .null,
                                    "CurrentState": current(before[id], after[id].map(state)),
                                ]
                            })
                        return .object(answer)
                    })
            })
    }

    /// The snapshots a caller can see: its own, and others' it may restore (shared with its
    /// account or with everyone). `OwnerIds` narrows them by owner (`self` is the caller);
    /// `RestorableByUserIds` to those an account may restore.
    static func describeSnapshots(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Value {
        func restorable(_ s: Resource, by account: String) -> Bool {
            s.account == account
                || (s.properties["CreateVolumePermissions"]?.arrayValue ?? []).contains {
                    $0["Group"]?.stringValue == "all" || $0["UserId"]?.stringValue == account
                }
        }
        var found = inventory.resources(ofType: "aws.ebs-snapshot").filter {
            $0.region == call.region && restorable($0, by: call.account)
        }
        let owners = call.strings("OwnerIds").map { $0 == "self" ? call.account : $0 }
        if !owners.isEmpty { found = found.filter { owners.contains($0.account) } }
        let restorers = call.strings("RestorableByUserIds").map { $0 == "self" ? call.account : $0 }
        if !restorers.isEmpty { found = found.filter { s in restorers.contains { restorable(s, by: $0) } } }
        let fields: [String: @Sendable (Resource) -> [String]] = [
            "snapshot-id": { [$0.id] }, "owner-id": { [$0.account] },
            "volume-id": { [$0.properties["VolumeId"]?.stringValue].compactMap { $0 } },
            "status": { [$0.properties["State"]?.stringValue ?? "completed"] },
            "encrypted": { [($0.properties["Encrypted"]?.boolValue ?? false) ? "true" : "false"] },
        ]
        return try narrowed(
            found, call, ids: "SnapshotIds", into: "Snapshots", notFound: snapshotNotFound, fields: fields
        ) { snapshot in
            var fields = snapshot.properties.objectValue ?? Fields()
            fields["SnapshotId"] = .string(snapshot.id)
            fields["OwnerId"] = .string(snapshot.account)
            fields["State"] = fields["State"] ?? "completed"
            fields["CreateVolumePermissions"] = nil
            fields["Tags"] = EC2Filters.tagList(snapshot.tags)
            return .object(fields)
        }
    }

    /// A permission change as remsim's `ec2:ModifySnapshotAttribute` takes it: the CLI's form
    /// (`--attribute createVolumePermission --operation-type remove --group-names all`) as it
    /// is, SDKs' `CreateVolumePermission={'Remove': [...]}` read into it. Granting is not modelled.
    static func snapshotPermissionChange(_ call: AWSCall) throws(AWSError) -> Value {
        var fields = withoutDryRun(call.parameters).objectValue ?? Fields()
        if let change = fields["CreateVolumePermission"] {
            fields["CreateVolumePermission"] = nil
            if !(change["Add"]?.arrayValue ?? []).isEmpty || call.string("OperationType") == "add" {
                throw AWSError(
                    code: "NotImplemented",
                    message: "remsim's endpoint models taking snapshot permissions away, not granting them",
                    status: 501)
            }
            let removed = change["Remove"]?.arrayValue ?? []
            let groups = removed.compactMap { $0["Group"]?.stringValue }
            let users = removed.compactMap { $0["UserId"]?.stringValue }
            if !groups.isEmpty { fields["GroupNames"] = .array(groups.map(Value.string)) }
            if !users.isEmpty { fields["UserIds"] = .array(users.map(Value.string)) }
            fields["Attribute"] = fields["Attribute"] ?? "createVolumePermission"
            fields["OperationType"] = fields["OperationType"] ?? "remove"
        }
        if fields["OperationType"]?.stringValue == "add" {
            throw AWSError(
                code: "NotImplemented",
                message: "remsim's endpoint models taking snapshot permissions away, not granting them", status: 501)
        }
        return .object(fields)
    }
}
