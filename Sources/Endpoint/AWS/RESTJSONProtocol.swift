import CloudModel

/// AWS's REST-JSON protocol, as Lambda speaks it (`PUT /2015-03-31/functions/{FunctionName}/
/// configuration`): the operation is named by the method and the path its model's `requestUri`
/// template matches; labels of the path, the query string and headers carry some members, the
/// JSON body the rest; answers are JSON, errors JSON with the code in `x-amzn-ErrorType`.
extension AWSEndpoint {
    /// The services that speak REST-JSON, by signing name.
    static let restJSONServices: Set<String> = ["lambda"]

    func respondRESTJSON(
        to request: WireRequest, scope: SignatureScope, number: Int, requestId: String,
        backend: inout some EndpointBackend
    ) -> WireResponse {
        var matched: (operation: AWSOperation, labels: [String: String])?
        for operation in restOperations[scope.service, default: []] {
            guard let route = operation.route, route.method == request.method,
                let labels = route.labels(of: request.path)
            else { continue }
            matched = (operation, labels)
            break
        }
        guard let (operation, labels) = matched else {
            let seen = "\(request.method) \(request.path)"
            backend.refused(RefusedRequest(service: scope.service, operation: seen, reason: "operation not served"))
            return Self.jsonError(
                AWSError(
                    code: "UnknownOperationException",
                    message: "remsim's endpoint does not serve \(scope.service)'s \(seen)",
                    status: 404),
                requestId: requestId, contentType: "application/json")
        }
        do throws(AWSError) {
            var fields = Fields()
            var bodyMembers: [Member] = []
            for member in operation.input.members {
                let location = member.location ?? member.name
                switch member.placement {
                case .uri:
                    if let label = labels[location] { fields[member.name] = .string(label) }
                case .querystring:
                    if let text = request.query.last(where: { $0.name == location })?.value {
                        fields[member.name] = try Self.restScalar(text, member)
                    }
                case .header:
                    if let text = request.header(location) { fields[member.name] = try Self.restScalar(text, member) }
                case .element, .attribute, .payload:
                    bodyMembers.append(member)
                }
            }
            let text = String(decoding: request.body, as: UTF8.self)
            if !text.isEmpty {
                let body: Value
                do {
                    body = try Value(json: text)
                } catch {
                    throw AWSError(code: "SerializationException", message: "The request body is not JSON")
                }
                for entry in try Self.decodeJSON(body, .structure(bodyMembers), path: "").objectValue?.entries ?? [] {
                    fields[entry.key] = entry.value
                }
            }
            let call = AWSCall(
                service: scope.service, action: operation.action,
                account: SignatureScope.account(inKey: scope.accessKey) ?? defaultAccount, region: scope.region,
                accessKey: scope.accessKey, parameters: .object(fields))
            let answer = try perform(operation, call, number: number, backend: &backend)
            return WireResponse(
                status: 200, headers: ["Content-Type": "application/json", "x-amzn-RequestId": requestId],
                body: Array(Self.encodeJSON(answer, operation.output).jsonText.utf8))
        } catch {
            return Self.jsonError(error, requestId: requestId, contentType: "application/json")
        }
    }
}

extension AWSOperation.Route {
    /// The labels of `path` (percent-encoded, as it arrived) if it is this route's: each `{Label}`
    /// one segment, decoded; `{Label+}` the rest of the path. Empty segments do not count, so a
    /// trailing slash names the same route.
    package func labels(of path: String) -> [String: String]? {
        let template = requestUri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? requestUri
        let expected = template.split(separator: "/")
        let given = path.split(separator: "/")
        var labels: [String: String] = [:]
        for (i, piece) in expected.enumerated() {
            guard piece.hasPrefix("{"), piece.hasSuffix("}") else {
                guard i < given.count, given[i] == piece else { return nil }
                continue
            }
            let name = piece.dropFirst().dropLast()
            if name.hasSuffix("+") {
                guard i < given.count else { return nil }
                labels[String(name.dropLast())] = FormEncoding.unescape(
                    given[i...].joined(separator: "/")[...], plusIsSpace: false)
                return labels
            }
            guard i < given.count, !given[i].isEmpty else { return nil }
            labels[String(name)] = FormEncoding.unescape(given[i], plusIsSpace: false)
        }
        return given.count == expected.count ? labels : nil
    }
}
