import CloudModel
import RemediationEngine

/// The cloud an endpoint answers for: what its reads see, and where its changing calls land.
///
/// The endpoint decodes a request into the same `CloudOperation` the engine issues and hands it
/// here, so a call that arrives on the wire meets what the engine's calls meet: the scenario's
/// faults, the operation's model, the audit log. `LiveCloud` is the backend of `remsim serve`.
package protocol EndpointBackend {
    /// The resources as reads see them now.
    var inventory: Inventory { get }
    /// Carries out a call that changes the cloud and says what became of it.
    mutating func call(_ operation: CloudOperation) -> OperationOutcome
    /// Notes a request the endpoint does not serve, so that what a program needed and could not
    /// have is reported, not only answered with an error.
    mutating func refused(_ request: RefusedRequest)
    /// A fresh number for a request, unique within the backend: its call id, and its request id.
    mutating func nextRequestNumber() -> Int
    /// The cloud's time now: what it stamps on what it makes (an assumed role's expiry).
    var now: Timestamp { get }
    /// Who the calls are from now, when the backend knows better than the endpoint (the
    /// external engine running); nil for the endpoint's own actor.
    var actor: String? { get }
    /// The S3 objects remsim put in buckets (the violation reports handlers read), by bucket
    /// name and key. Objects are not part of remsim's model of the cloud: tools cannot put any.
    var objects: [String: [String: StoredObject]] { get }
    /// The SSM Automation executions started on the endpoint, by id.
    var automations: [String: AutomationExecution] { get }
    /// Keeps an execution once its steps have run.
    mutating func record(_ execution: AutomationExecution)
}

/// An SSM Automation runbook's execution, as its steps left it.
package struct AutomationExecution: Sendable, Hashable {
    package var id: String
    package var document: String
    /// The parameters it was started with (SSM's map of names to lists of strings).
    package var parameters: Value
    package var account: String
    package var region: String
    package var started: Timestamp
    package var ended: Timestamp?
    package var steps: [Step] = []
    /// Why it failed; nil when every step succeeded.
    package var failure: String?

    package struct Step: Sendable, Hashable {
        package var name: String
        /// `Success` or `Failed`.
        package var status: String
        package var failure: String?
    }

    package init(id: String, document: String, parameters: Value, account: String, region: String, started: Timestamp) {
        self.id = id
        self.document = document
        self.parameters = parameters
        self.account = account
        self.region = region
        self.started = started
    }

    /// `Success` or `Failed`, as SSM reports an execution that ended.
    package var status: String { failure == nil ? "Success" : "Failed" }
}

/// An S3 object remsim wrote: its bytes, their type, and when.
package struct StoredObject: Sendable, Hashable {
    package var body: [UInt8]
    package var contentType: String
    package var lastModified: Timestamp

    package init(body: [UInt8], contentType: String, lastModified: Timestamp) {
        self.body = body
        self.contentType = contentType
        self.lastModified = lastModified
    }

    /// An entity tag for the bytes (opaque, as S3's are to a client).
    package var etag: String {
        let hash = body.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + String(repeating: "0", count: 16) + "\""
    }
}

/// A request the endpoint answered with an error because it does not serve it.
package struct RefusedRequest: Sendable, Hashable {
    /// `ec2`, `s3`, …: the service the request was signed for or sent to.
    package var service: String
    /// The operation as the protocol names it (`DescribeKeyPairs`), or what was seen of it.
    package var operation: String
    package var reason: String

    package init(service: String, operation: String, reason: String) {
        self.service = service
        self.operation = operation
        self.reason = reason
    }
}
