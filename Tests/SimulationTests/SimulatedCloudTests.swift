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
