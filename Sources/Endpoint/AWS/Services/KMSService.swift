import CloudModel

/// KMS on the wire (JSON 1.1): the account's keys in the call's region, their aliases and
/// rotation, found by id, ARN, alias name or alias ARN as KMS finds them; and turning rotation on.
package enum KMSService {
    static let keyMetadata: Shape = .structure(
        [
            Member("AWSAccountId", .string), Member("KeyId", .string), Member("Arn", .string),
            Member("CreationDate", .timestamp), Member("Enabled", .boolean), Member("Description", .string),
            Member("KeyUsage", .string), Member("KeyState", .string), Member("Origin", .string),
            Member("KeyManager", .string), Member("KeySpec", .string), Member("MultiRegion", .boolean),
        ])
    static let paging = [Member("Limit", .integer), Member("Marker", .string)]
    static let pageOut = [Member("NextMarker", .string), Member("Truncated", .boolean)]

    static func op(
        _ action: String, _ input: [Member], _ output: [Member], _ handling: AWSOperation.Handling
    ) -> AWSOperation {
        AWSOperation(
            service: "kms", action: action, input: .structure(input), output: .structure(output), handling: handling)
    }

    package static let operations: [AWSOperation] = [
        op(
            "ListKeys", paging,
            [Member("Keys", .list(.structure([Member("KeyId", .string), Member("KeyArn", .string)])))] + pageOut,
            .read { call, inventory throws(AWSError) in
                try page(
                    keys(call, inventory).map { ["KeyId": .string(keyId($0)), "KeyArn": .string(arn($0))] }, "Keys",
                    call)
            }),
        op(
            "DescribeKey", [Member("KeyId", .string), Member("GrantTokens", .list(.string))],
            [Member("KeyMetadata", keyMetadata)],
            .read { call, inventory throws(AWSError) in
                let key = try find(call, inventory)
                var meta = key.properties.objectValue ?? Fields()
                meta["AWSAccountId"] = .string(key.account)
                meta["KeyId"] = .string(keyId(key))
                meta["Arn"] = .string(arn(key))
                meta["Enabled"] =
                    meta["Enabled"] ?? .bool(meta["KeyState"]?.stringValue.map { $0 == "Enabled" } ?? true)
                return ["KeyMetadata": .object(meta)]
            }),
        op(
            "GetKeyRotationStatus", [Member("KeyId", .string)],
            [Member("KeyRotationEnabled", .boolean), Member("KeyId", .string)],
            .read { call, inventory throws(AWSError) in
                let key = try find(call, inventory)
                return [
                    "KeyRotationEnabled": .bool(key.properties["KeyRotationEnabled"]?.boolValue ?? false),
                    "KeyId": .string(keyId(key)),
                ]
            }),
        op(
            "ListAliases", [Member("KeyId", .string)] + paging,
            [
                Member(
                    "Aliases",
                    .list(
                        .structure([
                            Member("AliasName", .string), Member("AliasArn", .string), Member("TargetKeyId", .string),
                        ])))
            ] + pageOut,
            .read { call, inventory throws(AWSError) in
                var keys = keys(call, inventory)
                if call.string("KeyId") != nil { keys = [try find(call, inventory)] }
                let aliases = keys.flatMap { key in
                    Self.aliases(key).map { alias -> Value in
                        [
                            "AliasName": .string(alias),
                            "AliasArn": .string("arn:aws:kms:\(key.region):\(key.account):\(alias)"),
                            "TargetKeyId": .string(keyId(key)),
                        ]
                    }
                }
                return try page(aliases, "Aliases", call)
            }),
        op(
            "EnableKeyRotation", [Member("KeyId", .string)], [],
            .change { call, inventory throws(AWSError) in
                let key = try find(call, inventory)
                return PlannedCall(
                    operation: "kms:EnableKeyRotation", resourceId: key.id, parameters: ["KeyId": .string(keyId(key))],
                    answer: .emptyObject)
            }),
    ]

    static func keys(_ call: AWSCall, _ inventory: Inventory) -> [Resource] {
        call.own("aws.kms-key", in: inventory)
            .sorted { keyId($0) < keyId($1) }
    }

    static func keyId(_ key: Resource) -> String { key.properties["KeyId"]?.stringValue ?? key.id }

    /// The key's aliases: its name when it is one (`alias/prod-data`), and `AliasNames`.
    static func aliases(_ key: Resource) -> [String] {
        let named = key.name.hasPrefix("alias/") ? [key.name] : []
        let more = key.properties["AliasNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return named + more.filter { !named.contains($0) }
    }

    static func arn(_ key: Resource) -> String {
        key.properties["Arn"]?.stringValue ?? "arn:aws:kms:\(key.region):\(key.account):key/\(keyId(key))"
    }

    /// The key `KeyId` names: its id, its ARN, its alias (`alias/NAME`) or the alias's ARN.
    static func find(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Resource {
        guard let given = call.string("KeyId"), !given.isEmpty else {
            throw AWSError(code: "ValidationException", message: "KeyId is required")
        }
        let found = keys(call, inventory).first { key in
            given == keyId(key) || given == arn(key)
                || aliases(key).contains { given == $0 || given == "arn:aws:kms:\(key.region):\(key.account):\($0)" }
        }
        guard let found else {
            throw AWSError(
                code: "NotFoundException",
                message: given.hasPrefix("alias/") || given.contains(":alias/")
                    ? "Alias \(given) is not found." : "Key '\(given)' does not exist")
        }
        return found
    }

    /// `Limit`/`Marker` paging, as KMS's list calls have it.
    static func page(_ items: [Value], _ key: String, _ call: AWSCall) throws(AWSError) -> Value {
        var answer = try Paging(
            token: "Marker", size: "Limit", defaultSize: 100, sizes: 1...1000,
            badToken: { AWSError(code: "InvalidMarkerException", message: "Invalid marker: \($0)") },
            badSize: { AWSError(code: "ValidationException", message: "Limit must be between 1 and 1000, not \($0)") }
        ).answer(items, call, into: key, next: "NextMarker") { $0 }
        answer["Truncated"] = .bool(answer["NextMarker"] != nil)
        return .object(answer)
    }
}
