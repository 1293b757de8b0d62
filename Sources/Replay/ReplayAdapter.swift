import CloudModel

/// How one resource type is made on a real endpoint, read back and compared: one adapter per
/// type, in `Adapters/`.
public protocol ReplayAdapter: Sendable {
    var type: String { get }
    /// Fixture ids of the resources that must exist first (a security group's VPC).
    func dependencies(of resource: Resource) -> [String]
    /// Creates `resource` with `properties` (the state just before the first remediation);
    /// returns the endpoint's id for it.
    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String
    /// The resource as the endpoint describes it, in the fixture's shape.
    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value
    /// What is compared, normalised so that order and the endpoint's defaults do not count.
    func project(_ properties: Value, in context: ReplayContext) -> Value
    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError)
}

/// What adapters share during one replay.
public final class ReplayContext: @unchecked Sendable {
    public let cli: AWSCLI
    /// Tags every created resource, so a replay touches only what it made.
    public let replayId: String
    /// Fixture id → the endpoint's id, for everything created so far.
    public private(set) var ids: [String: String] = [:]

    init(cli: AWSCLI, replayId: String) {
        self.cli = cli
        self.replayId = replayId
    }

    func created(_ fixtureId: String, as realId: String) { ids[fixtureId] = realId }

    /// The endpoint's id for a fixture id (or the id itself, for one not created here).
    public func real(_ fixtureId: String) -> String { ids[fixtureId] ?? fixtureId }

    /// The fixture id for an endpoint id.
    public func fixture(_ realId: String) -> String { ids.first { $0.value == realId }?.key ?? realId }

    /// `aws` in the resource's region.
    @discardableResult
    public func aws(_ region: String, _ arguments: [String]) throws(ReplayError) -> Value {
        do {
            return try cli.run(["--region", region] + arguments)
        } catch {
            throw error.notImplemented ? .notSupportedByEndpoint(call: arguments.prefix(2).joined(separator: " "), message: error.message)
                : .callFailed(call: arguments.prefix(2).joined(separator: " "), message: error.message)
        }
    }

    public var tagKey: String { "remsim-replay" }
}

public enum ReplayError: Error, Sendable, CustomStringConvertible, Equatable {
    case notReplayable(String)
    case notSupportedByEndpoint(call: String, message: String)
    case callFailed(call: String, message: String)

    public var description: String {
        switch self {
        case .notReplayable(let why): "not replayable: \(why)"
        case .notSupportedByEndpoint(let call, let message): "not replayable: the endpoint does not support aws \(call) (\(message))"
        case .callFailed(let call, let message): "aws \(call) failed: \(message)"
        }
    }
}
