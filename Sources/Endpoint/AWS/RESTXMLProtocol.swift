import CloudModel

/// AWS's REST-XML protocol, as S3 speaks it with path-style addressing (`GET /bucket?acl`): the
/// operation is named by the method, the path and the query key its model's `requestUri` has;
/// the bucket comes from the path, other members from headers and the query string, and the one
/// payload member is the XML body. Answers are XML (or the payload's text, a bucket policy's JSON),
/// errors S3's `<Error>`.
extension AWSEndpoint {
    static let s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

    func respondRESTXML(
        to request: WireRequest, scope: SignatureScope, number: Int, requestId: String,
        backend: inout some EndpointBackend
    ) -> WireResponse {
        let head = request.method == "HEAD"
        let segments = request.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true)
        let bucket = segments.first.map { FormEncoding.unescape($0, plusIsSpace: false) }
        let key = segments.count > 1 ? FormEncoding.unescape(segments[1], plusIsSpace: false) : nil
        let keys = Set(request.query.map(\.name))
        let candidates = restOperations[scope.service, default: []].filter { operation in
            guard let route = operation.route, route.method == request.method else { return false }
            guard route.namesObject == (key != nil), route.requestUri.hasPrefix("/{") == (bucket != nil) else {
                return false
            }
            return route.subresource.map(keys.contains) ?? true
        }
        // The operation whose query key the request carries, before the plain one.
        guard let operation = candidates.first(where: { $0.route?.subresource != nil }) ?? candidates.first else {
            let seen =
                "\(request.method) " + (bucket == nil ? "/" : key == nil ? "/{Bucket}" : "/{Bucket}/{Key+}")
                + (request.query.first.map { "?\($0.name)" } ?? "")
            backend.refused(RefusedRequest(service: scope.service, operation: seen, reason: "operation not served"))
            return Self.restXMLError(
                AWSError(
                    code: "NotImplemented",
                    message: "remsim's endpoint does not serve \(scope.service)'s \(seen)", status: 501),
                bucket: bucket, requestId: requestId, head: head)
        }
        do throws(AWSError) {
            let parameters = try Self.decodeREST(request, operation.input, bucket: bucket, key: key)
            let call = AWSCall(
                service: scope.service, action: operation.action,
                account: SignatureScope.account(inKey: scope.accessKey) ?? defaultAccount, region: scope.region,
                accessKey: scope.accessKey, parameters: parameters)
            let answer = try perform(operation, call, number: number, backend: &backend)
            return Self.restXMLAnswer(answer, operation, requestId: requestId, head: head)
        } catch {
            return Self.restXMLError(error, bucket: bucket, requestId: requestId, head: head)
        }
    }

    /// The request's members, from where each travels.
    static func decodeREST(_ request: WireRequest, _ shape: Shape, bucket: String?, key: String?) throws(AWSError)
        -> Value
    {
        var fields = Fields()
        for member in shape.members {
            let location = member.location ?? member.name
            switch member.placement {
            case .uri:
                let label = location == "Key" ? key : bucket
                if let label { fields[member.name] = .string(label) }
            case .header:
                if let text = request.header(location) { fields[member.name] = try restScalar(text, member) }
            case .querystring:
                if let text = request.query.last(where: { $0.name == location })?.value {
                    fields[member.name] = try restScalar(text, member)
                }
            case .payload:
                guard !request.body.isEmpty else { continue }
                fields[member.name] = try XMLReader.decode(request.body, shape: member.shape, rootName: location)
            case .element, .attribute:
                continue
            }
        }
        return .object(fields)
    }

    static func restScalar(_ text: String, _ member: Member) throws(AWSError) -> Value {
        switch member.shape {
        case .integer, .long:
            guard let i = Int(text) else {
                throw AWSError(code: "InvalidArgument", message: "\(member.location ?? member.name) must be an integer")
            }
            return .int(i)
        case .boolean: return .bool(text == "true")
        default: return .string(text)
        }
    }

    /// The answer: header members as headers; the payload member as the body (a structure as
    /// its element, a string as itself); else the answer's root element holding the members, or
    /// holding the text of its one member of the same name (`GetBucketLocation`'s).
    static func restXMLAnswer(_ answer: Value, _ operation: AWSOperation, requestId: String, head: Bool)
        -> WireResponse
    {
        var headers = ["x-amz-request-id": requestId, "x-amz-id-2": requestId]
        for member in operation.output.members where member.placement == .header {
            if let v = answer[member.name], !v.isNull {
                headers[member.location ?? member.name] = v.stringValue ?? v.jsonText
            }
        }
        guard !head else { return WireResponse(status: 200, headers: headers) }
        var xml = XMLWriter()
        if let payload = operation.output.members.first(where: { $0.placement == .payload }) {
            guard let value = answer[payload.name], !value.isNull else {
                return WireResponse(status: 200, headers: headers)
            }
            if case .structure = payload.shape {
                xml.write(value, payload.shape, as: payload.location ?? payload.name, namespace: s3Namespace)
            } else {
                // A bucket policy's JSON, an object's bytes: the body itself.
                headers["Content-Type"] = headers["Content-Type"] ?? "application/json"
                return WireResponse(status: 200, headers: headers, body: Array((value.stringValue ?? "").utf8))
            }
        } else if let root = operation.route?.answerRoot {
            let elements = operation.output.members.filter { $0.placement == .element }
            if elements.count == 1, elements[0].name == root, case .string = elements[0].shape {
                xml.element(root, answer[root]?.stringValue ?? "", namespace: s3Namespace)
            } else {
                xml.open(root, namespace: s3Namespace)
                xml.members(answer, operation.output.members)
                xml.close(root)
            }
        } else {
            return WireResponse(status: 200, headers: headers)
        }
        headers["Content-Type"] = "application/xml"
        return WireResponse(status: 200, headers: headers, body: Array(xml.text.utf8))
    }

    /// S3's `<Error>`, naming the bucket where there is one; a `HEAD` gets the status alone, as
    /// HTTP has it.
    static func restXMLError(_ error: AWSError, bucket: String?, requestId: String, head: Bool) -> WireResponse {
        let headers = ["Content-Type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": requestId]
        guard !head else { return WireResponse(status: error.status, headers: headers) }
        var xml = XMLWriter()
        xml.open("Error")
        xml.element("Code", error.code)
        xml.element("Message", error.message)
        if let bucket { xml.element("BucketName", bucket) }
        xml.element("RequestId", requestId)
        xml.element("HostId", requestId)
        xml.close("Error")
        return WireResponse(status: error.status, headers: headers, body: Array(xml.text.utf8))
    }
}
