import CloudModel

/// A remediation engine that is another program (Cloud Custodian, a script of `aws` calls),
/// run unchanged at simulated times against the simulated cloud on the AWS wire. The scenario's
/// policies stay the oracle of what violates; its alert rules may detect without remediating,
/// so that MTTD and MTTR measure the program.
public struct ExternalEngine: Sendable, Hashable {
    /// Who the cloud's audit log says made its calls.
    public var name: String
    /// The program and its arguments, run without a shell in the scenario's folder.
    public var command: [String]
    /// When it runs: at `first` into the run, then every `every` until the end.
    public var first: SimDuration
    public var every: SimDuration
    /// Set for the program besides the endpoint's URL, keys and region.
    public var environment: [String: String]
    /// Where it was written (`file:line:col`).
    public var origin: String

    public init(
        name: String, command: [String], first: SimDuration, every: SimDuration, environment: [String: String] = [:],
        origin: String = ""
    ) {
        self.name = name
        self.command = command
        self.first = first
        self.every = every
        self.environment = environment
        self.origin = origin
    }

    /// The simulated times it runs at in a run of `runFor`, in order.
    public func runs(within runFor: SimDuration) -> [SimDuration] {
        guard every > .zero else { return first <= runFor ? [first] : [] }
        var times: [SimDuration] = []
        var at = first
        while at <= runFor {
            times.append(at)
            at = at + every
        }
        return times
    }
}
