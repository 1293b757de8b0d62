import CloudModel
import CloudOperations

/// One AWS operation the endpoint serves: its shapes, and what it does.
package struct AWSOperation: Sendable {
    /// The service's signing name (`ec2`, `sts`) and the action as the API names it.
    package var service: String
    package var action: String
    /// The request's members; `ShapeConformanceTests` holds them to botocore's model.
    package var input: Shape
    /// The members of the answer (inside `ActionResult` outside EC2).
    package var output: Shape
    package var handling: Handling
    /// How a REST protocol's request names it; nil for the query protocol, which names it by
    /// `Action`.
    package var route: Route?

    /// The model's `http` of a REST operation, and the root element of its XML answer.
    package struct Route: Sendable, Equatable {
        /// `GET`, `PUT`, `HEAD`, `DELETE`.
        package var method: String
        /// `/{Bucket}?acl`: the path's labels and the query string key that names the operation
        /// (`x-id`, which SDKs add to name an object operation, is not required).
        package var requestUri: String
        /// The root element of an XML answer without a payload member (`AccessControlPolicy`); nil
        /// for an answer with none, or whose payload member is the body.
        package var answerRoot: String?

        package init(_ method: String, _ requestUri: String, answerRoot: String? = nil) {
            self.method = method
            self.requestUri = requestUri
            self.answerRoot = answerRoot
        }

        /// `acl` of `/{Bucket}?acl`: the query key a request must carry; nil when none.
        package var subresource: String? {
            let key = requestUri.split(separator: "?", maxSplits: 1).dropFirst().first.map {
                String($0.split(separator: "&").first?.split(separator: "=").first ?? "")
            }
            return key == "x-id" ? nil : key
        }

        /// Whether the route names an object (`/{Bucket}/{Key+}`) rather than the bucket.
        package var namesObject: Bool { requestUri.contains("{Key+}") }
    }

    package enum Handling: Sendable {
        /// Answers from the resources as they are.
        case read(@Sendable (AWSCall, Inventory) throws(AWSError) -> Value)
        /// A call that changes the cloud: decoded into the operation remsim models (the same the
        /// engine issues), carried out by the backend, and answered with `answer` if it succeeds.
        case change(@Sendable (AWSCall, Inventory) throws(AWSError) -> PlannedCall)
        /// Answers from who is calling, not from the resources (STS).
        case identity(@Sendable (AWSCall, Timestamp) throws(AWSError) -> Value)
        /// Answers from the resources and the cloud's time (a report stamped when it was made).
        case identityAndRead(@Sendable (AWSCall, Timestamp, Inventory) throws(AWSError) -> Value)
        /// Answers from the resources and the objects remsim stored in buckets.
        case readObjects(@Sendable (AWSCall, Inventory, [String: [String: StoredObject]]) throws(AWSError) -> Value)
        /// Starts an Automation runbook (SSM): its steps, planned from the resources, are carried
        /// out in turn as `change`'s calls are, and the execution is kept for reads.
        case startAutomation(@Sendable (AWSCall, Inventory) throws(AWSError) -> [RunbookStep])
        /// Answers from the Automation executions started so far, by id.
        case readAutomations(@Sendable (AWSCall, [String: AutomationExecution]) throws(AWSError) -> Value)
    }

    package init(
        service: String, action: String, input: Shape, output: Shape, handling: Handling, route: Route? = nil
    ) {
        self.service = service
        self.action = action
        self.input = input
        self.output = output
        self.handling = handling
        self.route = route
    }

    /// `ec2:DescribeSecurityGroups`.
    package var name: String { "\(service):\(action)" }
}

/// A decoded request: who calls, where, and with what.
package struct AWSCall: Sendable {
    package var service: String
    package var action: String
    package var account: String
    package var region: String
    package var accessKey: String
    package var parameters: Value

    package init(
        service: String, action: String, account: String, region: String, accessKey: String, parameters: Value
    ) {
        self.service = service
        self.action = action
        self.account = account
        self.region = region
        self.accessKey = accessKey
        self.parameters = parameters
    }

    package func string(_ key: String) -> String? { parameters[key]?.stringValue }

    /// The caller's resources of `type` in the call's region: what a regional API shows it.
    func own(_ type: String, in inventory: Inventory) -> [Resource] {
        inventory.resources(ofType: type).filter { $0.account == account && $0.region == region }
    }

    /// The caller's resource of `type` with `id` in the call's region.
    func own(_ type: String, _ id: String, in inventory: Inventory) -> Resource? {
        inventory.resources(ofType: type).first { $0.id == id && $0.account == account && $0.region == region }
    }
    package func strings(_ key: String) -> [String] { parameters[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// One step of a runbook: its name in the document, and the call it makes.
package struct RunbookStep: Sendable {
    package var name: String
    package var call: PlannedCall

    package init(name: String, call: PlannedCall) {
        self.name = name
        self.call = call
    }
}

/// A changing call as remsim's model of the operation takes it.
package struct PlannedCall: Sendable {
    /// As the catalog names it: `ec2:RevokeSecurityGroupIngress`.
    package var operation: String
    /// The resource the call is for.
    package var resourceId: String
    package var parameters: Value
    /// What the API answers when the call succeeds.
    package var answer: Value
    /// Where the resource is, when that is not the region the call was signed for (an S3
    /// bucket is reached from any region).
    package var region: String?
    /// The answer, when it tells what the call made (the id of a new flow log): from the
    /// resources as a read sees them once the call succeeded.
    package var answerAfter: (@Sendable (Inventory) -> Value)?

    package init(
        operation: String, resourceId: String, parameters: Value, answer: Value, region: String? = nil,
        answerAfter: (@Sendable (Inventory) -> Value)? = nil
    ) {
        self.operation = operation
        self.resourceId = resourceId
        self.parameters = parameters
        self.answer = answer
        self.region = region
        self.answerAfter = answerAfter
    }
}
