/// An error as an AWS service returns it: the code SDKs switch on (and retry on, for throttling),
/// a message, and the HTTP status that goes with the code.
package struct AWSError: Error, Sendable, Equatable {
    package var code: String
    package var message: String
    package var status: Int

    package init(code: String, message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status ?? Self.status(of: code)
    }

    /// The status AWS gives a code: throttling as SDKs expect it, so their retries run; denial as
    /// 403; a request the endpoint does not serve as 501; anything else as the client's fault.
    static func status(of code: String) -> Int {
        switch code {
        case "RequestLimitExceeded", "SlowDown", "ServiceUnavailable": 503
        case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure",
            "MissingAuthenticationToken":
            403
        case "NotImplemented": 501
        case "DryRunOperation": 412
        case "InternalFailure", "InternalError": 500
        case "NoSuchBucket", "NoSuchKey", "ResourceNotFoundException", "NoSuchEntity": 404
        // S3's missing bucket settings: `NoSuchTagSet`, `ServerSideEncryptionConfigurationNotFoundError`.
        case _ where code.hasPrefix("NoSuch") || code.hasSuffix("NotFoundError"): 404
        default: 400
        }
    }

    static func unserved(_ service: String, _ action: String) -> AWSError {
        AWSError(
            code: "InvalidAction",
            message: "remsim's endpoint does not serve \(service):\(action)",
            status: 400)
    }
}
