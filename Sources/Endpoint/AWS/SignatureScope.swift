/// Who signed a request and for what, read from its Signature Version 4 credential scope
/// (`Credential=AKID/20261202/us-east-1/ec2/aws4_request`) in the `Authorization` header or a
/// presigned URL's `X-Amz-Credential`. The signature itself is not checked: the endpoint serves a
/// simulation on 127.0.0.1, and the programs it serves sign with whatever keys they were given.
package struct SignatureScope: Sendable, Equatable {
    package var accessKey: String
    package var region: String
    /// The signing name of the service: `ec2`, `s3`, `sts`, `elasticloadbalancing`, …
    package var service: String

    package init(accessKey: String, region: String, service: String) {
        self.accessKey = accessKey
        self.region = region
        self.service = service
    }

    package init?(_ request: WireRequest) {
        let credential: Substring
        if let authorization = request.header("authorization"),
            let range = authorization.range(of: "Credential=")
        {
            credential = authorization[range.upperBound...].prefix { $0 != "," && $0 != " " }
        } else if let given = request.query.first(where: { $0.name == "X-Amz-Credential" })?.value {
            credential = Substring(given)
        } else {
            return nil
        }
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4] == "aws4_request", !parts[0].isEmpty else { return nil }
        self.init(accessKey: String(parts[0]), region: String(parts[2]), service: String(parts[3]))
    }

    /// The account an access key names: remsim's keys carry it (`AKIA` or `ASIA`, the twelve
    /// digits of the account, four more characters), so a role assumed in another account gives
    /// keys that act there without the endpoint keeping any session. Nil for any other key.
    package static func account(inKey key: String) -> String? {
        let utf8 = Array(key.utf8)
        guard utf8.count == 20, key.hasPrefix("AKIA") || key.hasPrefix("ASIA") else { return nil }
        let digits = utf8[4..<16]
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return String(decoding: digits, as: UTF8.self)
    }

    /// A key naming `account`: `ASIA` keys for assumed roles, `AKIA` for users.
    package static func key(for account: String, temporary: Bool, suffix: String = "RSIM") -> String {
        (temporary ? "ASIA" : "AKIA") + account + suffix
    }
}
