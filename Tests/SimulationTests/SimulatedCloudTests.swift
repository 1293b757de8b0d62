import CloudModel
import CloudOperations
import RemediationEngine
import Simulation
import TestSupport
import Testing

struct SimulatedCloudTests {
    func op(
        _ name: String, _ params: Value, resource: String = "sg-1", account: String = "111111111111",
        region: String = "us-east-1"
    ) -> CloudOperation {
        CloudOperation(
            callId: 1, name: name, cloud: .aws, account: account, region: region, resourceId: resource,
            parameters: params, command: ShellCommand([]))
    }

    func cloud(_ resources: [Resource]) throws -> SimulatedCloud { SimulatedCloud(inventory: try Inventory(resources)) }

    @Test func revokeRemovesExactlyTheRequestedRanges() throws {
        var c = try cloud([
            TestSupport.securityGroup(
                "sg-1",
                permissions: [
                    TestSupport.permission(22, cidrs: ["10.0.0.0/8", "0.0.0.0/0"]),
                    TestSupport.permission(443, cidrs: ["0.0.0.0/0"]),
                ])
        ])
        let r = c.apply(
            op(
                "ec2:RevokeSecurityGroupIngress",
                ["GroupId": "sg-1", "IpPermissions": [TestSupport.permission(22, cidrs: ["0.0.0.0/0"])]]))
        #expect(r.outcome == .succeeded)
        #expect(r.changed == ["sg-1"])
        #expect(
            c.inventory["sg-1"]?.properties["IpPermissions"] == [
                TestSupport.permission(22, cidrs: ["10.0.0.0/8"]), TestSupport.permission(443, cidrs: ["0.0.0.0/0"]),
            ])
    }

    @Test func aPermissionLeftWithNoRangesDisappears() throws {
        var c = try cloud([
            TestSupport.securityGroup("sg-1", permissions: [TestSupport.permission(22, cidrs: ["0.0.0.0/0"])])
        ])
        _ = c.apply(
            op(
                "ec2:RevokeSecurityGroupIngress",
                ["GroupId": "sg-1", "IpPermissions": [TestSupport.permission(22, cidrs: ["0.0.0.0/0"])]]))
        #expect(c.inventory["sg-1"]?.properties["IpPermissions"] == [])
    }

    @Test func revokingWhatIsNotThereFailsAndChangesNothing() throws {
        let sg = TestSupport.securityGroup("sg-1", permissions: [TestSupport.permission(22, cidrs: ["10.0.0.0/8"])])
        var c = try cloud([sg])
        let r = c.apply(
            op(
                "ec2:RevokeSecurityGroupIngress",
                ["GroupId": "sg-1", "IpPermissions": [TestSupport.permission(22, cidrs: ["10.0.0.0/8", "0.0.0.0/0"])]]))
        #expect(
            r.outcome
                == .failed(
                    code: "InvalidPermission.NotFound",
                    message: "The specified rule does not exist in this security group."))
        #expect(c.inventory["sg-1"] == sg)
    }

    static let failures: [(String, Value, String)] = [
        ("ec2:RevokeSecurityGroupIngress", ["GroupId": "sg-nope", "IpPermissions": []], "InvalidGroup.NotFound"),
        (
            "s3:PutPublicAccessBlock", ["Bucket": "nope", "PublicAccessBlockConfiguration": ["BlockPublicAcls": true]],
            "NoSuchBucket"
        ),
        ("iam:UpdateAccessKey", ["UserName": "nobody", "AccessKeyId": "K", "Status": "Inactive"], "NoSuchEntity"),
        ("cloudtrail:UpdateTrail", ["Name": "nope", "EnableLogFileValidation": true], "TrailNotFoundException"),
        ("ec2:CreateFlowLogs", ["ResourceIds": ["vpc-nope"], "TrafficType": "ALL"], "InvalidVpcID.NotFound"),
        ("ec2:DeleteVpc", ["VpcId": "vpc-1"], "UnsupportedOperation"),
        ("s3:PutPublicAccessBlock", ["Bucket": "b"], "MissingParameter"),
    ]

    @Test(arguments: failures)
    func failsAsTheRealAPIDoes(name: String, params: Value, code: String) throws {
        var c = try cloud([
            Resource(id: "b", type: "aws.s3", account: "111111111111", region: "us-east-1", properties: ["Name": "b"])
        ])
        guard case .failed(let got, _) = c.apply(op(name, params)).outcome else {
            Issue.record("expected \(code)")
            return
        }
        #expect(got == code)
    }

    @Test func flowLogsNeedTheirVPCAndLogGroupsAreCreatedOnce() throws {
        var c = try cloud([
            Resource(
                id: "vpc-1", type: "aws.vpc", account: "111111111111", region: "us-east-1",
                properties: ["VpcId": "vpc-1"])
        ])
        #expect(c.apply(op("logs:CreateLogGroup", ["logGroupName": "g"])).outcome == .succeeded)
        guard case .failed(let code, _) = c.apply(op("logs:CreateLogGroup", ["logGroupName": "g"])).outcome else {
            Issue.record("a second log group of the same name must fail")
            return
        }
        #expect(code == "ResourceAlreadyExistsException")
        #expect(
            c.apply(op("ec2:CreateFlowLogs", ["ResourceIds": ["vpc-1"], "TrafficType": "REJECT", "LogGroupName": "g"]))
                .outcome == .succeeded)
        let logs = try #require(c.inventory["vpc-1"]?.properties["FlowLogs"]?.arrayValue)
        #expect(logs.count == 1)
        #expect(logs[0]["FlowLogStatus"] == "ACTIVE")
        #expect(logs[0]["LogGroupName"] == "g")
    }

    @Test func accessKeysAndTrailsChangeOnlyWhatTheCallSays() throws {
        var c = try cloud([
            Resource(
                id: "u", type: "aws.iam-user", account: "111111111111", region: "global", name: "dave",
                properties: [
                    "AccessKeys": [
                        ["AccessKeyId": "K1", "Status": "Active"], ["AccessKeyId": "K2", "Status": "Active"],
                    ]
                ]),
            Resource(
                id: "t", type: "aws.cloudtrail", account: "111111111111", region: "us-east-1", name: "trail",
                properties: ["Name": "trail", "LogFileValidationEnabled": false, "IsMultiRegionTrail": true]),
        ])
        #expect(
            c.apply(
                op(
                    "iam:UpdateAccessKey", ["UserName": "dave", "AccessKeyId": "K2", "Status": "Inactive"],
                    region: "global")
            ).outcome == .succeeded)
        #expect(
            c.inventory["u"]?.properties["AccessKeys"] == [
                ["AccessKeyId": "K1", "Status": "Active"], ["AccessKeyId": "K2", "Status": "Inactive"],
            ])
        #expect(
            c.apply(op("cloudtrail:UpdateTrail", ["Name": "trail", "EnableLogFileValidation": true])).outcome
                == .succeeded)
        #expect(
            c.inventory["t"]?.properties == [
                "Name": "trail", "LogFileValidationEnabled": true, "IsMultiRegionTrail": true,
            ])
    }

    /// S3 takes access logs only into a bucket that exists, in the source bucket's region; the
    /// bucket logging is left as it was when it refuses.
    @Test func accessLogsGoOnlyToAnExistingBucketInTheSameRegion() throws {
        func bucket(_ name: String, _ region: String) -> Resource {
            Resource(
                id: name, type: "aws.s3", account: "111111111111", region: region, name: name,
                properties: ["Name": .string(name)])
        }
        var c = try cloud([
            bucket("src", "eu-west-1"), bucket("logs-use1", "us-east-1"), bucket("logs-euw1", "eu-west-1"),
        ])
        func logging(to target: String) -> CloudOperation {
            op(
                "s3:PutBucketLogging",
                [
                    "Bucket": "src",
                    "BucketLoggingStatus": [
                        "LoggingEnabled": ["TargetBucket": .string(target), "TargetPrefix": "src/"]
                    ],
                ],
                resource: "src", region: "eu-west-1")
        }
        #expect(
            c.apply(logging(to: "nowhere")).outcome
                == .failed(
                    code: "InvalidTargetBucketForLogging", message: "The target bucket for logging does not exist"))
        #expect(
            c.apply(logging(to: "logs-use1")).outcome
                == .failed(code: "CrossLocationLoggingProhibited", message: "Cross S3 location logging not allowed."))
        #expect(c.inventory["src"]?.properties["Logging"] == nil)
        #expect(c.apply(logging(to: "logs-euw1")).outcome == .succeeded)
        #expect(c.inventory["src"]?.properties["Logging"]?["LoggingEnabled"]?["TargetBucket"] == "logs-euw1")
    }
}

extension SimulatedCloudTests {
    @Test func deletingRemovesTheResourceUnlessTheCloudRefuses() throws {
        let attached = Resource(
            id: "vol-1", type: "aws.ebs", account: "111111111111", region: "us-east-1",
            properties: ["VolumeId": "vol-1", "Attachments": [["InstanceId": "i-1", "State": "attached"]]])
        let free = Resource(
            id: "vol-2", type: "aws.ebs", account: "111111111111", region: "us-east-1",
            properties: ["VolumeId": "vol-2", "Attachments": []])
        var c = try cloud([attached, free])
        let refused = c.apply(op("ec2:DeleteVolume", ["VolumeId": "vol-1"], resource: "vol-1"))
        #expect(refused.outcome == .failed(code: "VolumeInUse", message: "Volume vol-1 is currently attached to i-1"))
        #expect(c.inventory["vol-1"] != nil)
        let deleted = c.apply(op("ec2:DeleteVolume", ["VolumeId": "vol-2"], resource: "vol-2"))
        #expect(deleted.outcome == .succeeded)
        #expect(deleted.changed == ["vol-2"])
        #expect(deleted.previous["vol-2"] == .some(free))
        #expect(c.inventory["vol-2"] == nil)
        let again = c.apply(op("ec2:DeleteVolume", ["VolumeId": "vol-2"], resource: "vol-2"))
        #expect(again.outcome == .failed(code: "InvalidVolume.NotFound", message: "The volume 'vol-2' does not exist."))
    }

    @Test func theTaggingAPIFindsEachResourceByItsARNInTheCallersAccountAndRegion() throws {
        let db = Resource(
            id: "orders", type: "aws.rds", account: "111111111111", region: "us-east-1", name: "orders",
            tags: ["env": "prod", "temporary": "1"], properties: ["DBInstanceIdentifier": "orders"])
        // A function whose fixture names it by its ARN, and a snapshot whose description gives its ARN.
        let function = Resource(
            id: "arn:aws:lambda:us-east-1:111111111111:function:resize", type: "aws.lambda", account: "111111111111",
            region: "us-east-1", name: "resize", properties: ["FunctionName": "resize"])
        let snapshot = Resource(
            id: "weekly", type: "aws.rds-snapshot", account: "111111111111", region: "us-east-1",
            properties: [
                "DBSnapshotIdentifier": "weekly", "DBSnapshotArn": "arn:aws:rds:us-east-1:111111111111:snapshot:weekly",
            ])
        var c = try cloud([db, function, snapshot])
        let arns = [db, function, snapshot].compactMap(AWSResourceARN.of)
        #expect(
            arns == [
                "arn:aws:rds:us-east-1:111111111111:db:orders", "arn:aws:lambda:us-east-1:111111111111:function:resize",
                "arn:aws:rds:us-east-1:111111111111:snapshot:weekly",
            ])
        let tagged = c.apply(
            op(
                "tag:TagResources",
                ["ResourceARNList": .array(arns.map(Value.string)), "Tags": ["owner": "data", "env": "live"]],
                resource: "orders"))
        #expect(tagged.outcome == .succeeded)
        #expect(c.inventory["orders"]?.tags == ["env": "live", "temporary": "1", "owner": "data"])
        #expect(c.inventory[function.id]?.tags == ["env": "live", "owner": "data"])
        #expect(c.inventory["weekly"]?.tags == ["env": "live", "owner": "data"])
        let untagged = c.apply(
            op(
                "tag:UntagResources", ["ResourceARNList": [.string(arns[0])], "TagKeys": ["temporary", "absent"]],
                resource: "orders"))
        #expect(untagged.outcome == .succeeded)
        #expect(c.inventory["orders"]?.tags == ["env": "live", "owner": "data"])
        // Another region's ARN, another account's, another type's: not found, and nothing changes
        // (every ARN is checked before any tag is set).
        for arn in [
            "arn:aws:rds:eu-west-1:111111111111:db:orders", "arn:aws:rds:us-east-1:222222222222:db:orders",
            "arn:aws:rds:us-east-1:111111111111:snapshot:orders",
        ] {
            let refused = c.apply(
                op(
                    "tag:TagResources", ["ResourceARNList": [.string(arns[0]), .string(arn)], "Tags": ["x": "1"]],
                    resource: "orders"))
            #expect(
                refused.outcome
                    == .failed(code: "ResourceNotFoundException", message: "The resource \(arn) was not found."))
        }
        #expect(c.inventory["orders"]?.tags == ["env": "live", "owner": "data"])
        #expect(
            CommandRenderer.render(
                operation: "tag:TagResources", parameters: ["ResourceARNList": [.string(arns[0])], "Tags": ["a": "b"]],
                resource: db
            ).text
                == "aws --region us-east-1 resourcegroupstaggingapi tag-resources --resource-arn-list "
                + "arn:aws:rds:us-east-1:111111111111:db:orders --tags '{\"a\":\"b\"}'")
    }

    @Test func deletingADatabaseMakesItsFinalSnapshotAsRDSDoes() throws {
        func db(_ name: String, _ extra: Value = .emptyObject) -> Resource {
            var props: Value = ["DBInstanceIdentifier": .string(name), "Engine": "postgres", "Encrypted": true]
            for e in extra.objectValue?.entries ?? [] { props = props.setting(e.key, to: e.value) }
            return Resource(
                id: name, type: "aws.rds", account: "111111111111", region: "us-east-1", name: name,
                tags: ["team": "data"], properties: props)
        }
        var c = try cloud([
            db("orders", ["CopyTagsToSnapshot": true]), db("guarded", ["DeletionProtection": true]),
            db("replica", ["ReadReplicaSourceDBInstanceIdentifier": "orders"]),
        ])
        c.now = Timestamp(iso8601: "2026-03-01T10:00:00Z")
        func delete(_ name: String, _ extra: Value) -> OperationOutcome {
            var p: Value = ["DBInstanceIdentifier": .string(name)]
            for e in extra.objectValue?.entries ?? [] { p = p.setting(e.key, to: e.value) }
            return c.apply(op("rds:DeleteDBInstance", p, resource: name)).outcome
        }
        #expect(
            delete("guarded", ["SkipFinalSnapshot": true])
                == .failed(
                    code: "InvalidParameterCombination",
                    message: "Cannot delete protected DB Instance, please disable deletion protection and try again."))
        #expect(
            delete("orders", .emptyObject)
                == .failed(
                    code: "InvalidParameterCombination",
                    message: "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."))
        if case .failed(let code, _) = delete("replica", ["FinalDBSnapshotIdentifier": "Final-replica"]) {
            #expect(code == "InvalidParameterCombination")
        } else {
            Issue.record("a final snapshot of a replica was accepted")
        }
        let made = c.apply(
            op(
                "rds:DeleteDBInstance",
                ["DBInstanceIdentifier": "orders", "FinalDBSnapshotIdentifier": "Final-orders"],
                resource: "orders"))
        #expect(made.outcome == .succeeded)
        #expect(made.changed == ["orders", "Final-orders"])
        #expect(c.inventory["orders"] == nil)
        let snapshot = try #require(c.inventory["Final-orders"])
        #expect(snapshot.type == "aws.rds-snapshot")
        #expect(snapshot.tags == ["team": "data"], "CopyTagsToSnapshot copies the tags")
        #expect(snapshot.properties["SnapshotType"] == "manual")
        #expect(snapshot.properties["DBInstanceIdentifier"] == "orders")
        #expect(snapshot.properties["Encrypted"] == true)
        #expect(snapshot.properties["SnapshotCreateTime"] == "2026-03-01T10:00:00Z")
        #expect(delete("replica", ["SkipFinalSnapshot": true]) == .succeeded)
        #expect(c.inventory["replica"] == nil)
        // The snapshot is deleted as any manual one; an automated one cannot be.
        let automated = Resource(
            id: "rds:orders-2026-01-01", type: "aws.rds-snapshot", account: "111111111111", region: "us-east-1",
            properties: ["DBSnapshotIdentifier": "rds:orders-2026-01-01", "SnapshotType": "automated"])
        var d = try cloud([snapshot, automated])
        #expect(
            d.apply(
                op(
                    "rds:DeleteDBSnapshot", ["DBSnapshotIdentifier": "rds:orders-2026-01-01"],
                    resource: automated.id)
            ).outcome
                == .failed(code: "InvalidDBSnapshotState", message: "automated snapshots cannot be deleted."))
        #expect(
            d.apply(op("rds:DeleteDBSnapshot", ["DBSnapshotIdentifier": "Final-orders"], resource: "Final-orders"))
                .outcome == .succeeded)
        #expect(d.inventory["Final-orders"] == nil)
    }
}
