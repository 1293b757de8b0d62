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
    /// The operation as the protocol names it (`DescribeImages`), or what was seen of it.
    package var operation: String
    package var reason: String

    package init(service: String, operation: String, reason: String) {
        self.service = service
        self.operation = operation
        self.reason = reason
    }
}
