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
    }

    package init(service: String, action: String, input: Shape, output: Shape, handling: Handling) {
        self.service = service
        self.action = action
        self.input = input
        self.output = output
        self.handling = handling
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
    package func strings(_ key: String) -> [String] { parameters[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
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

    package init(operation: String, resourceId: String, parameters: Value, answer: Value) {
        self.operation = operation
        self.resourceId = resourceId
        self.parameters = parameters
        self.answer = answer
    }
}
