import CloudModel
import CloudOperations
import Policies
import RemediationEngine
import TestSupport
import Testing

/// Each impact rule on both sides of its threshold: the evidence that makes a warning high, and
/// the nearest evidence that does not.
struct ImpactRuleTests {
    static let epoch = Timestamp(iso8601: "2026-01-01T00:00:00Z")!
    let now = ImpactRuleTests.epoch + .hours(1)

    func warnings(
        _ operation: String, _ parameters: Value, on resource: Resource, with others: [Resource] = [],
        lookback: SimDuration = .days(7)
    ) throws -> [DisruptionWarning] {
        let plan = RemediationPlan(calls: [
            RemediationPlan.Call(step: 1, operation: operation, parameters: parameters, command: ShellCommand([]))
        ])
        let inventory = try Inventory([resource] + others)
        return DisruptionAnalyzer.assess(
            plan, policy: "p", resource: resource, view: inventory, now: now, epoch: Self.epoch, lookback: lookback)
    }

    func severity(_ w: [DisruptionWarning], _ kind: String) -> ImpactSeverity? { w.first { $0.kind == kind }?.severity }

    func group(flows: [Value], attached: Bool = true, name: String = "web", perms: [Value]? = nil) -> Resource {
        Resource(
            id: "sg-1", type: "aws.security-group", account: "1", region: "r",
            properties: [
                "GroupId": "sg-1", "GroupName": .string(name),
                "IpPermissions": .array(
                    perms ?? [
                        [
                            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                            "IpRanges": [["CidrIp": "0.0.0.0/0"], ["CidrIp": "10.0.0.0/8"]],
                        ]
                    ]),
            ],
            relations: attached ? ["attached-to": ["i-1"]] : [:], usage: ["flows": .array(flows)])
    }
    let instance = Resource(
        id: "i-1", type: "aws.ec2", account: "1", region: "r", properties: ["State": ["Name": "running"]])
    let revoke22: Value = [
        "GroupId": "sg-1",
        "IpPermissions": [["IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [["CidrIp": "0.0.0.0/0"]]]],
    ]

    @Test func trafficFromOutsideWhatStaysOpenWithinTheWindowIsHigh() throws {
        let recent = try warnings(
            "ec2:RevokeSecurityGroupIngress", revoke22,
            on: group(flows: [["port": 22, "source": "203.0.113.5", "last-seen": "-2h", "count": 9]]), with: [instance])
        #expect(severity(recent, "live-traffic") == .high)
        #expect(recent.first?.evidence.first == "203.0.113.5 → port 22: 9 connections, last 3h ago")
        // The same flow eight days ago, or from the range that stays open, or on another port: low.
        for flow: Value in [
            ["port": 22, "source": "203.0.113.5", "last-seen": "-8d"],
            ["port": 22, "source": "10.1.2.3", "last-seen": "-1h"],
            ["port": 443, "source": "203.0.113.5", "last-seen": "-1h"],
        ] {
            let w = try warnings("ec2:RevokeSecurityGroupIngress", revoke22, on: group(flows: [flow]), with: [instance])
            #expect(severity(w, "live-traffic") == .low, "\(flow)")
        }
        // Nothing runs behind it and nothing was seen: no warning at all.
        #expect(try warnings("ec2:RevokeSecurityGroupIngress", revoke22, on: group(flows: [], attached: false)).isEmpty)
    }

    /// What stays open counts only on its own rule's ports: a private range open on SSH does not
    /// keep HTTPS from it flowing once public HTTPS goes, and the warning names the part of the
    /// change that stops what was seen.
    @Test func whatStaysOpenCountsOnItsOwnPortsOnly() throws {
        let perms: [Value] = [
            ["IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [["CidrIp": "10.0.0.0/8"]]],
            ["IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [["CidrIp": "0.0.0.0/0"]]],
            ["IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [["CidrIp": "0.0.0.0/0"]]],
        ]
        let revoke: Value = [
            "GroupId": "sg-1",
            "IpPermissions": [
                ["IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [["CidrIp": "0.0.0.0/0"]]],
                ["IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [["CidrIp": "0.0.0.0/0"]]],
            ],
        ]
        let fromInside = try warnings(
            "ec2:RevokeSecurityGroupIngress", revoke,
            on: group(flows: [["port": 443, "source": "10.1.2.3", "last-seen": "-1h"]], perms: perms), with: [instance])
        #expect(severity(fromInside, "live-traffic") == .high)
        #expect(
            fromInside.first?.explanation.hasPrefix("flow logs show traffic this change cuts off (tcp 443),") == true)
        // SSH from the private range stays allowed by its own rule.
        let ssh = try warnings(
            "ec2:RevokeSecurityGroupIngress", revoke,
            on: group(flows: [["port": 22, "source": "10.1.2.3", "last-seen": "-1h"]], perms: perms), with: [instance])
        #expect(severity(ssh, "live-traffic") == .low)
    }

    @Test func aWideRuleNamesTheOtherPortsItCarries() throws {
        let wide: Value = ["IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "IpRanges": [["CidrIp": "0.0.0.0/0"]]]
        let revoke: Value = ["GroupId": "sg-1", "IpPermissions": [wide]]
        let seen = try warnings(
            "ec2:RevokeSecurityGroupIngress", revoke,
            on: group(flows: [["port": 443, "source": "198.51.100.7", "last-seen": "-1h"]], perms: [wide]),
            with: [instance])
        #expect(severity(seen, "collateral-ports") == .high)
        #expect(seen.first { $0.kind == "collateral-ports" }?.explanation.contains("also carries 443") == true)
        let quiet = try warnings(
            "ec2:RevokeSecurityGroupIngress", revoke, on: group(flows: [], perms: [wide]), with: [instance])
        #expect(severity(quiet, "collateral-ports") == .medium)
        #expect(
            severity(
                try warnings("ec2:RevokeSecurityGroupIngress", revoke22, on: group(flows: []), with: [instance]),
                "collateral-ports") == nil)
    }

    @Test func theDefaultGroupWithRunningMembersIsHigh() throws {
        let selfRef: Value = ["IpProtocol": "-1", "UserIdGroupPairs": [["GroupId": "sg-1"]]]
        let revoke: Value = ["GroupId": "sg-1", "IpPermissions": [selfRef]]
        let members = try warnings(
            "ec2:RevokeSecurityGroupIngress", revoke, on: group(flows: [], name: "default", perms: [selfRef]),
            with: [instance])
        #expect(severity(members, "default-group-in-use") == .high)
        let stopped = Resource(
            id: "i-1", type: "aws.ec2", account: "1", region: "r", properties: ["State": ["Name": "stopped"]])
        let idle = try warnings(
            "ec2:RevokeSecurityGroupIngress", revoke, on: group(flows: [], name: "default", perms: [selfRef]),
            with: [stopped])
        #expect(severity(idle, "default-group-in-use") == nil)
    }

    func bucket(website: Bool = false, anonymous: String? = nil) -> Resource {
        var p: Value = ["Name": "b"]
        if website { p = p.setting("Website", to: ["IndexDocument": ["Suffix": "index.html"]]) }
        return Resource(
            id: "b", type: "aws.s3", account: "1", region: "r", properties: p,
            usage: anonymous.map { ["anonymous-requests": ["count": 10, "last-seen": .string($0)]] } ?? .null)
    }
    let block: Value = ["Bucket": "b", "PublicAccessBlockConfiguration": ["BlockPublicAcls": true]]

    @Test func closingABucketWeighsWebsitesDistributionsAndAnonymousReads() throws {
        #expect(severity(try warnings("s3:PutPublicAccessBlock", block, on: bucket(website: true)), "website") == .high)
        #expect(try warnings("s3:PutPublicAccessBlock", block, on: bucket()).isEmpty)
        #expect(
            severity(try warnings("s3:PutPublicAccessBlock", block, on: bucket(anonymous: "-1h")), "anonymous-reads")
                == .high)
        #expect(
            severity(try warnings("s3:PutPublicAccessBlock", block, on: bucket(anonymous: "-30d")), "anonymous-reads")
                == .low)
        func distribution(oac: String) -> Resource {
            Resource(
                id: "E1", type: "aws.distribution", account: "1", region: "global",
                properties: [
                    "DistributionConfig": ["Origins": ["Items": [["Id": "o", "OriginAccessControlId": .string(oac)]]]]
                ],
                relations: ["origin": ["b"]])
        }
        #expect(
            severity(
                try warnings("s3:PutPublicAccessBlock", block, on: bucket(), with: [distribution(oac: "")]),
                "cloudfront-origin") == .high)
        #expect(
            try warnings("s3:PutPublicAccessBlock", block, on: bucket(), with: [distribution(oac: "E2OAC")]).isEmpty)
    }

    /// An ACL put back without a grant to everyone closes the bucket as a public access block
    /// does; one that keeps every such grant closes nothing.
    @Test func anACLWithoutItsPublicGrantsClosesTheBucket() throws {
        let owner: Value = ["Grantee": ["Type": "CanonicalUser", "ID": "o"], "Permission": "FULL_CONTROL"]
        let publicRead: Value = [
            "Grantee": ["Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"],
            "Permission": "READ",
        ]
        var site = bucket(website: true, anonymous: "-1h")
        site.properties = site.properties.setting("Acl", to: ["Owner": ["ID": "o"], "Grants": [owner, publicRead]])
        func put(_ grants: [Value]) -> Value {
            ["Bucket": "b", "AccessControlPolicy": ["Owner": ["ID": "o"], "Grants": .array(grants)]]
        }
        let closed = try warnings("s3:PutBucketAcl", put([owner]), on: site)
        #expect(severity(closed, "website") == .high)
        #expect(severity(closed, "anonymous-reads") == .high)
        #expect(try warnings("s3:PutBucketAcl", put([owner, publicRead]), on: site).isEmpty)
    }

    @Test func uniformAccessWeighsObjectACLs() throws {
        let patch: Value = [
            "bucket": "g", "body": ["iamConfiguration": ["uniformBucketLevelAccess": ["enabled": true]]],
        ]
        func gcs(_ acls: Value) -> Resource {
            Resource(
                id: "//storage.googleapis.com/g", type: "gcp.bucket", account: "p", region: "us",
                usage: ["object-acls": acls])
        }
        #expect(
            severity(try warnings("storage.buckets.patch", patch, on: gcs(["count": 40, "public": 3])), "object-acls")
                == .high)
        #expect(
            severity(try warnings("storage.buckets.patch", patch, on: gcs(["count": 40, "public": 0])), "object-acls")
                == .medium)
        #expect(try warnings("storage.buckets.patch", patch, on: gcs(["count": 0, "public": 0])).isEmpty)
    }

    @Test func aKeyUsedWithinTheWindowIsHighAndNamesItsService() throws {
        func user(_ lastUsed: String) -> Resource {
            Resource(
                id: "u", type: "aws.iam-user", account: "1", region: "global",
                usage: [
                    "access-key-last-used": [
                        "key": "AKIA1", "service": "s3.amazonaws.com", "last-used": .string(lastUsed),
                    ]
                ])
        }
        let deactivate: Value = ["UserName": "u", "AccessKeyId": "AKIA1", "Status": "Inactive"]
        let recent = try warnings("iam:UpdateAccessKey", deactivate, on: user("-6d"))
        #expect(severity(recent, "key-in-use") == .high)
        #expect(recent.first?.explanation.contains("s3.amazonaws.com") == true)
        #expect(severity(try warnings("iam:UpdateAccessKey", deactivate, on: user("-8d")), "key-in-use") == .low)
        #expect(
            try warnings(
                "iam:UpdateAccessKey", ["UserName": "u", "AccessKeyId": "AKIA2", "Status": "Inactive"], on: user("-1h")
            ).isEmpty)
        // A function configured with the key makes it high even with no record of use.
        let function = Resource(
            id: "fn", type: "aws.lambda", account: "1", region: "r", relations: ["uses-key": ["AKIA2"]])
        let configured = try warnings(
            "iam:UpdateAccessKey", ["UserName": "u", "AccessKeyId": "AKIA2", "Status": "Inactive"], on: user("-1h"),
            with: [function])
        #expect(severity(configured, "key-in-use") == .high)
        #expect(configured.first?.affected == ["fn"])
        // Deleting the key cuts it off as deactivating it does; re-activating it is not a cut.
        let delete: Value = ["UserName": "u", "AccessKeyId": "AKIA1"]
        #expect(severity(try warnings("iam:DeleteAccessKey", delete, on: user("-6d")), "key-in-use") == .high)
        #expect(
            try warnings(
                "iam:UpdateAccessKey", ["UserName": "u", "AccessKeyId": "AKIA1", "Status": "Active"], on: user("-6d")
            )
            .isEmpty)
    }

    @Test func deletingAnACLEntryWeighsTrafficOnlyItAllowed() throws {
        func acl(extraAllow: Bool) -> Resource {
            var entries: [Value] = [
                ["RuleNumber": 90, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"]
            ]
            if extraAllow {
                entries.append([
                    "RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false,
                    "CidrBlock": "0.0.0.0/0", "PortRange": ["From": 443, "To": 443],
                ])
            }
            return Resource(
                id: "acl-1", type: "aws.network-acl", account: "1", region: "r",
                properties: ["Entries": .array(entries)],
                usage: ["flows": [["port": 443, "source": "198.51.100.7", "last-seen": "-1h"]]])
        }
        let delete: Value = ["NetworkAclId": "acl-1", "RuleNumber": 90, "Egress": false]
        #expect(
            severity(try warnings("ec2:DeleteNetworkAclEntry", delete, on: acl(extraAllow: false)), "nacl-traffic")
                == .high)
        #expect(try warnings("ec2:DeleteNetworkAclEntry", delete, on: acl(extraAllow: true)).isEmpty)
    }

    @Test func requiringIMDSv2WeighsIMDSv1Calls() throws {
        func vm(_ usage: Value) -> Resource {
            Resource(
                id: "i-1", type: "aws.ec2", account: "1", region: "r", properties: ["State": ["Name": "running"]],
                usage: usage)
        }
        let require: Value = ["InstanceId": "i-1", "HttpTokens": "required"]
        #expect(
            severity(
                try warnings(
                    "ec2:ModifyInstanceMetadataOptions", require,
                    on: vm(["imdsv1-requests": ["count": 50, "last-seen": "-1h"]])), "imdsv1-in-use") == .high)
        #expect(
            severity(
                try warnings(
                    "ec2:ModifyInstanceMetadataOptions", require,
                    on: vm(["imdsv1-requests": ["count": 50, "last-seen": "-30d"]])), "imdsv1-in-use") == .low)
    }

    @Test func stoppingOrTerminatingAnInstanceWeighsWhatItServes() throws {
        func vm(_ state: String, flows: Value = [], deleteOnTermination: Bool = false) -> Resource {
            Resource(
                id: "i-1", type: "aws.ec2", account: "1", region: "r",
                properties: [
                    "State": ["Name": .string(state)],
                    "BlockDeviceMappings": [
                        [
                            "DeviceName": "/dev/xvda",
                            "Ebs": ["VolumeId": "vol-1", "DeleteOnTermination": .bool(deleteOnTermination)],
                        ]
                    ],
                ], usage: ["flows": flows])
        }
        let balancer = Resource(
            id: "arn:lb", type: "aws.app-elb", account: "1", region: "r", name: "web-lb",
            relations: ["targets": ["i-1"]])
        let ids: Value = ["InstanceIds": ["i-1"]]
        let behind = try warnings("ec2:StopInstances", ids, on: vm("running"), with: [balancer])
        #expect(severity(behind, "instance-stopped") == .high)
        #expect(behind.first?.evidence == ["a target of web-lb"])
        let busy = [["port": 443, "source": "198.51.100.7", "last-seen": "-1h", "count": 10]] as Value
        #expect(
            severity(try warnings("ec2:StopInstances", ids, on: vm("running", flows: busy)), "instance-stopped")
                == .high)
        let quiet = [["port": 443, "source": "198.51.100.7", "last-seen": "-30d", "count": 10]] as Value
        #expect(
            severity(try warnings("ec2:StopInstances", ids, on: vm("running", flows: quiet)), "instance-stopped")
                == .medium)
        #expect(try warnings("ec2:StopInstances", ids, on: vm("stopped")).isEmpty)
        let gone = try warnings("ec2:TerminateInstances", ids, on: vm("stopped", deleteOnTermination: true))
        #expect(severity(gone, "instance-terminated") == .high)
        #expect(gone.first?.evidence == ["volumes deleted with it: vol-1"])
    }

    @Test func deletingDataWeighsWhetherACopyRemains() throws {
        let volume = Resource(
            id: "vol-1", type: "aws.ebs", account: "1", region: "r", properties: ["VolumeId": "vol-1"])
        let snapshot = Resource(
            id: "snap-1", type: "aws.ebs-snapshot", account: "1", region: "r",
            properties: ["SnapshotId": "snap-1", "VolumeId": "vol-1"])
        let volumeId: Value = ["VolumeId": "vol-1"]
        #expect(severity(try warnings("ec2:DeleteVolume", volumeId, on: volume), "data-deleted") == .high)
        let kept = try warnings("ec2:DeleteVolume", volumeId, on: volume, with: [snapshot])
        #expect(severity(kept, "data-deleted") == .medium)
        #expect(kept.first?.evidence == ["snapshot snap-1"])
        let snapshotId: Value = ["SnapshotId": "snap-1"]
        #expect(severity(try warnings("ec2:DeleteSnapshot", snapshotId, on: snapshot), "data-deleted") == .high)
        #expect(
            severity(try warnings("ec2:DeleteSnapshot", snapshotId, on: snapshot, with: [volume]), "data-deleted")
                == .medium)

        func db(flows: Value = []) -> Resource {
            Resource(
                id: "orders", type: "aws.rds", account: "1", region: "r",
                properties: ["DBInstanceIdentifier": "orders"],
                usage: ["flows": flows])
        }
        let skip: Value = ["DBInstanceIdentifier": "orders", "SkipFinalSnapshot": true]
        let final: Value = ["DBInstanceIdentifier": "orders", "FinalDBSnapshotIdentifier": "Final-orders"]
        #expect(severity(try warnings("rds:DeleteDBInstance", skip, on: db()), "data-deleted") == .high)
        let withFinal = try warnings("rds:DeleteDBInstance", final, on: db())
        #expect(severity(withFinal, "data-deleted") == .medium)
        #expect(severity(withFinal, "database-deleted") == nil, "nothing connects to it")
        let manual = Resource(
            id: "orders-weekly", type: "aws.rds-snapshot", account: "1", region: "r",
            properties: ["DBInstanceIdentifier": "orders"])
        #expect(
            severity(try warnings("rds:DeleteDBInstance", skip, on: db(), with: [manual]), "data-deleted") == .medium)
        let busy = [["port": 5432, "source": "10.0.1.5", "last-seen": "-1h", "count": 300]] as Value
        let connected = try warnings("rds:DeleteDBInstance", final, on: db(flows: busy))
        #expect(severity(connected, "database-deleted") == .high)
        #expect(connected.first?.evidence == ["300 connections seen, the last 2h ago"])
        let old = [["port": 5432, "source": "10.0.1.5", "last-seen": "-30d", "count": 300]] as Value
        #expect(severity(try warnings("rds:DeleteDBInstance", final, on: db(flows: old)), "database-deleted") == nil)
        let snapshotName: Value = ["DBSnapshotIdentifier": "orders-weekly"]
        #expect(severity(try warnings("rds:DeleteDBSnapshot", snapshotName, on: manual), "data-deleted") == .high)
        #expect(
            severity(try warnings("rds:DeleteDBSnapshot", snapshotName, on: manual, with: [db()]), "data-deleted")
                == .medium)
    }

    @Test func theAzureAndGCPAnaloguesWeighTheSameEvidence() throws {
        let nsg = Resource(
            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n",
            type: "azure.networksecuritygroup",
            account: "s", region: "westeurope",
            properties: [
                "properties": [
                    "securityRules": [
                        [
                            "name": "ssh",
                            "properties": [
                                "access": "Allow", "direction": "Inbound", "protocol": "Tcp",
                                "sourceAddressPrefix": "*", "destinationPortRange": "22",
                            ],
                        ]
                    ]
                ]
            ],
            usage: ["flows": [["port": 22, "source": "203.0.113.9", "last-seen": "-1h"]]])
        let deny: Value = [
            "resourceGroup": "rg", "networkSecurityGroupName": "n", "name": "ssh",
            "body": ["properties": ["access": "Deny"]],
        ]
        #expect(
            severity(
                try warnings("Microsoft.Network/networkSecurityGroups/securityRules/write", deny, on: nsg),
                "live-traffic") == .high)
        var quiet = nsg
        quiet.usage = ["flows": [["port": 443, "source": "203.0.113.9", "last-seen": "-1h"]]]
        #expect(try warnings("Microsoft.Network/networkSecurityGroups/securityRules/write", deny, on: quiet).isEmpty)

        let network: Value = "https://www.googleapis.com/compute/v1/projects/p/global/networks/n"
        let firewall = Resource(
            id: "//compute.googleapis.com/projects/p/global/firewalls/f", type: "gcp.firewall", account: "p",
            region: "global",
            properties: [
                "name": "f", "network": network, "sourceRanges": ["0.0.0.0/0"], "targetTags": ["ssh"],
                "allowed": [["IPProtocol": "tcp", "ports": ["22"]]],
            ])
        func vm(tags: [Value]) -> Resource {
            Resource(
                id: "//compute.googleapis.com/projects/p/zones/z/instances/v", type: "gcp.instance", account: "p",
                region: "z",
                properties: [
                    "status": "RUNNING", "tags": ["items": .array(tags)], "networkInterfaces": [["network": network]],
                ])
        }
        let disable: Value = ["project": "p", "firewall": "f", "body": ["disabled": true]]
        #expect(
            severity(
                try warnings("compute.firewalls.patch", disable, on: firewall, with: [vm(tags: ["ssh"])]),
                "live-traffic") == .low,
            "a tagged instance runs behind it; no traffic seen")
        #expect(
            try warnings("compute.firewalls.patch", disable, on: firewall, with: [vm(tags: ["web"])]).isEmpty,
            "the rule targets no running instance")
        var used = firewall
        used.usage = ["flows": [["port": 22, "source": "198.51.100.1", "last-seen": "-2h"]]]
        #expect(
            severity(
                try warnings("compute.firewalls.patch", disable, on: used, with: [vm(tags: ["ssh"])]), "live-traffic")
                == .high)
        // Deleting the rule cuts what disabling it cuts; an egress or deny rule cuts no ingress.
        let delete: Value = ["project": "p", "firewall": "f"]
        #expect(
            severity(
                try warnings("compute.firewalls.delete", delete, on: used, with: [vm(tags: ["ssh"])]), "live-traffic")
                == .high)
        var egress = used
        egress.properties = egress.properties.setting("direction", to: "EGRESS")
        #expect(try warnings("compute.firewalls.delete", delete, on: egress, with: [vm(tags: ["ssh"])]).isEmpty)
    }
}
