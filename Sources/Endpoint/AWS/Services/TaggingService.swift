import CloudModel

/// The Resource Groups Tagging API on the wire (JSON 1.1): the tags of the resources remsim names
/// by ARN (RDS instances and snapshots, Lambda functions, KMS keys), read as Cloud Custodian reads
/// them for its `universal_taggable` types, and `TagResources`/`UntagResources` as remsim models
/// them.
package enum TaggingService {
    static let tagList: Shape = .list(.structure([Member("Key", .string), Member("Value", .string)]))
    static let failures: Shape = .map(
        .structure([Member("StatusCode", .integer), Member("ErrorCode", .string), Member("ErrorMessage", .string)]))

    static func op(
        _ action: String, _ input: [Member], _ output: [Member], _ handling: AWSOperation.Handling
    ) -> AWSOperation {
        AWSOperation(
            service: "tagging", action: action, input: .structure(input), output: .structure(output),
            handling: handling)
    }

    /// `rds:db`, `lambda:function`: the resource type filter an ARN answers to.
    static func typeFilter(of arn: String) -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6 else { return "" }
        let resource = parts[5].prefix { $0 != ":" && $0 != "/" }
        return "\(parts[2]):\(resource)"
    }

    /// The caller's resources of this region that the API reaches, by ARN.
    static func reachable(_ call: AWSCall, _ inventory: Inventory) -> [(arn: String, resource: Resource)] {
        AWSResourceARN.types.flatMap { type in
            inventory.resources(ofType: type).compactMap { r -> (String, Resource)? in
                guard r.account == call.account, r.region == call.region, let arn = AWSResourceARN.of(r) else {
                    return nil
                }
                return (arn, r)
            }
        }.sorted { $0.0 < $1.0 }
    }

    static func change(_ action: String, _ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> PlannedCall {
        let arns = call.strings("ResourceARNList")
        guard let first = arns.first else {
            throw AWSError(code: "InvalidParameterException", message: "ResourceARNList must name a resource")
        }
        let known = Set(reachable(call, inventory).map(\.arn))
        for arn in arns where !known.contains(arn) {
            // An ARN of a type remsim does not name by ARN is not modelled; one of a modelled type
            // that is not there is the API's error.
            guard AWSResourceARN.name(in: arn) != nil else {
                throw AWSError(
                    code: "NotImplemented", message: "remsim's endpoint does not model tagging \(arn) by ARN",
                    status: 501)
            }
        }
        return PlannedCall(
            operation: "tag:\(action)", resourceId: first, parameters: call.parameters,
            answer: ["FailedResourcesMap": .emptyObject])
    }

    package static let operations: [AWSOperation] = [
        op(
            "GetResources",
            [
                Member("PaginationToken", .string),
                Member(
                    "TagFilters", .list(.structure([Member("Key", .string), Member("Values", .list(.string))]))),
                Member("ResourcesPerPage", .integer), Member("TagsPerPage", .integer),
                Member("ResourceTypeFilters", .list(.string)), Member("ResourceARNList", .list(.string)),
            ],
            [
                Member("PaginationToken", .string),
                Member(
                    "ResourceTagMappingList",
                    .list(.structure([Member("ResourceARN", .string), Member("Tags", tagList)]))),
            ],
            .read { call, inventory throws(AWSError) in
                var found = reachable(call, inventory)
                let arns = call.strings("ResourceARNList")
                if !arns.isEmpty {
                    found = found.filter { arns.contains($0.arn) }
                } else {
                    // Without a list, the API gives the resources that have tags.
                    found = found.filter { !$0.resource.tags.isEmpty }
                }
                let types = call.strings("ResourceTypeFilters")
                if !types.isEmpty {
                    found = found.filter { entry in
                        let type = typeFilter(of: entry.arn)
                        return types.contains { $0 == type || $0 == String(type.prefix { $0 != ":" }) }
                    }
                }
                for filter in call.parameters["TagFilters"]?.arrayValue ?? [] {
                    let key = filter["Key"]?.stringValue ?? ""
                    let values = filter["Values"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    found = found.filter { entry in
                        entry.resource.tags[key].map { values.isEmpty || values.contains($0) } ?? false
                    }
                }
                let page = try Paging(
                    token: "PaginationToken", size: "ResourcesPerPage", defaultSize: 100, sizes: 1...100,
                    badToken: {
                        AWSError(code: "PaginationTokenExpiredException", message: "Invalid pagination token: \($0)")
                    },
                    badSize: {
                        AWSError(
                            code: "InvalidParameterException", message: "ResourcesPerPage must be 1 to 100, not \($0)")
                    }
                ).window(found.count, call)
                return [
                    "ResourceTagMappingList": .array(
                        found[page.range].map {
                            ["ResourceARN": .string($0.arn), "Tags": EC2Filters.tagList($0.resource.tags)]
                        }),
                    // The API always gives a token, empty on the last page.
                    "PaginationToken": .string(page.next ?? ""),
                ]
            }),
        op(
            "TagResources", [Member("ResourceARNList", .list(.string)), Member("Tags", .map(.string))],
            [Member("FailedResourcesMap", failures)],
            .change { call, inventory throws(AWSError) in try change("TagResources", call, inventory) }),
        op(
            "UntagResources", [Member("ResourceARNList", .list(.string)), Member("TagKeys", .list(.string))],
            [Member("FailedResourcesMap", failures)],
            .change { call, inventory throws(AWSError) in try change("UntagResources", call, inventory) }),
    ]
}
