import CloudModel
import RemediationEngine

/// What an endpoint is known not to do as AWS does, found by reading its source: a replay that
/// needs it is listed as not replayable with the reason, never reported as the simulator's
/// difference and never passed.
package struct EndpointGap: Sendable {
    /// The endpoint it concerns, as `sts get-caller-identity` reveals it.
    package var endpoint: Endpoint
    package var operation: String
    /// The request parameter the endpoint ignores or rejects.
    package var parameter: String
    package var reason: String

    package enum Endpoint: String, Sendable {
        case moto
    }

    package static let known: [EndpointGap] = [
        EndpointGap(
            endpoint: .moto, operation: "lambda:UpdateFunctionConfiguration", parameter: "TracingConfig",
            reason:
                "moto 5.2.1 ignores TracingConfig in UpdateFunctionConfiguration (moto/awslambda/models.py, "
                + "update_configuration)"
        )
    ]

    /// The endpoint behind an identity: moto answers as `arn:aws:sts::123456789012:user/moto`.
    package static func endpoint(fromCallerArn arn: String) -> Endpoint? {
        arn.hasSuffix(":user/moto") ? .moto : nil
    }

    /// The first known gap of `endpoint` that one of `attempts` runs into.
    package static func gap(of endpoint: Endpoint?, in attempts: [RemediationAttempt]) -> EndpointGap? {
        guard let endpoint else { return nil }
        for attempt in attempts {
            if let gap = known.first(where: {
                $0.endpoint == endpoint && $0.operation == attempt.operation && attempt.parameters[$0.parameter] != nil
            }) {
                return gap
            }
        }
        return nil
    }
}
