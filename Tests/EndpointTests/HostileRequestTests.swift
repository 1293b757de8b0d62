import CloudModel
import Testing

@testable import Endpoint

/// Requests arrive from programs remsim does not control: whatever the bytes, the endpoint
/// answers with an AWS-shaped response and never crashes or changes the cloud in a way no call
/// asked for. Deterministic: each case is a seeded run of byte edits on a valid request.
struct HostileRequestTests {
    static let valid = [
        "Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=tag%3Ateam&Filter.1.Value.1=w*&MaxResults=5",
        "Action=RevokeSecurityGroupIngress&GroupId=sg-0000000000000001&IpPermissions.1.IpProtocol=tcp"
            + "&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0",
        "Action=CreateTags&ResourceId.1=sg-0000000000000002&Tag.1.Key=a&Tag.1.Value=b",
    ]

    /// `text` with one to six seeded edits: a byte replaced by one of `marks`, a run repeated, a
    /// run cut.
    static func edit(_ text: String, marks: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var body = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let at = Int.random(in: 0..<max(1, body.count), using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: body[at] = marks.randomElement(using: &random)!
            case 1: body.insert(contentsOf: Array(body[at...].prefix(Int.random(in: 1...40, using: &random))), at: at)
            default: body.removeSubrange(at..<min(body.count, at + Int.random(in: 1...8, using: &random)))
            }
        }
        return body
    }

    @Test(arguments: 0..<8)
    func editedRequestsAreAnsweredInAWSsShape(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let live = try AWSEndpointTests.live()
        let marks = Array("&=.%+1234567890AZaz\u{0}\u{7f}é".utf8)
        for _ in 0..<300 {
            let body = Self.edit(Self.valid.randomElement(using: &random)!, marks: marks, &random)
            let answer = live.respond(
                to: WireRequest(method: "POST", target: "/", headers: TestEndpoint.signed("ec2"), body: body),
                with: AWSEndpointTests.endpoint)
            #expect([200, 400, 403, 404, 412, 500, 501, 503].contains(answer.status))
            #expect(answer.text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
            if answer.status != 200 { #expect(answer.text.contains("<Code>")) }
        }
        // Whatever landed came through the operations the endpoint serves.
        let served = Set(AWSEndpoint.served.filter { $0.service == "ec2" }.map(\.name))
        #expect(live.withState { $0.calls }.allSatisfy { served.contains($0.operation.name) })
    }

    static let validXML = [
        (
            "/data-bucket?acl",
            #"<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><AccessControlList><Grant>"#
                + #"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc"#
                + "</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList><Owner><ID>abc</ID>"
                + "</Owner></AccessControlPolicy>"
        ),
        (
            "/plain-bucket?encryption",
            "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256"
                + "</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"
        ),
        ("/plain-bucket?tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"),
    ]

    /// S3's XML bodies, edited the same way: parsed by XMLParser, never resolving an entity.
    @Test(arguments: 0..<4)
    func editedXMLBodiesAreAnsweredInS3sShape(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let live = try S3EndpointTests.live()
        let marks = Array("<>/&;\"=!?[]xs:1\u{0}é".utf8)
        for _ in 0..<200 {
            let (target, text) = Self.validXML.randomElement(using: &random)!
            let body = Self.edit(text, marks: marks, &random)
            let answer = live.respond(
                to: S3EndpointTests.request("PUT", target, body: String(decoding: body, as: UTF8.self)),
                with: S3EndpointTests.endpoint)
            #expect([200, 400, 403, 404, 501].contains(answer.status))
            if answer.status != 200 { #expect(answer.text.contains("<Error><Code>")) }
        }
        let served = Set(AWSEndpoint.served.filter { $0.service == "s3" }.map(\.name))
        #expect(live.withState { $0.calls }.allSatisfy { served.contains($0.operation.name) })
    }

    /// An entity declared in the body is never expanded into a call (no file is read, no
    /// billion laughs).
    @Test func anEntityInTheBodyIsNeverResolved() throws {
        let live = try S3EndpointTests.live()
        let body = """
            <?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/hostname">]>\
            <Tagging><TagSet><Tag><Key>k</Key><Value>&x;</Value></Tag></TagSet></Tagging>
            """
        let answer = live.respond(
            to: S3EndpointTests.request("PUT", "/plain-bucket?tagging", body: body), with: S3EndpointTests.endpoint)
        let tags = live.withState { $0.inventory["plain-bucket"]?.tags }
        #expect(answer.text.contains("<Code>MalformedXML</Code>"))
        // A body declaring a document type is refused as S3 refuses it: nothing lands.
        #expect(answer.status == 400, "\(answer.text)")
        #expect(tags?["k"] == nil)
        #expect(live.withState { $0.calls.isEmpty })
    }

    @Test func aHugeListIndexOrDeepKeyIsRefusedQuickly() throws {
        let live = try AWSEndpointTests.live()
        let deep = "Action=DescribeSecurityGroups&" + String(repeating: "Filter.1.", count: 2000) + "Name=x"
        let sparse = "Action=DescribeSecurityGroups&GroupId.999999999=sg-1"
        for form in [deep, sparse] {
            let answer = live.respond(to: TestEndpoint.ec2(form), with: AWSEndpointTests.endpoint)
            #expect(answer.status == 400)
            #expect(answer.text.contains("<Code>UnknownParameter</Code>"))
        }
    }
}
