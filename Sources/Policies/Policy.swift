import CloudModel

/// A detection rule with an optional automated fix, in the shape Cloud Custodian users write:
/// a resource type, filters over the cloud API's own fields, and remediation steps.
public struct Policy: Sendable {
    public var id: String
    public var title: String
    package var description: String
    public var resourceType: String
    public var severity: Severity
    /// Control ids this policy evidences, `FRAMEWORK/CONTROL` (`CIS-AWS-3.0/5.2`, `NIST-800-53/SC-7`).
    package var compliance: [String]
    /// All of these must hold for a resource to violate the policy.
    package var filters: [Filter] {
        didSet { compiled = CompiledFilters(filters) }
    }
    /// `filters`, compiled for scanning.
    package private(set) var compiled: CompiledFilters
    package var remediation: Remediation?
    package var examples: PolicyExamples
    /// Where the policy was read from, for messages (`builtin:aws-sg-ssh-open-to-world`, a file path).
    package var source: String
    /// How the policy asks to be run, when its file says (a Cloud Custodian `mode`); an alert
    /// rule's own detection overrides it.
    package var detection: DetectionHint?
    /// Lists of elements a remediation repeats over that the filters do not choose (Custodian's
    /// `remove-keys` with `age`, or with no filter on the keys): each check's `matched` elements
    /// are added to a finding under the check's name.
    package var selections: [ResourceCheck] = []
    /// Notifications the policy sends when it acts (Custodian's `notify`): recorded, never sent.
    package var notifications: [PolicyNotification] = []
    /// The file's format: `remsim`, `custodian`, `prisma`.
    package var format: String = "remsim"
    /// Where the policy came from beyond its file, for the policy list: `Prisma PC-AWS-EC2-3`.
    package var origin: String?
    /// What of the policy's file was not loaded, and why (a Prisma template naming what remsim
    /// does not model): `remsim validate` reports them.
    package var notes: [String] = []
    /// The file gave a remediation that was not loaded (one of `notes` says why).
    package var remediationRefused = false
    /// The accounts and regions the policy is about (Prisma's `cloud.account`, `cloud.region`);
    /// nil for all.
    package var scope: PolicyScope?

    package init(
        id: String, title: String, description: String = "", resourceType: String, severity: Severity,
        compliance: [String] = [], filters: [Filter], remediation: Remediation? = nil,
        examples: PolicyExamples = PolicyExamples(), source: String = ""
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.resourceType = resourceType
        self.severity = severity
        self.compliance = compliance
        self.filters = filters
        self.compiled = CompiledFilters(filters)
        self.remediation = remediation
        self.examples = examples
        self.source = source
    }

    package var isRemediable: Bool { !(remediation?.steps.isEmpty ?? true) }
}

/// Accounts and regions a policy is limited to; an empty list limits nothing.
package struct PolicyScope: Sendable, Equatable {
    package var accounts: [String]
    package var regions: [String]

    package init(accounts: [String] = [], regions: [String] = []) {
        self.accounts = accounts
        self.regions = regions
    }

    package func contains(account: String, region: String) -> Bool {
        (accounts.isEmpty || accounts.contains(account)) && (regions.isEmpty || regions.contains(region))
    }
}

/// How a policy asks to be evaluated, from its own file.
package enum DetectionHint: Sendable, Equatable {
    /// A scheduled scan (Custodian's `periodic`, `config-poll-rule`, and a policy with no mode).
    case poll(every: SimDuration?)
    /// On each change event (Custodian's `cloudtrail`, `config-rule`, `ec2-instance-state`, …).
    case event
}

/// A notification a policy sends: to whom and through what, with its subject.
package struct PolicyNotification: Sendable, Hashable {
    package var recipients: [String]
    package var transport: String
    package var subject: String

    package init(recipients: [String], transport: String, subject: String) {
        self.recipients = recipients
        self.transport = transport
        self.subject = subject
    }
}

public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case informational, low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Resources that must and must not violate the policy; the test suite evaluates every one.
public struct PolicyExamples: Sendable {
    package var match: [Resource]
    package var noMatch: [Resource]
    /// Where each example was written, in the order of `match` and of `noMatch` (empty for
    /// examples made in code), so a check can name the line of one that misbehaves.
    package var matchPlaces: [ExamplePlace] = []
    package var noMatchPlaces: [ExamplePlace] = []

    package init(match: [Resource] = [], noMatch: [Resource] = []) {
        self.match = match
        self.noMatch = noMatch
    }

    /// The examples that do not behave: a `match` example the policy does not find, a
    /// `no-match` example it does, each with where it was written.
    package func misbehaving(_ policy: Policy, at now: Timestamp) -> [(
        example: Resource, place: ExamplePlace?, shouldMatch: Bool
    )] {
        let evaluator = Evaluator(now: now)
        var out: [(Resource, ExamplePlace?, Bool)] = []
        for (i, example) in match.enumerated() where !evaluator.violates(policy, example) {
            out.append((example, i < matchPlaces.count ? matchPlaces[i] : nil, true))
        }
        for (i, example) in noMatch.enumerated() where evaluator.violates(policy, example) {
            out.append((example, i < noMatchPlaces.count ? noMatchPlaces[i] : nil, false))
        }
        return out
    }
}

/// Where an example was written: its file, key path, line and column.
package struct ExamplePlace: Sendable, Hashable {
    package var file: String
    package var keyPath: String
    package var line: Int?
    package var column: Int?

    package init(file: String, keyPath: String, line: Int?, column: Int?) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.column = column
    }
}

extension Policy {
    /// The top-level properties the policy's filters read (`IpPermissions` for
    /// `any: IpPermissions`, `PublicAccessBlockConfiguration` for
    /// `PublicAccessBlockConfiguration.BlockPublicAcls`), with `tags` standing for any tag; nil
    /// when a path does not start with a name, so that anything may matter. A change that touches
    /// none of them cannot have made a resource violate the policy.
    package var topLevelReads: Set<String>? {
        var keys: Set<String> = []
        func walk(_ filters: [Filter]) -> Bool {
            for filter in filters {
                switch filter {
                case .and(let inner), .or(let inner), .not(let inner):
                    guard walk(inner) else { return false }
                case .check:
                    return false
                case .quantifier(let q):
                    guard case .key(let k)? = q.path.components.first else { return false }
                    keys.insert(k)
                case .value(let vf):
                    switch vf.key {
                    case .tag: keys.insert("tags")
                    case .property(let path):
                        guard case .key(let k)? = path.components.first else { return false }
                        keys.insert(k)
                    }
                }
            }
            return true
        }
        return walk(filters) ? keys : nil
    }
}

extension Policy {
    /// True when the policy reads a property of `resource` that the export it came from could not
    /// say (`Resource.unknownProperties`): it cannot be evaluated there, and the resource is never
    /// reported as violating it, whatever the missing property would make its filters say. Tags
    /// are always known; a policy whose reads cannot be told (a Custodian check, a path starting
    /// with a wildcard) reads everything.
    package func cannotEvaluate(_ resource: borrowing Resource) -> Bool {
        let unknown = resource.unknownProperties
        guard !unknown.isEmpty else { return false }
        return Self.cannotEvaluate(unknown: unknown, reads: propertyReads)
    }

    /// The top-level properties the policy reads (`topLevelReads`), nil when they cannot be told:
    /// taken once by a scan that asks `cannotEvaluate(unknown:reads:)` of many resources.
    package var propertyReads: Set<String>? { selections.isEmpty ? topLevelReads : nil }

    /// Whether a policy reading `reads` (nil: anything) reads one of the properties `unknown` names.
    package static func cannotEvaluate(unknown: [String], reads: Set<String>?) -> Bool {
        guard !unknown.isEmpty else { return false }
        guard let reads else { return true }
        if unknown.contains(Resource.everyProperty) { return reads.contains { $0 != "tags" } }
        return unknown.contains { reads.contains($0) }
    }
}

extension Policy {
    /// Whether `resource` is in the policy's accounts and regions.
    @inline(__always)
    package func inScope(_ resource: borrowing Resource) -> Bool { PolicyScope.contains(scope, resource) }
}

extension PolicyScope {
    /// Whether `resource` is in `scope`; every resource is when there is none. Scans take the
    /// policies' scopes once and ask this, rather than reading each policy again per resource.
    @inline(__always)
    package static func contains(_ scope: PolicyScope?, _ resource: borrowing Resource) -> Bool {
        guard let scope else { return true }
        return scope.contains(account: resource.account, region: resource.region)
    }
}
