import CloudModel

@testable import Endpoint

/// Requests as AWS's SDKs build them, and the resources they are made against.
enum TestEndpoint {
    static let start = Timestamp(iso8601: "2026-01-01T00:00:00Z") ?? Timestamp(milliseconds: 0)

    /// The headers of a request signed for `service` in `region` with `key`.
    static func signed(_ service: String, region: String = "us-east-1", key: String = "testing") -> [String: String] {
        [
            "Authorization":
                "AWS4-HMAC-SHA256 Credential=\(key)/20260101/\(region)/\(service)/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=0000",
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        ]
    }

    static func ec2(_ form: String, region: String = "us-east-1", key: String = "testing") -> WireRequest {
        query("ec2", form, region: region, key: key)
    }

    static func query(_ service: String, _ form: String, region: String = "us-east-1", key: String = "testing")
        -> WireRequest
    {
        WireRequest(
            method: "POST", target: "/", headers: signed(service, region: region, key: key), body: Array(form.utf8))
    }

    /// The text of every `<name>` element, in order.
    static func all(_ name: String, in xml: String) -> [String] {
        var found: [String] = []
        var rest = xml[...]
        while let open = rest.range(of: "<\(name)>"), let close = rest[open.upperBound...].range(of: "</\(name)>") {
            found.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    static func group(
        _ id: String, account: String, region: String = "us-east-1", tags: [String: String] = [:], permissions: [Value]
    ) -> Resource {
        Resource(
            id: id, type: "aws.security-group", account: account, region: region, name: id, tags: tags,
            properties: [
                "GroupId": .string(id), "GroupName": .string(id), "Description": "test",
                "VpcId": "vpc-0000000000000001",
                "IpPermissions": .array(permissions),
            ])
    }

    static func permission(_ port: Int, cidrs: [String]) -> Value {
        [
            "IpProtocol": "tcp", "FromPort": .int(port), "ToPort": .int(port),
            "IpRanges": .array(cidrs.map { ["CidrIp": .string($0)] }),
        ]
    }
}
