import CloudModel

/// CloudWatch Logs on the wire (JSON 1.1): the account's log groups in the call's region, and
/// `CreateLogGroup`, the one call remsim models that makes a resource.
package enum LogsService {
    package static let operations: [AWSOperation] = [
        AWSOperation(
            service: "logs", action: "DescribeLogGroups",
            input: .structure([
                Member("logGroupNamePrefix", .string), Member("nextToken", .string), Member("limit", .integer),
            ]),
            output: .structure([
                Member(
                    "logGroups",
                    .list(
                        .structure([
                            Member("logGroupName", .string), Member("creationTime", .long),
                            Member("retentionInDays", .integer), Member("arn", .string), Member("kmsKeyId", .string),
                            Member("storedBytes", .long),
                        ]))), Member("nextToken", .string),
            ]),
            handling: .read { call, inventory throws(AWSError) in
                let prefix = call.string("logGroupNamePrefix") ?? ""
                let groups = inventory.resources(ofType: "aws.log-group").filter {
                    $0.account == call.account && $0.region == call.region && name($0).hasPrefix(prefix)
                }.sorted { name($0) < name($1) }.map { group -> Value in
                    var fields = group.properties.objectValue ?? Fields()
                    fields["logGroupName"] = .string(name(group))
                    // The ARN Logs describes a group by ends in `:*`.
                    let arn =
                        fields["arn"]?.stringValue
                        ?? "arn:aws:logs:\(group.region):\(group.account):log-group:\(name(group))"
                    fields["arn"] = .string(arn.hasSuffix(":*") ? arn : arn + ":*")
                    return .object(fields)
                }
                let answer = try Paging(
                    token: "nextToken", size: "limit", defaultSize: 50, sizes: 1...50,
                    badToken: { AWSError(code: "InvalidParameterException", message: "Invalid nextToken: \($0)") },
                    badSize: { _ in
                        AWSError(code: "InvalidParameterException", message: "limit must be between 1 and 50")
                    }
                ).answer(groups, call, into: "logGroups", next: "nextToken") { $0 }
                return .object(answer)
            }),
        AWSOperation(
            service: "logs", action: "CreateLogGroup",
            input: .structure([Member("logGroupName", .string), Member("kmsKeyId", .string)]),
            output: .structure([]),
            handling: .change { call, inventory throws(AWSError) in
                guard let name = call.string("logGroupName"), !name.isEmpty else {
                    throw AWSError(code: "InvalidParameterException", message: "logGroupName is required")
                }
                return PlannedCall(
                    operation: "logs:CreateLogGroup",
                    resourceId: "arn:aws:logs:\(call.region):\(call.account):log-group:\(name)",
                    parameters: call.parameters, answer: .emptyObject)
            }),
    ]

    static func name(_ group: Resource) -> String { group.properties["logGroupName"]?.stringValue ?? group.name }
}
