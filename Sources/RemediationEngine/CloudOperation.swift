import CloudModel
import CloudOperations

/// One API call the engine asks a driver to make.
public struct CloudOperation: Sendable, Hashable {
    /// Unique within one engine; the driver hands it back with the outcome.
    public let callId: Int
    /// As the cloud names it: `ec2:RevokeSecurityGroupIngress`. Also the permission it needs.
    public let name: String
    public let cloud: Cloud
    public let account: String
    public let region: String
    /// The resource the remediation is for.
    public let resourceId: String
    public let parameters: Value
    /// The command a person would run to make the same call.
    public let command: ShellCommand
    /// Who makes the call, as the cloud's audit log records it (`remsim/POLICY`).
    public let actor: String

    public init(
        callId: Int, name: String, cloud: Cloud, account: String, region: String, resourceId: String, parameters: Value,
        command: ShellCommand,
        actor: String = "remsim"
    ) {
        self.actor = actor
        self.callId = callId
        self.name = name
        self.cloud = cloud
        self.account = account
        self.region = region
        self.resourceId = resourceId
        self.parameters = parameters
        self.command = command
    }
}

/// What became of a call.
public enum OperationOutcome: Sendable, Hashable {
    case succeeded
    /// `code` as the cloud returns it (`InvalidGroup.NotFound`, `AccessDenied`, `Throttling`).
    case failed(code: String, message: String)

    public var isSuccess: Bool { if case .succeeded = self { true } else { false } }
}
