import CloudModel
import RemediationEngine

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
    /// A Python handler (`file.py:function`) invoked with an event, as Lambda invokes it; nil for
    /// a command. `command` then names the interpreter and the handler, for the story.
    public var handler: Handler?
    /// What is done with a call of the engine that would disrupt: recorded (`warn`, the
    /// default), or refused with an `AccessDenied` as a guardrail would (`block`) when a warning
    /// reaches the threshold. Approval is for alert rules: a program's call cannot wait.
    package var disruption = DisruptionSettings()

    /// A function in a Python file, called with an event and a context as Lambda calls it.
    public struct Handler: Sendable, Hashable {
        /// The file, as the scenario names it (relative to the scenario's folder).
        public var file: String
        public var function: String
        /// The interpreter, found on PATH: one that can import what the handler imports (boto3).
        public var python: String
        public var event: Event
        /// For `.prismaAlert` and `.s3ViolationsCSV`: the alert rules whose alerts it gets; empty
        /// for every rule.
        public var alertRules: [String]
        /// For `.s3ViolationsCSV`: the bucket (of the fixtures) the reports are written to.
        public var bucket: String?

        public init(
            file: String, function: String, python: String, event: Event, alertRules: [String] = [],
            bucket: String? = nil
        ) {
            self.file = file
            self.function = function
            self.python = python
            self.event = event
            self.alertRules = alertRules
            self.bucket = bucket
        }
    }

    /// What a handler is invoked with.
    public enum Event: String, Sendable, Hashable, CaseIterable {
        /// An EventBridge scheduled event, at each of its times.
        case scheduled
        /// An SQS event carrying Prisma Cloud alert payloads: the alerts the scenario's alert rules
        /// opened since the last invocation, sent at its next time; no invocation when none opened.
        case prismaAlert = "prisma-alert"
        /// AWS Config's configuration item change, through EventBridge: one invocation per
        /// resource that someone other than the handler changed since its last time.
        case configChange = "config-change"
        /// An S3 `ObjectCreated:Put` event for a CSV report of the open alerts, which remsim
        /// writes into `bucket` at each of its times (none while no alert is open), as CSPM
        /// frameworks hand their findings to a remediation function.
        case s3ViolationsCSV = "s3-violations-csv"
    }

    public init(
        name: String, command: [String], first: SimDuration, every: SimDuration, environment: [String: String] = [:],
        origin: String = "", handler: Handler? = nil
    ) {
        self.name = name
        self.command = command
        self.first = first
        self.every = every
        self.environment = environment
        self.origin = origin
        self.handler = handler
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
