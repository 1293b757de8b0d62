import CloudModel

/// A synthetic inventory for scale tests: AWS security groups, buckets, IAM users, VPCs, trails
/// and instances, in realistic API shapes, spread over accounts and regions, compliant with the
/// built-in pack but for a small share with one misconfiguration each. The same seed gives the
/// same inventory.
public struct InventoryGenerator: Sendable {
    package var seed: UInt64
    package var accounts: [String]
    package var regions: [String]
    /// The share of resources generated with a misconfiguration, in percent.
    package var violationPercent: Int

    public init(
        seed: UInt64, accountCount: Int = 10, regions: [String] = ["us-east-1", "us-west-2", "eu-west-1"],
        violationPercent: Int = 5
    ) {
        self.seed = seed
        self.accounts = (0..<max(1, accountCount)).map { String(100_000_000_000 + $0 * 7_919) }
        self.regions = regions
        self.violationPercent = violationPercent
    }

    /// Generates `count` resources, handing each to `body` (so a million need not be held twice).
    public func generate(count: Int, _ body: (Resource) throws -> Void) rethrows {
        var random = SeededGenerator(seed: seed)
        for i in 0..<count {
            try body(resource(i, random: &random))
        }
    }

    public func inventory(count: Int) -> Inventory {
        var inventory = Inventory()
        inventory.reserveCapacity(count)
        generate(count: count) { inventory.upsert($0) }
        return inventory
    }

    private func resource(_ i: Int, random: inout SeededGenerator) -> Resource {
        let account = accounts[i % accounts.count]
        let region = regions[(i / accounts.count) % regions.count]
        let bad = Int.random(in: 0..<100, using: &random) < violationPercent
        let hex = String(UInt64(i), radix: 16).leftPadded(to: 17)
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<30:
            let id = "sg-\(hex)"
            var perms: [Value] = [
                ["IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [["CidrIp": "0.0.0.0/0"]]]
            ]
            let port: Int = Bool.random(using: &random) ? 22 : 3389
            perms.append([
                "IpProtocol": "tcp", "FromPort": .int(port), "ToPort": .int(port),
                "IpRanges": [["CidrIp": bad ? "0.0.0.0/0" : "10.0.0.0/8"]],
            ])
            return Resource(
                id: id, type: "aws.security-group", account: account, region: region, name: "sg-\(i)",
                properties: ["GroupId": .string(id), "IpPermissions": .array(perms)])
        case 30..<50:
            let name = "bucket-\(hex)"
            // A bad bucket gets one of the four S3 misconfigurations.
            let flaw = bad ? i % 4 : -1
            var p: Value = [
                "Name": .string(name),
                "PublicAccessBlockConfiguration": [
                    "BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": .bool(flaw != 0),
                    "RestrictPublicBuckets": true,
                ],
            ]
            p = p.setting("Versioning", to: ["Status": flaw == 1 ? "Suspended" : "Enabled"])
            if flaw != 2 {
                p = p.setting(
                    "ServerSideEncryptionConfiguration",
                    to: ["Rules": [["ApplyServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"]]]])
            }
            if flaw != 3 {
                p = p.setting(
                    "Logging",
                    to: [
                        "LoggingEnabled": [
                            "TargetBucket": .string("logs-\(account)"), "TargetPrefix": .string(name + "/"),
                        ]
                    ])
            }
            return Resource(id: name, type: "aws.s3", account: account, region: region, name: name, properties: p)
        case 50..<70:
            let name = "user-\(i)"
            let created = bad ? "2025-03-01T00:00:00Z" : "2025-12-01T00:00:00Z"
            return Resource(
                id: "iam-user/\(account)/\(name)", type: "aws.iam-user", account: account, region: "global", name: name,
                properties: [
                    "UserName": .string(name),
                    "AccessKeys": [
                        [
                            "AccessKeyId": .string("AKIA\(hex.uppercased())"), "Status": "Active",
                            "CreateDate": .string(created),
                        ]
                    ],
                ])
        case 70..<80:
            let id = "vpc-\(hex)"
            let logs: Value =
                bad ? [] : [["FlowLogId": .string("fl-\(hex)"), "FlowLogStatus": "ACTIVE", "TrafficType": "REJECT"]]
            return Resource(
                id: id, type: "aws.vpc", account: account, region: region, name: id,
                properties: ["VpcId": .string(id), "CidrBlock": "10.0.0.0/16", "FlowLogs": logs])
        case 80..<85:
            let name = "trail-\(i)"
            return Resource(
                id: "arn:aws:cloudtrail:\(region):\(account):trail/\(name)", type: "aws.cloudtrail", account: account,
                region: region, name: name,
                properties: [
                    "Name": .string(name), "IsMultiRegionTrail": true, "LogFileValidationEnabled": .bool(!bad),
                ])
        default:
            let id = "i-\(hex)"
            return Resource(
                id: id, type: "aws.ec2", account: account, region: region, name: id,
                properties: [
                    "InstanceId": .string(id), "InstanceType": "t3.micro", "State": ["Name": "running"],
                    "MetadataOptions": ["HttpTokens": bad ? "optional" : "required", "HttpEndpoint": "enabled"],
                ])
        }
    }
}
