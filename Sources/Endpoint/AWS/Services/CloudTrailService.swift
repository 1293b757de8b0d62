import CloudModel

/// CloudTrail on the wire (JSON 1.1): the account's trails as a region sees them (its own and
/// the multi-region trails of other regions, as shadow trails), and `UpdateTrail` as remsim
/// models it.
package enum CloudTrailService {
    static let trailMembers: [Member] = [
        Member("Name", .string), Member("S3BucketName", .string), Member("S3KeyPrefix", .string),
        Member("SnsTopicName", .string), Member("SnsTopicARN", .string), Member("IncludeGlobalServiceEvents", .boolean),
        Member("IsMultiRegionTrail", .boolean), Member("HomeRegion", .string), Member("TrailARN", .string),
        Member("LogFileValidationEnabled", .boolean), Member("CloudWatchLogsLogGroupArn", .string),
        Member("CloudWatchLogsRoleArn", .string), Member("KmsKeyId", .string),
        Member("HasCustomEventSelectors", .boolean), Member("IsOrganizationTrail", .boolean),
    ]

    package static let operations: [AWSOperation] = [
        AWSOperation(
            service: "cloudtrail", action: "DescribeTrails",
            input: .structure([Member("trailNameList", .list(.string)), Member("includeShadowTrails", .boolean)]),
            output: .structure([Member("trailList", .list(.structure(trailMembers)))]),
            handling: .read { call, inventory throws(AWSError) in
                var trails = trails(call, inventory)
                if call.parameters["includeShadowTrails"]?.boolValue == false {
                    trails = trails.filter { home($0) == call.region }
                }
                let names = call.strings("trailNameList")
                if !names.isEmpty {
                    trails = trails.filter { names.contains(name($0)) || names.contains(arn($0)) }
                }
                return ["trailList": .array(trails.map(described))]
            }),
        AWSOperation(
            service: "cloudtrail", action: "UpdateTrail",
            input: .structure(
                [
                    Member("Name", .string), Member("S3BucketName", .string), Member("S3KeyPrefix", .string),
                    Member("SnsTopicName", .string), Member("IncludeGlobalServiceEvents", .boolean),
                    Member("IsMultiRegionTrail", .boolean), Member("EnableLogFileValidation", .boolean),
                    Member("CloudWatchLogsLogGroupArn", .string), Member("CloudWatchLogsRoleArn", .string),
                    Member("KmsKeyId", .string), Member("IsOrganizationTrail", .boolean),
                ]),
            output: .structure(trailMembers.filter { !["HomeRegion", "HasCustomEventSelectors"].contains($0.name) }),
            handling: .change { call, inventory throws(AWSError) in
                let given = call.string("Name") ?? ""
                guard let trail = trails(call, inventory).first(where: { name($0) == given || arn($0) == given }) else {
                    throw AWSError(code: "TrailNotFoundException", message: "Unknown trail: \(given) for the user")
                }
                var parameters = call.parameters.objectValue ?? Fields()
                parameters["Name"] = .string(name(trail))
                // The answer: the trail as the call leaves it.
                var after = described(trail).objectValue ?? Fields()
                if let v = call.parameters["EnableLogFileValidation"] { after["LogFileValidationEnabled"] = v }
                if let v = call.parameters["IsMultiRegionTrail"] { after["IsMultiRegionTrail"] = v }
                if let v = call.parameters["KmsKeyId"] { after["KmsKeyId"] = v }
                return PlannedCall(
                    operation: "cloudtrail:UpdateTrail", resourceId: trail.id, parameters: .object(parameters),
                    answer: .object(after), region: home(trail))
            }),
    ]

    static func name(_ trail: Resource) -> String { trail.properties["Name"]?.stringValue ?? trail.name }
    static func home(_ trail: Resource) -> String { trail.properties["HomeRegion"]?.stringValue ?? trail.region }
    static func arn(_ trail: Resource) -> String {
        trail.properties["TrailARN"]?.stringValue
            ?? "arn:aws:cloudtrail:\(home(trail)):\(trail.account):trail/\(name(trail))"
    }

    /// The account's trails a region sees: its own, and every multi-region trail.
    static func trails(_ call: AWSCall, _ inventory: Inventory) -> [Resource] {
        inventory.resources(ofType: "aws.cloudtrail").filter { trail in
            trail.account == call.account
                && (home(trail) == call.region || trail.properties["IsMultiRegionTrail"]?.boolValue == true)
        }.sorted { name($0) < name($1) }
    }

    static func described(_ trail: Resource) -> Value {
        var fields = trail.properties.objectValue ?? Fields()
        fields["Name"] = .string(name(trail))
        fields["HomeRegion"] = .string(home(trail))
        fields["TrailARN"] = .string(arn(trail))
        return .object(fields)
    }
}
