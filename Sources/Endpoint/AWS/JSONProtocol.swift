import CloudModel

/// AWS's JSON 1.1 protocol, as CloudTrail, KMS and CloudWatch Logs speak it: a `POST /` whose
/// `X-Amz-Target` names the operation (`TrentService.EnableKeyRotation`), the input a JSON
/// object of the API's member names, the answer one too (timestamps as epoch seconds), and an
/// error `{"__type": CODE, "message": …}`.
extension AWSEndpoint {
    /// The target prefix of each JSON service, by signing name.
    static let jsonServices: [String: String] = [
        "kms": "TrentService",
        "cloudtrail": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
        "logs": "Logs_20140328",
        "tagging": "ResourceGroupsTaggingAPI_20170126",
        "ssm": "AmazonSSM",
    ]

    func respondJSON(
        to request: WireRequest, scope: SignatureScope, prefix: String, number: Int, requestId: String,
        backend: inout some EndpointBackend
    ) -> WireResponse {
        let target = request.header("x-amz-target") ?? ""
        guard request.method == "POST", target.hasPrefix(prefix + "."), !target.dropFirst(prefix.count + 1).isEmpty
        else {
            return Self.jsonError(
                AWSError(code: "UnknownOperationException", message: "The X-Amz-Target '\(target)' names no operation"),
                requestId: requestId)
        }
        let action = String(target.dropFirst(prefix.count + 1))
        guard let operation = operations["\(scope.service):\(action)"] else {
            backend.refused(RefusedRequest(service: scope.service, operation: action, reason: "operation not served"))
            return Self.jsonError(
                AWSError(
                    code: "UnknownOperationException",
                    message: "remsim's endpoint does not serve \(scope.service):\(action)"),
                requestId: requestId)
        }
        do throws(AWSError) {
            let text = String(decoding: request.body, as: UTF8.self)
            let body: Value
            do {
                body = text.isEmpty ? .emptyObject : try Value(json: text)
            } catch {
                throw AWSError(code: "SerializationException", message: "The request body is not JSON")
            }
            let parameters = try Self.decodeJSON(body, operation.input, path: "")
            let call = AWSCall(
                service: scope.service, action: action,
                account: SignatureScope.account(inKey: scope.accessKey) ?? defaultAccount, region: scope.region,
                accessKey: scope.accessKey, parameters: parameters)
            let answer = try perform(operation, call, number: number, backend: &backend)
            return WireResponse(
                status: 200,
                headers: ["Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": requestId],
                body: Array(Self.encodeJSON(answer, operation.output).jsonText.utf8))
        } catch {
            return Self.jsonError(error, requestId: requestId)
        }
    }

    /// The input as the shape types it; a member the shape does not hold is refused, as AWS's
    /// validation refuses it.
    static func decodeJSON(_ value: Value, _ shape: Shape, path: String) throws(AWSError) -> Value {
        func invalid(_ what: String) -> AWSError {
            AWSError(code: "ValidationException", message: "\(path.isEmpty ? "the input" : path) \(what)")
        }
        switch shape {
        case .structure(let members):
            guard let fields = value.objectValue else { throw invalid("must be an object") }
            var out = Fields()
            for entry in fields.entries {
                guard let member = members.first(where: { $0.name == entry.key }) else {
                    throw AWSError(
                        code: "ValidationException",
                        message: "\(path.isEmpty ? "" : path + ".")\(entry.key) is not a parameter of this operation")
                }
                guard !entry.value.isNull else { continue }
                out[entry.key] = try decodeJSON(
                    entry.value, member.shape, path: path.isEmpty ? entry.key : "\(path).\(entry.key)")
            }
            return .object(out)
        case .list(let element, _), .flattened(let element):
            guard let items = value.arrayValue else { throw invalid("must be a list") }
            var out: [Value] = []
            for (i, item) in items.enumerated() { out.append(try decodeJSON(item, element, path: "\(path)[\(i)]")) }
            return .array(out)
        case .map(let element):
            guard let fields = value.objectValue else { throw invalid("must be an object") }
            var out = Fields()
            for entry in fields.entries {
                out[entry.key] = try decodeJSON(entry.value, element, path: "\(path).\(entry.key)")
            }
            return .object(out)
        case .integer, .long:
            guard let i = value.intValue else { throw invalid("must be an integer") }
            return .int(i)
        case .boolean:
            guard value.boolValue != nil else { throw invalid("must be true or false") }
            return value
        case .double, .timestamp:
            guard value.numberValue != nil else { throw invalid("must be a number") }
            return value
        case .string, .blob:
            guard value.stringValue != nil else { throw invalid("must be a string") }
            return value
        }
    }

    /// The answer's members the shape declares, timestamps as epoch seconds.
    static func encodeJSON(_ value: Value, _ shape: Shape) -> Value {
        switch shape {
        case .structure(let members):
            var out = Fields()
            for member in members {
                guard let v = value[member.name], !v.isNull else { continue }
                out[member.name] = encodeJSON(v, member.shape)
            }
            return .object(out)
        case .list(let element, _), .flattened(let element):
            return .array((value.arrayValue ?? []).map { encodeJSON($0, element) })
        case .map(let element):
            var out = Fields()
            for entry in value.objectValue?.entries ?? [] { out[entry.key] = encodeJSON(entry.value, element) }
            return .object(out)
        case .timestamp:
            if let text = value.stringValue, let t = Timestamp(iso8601: text) {
                return .double(Double(t.milliseconds) / 1000)
            }
            return value
        default:
            return value
        }
    }

    static func jsonError(
        _ error: AWSError, requestId: String, contentType: String = "application/x-amz-json-1.1"
    ) -> WireResponse {
        let body: Value = ["__type": .string(error.code), "message": .string(error.message)]
        return WireResponse(
            status: error.status,
            headers: [
                "Content-Type": contentType, "x-amzn-RequestId": requestId,
                "x-amzn-ErrorType": error.code,
            ], body: Array(body.jsonText.utf8))
    }
}
