import CloudModel
import Foundation
import TestSupport
import Testing

@testable import Endpoint

/// The same boto3 call sequence (`Conformance/sequence.py`: every operation the endpoint serves,
/// reads and changes, and their errors) sent to moto and to remsim's endpoint holding the same
/// resources: every parsed answer must be the same, ids and times aside.
@Suite(.enabled(if: ServedEndpoint.motoPython != nil, "moto is missing (pip install 'moto[server]')"))
struct ConformanceTests {

    static let script = TestSupport.packageRoot.appendingPathComponent("Tests/EndpointTests/Conformance/sequence.py")
        .path

    /// What `sequence.py` makes on moto, as fixtures.
    static func inventory() throws -> Inventory {
        let account = "123456789012"
        var inventory = Inventory()
        try inventory.insert(
            Resource(
                id: "vpc-0c0f0000000000001", type: "aws.vpc", account: account, region: "us-east-1", name: "",
                properties: ["VpcId": "vpc-0c0f0000000000001", "CidrBlock": "10.9.0.0/16"]))
        try inventory.insert(
            Resource(
                id: "sg-0c0f0000000000001", type: "aws.security-group", account: account, region: "us-east-1",
                name: "conformance-web", tags: ["team": "web"],
                properties: [
                    "GroupId": "sg-0c0f0000000000001", "GroupName": "conformance-web", "Description": "web",
                    "VpcId": "vpc-0c0f0000000000001",
                    "IpPermissions": [
                        [
                            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                            "IpRanges": [["CidrIp": "0.0.0.0/0"], ["CidrIp": "10.0.0.0/8", "Description": "bastion"]],
                        ],
                        ["IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [["CidrIp": "0.0.0.0/0"]]],
                    ],
                    "IpPermissionsEgress": [["IpProtocol": "-1", "IpRanges": [["CidrIp": "0.0.0.0/0"]]]],
                ]))
        try inventory.insert(
            Resource(
                id: "iam-password-policy/\(account)", type: "aws.iam-password-policy", account: account,
                region: "global", name: account,
                properties: [
                    "MinimumPasswordLength": 8, "RequireSymbols": false, "RequireNumbers": true,
                    "RequireUppercaseCharacters": false, "RequireLowercaseCharacters": false,
                    "AllowUsersToChangePassword": false, "HardExpiry": false,
                ]))
        try inventory.insert(
            Resource(
                id: "iam-user/\(account)/conformance-alice", type: "aws.iam-user", account: account, region: "global",
                name: "conformance-alice", tags: ["team": "web"],
                properties: [
                    "UserName": "conformance-alice", "Path": "/", "CreateDate": "2026-01-01T00:00:00Z",
                    "AccessKeys": [
                        [
                            "AccessKeyId": "AKIA0C0F0RMANCE00001", "Status": "Active",
                            "CreateDate": "2026-01-01T00:00:00Z",
                        ]
                    ],
                ]))
        let owner = "c0f0" + String(repeating: "0", count: 59) + "1"
        let ownerGrant: Value = [
            "Grantee": ["Type": "CanonicalUser", "ID": .string(owner)], "Permission": "FULL_CONTROL",
        ]
        func group(_ uri: String, _ permission: String) -> Value {
            [
                "Grantee": ["Type": "Group", "URI": .string("http://acs.amazonaws.com/groups/\(uri)")],
                "Permission": .string(permission),
            ]
        }
        try inventory.insert(
            Resource(
                id: "conformance-data", type: "aws.s3", account: account, region: "us-east-1", name: "conformance-data",
                tags: ["team": "web"],
                properties: [
                    "Name": "conformance-data",
                    "Acl": [
                        "Owner": ["ID": .string(owner)], "Grants": [ownerGrant, group("global/AllUsers", "READ")],
                    ],
                    "Versioning": ["Status": "Enabled"],
                    "ServerSideEncryptionConfiguration": [
                        "Rules": [
                            [
                                "ApplyServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"],
                                "BucketKeyEnabled": true,
                            ]
                        ]
                    ],
                    "Logging": ["LoggingEnabled": ["TargetBucket": "conformance-logs", "TargetPrefix": "data/"]],
                    "Policy": [
                        "Version": "2012-10-17",
                        "Statement": [
                            [
                                "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                "Resource": ["arn:aws:s3:::conformance-data", "arn:aws:s3:::conformance-data/*"],
                                "Condition": ["Bool": ["aws:SecureTransport": "false"]],
                            ]
                        ],
                    ],
                    "Website": ["IndexDocument": ["Suffix": "index.html"]],
                    "PublicAccessBlockConfiguration": [
                        "BlockPublicAcls": false, "IgnorePublicAcls": false, "BlockPublicPolicy": true,
                        "RestrictPublicBuckets": false,
                    ],
                ]))
        try inventory.insert(
            Resource(
                id: "conformance-logs", type: "aws.s3", account: account, region: "us-east-1", name: "conformance-logs",
                properties: [
                    "Name": "conformance-logs",
                    "Acl": [
                        "Owner": ["ID": .string(owner)],
                        "Grants": [ownerGrant, group("s3/LogDelivery", "WRITE"), group("s3/LogDelivery", "READ_ACP")],
                    ],
                ]))
        try inventory.insert(
            Resource(
                id: "conformance-eu", type: "aws.s3", account: account, region: "eu-west-1", name: "conformance-eu",
                properties: ["Name": "conformance-eu"]))
        // The VPC's default network ACL, as EC2 (and moto) make it.
        func entry(_ number: Int, _ action: String, egress: Bool) -> Value {
            [
                "CidrBlock": "0.0.0.0/0", "Egress": .bool(egress), "Protocol": "-1", "RuleAction": .string(action),
                "RuleNumber": .int(number),
            ]
        }
        try inventory.insert(
            Resource(
                id: "acl-0c0f0000000000001", type: "aws.network-acl", account: account, region: "us-east-1", name: "",
                properties: [
                    "NetworkAclId": "acl-0c0f0000000000001", "VpcId": "vpc-0c0f0000000000001", "IsDefault": true,
                    "Associations": [],
                    "Entries": [
                        entry(100, "allow", egress: true), entry(32767, "deny", egress: true),
                        entry(100, "allow", egress: false), entry(32767, "deny", egress: false),
                    ],
                ]))
        try inventory.insert(
            Resource(
                id: "conformance-db", type: "aws.rds", account: account, region: "us-east-1", name: "conformance-db",
                properties: [
                    "DBInstanceIdentifier": "conformance-db", "DBInstanceClass": "db.t3.micro", "Engine": "postgres",
                    "DBInstanceStatus": "available", "PubliclyAccessible": true, "MultiAZ": false,
                    "BackupRetentionPeriod": 1, "DeletionProtection": false, "AutoMinorVersionUpgrade": true,
                ]))
        try inventory.insert(
            Resource(
                id: "conformance-db-snap", type: "aws.rds-snapshot", account: account, region: "us-east-1",
                name: "conformance-db-snap",
                properties: [
                    "DBSnapshotIdentifier": "conformance-db-snap", "DBInstanceIdentifier": "conformance-db",
                    "Engine": "postgres", "SnapshotType": "manual",
                    "DBSnapshotAttributes": [["AttributeName": "restore", "AttributeValues": ["all"]]],
                ]))
        let keyId = "0c0f0000-0000-4000-8000-00000000c0f0"
        try inventory.insert(
            Resource(
                id: keyId, type: "aws.kms-key", account: account, region: "us-east-1", name: "alias/conformance-data",
                properties: [
                    "KeyId": .string(keyId), "Arn": .string("arn:aws:kms:us-east-1:\(account):key/\(keyId)"),
                    "Description": "conformance data", "KeyState": "Enabled", "KeyManager": "CUSTOMER",
                    "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS",
                    "KeyRotationEnabled": false,
                ]))
        let trailArn = "arn:aws:cloudtrail:us-east-1:\(account):trail/conformance-trail"
        try inventory.insert(
            Resource(
                id: trailArn, type: "aws.cloudtrail", account: account, region: "us-east-1", name: "conformance-trail",
                properties: [
                    "Name": "conformance-trail", "S3BucketName": "conformance-logs", "IsMultiRegionTrail": false,
                    "HomeRegion": "us-east-1", "TrailARN": .string(trailArn), "LogFileValidationEnabled": false,
                    "IncludeGlobalServiceEvents": true,
                ]))
        let groupArn = "arn:aws:logs:us-east-1:\(account):log-group:/conformance/app"
        try inventory.insert(
            Resource(
                id: groupArn, type: "aws.log-group", account: account, region: "us-east-1", name: "/conformance/app",
                properties: ["logGroupName": "/conformance/app", "arn": .string(groupArn)]))
        try inventory.insert(
            Resource(
                id: "i-0c0f0000000000001", type: "aws.ec2", account: account, region: "us-east-1", name: "",
                tags: ["team": "web"],
                properties: [
                    "InstanceType": "t3.micro", "State": ["Name": "running"],
                    "MetadataOptions": ["HttpTokens": "optional", "HttpEndpoint": "enabled"],
                ]))
        try inventory.insert(
            Resource(
                id: "vol-0c0f0000000000001", type: "aws.ebs", account: account, region: "us-east-1", name: "",
                tags: ["team": "web"],
                properties: ["Size": 8, "AvailabilityZone": "us-east-1a", "Encrypted": false, "State": "available"]))
        try inventory.insert(
            Resource(
                id: "snap-0c0f0000000000001", type: "aws.ebs-snapshot", account: account, region: "us-east-1",
                name: "",
                properties: [
                    "VolumeId": "vol-0c0f0000000000001", "State": "completed", "Description": "conformance",
                    "VolumeSize": 8, "Encrypted": false, "CreateVolumePermissions": [["Group": "all"]],
                ]))
        try inventory.insert(
            Resource(
                id: "conformance-dw", type: "aws.redshift", account: account, region: "us-east-1",
                name: "conformance-dw", tags: ["team": "web"],
                properties: [
                    "NodeType": "dc2.large", "MasterUsername": "admin", "PubliclyAccessible": true, "Encrypted": false,
                ]))
        try inventory.insert(
            Resource(
                id: Self.loadBalancer, type: "aws.app-elb", account: account, region: "us-east-1",
                name: "conformance-alb", tags: ["team": "web"],
                properties: [
                    "LoadBalancerName": "conformance-alb", "Scheme": "internet-facing", "Type": "application",
                    "VpcId": "vpc-0c0f0000000000002", "SecurityGroups": ["sg-0c0f0000000000002"],
                    "Attributes": [
                        ["Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "false"],
                        ["Key": "deletion_protection.enabled", "Value": "false"],
                    ],
                ]))
        try inventory.insert(
            Resource(
                id: "iam-role/\(account)/conformance-fn", type: "aws.iam-role", account: account, region: "global",
                name: "conformance-fn",
                properties: [
                    "RoleName": "conformance-fn", "Path": "/", "CreateDate": "2026-01-01T00:00:00Z",
                    "AssumeRolePolicyDocument": [
                        "Version": "2012-10-17",
                        "Statement": [
                            [
                                "Effect": "Allow", "Principal": ["Service": "lambda.amazonaws.com"],
                                "Action": "sts:AssumeRole",
                            ]
                        ],
                    ],
                ]))
        let function = "arn:aws:lambda:us-east-1:\(account):function:conformance-fn"
        try inventory.insert(
            Resource(
                id: function, type: "aws.lambda", account: account, region: "us-east-1", name: "conformance-fn",
                tags: ["team": "web"],
                properties: [
                    "FunctionName": "conformance-fn", "FunctionArn": .string(function), "Runtime": "python3.9",
                    "Handler": "index.handler", "Role": .string("arn:aws:iam::\(account):role/conformance-fn"),
                    "Description": "conformance", "Timeout": 30, "MemorySize": 128,
                ]))
        return inventory
    }

    static let loadBalancer =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/conformance-alb/0c0f000000000001"

    @Test func remsimAnswersTheSequenceAsMotoDoes() async throws {
        let python = try #require(ServedEndpoint.motoPython)
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let moto = try await ServedEndpoint.run(
            python, [Self.script, "moto", "\(dir)/moto-ids.json", "\(dir)/moto.json"])
        try #require(moto.status == 0, "\(moto.errors.suffix(2000))")

        try Data(
            #"{"vpc": "vpc-0c0f0000000000001", "web": "sg-0c0f0000000000001", "key": "AKIA0C0F0RMANCE00001", "kmskey": "0c0f0000-0000-4000-8000-00000000c0f0", "acl": "acl-0c0f0000000000001", "instance": "i-0c0f0000000000001", "volume": "vol-0c0f0000000000001", "snapshot": "snap-0c0f0000000000001", "lb": "\#(Self.loadBalancer)", "lbvpc": "vpc-0c0f0000000000002", "lbsg": "sg-0c0f0000000000002"}"#
                .utf8
        )
        .write(to: URL(fileURLWithPath: "\(dir)/remsim-ids.json"))
        let live = try LiveCloud(inventory: try Self.inventory(), now: TestEndpoint.start)
        live.withState {
            $0.objects["conformance-logs"] = [
                "reports/violations.csv": StoredObject(
                    body: Array("alert_id,resource_id\r\nP-1,sg-1\r\n".utf8), contentType: "text/csv",
                    lastModified: TestEndpoint.start)
            ]
        }
        let remsim = try await ServedEndpoint.with(live, AWSEndpoint(defaultAccount: "123456789012")) { url in
            try await ServedEndpoint.run(python, [Self.script, url, "\(dir)/remsim-ids.json", "\(dir)/remsim.json"])
        }
        try #require(remsim.status == 0, "\(remsim.errors.suffix(2000))")

        let expected = try Self.steps("\(dir)/moto.json")
        let found = try Self.steps("\(dir)/remsim.json")
        #expect(found.map(\.step) == expected.map(\.step))
        for (m, r) in zip(expected, found) where m.answer != r.answer {
            Issue.record("\(m.step): moto answered \(m.answer.jsonText)\nremsim answered \(r.answer.jsonText)")
        }
        // Every served operation is in the sequence.
        let covered = Set(expected.map { String($0.step.split(separator: " ")[0]) })
        // moto has no SSM Automation: its runbooks are tested on remsim alone (SSMAutomationTests).
        let served = Set(AWSEndpoint.served.map(\.name)).subtracting(Self.notInMoto)
        #expect(served.subtracting(covered).isEmpty, "not in the sequence: \(served.subtracting(covered).sorted())")
        #expect(live.withState { $0.refusals }.isEmpty)
    }

    static let notInMoto: Set<String> = ["ssm:StartAutomationExecution", "ssm:GetAutomationExecution"]

    static func steps(_ file: String) throws -> [(step: String, answer: Value)] {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        return (try Value(json: text).arrayValue ?? []).map { step in
            var fields = step.objectValue ?? Fields()
            let name = fields["step"]?.stringValue ?? ""
            fields["step"] = nil
            return (name, .object(fields))
        }
    }
}
