import CloudModel

/// Lambda on the wire (REST-JSON): the functions' configuration and tags, and
/// `UpdateFunctionConfiguration` as remsim models it (tracing, runtime). Only `$LATEST` is
/// modelled: remsim keeps no published versions.
package enum LambdaService {
    static let configuration: Shape = .structure([
        Member("FunctionName", .string), Member("FunctionArn", .string), Member("Runtime", .string),
        Member("Role", .string), Member("Handler", .string), Member("CodeSize", .long),
        Member("Description", .string), Member("Timeout", .integer), Member("MemorySize", .integer),
        Member("LastModified", .string), Member("CodeSha256", .string), Member("Version", .string),
        Member(
            "VpcConfig",
            .structure([
                Member("SubnetIds", .list(.string)), Member("SecurityGroupIds", .list(.string)),
                Member("VpcId", .string),
            ])),
        Member("Environment", .structure([Member("Variables", .map(.string))])), Member("KMSKeyArn", .string),
        Member("TracingConfig", .structure([Member("Mode", .string)])), Member("RevisionId", .string),
        Member("State", .string), Member("LastUpdateStatus", .string), Member("PackageType", .string),
        Member("Architectures", .list(.string)),
    ])
    static let functionName = Member("FunctionName", .string, location: "FunctionName", placement: .uri)
    static let qualifier = Member("Qualifier", .string, location: "Qualifier", placement: .querystring)

    static func op(
        _ action: String, _ method: String, _ uri: String, _ input: [Member], _ output: [Member],
        _ handling: AWSOperation.Handling
    ) -> AWSOperation {
        AWSOperation(
            service: "lambda", action: action, input: .structure(input), output: .structure(output),
            handling: handling, route: .init(method, uri))
    }

    static func notFound(_ given: String) -> AWSError {
        AWSError(
            code: "ResourceNotFoundException",
            message: "Function not found: \(given.hasPrefix("arn:") ? given : "arn:aws:lambda:…:function:\(given)")",
            status: 404)
    }

    /// The caller's function of this region named by its name, its ARN or its partial ARN
    /// (`123456789012:function:NAME`), of `$LATEST` or unqualified.
    static func find(_ given: String, qualifier: String?, _ call: AWSCall, _ inventory: Inventory) throws(AWSError)
        -> Resource
    {
        var name = given
        var qualifier = qualifier
        if given.hasPrefix("arn:") {
            let parts = given.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 7 else { throw notFound(given) }
            name = String(parts[6])
            if parts.count > 7 { qualifier = String(parts[7]) }
        } else if given.contains(":function:") {
            let parts = given.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, parts[0] == Substring(call.account) else { throw notFound(given) }
            name = String(parts[2])
            if parts.count > 3 { qualifier = String(parts[3]) }
        }
        guard qualifier == nil || qualifier == "$LATEST" else { throw notFound(given) }
        guard
            let found = inventory.resources(ofType: "aws.lambda").first(where: {
                $0.account == call.account && $0.region == call.region && Self.name($0) == name
            })
        else { throw notFound(given) }
        return found
    }

    package static let operations: [AWSOperation] = [
        op(
            "ListFunctions", "GET", "/2015-03-31/functions",
            [
                Member("MasterRegion", .string, location: "MasterRegion", placement: .querystring),
                Member("FunctionVersion", .string, location: "FunctionVersion", placement: .querystring),
                Member("Marker", .string, location: "Marker", placement: .querystring),
                Member("MaxItems", .integer, location: "MaxItems", placement: .querystring),
            ],
            [Member("NextMarker", .string), Member("Functions", .list(configuration))],
            .read { call, inventory throws(AWSError) in
                let found = call.own("aws.lambda", in: inventory).sorted { name($0) < name($1) }
                let answer = try Paging(
                    token: "Marker", size: "MaxItems", defaultSize: 50, sizes: 1...10000,
                    badToken: { AWSError(code: "InvalidParameterValueException", message: "Invalid marker: \($0)") },
                    badSize: {
                        AWSError(
                            code: "InvalidParameterValueException", message: "MaxItems must be at least 1, not \($0)")
                    }
                ).answer(found, call, into: "Functions", next: "NextMarker", described)
                return .object(answer)
            }),
        op(
            "GetFunctionConfiguration", "GET", "/2015-03-31/functions/{FunctionName}/configuration",
            [functionName, qualifier], configuration.members,
            .read { call, inventory throws(AWSError) in
                described(
                    try find(call.string("FunctionName") ?? "", qualifier: call.string("Qualifier"), call, inventory))
            }),
        op(
            "GetFunction", "GET", "/2015-03-31/functions/{FunctionName}", [functionName, qualifier],
            [Member("Configuration", configuration), Member("Tags", .map(.string))],
            .read { call, inventory throws(AWSError) in
                let function = try find(
                    call.string("FunctionName") ?? "", qualifier: call.string("Qualifier"), call, inventory)
                return ["Configuration": described(function), "Tags": tags(function)]
            }),
        op(
            "ListTags", "GET", "/2017-03-31/tags/{Resource}",
            [Member("Resource", .string, location: "Resource", placement: .uri)], [Member("Tags", .map(.string))],
            .read { call, inventory throws(AWSError) in
                ["Tags": tags(try find(call.string("Resource") ?? "", qualifier: nil, call, inventory))]
            }),
        op(
            "UpdateFunctionConfiguration", "PUT", "/2015-03-31/functions/{FunctionName}/configuration",
            // Settings remsim does not model are declared, so that a call using them is refused
            // as not modelled rather than as unknown.
            [
                functionName, Member("Role", .string), Member("Handler", .string), Member("Description", .string),
                Member("Timeout", .integer), Member("MemorySize", .integer),
                Member("Environment", .structure([Member("Variables", .map(.string))])), Member("Runtime", .string),
                Member("KMSKeyArn", .string), Member("TracingConfig", .structure([Member("Mode", .string)])),
                Member("RevisionId", .string), Member("Layers", .list(.string)),
            ],
            configuration.members,
            .change { call, inventory throws(AWSError) in
                let function = try find(call.string("FunctionName") ?? "", qualifier: nil, call, inventory)
                // The catalog's operation names the function by name, whichever form the call used.
                let parameters = call.parameters.setting("FunctionName", to: .string(name(function)))
                return PlannedCall(
                    operation: "lambda:UpdateFunctionConfiguration", resourceId: function.id, parameters: parameters,
                    answer: .emptyObject,
                    answerAfter: { after in
                        // Lambda answers while the update is being applied.
                        (after[function.id].map(described) ?? .emptyObject).setting(
                            "LastUpdateStatus", to: "InProgress")
                    })
            }),
    ]

    static func name(_ r: Resource) -> String { r.properties["FunctionName"]?.stringValue ?? r.name }

    static func arn(_ r: Resource) -> String {
        r.properties["FunctionArn"]?.stringValue ?? "arn:aws:lambda:\(r.region):\(r.account):function:\(name(r))"
    }

    static func described(_ r: Resource) -> Value {
        var fields = r.properties.objectValue ?? Fields()
        fields["FunctionName"] = .string(name(r))
        fields["FunctionArn"] = .string(arn(r))
        fields["Version"] = fields["Version"] ?? "$LATEST"
        fields["State"] = fields["State"] ?? "Active"
        fields["LastUpdateStatus"] = fields["LastUpdateStatus"] ?? "Successful"
        fields["PackageType"] = fields["PackageType"] ?? "Zip"
        return .object(fields)
    }

    static func tags(_ r: Resource) -> Value {
        var fields = Fields()
        for (key, value) in r.tags.sorted(by: { $0.key < $1.key }) { fields[key] = .string(value) }
        return .object(fields)
    }
}
