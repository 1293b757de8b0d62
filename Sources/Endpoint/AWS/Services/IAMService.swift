import CloudModel
import Foundation
import Policies

/// IAM on the wire: users, their access keys and tags, the account's password policy, and the
/// credential report. IAM is global: a call reads and changes its account whatever its region.
package enum IAMService {
    static let tag: Shape = .structure([Member("Key", .string), Member("Value", .string)])
    static let user: Shape = .structure([
        Member("Path", .string), Member("UserName", .string), Member("UserId", .string), Member("Arn", .string),
        Member("CreateDate", .timestamp), Member("PasswordLastUsed", .timestamp), Member("Tags", .list(tag)),
    ])
    static let paging = [Member("Marker", .string), Member("MaxItems", .integer)]
    static let pageOut = [Member("IsTruncated", .boolean), Member("Marker", .string)]
    static let passwordPolicy: Shape = .structure([
        Member("MinimumPasswordLength", .integer), Member("RequireSymbols", .boolean),
        Member("RequireNumbers", .boolean), Member("RequireUppercaseCharacters", .boolean),
        Member("RequireLowercaseCharacters", .boolean), Member("AllowUsersToChangePassword", .boolean),
        Member("ExpirePasswords", .boolean), Member("MaxPasswordAge", .integer),
        Member("PasswordReusePrevention", .integer), Member("HardExpiry", .boolean),
    ])

    static func op(
        _ action: String, _ input: [Member], _ output: [Member], _ handling: AWSOperation.Handling
    ) -> AWSOperation {
        AWSOperation(
            service: "iam", action: action, input: .structure(input), output: .structure(output), handling: handling)
    }

    /// A call remsim's catalog models under the same name, taking the user by name.
    static func change(_ action: String, _ input: [Member]) -> AWSOperation {
        op(
            action, input, [],
            .change { call, inventory throws(AWSError) in
                let user = try find(call, inventory)
                return PlannedCall(
                    operation: "iam:\(action)", resourceId: user.id, parameters: call.parameters, answer: .emptyObject)
            })
    }

    package static let operations: [AWSOperation] = [
        op(
            "ListUsers", [Member("PathPrefix", .string)] + paging, [Member("Users", .list(user))] + pageOut,
            .read { call, inventory throws(AWSError) in
                let prefix = call.string("PathPrefix") ?? "/"
                let users = users(call, inventory).filter {
                    (describe($0)["Path"]?.stringValue ?? "/").hasPrefix(prefix)
                }
                return try page(users.map { described($0, tags: false) }, "Users", call)
            }),
        op(
            "GetUser", [Member("UserName", .string)], [Member("User", user)],
            .read { call, inventory throws(AWSError) in
                ["User": described(try find(call, inventory), tags: true)]
            }),
        op(
            "ListUserTags", [Member("UserName", .string)] + paging, [Member("Tags", .list(tag))] + pageOut,
            .read { call, inventory throws(AWSError) in
                let user = try find(call, inventory)
                return try page(EC2Filters.tagList(user.tags).arrayValue ?? [], "Tags", call)
            }),
        op(
            "ListAccessKeys", [Member("UserName", .string)] + paging,
            [
                Member(
                    "AccessKeyMetadata",
                    .list(
                        .structure([
                            Member("UserName", .string), Member("AccessKeyId", .string), Member("Status", .string),
                            Member("CreateDate", .timestamp),
                        ])))
            ] + pageOut,
            .read { call, inventory throws(AWSError) in
                let user = try find(call, inventory)
                let keys = (user.properties["AccessKeys"]?.arrayValue ?? []).map { key -> Value in
                    var fields = key.objectValue ?? Fields()
                    fields["UserName"] = .string(user.name)
                    return .object(fields)
                }
                return try page(keys, "AccessKeyMetadata", call)
            }),
        op(
            "GetAccessKeyLastUsed", [Member("AccessKeyId", .string)],
            [
                Member("UserName", .string),
                Member(
                    "AccessKeyLastUsed",
                    .structure([
                        Member("LastUsedDate", .timestamp), Member("ServiceName", .string), Member("Region", .string),
                    ])),
            ],
            .read { call, inventory throws(AWSError) in
                let id = call.string("AccessKeyId") ?? ""
                for user in users(call, inventory) {
                    guard
                        let key = user.properties["AccessKeys"]?.arrayValue?.first(where: {
                            $0["AccessKeyId"]?.stringValue == id
                        })
                    else { continue }
                    // IAM answers N/A where the key was never used.
                    let used = key["AccessKeyLastUsed"] ?? ["ServiceName": "N/A", "Region": "N/A"]
                    return ["UserName": .string(user.name), "AccessKeyLastUsed": used]
                }
                throw AWSError(code: "AccessDenied", message: "The access key \(id) is not one of this account's")
            }),
        op(
            "ListMFADevices", [Member("UserName", .string)] + paging,
            [
                Member(
                    "MFADevices",
                    .list(
                        .structure([
                            Member("UserName", .string), Member("SerialNumber", .string),
                            Member("EnableDate", .timestamp),
                        ])))
            ] + pageOut,
            .read { call, inventory throws(AWSError) in
                let user = try find(call, inventory)
                let devices = (user.properties["MFADevices"]?.arrayValue ?? []).map { device -> Value in
                    var fields = device.objectValue ?? Fields()
                    fields["UserName"] = .string(user.name)
                    return .object(fields)
                }
                return try page(devices, "MFADevices", call)
            }),
        op(
            "GetLoginProfile", [Member("UserName", .string)],
            [
                Member(
                    "LoginProfile",
                    .structure([
                        Member("UserName", .string), Member("CreateDate", .timestamp),
                        Member("PasswordResetRequired", .boolean),
                    ]))
            ],
            .read { call, inventory throws(AWSError) in
                let user = try find(call, inventory)
                guard let profile = user.properties["LoginProfile"], !profile.isNull else {
                    throw AWSError(
                        code: "NoSuchEntity", message: "Login Profile for User \(user.name) cannot be found.")
                }
                var fields = profile.objectValue ?? Fields()
                fields["UserName"] = .string(user.name)
                return ["LoginProfile": .object(fields)]
            }),
        change(
            "UpdateAccessKey", [Member("UserName", .string), Member("AccessKeyId", .string), Member("Status", .string)]),
        change("DeleteAccessKey", [Member("UserName", .string), Member("AccessKeyId", .string)]),
        change("TagUser", [Member("UserName", .string), Member("Tags", .list(tag))]),
        change("UntagUser", [Member("UserName", .string), Member("TagKeys", .list(.string))]),
        op(
            "GetAccountPasswordPolicy", [], [Member("PasswordPolicy", passwordPolicy)],
            .read { call, inventory throws(AWSError) in
                let policy = inventory.resources(ofType: "aws.iam-password-policy").first { $0.account == call.account }
                guard let policy else {
                    throw AWSError(
                        code: "NoSuchEntity",
                        message: "The Password Policy with domain name \(call.account) cannot be found.")
                }
                var fields = policy.properties.objectValue ?? Fields()
                fields["ExpirePasswords"] = .bool(fields["MaxPasswordAge"].map { !$0.isNull } ?? false)
                return ["PasswordPolicy": .object(fields)]
            }),
        op(
            "UpdateAccountPasswordPolicy",
            passwordPolicy.members.filter { $0.name != "ExpirePasswords" }, [],
            .change { call, inventory throws(AWSError) in
                let policy = inventory.resources(ofType: "aws.iam-password-policy").first { $0.account == call.account }
                guard let policy else {
                    throw AWSError(
                        code: "NoSuchEntity",
                        message: "remsim's cloud holds no password policy for \(call.account) to replace")
                }
                return PlannedCall(
                    operation: "iam:UpdateAccountPasswordPolicy", resourceId: policy.id, parameters: call.parameters,
                    answer: .emptyObject)
            }),
        // remsim models no account alias: every account is one without, as a new account is.
        op(
            "ListAccountAliases", paging, [Member("AccountAliases", .list(.string))] + pageOut,
            .read { call, _ throws(AWSError) in try page([], "AccountAliases", call) }),
        // The report is made from the users as they are when it is asked for: it is always ready.
        op(
            "GenerateCredentialReport", [], [Member("State", .string), Member("Description", .string)],
            .read { _, _ in ["State": "COMPLETE"] }),
        op(
            "GetCredentialReport", [],
            [Member("Content", .blob), Member("ReportFormat", .string), Member("GeneratedTime", .timestamp)],
            .identityAndRead { call, now, inventory in
                let csv = credentialReport(users(call, inventory))
                return [
                    "Content": .string(Data(csv.utf8).base64EncodedString()), "ReportFormat": "text/csv",
                    "GeneratedTime": .string(now.iso8601),
                ]
            }),
    ]

    static func users(_ call: AWSCall, _ inventory: Inventory) -> [Resource] {
        inventory.resources(ofType: "aws.iam-user").filter { $0.account == call.account }.sorted { $0.name < $1.name }
    }

    static func find(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Resource {
        guard let name = call.string("UserName") else {
            // Without a name IAM answers for the caller, which remsim does not hold as a user.
            throw AWSError(
                code: "ValidationError", message: "remsim's endpoint needs UserName: the caller is not a modelled user")
        }
        guard let user = users(call, inventory).first(where: { $0.name == name }) else {
            throw AWSError(code: "NoSuchEntity", message: "The user with name \(name) cannot be found.")
        }
        return user
    }

    /// A user as IAM describes it: what remsim holds, with the fields IAM always gives.
    static func describe(_ user: Resource) -> Fields {
        var fields = user.properties.objectValue ?? Fields()
        fields["UserName"] = .string(user.name)
        fields["Path"] = fields["Path"] ?? "/"
        fields["Arn"] = fields["Arn"] ?? .string("arn:aws:iam::\(user.account):user/\(user.name)")
        fields["UserId"] =
            fields["UserId"]
            ?? .string(
                "AIDA"
                    + String(
                        user.id.utf8.reduce(UInt64(14_695_981_039_346_656_037)) {
                            ($0 ^ UInt64($1)) &* 1_099_511_628_211
                        }, radix: 36
                    ).uppercased())
        return fields
    }

    /// `ListUsers` leaves tags out, `GetUser` gives them.
    static func described(_ user: Resource, tags: Bool) -> Value {
        var fields = describe(user)
        if tags, !user.tags.isEmpty { fields["Tags"] = EC2Filters.tagList(user.tags) }
        return .object(fields)
    }

    /// `Marker`/`MaxItems` paging, as IAM's list calls have it.
    static func page(_ items: [Value], _ key: String, _ call: AWSCall) throws(AWSError) -> Value {
        var answer = try Paging(
            token: "Marker", size: "MaxItems", defaultSize: 100, sizes: 1...1000,
            badToken: { AWSError(code: "ValidationError", message: "Invalid Marker: \($0)") },
            badSize: { AWSError(code: "ValidationError", message: "MaxItems must be between 1 and 1000, not \($0)") }
        ).answer(items, call, into: key, next: "Marker") { $0 }
        answer["IsTruncated"] = .bool(answer["Marker"] != nil)
        return .object(answer)
    }

    /// The credential report's CSV, its columns as IAM writes them, from the users' rows as
    /// Custodian reads them (`CredentialReport`).
    static func credentialReport(_ users: [Resource]) -> String {
        let header = [
            "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
            "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
            "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
            "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
            "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
            "cert_2_active", "cert_2_last_rotated",
        ]
        var lines = [header.joined(separator: ",")]
        func text(_ v: Value?, _ none: String = "N/A") -> String {
            switch v {
            case .string(let s)?: s
            case .bool(let b)?: b ? "true" : "false"
            default: none
            }
        }
        for user in users {
            let row = CredentialReport.row(.object(describe(user)))
            let password = row["password_enabled"]?.boolValue == true
            var cells = [
                text(row["user"]), text(row["arn"]), text(row["user_creation_time"]), text(row["password_enabled"]),
                password ? text(row["password_last_used"], "no_information") : "N/A", "N/A", "N/A",
                text(row["mfa_active"]),
            ]
            let keys = row["access_keys"]?.arrayValue ?? []
            for slot in 0..<2 {
                let key: Value? = slot < keys.count ? Optional(keys[slot]) : nil
                cells += [
                    key.map { text($0["active"]) } ?? "false", text(key?["last_rotated"]),
                    text(key?["last_used_date"]), text(key?["last_used_region"]), text(key?["last_used_service"]),
                ]
            }
            cells += ["false", "N/A", "false", "N/A"]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }
}
