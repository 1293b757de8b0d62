import CloudModel
import CloudOperations
import Policies

/// Which policies apply where, how violations are detected, and whether they are fixed
/// automatically: Prisma Cloud's alert rule, with Netskope's per-check scan schedule.
public struct AlertRule: Sendable {
    public var name: String
    package var scope: Scope
    /// Policy ids this rule covers; nil covers every loaded policy.
    package var policies: [String]?
    public var autoRemediate: Bool
    public var detection: Detection
    package var controls: RemediationControls
    /// What to do when a remediation could disrupt something.
    package var disruption: DisruptionSettings
    /// Values of remediation parameters (`${param.NAME}`) for the policies this rule covers: the
    /// scenario's, with the rule's own over them.
    package var parameters: [String: Value] = [:]

    package init(
        name: String, scope: Scope = Scope(), policies: [String]? = nil, autoRemediate: Bool, detection: Detection,
        controls: RemediationControls = RemediationControls(), disruption: DisruptionSettings = DisruptionSettings()
    ) {
        self.disruption = disruption
        self.name = name
        self.scope = scope
        self.policies = policies
        self.autoRemediate = autoRemediate
        self.detection = detection
        self.controls = controls
    }

    /// A rule over every policy and resource, with the default controls: what a program that
    /// builds a scenario in code usually wants.
    public init(name: String, autoRemediate: Bool, detection: Detection) {
        self.init(
            name: name, scope: Scope(), policies: nil, autoRemediate: autoRemediate, detection: detection,
            controls: RemediationControls(), disruption: DisruptionSettings())
    }

    package func covers(policy id: String) -> Bool { policies?.contains(id) ?? true }

    /// The values `policy`'s remediation takes under this rule: each parameter's default, with
    /// what the rule (and scenario) set over it; a required one nobody set is absent.
    package func parameterValues(for policy: Policy) -> [String: Value] {
        var values: [String: Value] = [:]
        for parameter in policy.remediation?.parameters ?? [] {
            if let value = parameters[parameter.name] ?? parameter.defaultValue { values[parameter.name] = value }
        }
        return values
    }

    /// The parameters of `policy`'s remediation that are required and not set under this rule.
    package func missingParameters(for policy: Policy) -> [RemediationParameter] {
        (policy.remediation?.parameters ?? []).filter { $0.defaultValue == nil && parameters[$0.name] == nil }
    }

    public enum Detection: Sendable, Equatable {
        /// A config-change event (CloudTrail → EventBridge, Azure Activity Log) reaches the engine
        /// after `deliveryDelay`.
        case event(deliveryDelay: SimDuration)
        /// A scheduled scan every `every`, the first one a full interval after the start.
        case poll(every: SimDuration)

        public var name: String {
            switch self {
            case .event: "event"
            case .poll: "poll"
            }
        }
    }

    /// Empty lists mean "any".
    package struct Scope: Sendable, Equatable {
        package var clouds: [Cloud]
        package var accounts: [String]
        package var regions: [String]
        /// Every tag listed must be on the resource with that value.
        package var tags: [String: String]

        package init(
            clouds: [Cloud] = [], accounts: [String] = [], regions: [String] = [], tags: [String: String] = [:]
        ) {
            self.clouds = clouds
            self.accounts = accounts
            self.regions = regions
            self.tags = tags
        }

        package func contains(_ resource: Resource) -> Bool {
            contains(type: resource.type)
                && contains(account: resource.account, region: resource.region, tags: resource.tags)
        }

        /// Whether the scope takes a resource of a cloud it takes, in this account and region
        /// with these tags (what a scan reads of each resource in place).
        package func contains(account: String, region: String, tags resourceTags: [String: String]) -> Bool {
            if !accounts.isEmpty, !accounts.contains(account) { return false }
            if !regions.isEmpty, !regions.contains(region) { return false }
            for (key, value) in tags where resourceTags[key] != value { return false }
            return true
        }

        /// Whether the scope takes resources of this type's cloud at all.
        package func contains(type: String) -> Bool {
            clouds.isEmpty || (Cloud(ofType: type).map(clouds.contains) ?? false)
        }
    }
}

extension AlertRule {
    /// This rule split into one per detection its policies ask for (a Cloud Custodian policy's
    /// `mode`: a pull policy without a schedule polls every `defaultPoll`, an event one is
    /// delivered after the usual 90 seconds): the rule itself when they all ask the same,
    /// `NAME/poll-1h`, `NAME/event`, … otherwise. A policy that names no mode gets
    /// `unmoded(policy)`.
    package func splitByModes<E: Error>(
        of policies: [Policy], defaultPoll: SimDuration, unmoded: (Policy) throws(E) -> Detection
    ) throws(E) -> [AlertRule] {
        var groups: [(detection: Detection, ids: [String])] = []
        for policy in policies where covers(policy: policy.id) {
            let detection: Detection
            switch policy.detection {
            case .poll(let every)?: detection = .poll(every: every ?? defaultPoll)
            case .event?: detection = .event(deliveryDelay: .seconds(90))
            case nil: detection = try unmoded(policy)
            }
            if let i = groups.firstIndex(where: { $0.detection == detection }) {
                groups[i].ids.append(policy.id)
            } else {
                groups.append((detection, [policy.id]))
            }
        }
        guard groups.count > 1 else {
            var rule = self
            rule.detection = groups.first?.detection ?? detection
            return [rule]
        }
        return groups.map { group in
            var rule = self
            switch group.detection {
            case .poll(let every): rule.name = "\(name)/poll-\(every)"
            case .event: rule.name = "\(name)/event"
            }
            rule.policies = group.ids
            rule.detection = group.detection
            return rule
        }
    }
}
