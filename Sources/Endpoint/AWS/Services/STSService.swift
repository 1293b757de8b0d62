import CloudModel

/// STS on the wire: who the caller is, and roles assumed into an account, whose keys then act in
/// that account (`SignatureScope.account(inKey:)`).
package enum STSService {
    package static let operations: [AWSOperation] = [
        AWSOperation(
            service: "sts", action: "GetCallerIdentity", input: .structure([]),
            output: .structure([Member("UserId", .string), Member("Account", .string), Member("Arn", .string)]),
            handling: .identity { call, _ in
                let temporary = call.accessKey.hasPrefix("ASIA")
                return [
                    "UserId": .string(call.accessKey), "Account": .string(call.account),
                    "Arn": .string(
                        temporary
                            ? "arn:aws:sts::\(call.account):assumed-role/remsim/\(call.accessKey)"
                            : "arn:aws:iam::\(call.account):user/remsim"),
                ]
            }),
        AWSOperation(
            service: "sts", action: "AssumeRole",
            input: .structure([
                Member("RoleArn", .string), Member("RoleSessionName", .string), Member("DurationSeconds", .integer),
                Member("ExternalId", .string), Member("Policy", .string),
                Member("PolicyArns", .list(.structure([Member("arn", .string)]))),
                Member("Tags", .list(.structure([Member("Key", .string), Member("Value", .string)]))),
                Member("TransitiveTagKeys", .list(.string)), Member("SourceIdentity", .string),
            ]),
            output: .structure([
                Member(
                    "Credentials",
                    .structure([
                        Member("AccessKeyId", .string), Member("SecretAccessKey", .string),
                        Member("SessionToken", .string), Member("Expiration", .timestamp),
                    ])),
                Member("AssumedRoleUser", .structure([Member("AssumedRoleId", .string), Member("Arn", .string)])),
                Member("SourceIdentity", .string),
            ]),
            handling: .identity(assumeRole)),
    ]

    /// A role in any twelve-digit account: its keys name that account. Whether the role exists is
    /// not checked (IAM roles are not modelled); its account must be one the cloud holds, checked
    /// by the first call made with the keys.
    static func assumeRole(_ call: AWSCall, _ now: Timestamp) throws(AWSError) -> Value {
        guard let arn = call.string("RoleArn"), let session = call.string("RoleSessionName") else {
            throw AWSError(code: "MissingParameter", message: "The request must contain RoleArn and RoleSessionName")
        }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[4].count == 12,
            parts[4].allSatisfy(\.isASCII), parts[4].allSatisfy(\.isNumber), parts[5].hasPrefix("role/")
        else {
            throw AWSError(
                code: "ValidationError", message: "\(arn) is invalid: expected arn:aws:iam::ACCOUNT:role/NAME")
        }
        let account = String(parts[4])
        let role = parts[5].dropFirst(5).split(separator: "/").last.map(String.init) ?? ""
        let seconds = call.parameters["DurationSeconds"]?.intValue ?? 3600
        guard (900...43200).contains(seconds) else {
            throw AWSError(
                code: "ValidationError",
                message:
                    "1 validation error detected: Value '\(seconds)' at 'durationSeconds' failed to satisfy constraint: "
                    + "Member must have value between 900 and 43200")
        }
        let key = SignatureScope.key(for: account, temporary: true)
        return [
            "Credentials": [
                "AccessKeyId": .string(key), "SecretAccessKey": "remsim-simulated-secret",
                "SessionToken": .string("remsim-session-\(account)-\(session)"),
                "Expiration": .string((now + .seconds(Int64(seconds))).iso8601),
            ],
            "AssumedRoleUser": [
                "AssumedRoleId": .string("AROA\(account)RSIM:\(session)"),
                "Arn": .string("arn:aws:sts::\(account):assumed-role/\(role)/\(session)"),
            ],
        ]
    }
}
