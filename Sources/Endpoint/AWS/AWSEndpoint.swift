import CloudModel
import CloudOperations
import RemediationEngine

/// The simulated cloud on the AWS wire: takes a request as an AWS SDK, the AWS CLI or Cloud
/// Custodian sends it, and answers as AWS would, from and onto an `EndpointBackend`.
///
/// Requests are routed by the service their signature names. A changing call becomes the same
/// `CloudOperation` remsim's own engine issues, so it meets the same model, faults and audit
/// log; a request for an operation not served is answered with an AWS-shaped error naming it,
/// and reported to the backend; never with a made-up success.
package struct AWSEndpoint: Sendable {
    /// The account of a caller whose key names none (`AKIA…` keys of remsim's form name one).
    package var defaultAccount: String
    /// Who the cloud's audit log says made the calls (the scenario's name for the engine).
    package var actor: String
    package let operations: [String: AWSOperation]
    /// The operations of the REST protocols' services (S3), by service, found by their routes.
    let restOperations: [String: [AWSOperation]]

    package init(defaultAccount: String, actor: String = "endpoint", operations: [AWSOperation] = AWSEndpoint.served) {
        self.defaultAccount = defaultAccount
        self.actor = actor
        self.operations = Dictionary(operations.map { ($0.name, $0) }) { a, _ in a }
        self.restOperations = Dictionary(grouping: operations.filter { $0.route != nil }, by: \.service)
    }

    /// Every operation the endpoint serves.
    package static let served: [AWSOperation] =
        EC2Service.operations + EC2Service.networkOperations + EC2Service.computeOperations + STSService.operations
        + IAMService.operations + IAMService.roleOperations
        + S3Service.operations
        + KMSService.operations + CloudTrailService.operations + LogsService.operations + RDSService.operations
        + RedshiftService.operations + ELBv2Service.operations + LambdaService.operations
        + TaggingService.operations + SSMService.operations

    /// The query protocol's services: their XML namespace, and whether they speak EC2's dialect.
    static let queryServices: [String: (namespace: String, dialect: QueryDecoder.Dialect)] = [
        "ec2": ("http://ec2.amazonaws.com/doc/2016-11-15/", .ec2),
        "sts": ("https://sts.amazonaws.com/doc/2011-06-15/", .query),
        "iam": ("https://iam.amazonaws.com/doc/2010-05-08/", .query),
        "rds": ("http://rds.amazonaws.com/doc/2014-10-31/", .query),
        "redshift": ("http://redshift.amazonaws.com/doc/2012-12-01/", .query),
        "elasticloadbalancing": ("http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", .query),
    ]

    package func respond(to request: WireRequest, backend: inout some EndpointBackend) -> WireResponse {
        let number = backend.nextRequestNumber()
        let requestId = Self.requestId(number)
        guard let scope = SignatureScope(request) else {
            return Self.queryError(
                AWSError(
                    code: "MissingAuthenticationToken",
                    message: "Request is missing Authentication Token: sign it with AWS Signature Version 4"),
                ec2: false, requestId: requestId)
        }
        if let prefix = Self.jsonServices[scope.service] {
            return respondJSON(
                to: request, scope: scope, prefix: prefix, number: number, requestId: requestId, backend: &backend)
        }
        if Self.restJSONServices.contains(scope.service) {
            return respondRESTJSON(to: request, scope: scope, number: number, requestId: requestId, backend: &backend)
        }
        if restOperations[scope.service] != nil {
            return respondRESTXML(to: request, scope: scope, number: number, requestId: requestId, backend: &backend)
        }
        guard let (namespace, dialect) = Self.queryServices[scope.service] else {
            backend.refused(
                RefusedRequest(
                    service: scope.service,
                    operation: request.header("x-amz-target") ?? "\(request.method) \(request.path)",
                    reason: "service not served"))
            return Self.otherProtocolError(
                AWSError(
                    code: scope.service == "s3" ? "NotImplemented" : "UnknownOperationException",
                    message: "remsim's endpoint does not serve the \(scope.service) service yet"),
                request: request, requestId: requestId)
        }
        var pairs = request.query
        if request.method == "POST" { pairs += FormEncoding.decode(String(decoding: request.body, as: UTF8.self)) }
        let ec2 = dialect == .ec2
        guard let action = pairs.last(where: { $0.name == "Action" })?.value, !action.isEmpty else {
            return Self.queryError(
                AWSError(code: "MissingAction", message: "The request must contain the parameter Action"), ec2: ec2,
                requestId: requestId)
        }
        guard let operation = operations["\(scope.service):\(action)"] else {
            backend.refused(RefusedRequest(service: scope.service, operation: action, reason: "operation not served"))
            return Self.queryError(.unserved(scope.service, action), ec2: ec2, requestId: requestId)
        }
        do {
            let parameters = try Self.decode(pairs, operation.input, dialect)
            let call = AWSCall(
                service: scope.service, action: action,
                account: SignatureScope.account(inKey: scope.accessKey) ?? defaultAccount, region: scope.region,
                accessKey: scope.accessKey, parameters: parameters)
            let answer = try perform(operation, call, number: number, backend: &backend)
            var xml = XMLWriter()
            xml.open("\(action)Response", namespace: namespace)
            if ec2 {
                xml.element("requestId", requestId)
                xml.members(answer, operation.output.members)
            } else {
                xml.open("\(action)Result")
                xml.members(answer, operation.output.members)
                xml.close("\(action)Result")
                xml.open("ResponseMetadata")
                xml.element("RequestId", requestId)
                xml.close("ResponseMetadata")
            }
            xml.close("\(action)Response")
            return WireResponse(
                status: 200, headers: ["Content-Type": "text/xml", "x-amzn-RequestId": requestId],
                body: Array(xml.text.utf8))
        } catch {
            return Self.queryError(error, ec2: ec2, requestId: requestId)
        }
    }

    private static func decode(
        _ pairs: [(name: String, value: String)], _ shape: Shape, _ dialect: QueryDecoder.Dialect
    ) throws(AWSError) -> Value {
        do {
            return try QueryDecoder.decode(pairs, shape: shape, dialect: dialect, ignoring: ["Action", "Version"])
        } catch {
            throw AWSError(code: error.code, message: error.message)
        }
    }

    /// Carries out a decoded call, in whichever protocol it came. A form of a served operation the
    /// endpoint does not model (`NotImplemented`: a parameter remsim's model of the operation does
    /// not read, a setting it cannot describe) is reported as not served, as well as answered.
    func perform(
        _ operation: AWSOperation, _ call: AWSCall, number: Int, backend: inout some EndpointBackend
    ) throws(AWSError) -> Value {
        do {
            return try carryOut(operation, call, number: number, backend: &backend)
        } catch {
            if error.code == "NotImplemented" {
                backend.refused(RefusedRequest(service: call.service, operation: call.action, reason: error.message))
            }
            throw error
        }
    }

    private func carryOut(
        _ operation: AWSOperation, _ call: AWSCall, number: Int, backend: inout some EndpointBackend
    ) throws(AWSError) -> Value {
        switch operation.handling {
        case .read(let read):
            return try read(call, backend.inventory)
        case .identity(let answer):
            return try answer(call, backend.now)
        case .identityAndRead(let answer):
            return try answer(call, backend.now, backend.inventory)
        case .readObjects(let read):
            return try read(call, backend.inventory, backend.objects)
        case .change(let plan):
            let planned = try plan(call, backend.inventory)
            if call.parameters["DryRun"]?.boolValue == true {
                try Self.check(planned)
                throw AWSError(
                    code: "DryRunOperation", message: "Request would have succeeded, but DryRun flag is set.")
            }
            return try land(planned, call, number: number, backend: &backend)
        case .startAutomation(let plan):
            let steps = try plan(call, backend.inventory)
            for step in steps { try Self.check(step.call) }
            var execution = AutomationExecution(
                id: Self.executionId(number), document: call.string("DocumentName") ?? "",
                parameters: call.parameters["Parameters"] ?? .emptyObject, account: call.account,
                region: call.region, started: backend.now)
            // The runbook's steps run in turn, each a call of its own; the first to fail ends the
            // execution, as Automation's `onFailure: Abort` does.
            for (i, step) in steps.enumerated() {
                let stepNumber = i == 0 ? number : backend.nextRequestNumber()
                do {
                    _ = try land(step.call, call, number: stepNumber, backend: &backend)
                    execution.steps.append(.init(name: step.name, status: "Success", failure: nil))
                } catch {
                    execution.steps.append(.init(name: step.name, status: "Failed", failure: error.message))
                    execution.failure =
                        "Step fails when it is executing/canceling action. \(error.code): \(error.message)"
                    break
                }
            }
            execution.ended = backend.now
            backend.record(execution)
            return ["AutomationExecutionId": .string(execution.id)]
        case .readAutomations(let read):
            return try read(call, backend.automations)
        }
    }

    /// What the catalog's model of the operation does not read would be dropped without a word:
    /// such a call is refused, never carried out in part.
    static func check(_ planned: PlannedCall) throws(AWSError) {
        guard let spec = OperationCatalog.spec(named: planned.operation) else { return }
        let read = Set(spec.parameterNames + ["DryRun"])
        if let other = planned.parameters.objectValue?.entries.map(\.key).first(where: { !read.contains($0) }) {
            throw AWSError(
                code: "NotImplemented", message: "remsim's endpoint does not model \(planned.operation)'s \(other)",
                status: 501)
        }
    }

    /// Hands a planned change to the backend, as the operation remsim's engine would issue, and
    /// answers as the API does once it succeeded.
    private func land(
        _ planned: PlannedCall, _ call: AWSCall, number: Int, backend: inout some EndpointBackend
    ) throws(AWSError) -> Value {
        try Self.check(planned)
        let parts = planned.operation.split(separator: ":", maxSplits: 1).map(String.init)
        let service = parts.first ?? ""
        let action = parts.count > 1 ? parts[1] : ""
        let op = CloudOperation(
            callId: number, name: planned.operation, cloud: .aws, account: call.account,
            region: planned.region ?? call.region,
            resourceId: planned.resourceId, parameters: planned.parameters,
            command: ShellCommand(
                ["aws", "--region", planned.region ?? call.region]
                    + CommandRenderer.awsWords(service: service, action: action, parameters: planned.parameters)),
            actor: backend.actor ?? actor)
        switch backend.call(op) {
        case .succeeded: return planned.answerAfter.map { $0(backend.inventory) } ?? planned.answer
        case .failed(let code, let message): throw AWSError(code: code, message: message)
        }
    }

    /// An Automation execution id of SSM's form (a UUID), from the request's number.
    static func executionId(_ number: Int) -> String {
        let hex = String(UInt64(truncatingIfNeeded: number), radix: 16)
        return "0a0e0000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    /// `00000000-0000-4000-8000-00000000002a`: a request id of AWS's form, from its number.
    static func requestId(_ number: Int) -> String {
        let hex = String(UInt64(truncatingIfNeeded: number), radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }

    /// An error in the query protocol's XML: EC2's `<Response><Errors>` or the others'
    /// `<ErrorResponse>`.
    static func queryError(_ error: AWSError, ec2: Bool, requestId: String) -> WireResponse {
        var xml = XMLWriter()
        if ec2 {
            xml.open("Response")
            xml.open("Errors")
            xml.open("Error")
            xml.element("Code", error.code)
            xml.element("Message", error.message)
            xml.close("Error")
            xml.close("Errors")
            xml.element("RequestID", requestId)
            xml.close("Response")
        } else {
            xml.open("ErrorResponse")
            xml.open("Error")
            xml.element("Type", error.status >= 500 ? "Receiver" : "Sender")
            xml.element("Code", error.code)
            xml.element("Message", error.message)
            xml.close("Error")
            xml.element("RequestId", requestId)
            xml.close("ErrorResponse")
        }
        return WireResponse(
            status: error.status, headers: ["Content-Type": "text/xml", "x-amzn-RequestId": requestId],
            body: Array(xml.text.utf8))
    }

    /// An error for a service of another protocol: JSON for the JSON protocols (those with an
    /// `X-Amz-Target`, and Lambda's REST), S3's XML otherwise.
    static func otherProtocolError(_ error: AWSError, request: WireRequest, requestId: String) -> WireResponse {
        if request.header("x-amz-target") != nil || request.header("content-type")?.contains("json") == true {
            return jsonError(error, requestId: requestId)
        }
        var xml = XMLWriter()
        xml.open("Error")
        xml.element("Code", error.code)
        xml.element("Message", error.message)
        xml.element("RequestId", requestId)
        xml.close("Error")
        return WireResponse(
            status: error.code == "NotImplemented" ? 501 : error.status,
            headers: ["Content-Type": "application/xml", "x-amz-request-id": requestId], body: Array(xml.text.utf8))
    }
}
