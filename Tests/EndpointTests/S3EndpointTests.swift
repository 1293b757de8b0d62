import CloudModel
import Testing

@testable import Endpoint

/// S3 on the endpoint's core (REST-XML, path-style), handed requests as botocore builds them.
struct S3EndpointTests {
    static let account = "111111111111"

    static func live() throws -> LiveCloud {
        var inventory = Inventory()
        try inventory.insert(
            Resource(
                id: "data-bucket", type: "aws.s3", account: account, region: "eu-west-1", name: "data-bucket",
                tags: ["env": "prod"],
                properties: [
                    "Name": "data-bucket",
                    "Acl": [
                        "Owner": ["ID": "abc"],
                        "Grants": [
                            ["Grantee": ["Type": "CanonicalUser", "ID": "abc"], "Permission": "FULL_CONTROL"],
                            [
                                "Grantee": ["Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"],
                                "Permission": "READ",
                            ],
                        ],
                    ],
                ]))
        try inventory.insert(
            Resource(
                id: "plain-bucket", type: "aws.s3", account: account, region: "us-east-1", name: "plain-bucket",
                properties: ["Name": "plain-bucket"]))
        try inventory.insert(
            Resource(
                id: "their-bucket", type: "aws.s3", account: "222222222222", region: "us-east-1",
                name: "their-bucket", properties: ["Name": "their-bucket"]))
        return try LiveCloud(inventory: inventory, now: TestEndpoint.start)
    }

    static let endpoint = AWSEndpoint(defaultAccount: account, actor: "test-engine")

    static func request(_ method: String, _ target: String, body: String = "", headers: [String: String] = [:])
        -> WireRequest
    {
        WireRequest(
            method: method, target: target, headers: TestEndpoint.signed("s3").merging(headers) { $1 },
            body: Array(body.utf8))
    }

    @Test func aBucketsSettingsAreAnsweredInS3sXML() throws {
        let live = try Self.live()
        let acl = live.respond(to: Self.request("GET", "/data-bucket?acl"), with: Self.endpoint)
        #expect(acl.status == 200)
        #expect(acl.text.contains(#"<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#))
        #expect(
            acl.text.contains(
                #"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>"#))
        let location = live.respond(to: Self.request("GET", "/plain-bucket?location"), with: Self.endpoint)
        // us-east-1 is the region named by no constraint.
        #expect(
            location.text.hasSuffix(
                #"<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>"#))
        let none = live.respond(to: Self.request("GET", "/plain-bucket?publicAccessBlock"), with: Self.endpoint)
        #expect(none.status == 404)
        #expect(none.text.contains("<Code>NoSuchPublicAccessBlockConfiguration</Code><Message>"))
        #expect(none.text.contains("<BucketName>plain-bucket</BucketName>"))
        // A plain bucket has the ACL S3 gives a new one: its owner with full control.
        let plain = live.respond(to: Self.request("GET", "/plain-bucket?acl"), with: Self.endpoint)
        #expect(TestEndpoint.all("Permission", in: plain.text) == ["FULL_CONTROL"])
    }

    @Test func aPutLandsAsTheCatalogsOperationInTheBucketsRegion() throws {
        let live = try Self.live()
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><AccessControlList><Grant>\
            <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID>\
            </Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList><Owner><ID>abc</ID></Owner>\
            </AccessControlPolicy>
            """
        let answer = live.respond(to: Self.request("PUT", "/data-bucket?acl", body: body), with: Self.endpoint)
        #expect(answer.status == 200, "\(answer.text)")
        try live.withState { state in
            let call = try #require(state.calls.last)
            #expect(call.operation.name == "s3:PutBucketAcl")
            #expect(call.operation.region == "eu-west-1")
            #expect(call.operation.actor == "test-engine")
            #expect(call.outcome == .succeeded)
            let grants = state.inventory["data-bucket"]?.properties["Acl"]?["Grants"]
            #expect(grants == [["Grantee": ["Type": "CanonicalUser", "ID": "abc"], "Permission": "FULL_CONTROL"]])
        }
        // A flattened list (`Rule`, repeated) is read as the API's `Rules`.
        let encryption = live.respond(
            to: Self.request(
                "PUT", "/plain-bucket?encryption",
                body: "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>"
                    + "AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true"
                    + "</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>"),
            with: Self.endpoint)
        #expect(encryption.status == 200, "\(encryption.text)")
        #expect(
            live.withState { $0.inventory["plain-bucket"]?.properties["ServerSideEncryptionConfiguration"] }
                == [
                    "Rules": [
                        ["ApplyServerSideEncryptionByDefault": ["SSEAlgorithm": "AES256"], "BucketKeyEnabled": true]
                    ]
                ])
    }

    @Test(arguments: [
        ("<VersioningConfiguration><Status>Enabled</Status>", "MalformedXML"),
        ("<VersioningConfiguration><Colour>red</Colour></VersioningConfiguration>", "MalformedXML"),
        ("<Tagging><TagSet/></Tagging>", "MalformedXML"),
        ("", "MalformedXML"),
    ])
    func aBodyS3CouldNotReadChangesNothing(_ body: String, _ code: String) throws {
        let live = try Self.live()
        let answer = live.respond(to: Self.request("PUT", "/plain-bucket?versioning", body: body), with: Self.endpoint)
        #expect(answer.status == 400)
        #expect(answer.text.contains("<Code>\(code)</Code>"))
        #expect(live.withState { $0.calls.isEmpty })
    }

    @Test func anotherAccountsBucketIsDeniedAndAMissingOneIsNotFound() throws {
        let live = try Self.live()
        let theirs = live.respond(to: Self.request("GET", "/their-bucket?policy"), with: Self.endpoint)
        #expect(theirs.status == 403)
        #expect(theirs.text.contains("<Code>AccessDenied</Code>"))
        let put = live.respond(
            to: Self.request(
                "PUT", "/their-bucket?versioning",
                body: "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"),
            with: Self.endpoint)
        #expect(put.status == 403)
        let head = live.respond(to: Self.request("HEAD", "/nowhere"), with: Self.endpoint)
        #expect(head.status == 404)
        #expect(head.body.isEmpty)
        let listed = live.respond(to: Self.request("GET", "/"), with: Self.endpoint)
        #expect(TestEndpoint.all("Name", in: listed.text) == ["data-bucket", "plain-bucket"])
        #expect(live.withState { $0.calls.isEmpty })
    }

    @Test func whatIsNotServedIsRefusedAndReported() throws {
        let live = try Self.live()
        // Objects are not modelled: no tool can put one (remsim writes the reports handlers read).
        let object = live.respond(to: Self.request("PUT", "/data-bucket/report.csv", body: "a,b"), with: Self.endpoint)
        #expect(object.status == 501)
        let missing = live.respond(to: Self.request("GET", "/data-bucket/report.csv"), with: Self.endpoint)
        #expect(missing.status == 404)
        #expect(missing.text.contains("<Code>NoSuchKey</Code>"))
        // Grants in headers are a form of PutBucketAcl the endpoint does not read.
        let grants = live.respond(
            to: Self.request(
                "PUT", "/data-bucket?acl",
                headers: ["x-amz-grant-read": "uri=http://acs.amazonaws.com/groups/global/AllUsers"]),
            with: Self.endpoint)
        #expect(grants.status == 501)
        #expect(grants.text.contains("grants in headers (GrantRead)"))
        #expect(live.withState { $0.refusals.map(\.operation) } == ["PUT /{Bucket}/{Key+}", "PutBucketAcl"])
        #expect(live.withState { $0.calls.isEmpty })
    }
}
