import CloudModel
import Testing

@testable import Endpoint

/// The AWS endpoint's core, handed requests as the AWS SDKs send them: no socket.
struct AWSEndpointTests {
    static let account = "111111111111"
    static let other = "222222222222"

    static func inventory() throws -> Inventory {
        var inventory = Inventory()
        let ssh = TestEndpoint.permission(22, cidrs: ["0.0.0.0/0", "10.0.0.0/8"])
        try inventory.insert(TestEndpoint.group("sg-0000000000000001", account: account, permissions: [ssh]))
        try inventory.insert(
            TestEndpoint.group(
                "sg-0000000000000002", account: account, tags: ["team": "web"],
                permissions: [TestEndpoint.permission(443, cidrs: ["0.0.0.0/0"])]))
        try inventory.insert(
            TestEndpoint.group("sg-0000000000000003", account: account, region: "eu-west-1", permissions: []))
        try inventory.insert(TestEndpoint.group("sg-0000000000000004", account: other, permissions: [ssh]))
        return inventory
    }

    static func live() throws -> LiveCloud { try LiveCloud(inventory: try inventory(), now: TestEndpoint.start) }

    static let endpoint = AWSEndpoint(defaultAccount: account, actor: "test-engine")

    @Test func decodesEC2ListsAndLocationsIntoTheAPIsNamesAndTypes() throws {
        let pairs = FormEncoding.decode(
            "GroupId=sg-1&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22"
                + "&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.IpRanges.2.CidrIp=10.0.0.0%2F8"
                + "&IpPermissions.1.Groups.1.GroupId=sg-2&DryRun=false")
        let shape = EC2Service.ruleChange(ingress: true, revoke: true)
        let value = try QueryDecoder.decode(pairs, shape: shape, dialect: .ec2)
        #expect(value["GroupId"] == "sg-1")
        #expect(value["DryRun"] == .bool(false))
        let rule = try #require(value["IpPermissions"]?.arrayValue?.first)
        #expect(rule["FromPort"] == .int(22))
        #expect(rule["IpRanges"] == [["CidrIp": "0.0.0.0/0"], ["CidrIp": "10.0.0.0/8"]])
        #expect(rule["UserIdGroupPairs"] == [["GroupId": "sg-2"]])
    }

    @Test func decodesTheQueryDialectsMemberLists() throws {
        let shape = Shape.structure([Member("TagKeys", .list(.string)), Member("Name", .string)])
        let value = try QueryDecoder.decode(
            FormEncoding.decode("TagKeys.member.1=a&TagKeys.member.2=b&Name=x"), shape: shape, dialect: .query)
        #expect(value == ["TagKeys": ["a", "b"], "Name": "x"])
        let empty = try QueryDecoder.decode(FormEncoding.decode("TagKeys="), shape: shape, dialect: .query)
        #expect(empty == ["TagKeys": []])
    }

    @Test(arguments: [
        ("GroupId=sg-1&Bogus=1", "UnknownParameter", "Bogus"),
        ("GroupId=sg-1&IpPermissions.1.FromPort=twenty", "InvalidParameterValue", "IpPermissions.1.FromPort"),
        ("GroupId=sg-1&DryRun=maybe", "InvalidParameterValue", "DryRun"),
    ])
    func refusesWhatTheShapeDoesNotHold(_ form: String, _ code: String, _ named: String) {
        #expect {
            try QueryDecoder.decode(
                FormEncoding.decode(form), shape: EC2Service.ruleChange(ingress: true, revoke: false), dialect: .ec2)
        } throws: { error in
            guard let failure = error as? QueryDecoder.Failure else { return false }
            return failure.code == code && failure.message.contains(named)
        }
    }

    @Test func describesTheGroupsOfTheCallersAccountAndRegion() throws {
        let live = try Self.live()
        let answer = live.respond(
            to: TestEndpoint.ec2("Action=DescribeSecurityGroups&Version=2016-11-15"), with: Self.endpoint)
        #expect(answer.status == 200)
        let xml = answer.text
        #expect(xml.contains("<DescribeSecurityGroupsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"))
        #expect(xml.contains("<groupId>sg-0000000000000001</groupId>"))
        #expect(xml.contains("<groupId>sg-0000000000000002</groupId>"))
        #expect(!xml.contains("sg-0000000000000003"), "another region")
        #expect(!xml.contains("sg-0000000000000004"), "another account")
        #expect(
            xml.contains(
                "<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges>"))
        #expect(xml.contains("<fromPort>22</fromPort>"))
        #expect(xml.contains("<tagSet><item><key>team</key><value>web</value></item></tagSet>"))
        #expect(xml.contains("<ownerId>111111111111</ownerId>"))

        let eu = live.respond(
            to: TestEndpoint.ec2("Action=DescribeSecurityGroups", region: "eu-west-1"), with: Self.endpoint)
        #expect(eu.text.contains("sg-0000000000000003") && !eu.text.contains("sg-0000000000000001"))
    }

    @Test func filtersAndPagesAsEC2Does() throws {
        let live = try Self.live()
        let tagged = live.respond(
            to: TestEndpoint.ec2("Action=DescribeSecurityGroups&Filter.1.Name=tag%3Ateam&Filter.1.Value.1=w*"),
            with: Self.endpoint)
        #expect(tagged.text.contains("sg-0000000000000002") && !tagged.text.contains("sg-0000000000000001"))
        let byId = live.respond(
            to: TestEndpoint.ec2("Action=DescribeSecurityGroups&GroupId.1=sg-0000000000000001"), with: Self.endpoint)
        #expect(byId.text.contains("sg-0000000000000001") && !byId.text.contains("sg-0000000000000002"))

        let missing = live.respond(
            to: TestEndpoint.ec2("Action=DescribeSecurityGroups&GroupId.1=sg-ffffffffffffffff"), with: Self.endpoint)
        #expect(missing.status == 400)
        #expect(missing.text.contains("<Response><Errors><Error><Code>InvalidGroup.NotFound</Code>"))

        let badFilter = live.respond(
            to: TestEndpoint.ec2("Action=DescribeSecurityGroups&Filter.1.Name=ip-permission.cidr&Filter.1.Value.1=x"),
            with: Self.endpoint)
        #expect(
            badFilter.text.contains(
                "<Code>InvalidParameterValue</Code><Message>The filter 'ip-permission.cidr' is invalid"))

        var seen: [String] = []
        var token: String?
        repeat {
            let form = "Action=DescribeSecurityGroups&MaxResults=5" + (token.map { "&NextToken=\($0)" } ?? "")
            let page = live.respond(to: TestEndpoint.ec2(form), with: Self.endpoint).text
            seen += TestEndpoint.all("groupId", in: page)
            token = TestEndpoint.all("nextToken", in: page).first
        } while token != nil
        #expect(seen == ["sg-0000000000000001", "sg-0000000000000002"])
    }

    @Test func aRevokeLandsOnTheCloudAsTheEnginesCallWould() throws {
        let live = try Self.live()
        let answer = live.respond(
            to: TestEndpoint.ec2(
                "Action=RevokeSecurityGroupIngress&GroupId=sg-0000000000000001&IpPermissions.1.IpProtocol=tcp"
                    + "&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0"
            ),
            with: Self.endpoint)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.text.contains("<return>true</return>"))
        try live.withState { state in
            let group = try #require(state.inventory["sg-0000000000000001"])
            #expect(group.properties["IpPermissions"] == [TestEndpoint.permission(22, cidrs: ["10.0.0.0/8"])])
            let call = try #require(state.calls.last)
            #expect(call.operation.name == "ec2:RevokeSecurityGroupIngress")
            #expect(call.operation.actor == "test-engine")
            #expect(call.outcome == .succeeded)
            #expect(call.operation.command.text.hasPrefix("aws --region us-east-1 ec2 revoke-security-group-ingress"))
        }
    }

    @Test func theOldOneRuleFormAndAGroupByNameAreTheSameCall() throws {
        let live = try Self.live()
        let answer = live.respond(
            to: TestEndpoint.ec2(
                "Action=AuthorizeSecurityGroupIngress&GroupName=sg-0000000000000002&IpProtocol=tcp&FromPort=8080"
                    + "&ToPort=8080&CidrIp=192.0.2.0%2F24"),
            with: Self.endpoint)
        #expect(answer.status == 200, "\(answer.text)")
        let rules = live.withState { $0.inventory["sg-0000000000000002"]?.properties["IpPermissions"]?.arrayValue }
        #expect(rules?.contains(TestEndpoint.permission(8080, cidrs: ["192.0.2.0/24"])) == true)
    }

    @Test func aDryRunChangesNothing() throws {
        let live = try Self.live()
        let answer = live.respond(
            to: TestEndpoint.ec2(
                "Action=RevokeSecurityGroupIngress&GroupId=sg-0000000000000001&IpProtocol=tcp&FromPort=22&ToPort=22"
                    + "&CidrIp=0.0.0.0%2F0&DryRun=true"),
            with: Self.endpoint)
        #expect(answer.status == 412)
        #expect(answer.text.contains("<Code>DryRunOperation</Code>"))
        #expect(live.withState { $0.calls.isEmpty })
    }

    @Test func theCloudsOwnErrorComesBackInEC2sShape() throws {
        let live = try Self.live()
        let answer = live.respond(
            to: TestEndpoint.ec2(
                "Action=RevokeSecurityGroupIngress&GroupId=sg-ffffffffffffffff&IpProtocol=tcp&FromPort=22&ToPort=22"
                    + "&CidrIp=0.0.0.0%2F0"),
            with: Self.endpoint)
        #expect(answer.status == 400)
        #expect(answer.text.contains("<Code>InvalidGroup.NotFound</Code>"))
        #expect(answer.text.contains("<RequestID>"))
    }

    @Test func anOperationNotServedIsAnErrorNamingItAndIsReported() throws {
        let live = try Self.live()
        let answer = live.respond(to: TestEndpoint.ec2("Action=DescribeKeyPairs"), with: Self.endpoint)
        #expect(answer.status == 400)
        #expect(answer.text.contains("<Code>InvalidAction</Code>"))
        #expect(answer.text.contains("ec2:DescribeKeyPairs"))
        let s3 = live.respond(
            to: WireRequest(method: "GET", target: "/bucket?cors", headers: TestEndpoint.signed("s3")),
            with: Self.endpoint)
        #expect(s3.status == 501)
        #expect(s3.text.contains("<Error><Code>NotImplemented</Code>"))
        let refusals = live.withState { $0.refusals }
        #expect(refusals.map(\.operation) == ["DescribeKeyPairs", "GET /{Bucket}?cors"])
        #expect(live.withState { $0.calls.isEmpty })
    }

    @Test func anUnsignedRequestIsRefused() throws {
        let answer = try Self.live().respond(
            to: WireRequest(method: "POST", target: "/", body: Array("Action=DescribeSecurityGroups".utf8)),
            with: Self.endpoint)
        #expect(answer.status == 403)
        #expect(answer.text.contains("MissingAuthenticationToken"))
    }

    @Test func anAssumedRolesKeysActInTheRolesAccount() throws {
        let live = try Self.live()
        let assumed = live.respond(
            to: TestEndpoint.query(
                "sts",
                "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fremediation"
                    + "&RoleSessionName=fixer"),
            with: Self.endpoint)
        #expect(assumed.status == 200, "\(assumed.text)")
        let key = try #require(TestEndpoint.all("AccessKeyId", in: assumed.text).first)
        #expect(
            TestEndpoint.all("Arn", in: assumed.text) == ["arn:aws:sts::222222222222:assumed-role/remediation/fixer"])
        #expect(TestEndpoint.all("Expiration", in: assumed.text) == ["2026-01-01T01:00:00Z"])

        let identity = live.respond(
            to: TestEndpoint.query("sts", "Action=GetCallerIdentity", key: key), with: Self.endpoint)
        #expect(TestEndpoint.all("Account", in: identity.text) == ["222222222222"])
        let groups = live.respond(to: TestEndpoint.ec2("Action=DescribeSecurityGroups", key: key), with: Self.endpoint)
        #expect(TestEndpoint.all("groupId", in: groups.text) == ["sg-0000000000000004"])

        let bad = live.respond(
            to: TestEndpoint.query("sts", "Action=AssumeRole&RoleArn=role&RoleSessionName=x"), with: Self.endpoint)
        #expect(bad.status == 400)
        #expect(bad.text.contains("<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>"))
    }
}

extension AWSEndpointTests {
    /// The account a key that names none acts in, and the region tools are pointed at: global
    /// resources (IAM) name no region to point at.
    @Test func theDefaultsAreTheLowestAccountAndTheBusiestRegion() throws {
        var inventory = try Self.inventory()
        for i in 0..<5 {
            try inventory.insert(
                Resource(
                    id: "iam-user/\(Self.account)/u\(i)", type: "aws.iam-user", account: Self.account, region: "global",
                    name: "u\(i)"))
        }
        let defaults = AWSDefaults(inventory)
        #expect(defaults.accounts == [Self.account, Self.other])
        #expect(defaults.account == Self.account)
        #expect(defaults.region == "us-east-1")
        #expect(AWSDefaults(inventory, account: Self.other).account == Self.other)
        #expect(AWSDefaults(Inventory()) == AWSDefaults(Inventory(), account: "123456789012"))
    }
}
