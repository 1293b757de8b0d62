import CloudModel
import Policies
import RemediationEngine

/// A scenario: an inventory, the policies and engine settings under test, a timeline of
/// injected changes, how long to run, and what must hold at the end.
///
/// `Loading` builds it from a scenario file; a user's own Swift test can build one directly.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    /// The file it was read from, for messages and the run database.
    public var file: String
    public var inventory: Inventory
    package var policies: [Policy]
    package var settings: EngineSettings
    package var timeline: [TimelineEntry]
    public var runFor: SimDuration
    public var seed: UInt64
    /// The instant simulated time starts at; ages (`value-type: age`) are measured against it.
    public var start: Timestamp
    package var expectations: [Expectation]
    /// A digest of the fixture files' bytes, taken as they were read; nil for a scenario built
    /// in code. Scenarios that share fixtures share it.
    package var fixturesDigest: String?

    package static let defaultStart = Timestamp(iso8601: "2026-01-01T00:00:00Z") ?? Timestamp(milliseconds: 0)

    /// A scenario built in code: an inventory, policies and rules, run for a while with nothing
    /// injected and nothing expected.
    public init(
        name: String, inventory: Inventory, policies: [Policy], settings: EngineSettings, runFor: SimDuration,
        seed: UInt64 = 0
    ) {
        self.init(
            name: name, description: "", file: "", inventory: inventory, policies: policies, settings: settings,
            timeline: [],
            runFor: runFor, seed: seed, start: Scenario.defaultStart, expectations: [])
    }

    package init(
        name: String, description: String = "", file: String = "", inventory: Inventory, policies: [Policy],
        settings: EngineSettings, timeline: [TimelineEntry] = [], runFor: SimDuration, seed: UInt64 = 0,
        start: Timestamp = Scenario.defaultStart, expectations: [Expectation] = []
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.inventory = inventory
        self.policies = policies
        self.settings = settings
        self.timeline = timeline
        self.runFor = runFor
        self.seed = seed
        self.start = start
        self.expectations = expectations
    }
}

/// How the simulated cloud and the engine behave in a scenario.
public struct EngineSettings: Sendable {
    public var rules: [AlertRule]
    /// How long an API call takes to complete; its effect lands when it completes.
    public var apiLatency: SimDuration
    /// Up to this much is added to each call's latency, drawn from the scenario's seed.
    public var apiLatencyJitter: SimDuration
    /// Programs that remediate besides (or instead of) the alert rules' engine.
    public var external: [ExternalEngine] = []

    public init(rules: [AlertRule], apiLatency: SimDuration = .milliseconds(300), apiLatencyJitter: SimDuration = .zero)
    {
        self.rules = rules
        self.apiLatency = apiLatency
        self.apiLatencyJitter = apiLatencyJitter
    }
}

/// One thing that happens at a moment of simulated time.
package struct TimelineEntry: Sendable {
    package var at: SimDuration
    package var action: TimelineAction
    /// Where the entry was written (`file:line:col`), for messages about it at run time.
    package var origin: String

    package init(at: SimDuration, action: TimelineAction, origin: String = "") {
        self.at = at
        self.action = action
        self.origin = origin
    }

    /// A change made by `actor` (a person, by default).
    package init(
        at: SimDuration, resourceId: String, injection: Injection, actor: String = "operator", origin: String = ""
    ) {
        self.init(at: at, action: .inject(resourceId: resourceId, injection, actor: actor), origin: origin)
    }
}

package enum TimelineAction: Sendable {
    /// A change to a resource, made by `actor`.
    case inject(resourceId: String, Injection, actor: String)
    /// An actor (Terraform, a nightly job) re-applies `injection` every `every`, until `until`
    /// (from the start of the run) or the end.
    case drift(resourceId: String, Injection, actor: String, every: SimDuration, until: SimDuration?)
    /// A fault in the cloud or the event pipeline, for `window` (or until the end).
    case fault(Fault)
    case snooze(policy: String, resourceId: String, for: SimDuration)
    case dismiss(policy: String, resourceId: String)
    case setPolicyEnabled(policy: String, enabled: Bool)
    case setRuleEnabled(rule: String, enabled: Bool)
    case setAutoRemediation(rule: String, enabled: Bool)
    /// An exemption, expiring `expiresAfter` later.
    case exempt(Exemption, expiresAfter: SimDuration?)
    case restartEngine
    /// A person approves the remediation an alert waits on.
    case approve(policy: String, resourceId: String)

    /// The resource the action is about, if one.
    package var resourceId: String? {
        switch self {
        case .inject(let id, _, _), .drift(let id, _, _, _, _): id
        case .snooze(_, let id, _), .dismiss(_, let id), .approve(_, let id): id
        default: nil
        }
    }

    public var name: String {
        switch self {
        case .inject(_, let i, _): i.name
        case .drift: "drift"
        case .fault(let f): "fault \(f.kind.name)"
        case .snooze: "snooze"
        case .dismiss: "dismiss"
        case .setPolicyEnabled(_, let on): on ? "enable-policy" : "disable-policy"
        case .setRuleEnabled(_, let on): on ? "enable-rule" : "disable-rule"
        case .setAutoRemediation(_, let on): on ? "enable-auto-remediation" : "disable-auto-remediation"
        case .exempt: "exempt"
        case .restartEngine: "restart-engine"
        case .approve: "approve"
        }
    }
}

/// Something going wrong for a while: in the cloud's API (throttling, a missing permission, a
/// resource deleted under a remediation, reads that lag writes) or in the event pipeline
/// (change events dropped or late). `scope` says where; a fault lasts `window` from its entry's
/// time, or to the end of the run.
package struct Fault: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// At most `limit` calls per `per`; the rest fail as the cloud fails them.
        case throttle(limit: Int, per: SimDuration)
        /// Calls fail for want of a permission (a missing cross-account role, a narrowed policy).
        case accessDenied
        /// The resource is deleted by someone else when a remediation's first call is made.
        case deleteDuringRemediation
        /// After a remediation writes a resource, reads show the old state for `lag`.
        case eventualConsistency(lag: SimDuration)
        case dropEvents
        case delayEvents(by: SimDuration)

        public var name: String {
            switch self {
            case .throttle: "throttle"
            case .accessDenied: "access-denied"
            case .deleteDuringRemediation: "delete-during-remediation"
            case .eventualConsistency: "eventual-consistency"
            case .dropEvents: "drop-events"
            case .delayEvents: "delay-events"
            }
        }
    }

    package var kind: Kind
    package var scope: FaultScope
    package var window: SimDuration?

    package init(kind: Kind, scope: FaultScope = FaultScope(), window: SimDuration? = nil) {
        self.kind = kind
        self.scope = scope
        self.window = window
    }
}

/// Where a fault applies; empty lists mean "any".
package struct FaultScope: Sendable, Equatable {
    package var clouds: [Cloud]
    package var accounts: [String]
    package var regions: [String]
    /// API services: `ec2`, `s3`, `Microsoft.Storage`, `compute`.
    package var services: [String]
    /// Operations by name: `ec2:RevokeSecurityGroupIngress`.
    package var operations: [String]
    package var resources: [String]

    package init(
        clouds: [Cloud] = [], accounts: [String] = [], regions: [String] = [], services: [String] = [],
        operations: [String] = [], resources: [String] = []
    ) {
        self.clouds = clouds
        self.accounts = accounts
        self.regions = regions
        self.services = services
        self.operations = operations
        self.resources = resources
    }

    /// The service of an operation name: `ec2` of `ec2:X`, `Microsoft.Storage` of
    /// `Microsoft.Storage/storageAccounts/write`, `compute` of `compute.firewalls.patch`.
    package static func service(of operation: String) -> String {
        if let colon = operation.firstIndex(of: ":") { return String(operation[..<colon]) }
        if let slash = operation.firstIndex(of: "/") { return String(operation[..<slash]) }
        return String(operation.prefix { $0 != "." })
    }

    package func matches(_ op: CloudOperation) -> Bool {
        (clouds.isEmpty || clouds.contains(op.cloud)) && (accounts.isEmpty || accounts.contains(op.account))
            && (regions.isEmpty || regions.contains(op.region)) && (operations.isEmpty || operations.contains(op.name))
            && (services.isEmpty || services.contains(Self.service(of: op.name)))
            && (resources.isEmpty || resources.contains(op.resourceId))
    }

    /// For faults of the event pipeline: services and operations do not apply.
    package func matches(_ resource: Resource) -> Bool {
        (clouds.isEmpty || resource.cloud.map(clouds.contains) == true)
            && (accounts.isEmpty || accounts.contains(resource.account))
            && (regions.isEmpty || regions.contains(resource.region))
            && (resources.isEmpty || resources.contains(resource.id))
    }
}

extension Scenario {
    /// A remediation parameter without a default that no scenario or rule sets, under a rule
    /// that remediates the policy.
    package struct UnsetParameter: Sendable, Equatable {
        package var rule: String
        package var policy: String
        package var parameter: String
        package var description: String

        /// The message: what is missing, for which policy, and where to set it.
        package var message: String {
            "policy '\(policy)' remediates under alert rule '\(rule)' and needs its parameter '\(parameter)' "
                + "(\(description)), which nothing sets: give it in the scenario's 'parameters' or the rule's"
        }
    }

    /// The required remediation parameters left unset under the rules that remediate (those with
    /// auto-remediation on, or turned on by the timeline; every rule when `everyRule`), policy
    /// by policy, for the policies with resources of their type to act on (in the inventory, or
    /// made by the timeline): a run would fail each such remediation, so it is refused before
    /// anything runs.
    package func unsetParameters(everyRule: Bool = false) -> [UnsetParameter] {
        let enabled = Set(
            timeline.compactMap { entry -> String? in
                if case .setAutoRemediation(let rule, true) = entry.action { return rule }
                return nil
            })
        // A policy with nothing of its type to act on (an AWS policy over an Azure estate) needs nothing.
        var types = Set(inventory.types)
        for entry in timeline {
            if case .inject(_, .createResource(let r), _) = entry.action { types.insert(r.type) }
        }
        var out: [UnsetParameter] = []
        for rule in settings.rules where everyRule || rule.autoRemediate || enabled.contains(rule.name) {
            for policy in policies
            where rule.covers(policy: policy.id) && policy.isRemediable && types.contains(policy.resourceType) {
                for p in rule.missingParameters(for: policy) {
                    out.append(
                        UnsetParameter(
                            rule: rule.name, policy: policy.id, parameter: p.name, description: p.description))
                }
            }
        }
        return out
    }
}
