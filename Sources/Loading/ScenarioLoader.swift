import CloudModel
import CloudOperations
import Foundation
import Policies
import RemediationEngine
import Simulation

/// Reads scenario files and everything they name (fixtures, policies), checking every reference
/// before anything runs: a timeline entry naming a resource that is not in the fixtures, or an
/// alert rule naming a policy that is not loaded, is an error at its line, not a surprise later.
public struct ScenarioLoader: Sendable {
    /// The built-in pack, for `builtin:ID` references: each policy read when first named.
    package var builtins: PolicyPackSource
    /// Inventories already loaded by this loader: a suite's scenarios usually share their
    /// fixtures, and reading a large inventory once per scenario was most of a run's time.
    let inventories = InventoryCache()
    /// Where the paths a scenario names (fixtures, policy files) may lead.
    package var paths: PathConfinement = .automatic
    /// Fixture files read before, kept on disk (none: every file is parsed).
    package var fixtureCache: FixtureCache?

    public init(builtins: [Policy], paths: PathConfinement = .automatic) {
        self.init(pack: PolicyPackSource(builtins), paths: paths)
    }

    /// A loader reading built-in policies from `pack` as references name them.
    package init(pack: PolicyPackSource, paths: PathConfinement = .automatic) {
        self.builtins = pack
        self.paths = paths
    }

    static let scenarioKeys = [
        "version", "name", "description", "fixtures", "policies", "seed", "start", "engine", "timeline", "run-for",
        "expect", "parameters",
    ]
    static let engineKeys = ["api-latency", "api-latency-jitter", "alert-rules", "exemptions", "external"]
    static let ruleKeys =
        ["name", "scope", "policies", "auto-remediate", "detection", "parameters"] + ControlsReader.keys
    static let timelineKeys = TimelineReader.keys

    /// Reads a scenario file and what it names, every path confined by `paths` (the scenario
    /// file itself included: a link out of the tree is refused unread). Throws the first problem;
    /// `loadReportingAll(file:)` finds them all.
    public func load(file: String) throws(LoadError) -> Scenario {
        let (scenario, problems) = loadReportingAll(file: file)
        guard let scenario else { throw problems[0] }
        return scenario
    }

    /// Reads a scenario file as `load(file:)` does, but reads on past a problem: each top-level
    /// key, policy reference, alert rule, timeline entry and expectation is read on its own, so one
    /// mistake does not hide the next. What depends on a part that could not be read is not
    /// checked (the timeline and expectations when the fixtures could not be loaded; policy and
    /// rule names when some policy or rule could not be read), so that no problem is reported that
    /// is only the echo of another. Problems come in the order of the file.
    public func loadReportingAll(file: String) -> (scenario: Scenario?, problems: [LoadError]) {
        var problems = ProblemList()
        let scenario = PathConfinement.$current.withValue(paths) { loadConfined(file: file, problems: &problems) }
        return problems.isEmpty && scenario != nil ? (scenario, []) : (nil, problems.sorted)
    }

    private func loadConfined(file: String, problems: inout ProblemList) -> Scenario? {
        let confinement = paths.root(forScenario: file)
        let limits = Limits.current
        // The timeline is counted as the file streams in: a file of a million entries is
        // refused before a node of it is built.
        var unknownKeys: [LoadError] = []
        guard
            let m = problems.attempt({ () throws(LoadError) in
                try confinement?.checkRead(file)
                let root = try YAMLNode.read(
                    file: file,
                    lists: [
                        "timeline": YAMLGuard.ListLimit(
                            limit: limits.maxTimelineEntries, items: "timeline entries", flag: "--max-timeline")
                    ])
                return try root.mapping(allowing: Self.scenarioKeys, unknownKeys: &unknownKeys)
            })
        else { return nil }
        problems.record(unknownKeys)
        problems.attempt { () throws(LoadError) in try FixtureLoader.checkVersion(m) }
        let base = (file as NSString).deletingLastPathComponent

        var unreported: [LoadError] = []
        let fixtures = problems.attempt { () throws(LoadError) in
            try self.inventory(
                try m.required("fixtures"), base: base, confinement: confinement, unreported: &unreported)
        }
        let inventory = fixtures?.inventory
        problems.record(unreported)
        let policies = problems.attempt { () throws(LoadError) in try m.required("policies") }.flatMap {
            loadPolicies($0, base: base, confinement: confinement, problems: &problems)
        }
        // nil: not every policy could be read, so any name is taken on trust.
        let policyIds = policies.map { Set($0.map(\.id)) }

        let engine = problems.attempt { () throws(LoadError) in
            unknownKeys = []
            return try m.required("engine").mapping(allowing: Self.engineKeys, unknownKeys: &unknownKeys)
        }
        problems.record(unknownKeys)
        let scenarioParameters: [String: Value] =
            (problems.attempt { () throws(LoadError) in
                try m["parameters"].map { n throws(LoadError) in try Self.parameters(n, declaredBy: policies) }
            } ?? nil) ?? [:]
        var ruleNodes: [String: YAMLNode] = [:]
        var rules: [AlertRule]? = nil
        if let engine, let rulesNode = problems.attempt({ () throws(LoadError) in try engine.required("alert-rules") }),
            let nodes = problems.attempt({ () throws(LoadError) in try rulesNode.list() })
        {
            var read: [AlertRule] = []
            var complete = true
            for ruleNode in nodes {
                let rules = problems.attempt { () throws(LoadError) in
                    var rules = try self.rules(ruleNode, policies: policies)
                    // The scenario's parameters, with the rule's own over them.
                    for i in rules.indices {
                        rules[i].parameters = scenarioParameters.merging(rules[i].parameters) { _, own in own }
                        ruleNodes[rules[i].name] = ruleNode
                    }
                    for rule in rules where read.contains(where: { $0.name == rule.name }) {
                        throw ruleNode.error("alert rule '\(rule.name)' is defined twice")
                    }
                    return rules
                }
                if let rules { read += rules } else { complete = false }
            }
            if nodes.isEmpty { problems.record(rulesNode.error("at least one alert rule is needed")) }
            rules = complete ? read : nil
        }
        let apiLatency = problems.attempt { () throws(LoadError) in
            try engine?["api-latency"]?.duration() ?? .milliseconds(300)
        }
        let apiLatencyJitter = problems.attempt { () throws(LoadError) in
            try engine?["api-latency-jitter"]?.duration() ?? .zero
        }

        let runFor = problems.attempt { () throws(LoadError) in
            let runForNode = try m.required("run-for")
            let runFor = try runForNode.duration()
            guard runFor.milliseconds > 0 else { throw runForNode.error("'run-for' must be longer than 0s") }
            guard runFor <= limits.maxRunFor else {
                throw runForNode.error(
                    "\(runFor) is longer than the limit of \(limits.maxRunFor) (raise it with --max-run-for)")
            }
            return runFor
        }

        let external = problems.attempt { () throws(LoadError) in
            try engine?["external"].map { n throws(LoadError) in
                try ExternalEngineReader.engines(
                    n, runFor: runFor, base: base, root: confinement, ruleNames: rules.map { $0.map(\.name) },
                    buckets: inventory.map { i in
                        Set(i.resources(ofType: "aws.s3").map { $0.properties["Name"]?.stringValue ?? $0.name })
                    })
            }
                ?? []
        }

        var timeline: [TimelineEntry] = []
        /// The node each timeline entry was read from, for the preflight's messages.
        var entryNodes: [YAMLNode] = []
        var expectations: [Expectation] = []
        let entries = problems.attempt { () throws(LoadError) -> [YAMLNode] in
            let entries = try m["timeline"]?.list() ?? []
            if entries.count > limits.maxTimelineEntries, let node = m["timeline"] {
                throw node.error(
                    "\(entries.count) timeline entries, over the limit of \(limits.maxTimelineEntries) (raise it "
                        + "with --max-timeline)")
            }
            return entries
        }
        // The timeline and the expectations name resources: without the fixtures there is
        // nothing to check them against.
        if let inventory, let entries,
            let created = problems.attempt({ () throws(LoadError) in try TimelineReader.createdResources(entries) })
        {
            var reader = TimelineReader(
                inventory: inventory, policyIds: policyIds, ruleNames: rules.map { $0.map(\.name) })
            reader.created = created
            // Standing exemptions are in place from the start.
            for node in problems.attempt({ () throws(LoadError) in try engine?["exemptions"]?.list() ?? [] }) ?? [] {
                guard
                    let (exemption, expiresAfter) = problems.attempt({ () throws(LoadError) in
                        try reader.exemption(node)
                    })
                else { continue }
                timeline.append(
                    TimelineEntry(
                        at: .zero, action: .exempt(exemption, expiresAfter: expiresAfter), origin: node.location))
                entryNodes.append(node)
            }
            for entryNode in entries {
                let entry = problems.attempt { () throws(LoadError) in
                    let entry = try reader.entry(entryNode)
                    if let runFor, entry.at > runFor {
                        throw
                            (entryNode.mappingKeys.contains("at")
                            ? try entryNode.mapping(allowing: Self.timelineKeys).required("at") : entryNode)
                            .error("at \(entry.at) is after the end of the run (run-for: \(runFor))")
                    }
                    return entry
                }
                guard let entry else { continue }
                timeline.append(entry)
                entryNodes.append(entryNode)
            }

            var expectationReader = ExpectationReader(inventory: inventory, policyIds: policyIds)
            expectationReader.created = created
            expectationReader.remediationsCreate =
                policies?.contains { policy in
                    policy.remediation?.steps.contains {
                        OperationCatalog.spec(named: $0.operation)?.createsResources ?? false
                    }
                        ?? false
                } ?? false
            for node in problems.attempt({ () throws(LoadError) in try m["expect"]?.list() ?? [] }) ?? [] {
                if let expectation = problems.attempt({ () throws(LoadError) in try expectationReader.expectation(node)
                }) {
                    expectations.append(expectation)
                }
            }
        }

        // The clock starts where the scenario says, or when the estate its fixtures hold was
        // exported (their latest `as-of`); never before that export, whose keys and dates would
        // all be in the future.
        let start = problems.attempt { () throws(LoadError) in
            let asOf = inventory?.asOf
            guard let s = m["start"] else { return asOf?.at ?? Scenario.defaultStart }
            guard let t = Timestamp(iso8601: try s.string()) else {
                throw s.error("expected an ISO 8601 time such as 2026-01-01T00:00:00Z")
            }
            if let asOf, asOf.at > t {
                let place = LoadError(file: asOf.file, line: asOf.line, message: "").location
                throw s.error(
                    "the fixtures in \(InputFiles.display(place)) were exported at \(asOf.at), after this start: a run "
                        + "cannot begin before the estate it starts from was recorded (start at \(asOf.at) or later, "
                        + "or leave start out to begin then)")
            }
            return t
        }
        let seed = problems.attempt { () throws(LoadError) in
            try m["seed"].map { n throws(LoadError) in UInt64(try n.int(in: 0...Int.max)) } ?? 0
        }
        let name = problems.attempt { () throws(LoadError) in try m.required("name").string() }
        let description = problems.attempt { () throws(LoadError) in try m["description"]?.string() ?? "" }

        guard problems.isEmpty, let inventory, let policies, let rules, let apiLatency, let apiLatencyJitter,
            let runFor, let external,
            let start, let seed, let name, let description
        else { return nil }
        var scenario = Scenario(
            name: name, description: description, file: file, inventory: inventory, policies: policies,
            settings: EngineSettings(rules: rules, apiLatency: apiLatency, apiLatencyJitter: apiLatencyJitter),
            timeline: timeline, runFor: runFor, seed: seed, start: start, expectations: expectations
        )
        scenario.fixturesDigest = fixtures?.digest
        scenario.settings.external = external
        // What the simulation would refuse, refused here, at its line: validate and run see the same.
        for problem in Preflight.problems(in: scenario) {
            problems.record(entryNodes[problem.entry].error(problem.error.message))
        }
        for unset in scenario.unsetParameters() {
            if let node = ruleNodes[unset.rule] ?? m["engine"] { problems.record(node.error(unset.message)) }
        }
        return problems.isEmpty ? scenario : nil
    }

    /// The inventory of a scenario's `fixtures:`, loaded once per root and paths: another
    /// scenario naming the same fixtures from elsewhere is held to its own root.
    private func inventory(
        _ fixturesNode: YAMLNode, base: String, confinement: PathConfinement.Root?, unreported: inout [LoadError]
    ) throws(LoadError) -> (inventory: Inventory, digest: String) {
        do {
            let items = try fixturesNode.list()
            let paths = try fixturesNode.strings().map { InputFiles.resolve($0, relativeTo: base) }
            return try inventories.inventory(for: paths, root: confinement) { () throws(LoadError) in
                var files: [String] = []
                for (path, item) in zip(paths, items) { files += try Self.confined(path, to: confinement, named: item) }
                // Every problem of the fixtures; the first is thrown as the key's.
                let (inventory, found, digest) = FixtureLoader.loadWithDigest(paths: files, cache: fixtureCache)
                guard let inventory else {
                    unreported += found.dropFirst()
                    throw found[0]
                }
                return (inventory, digest)
            }
        } catch  where error.line == nil && error.keyPath.isEmpty && error.message == "no such file or directory" {
            throw fixturesNode.error("fixture path '\(InputFiles.display(error.file))' does not exist")
        }
    }

    /// `builtin:ID`, `builtin:all`, or a path to a policy file or directory.
    func loadPolicies(_ node: YAMLNode, base: String, confinement: PathConfinement.Root? = nil) throws(LoadError)
        -> [Policy]
    {
        var problems = ProblemList()
        guard let policies = loadPolicies(node, base: base, confinement: confinement, problems: &problems) else {
            throw problems.sorted[0]
        }
        return policies
    }

    /// The policies each reference names, every reference read on its own; nil when any could
    /// not be read (its problem is in `problems`).
    func loadPolicies(
        _ node: YAMLNode, base: String, confinement: PathConfinement.Root?, problems: inout ProblemList
    ) -> [Policy]? {
        guard let items = problems.attempt({ () throws(LoadError) in try node.list() }) else { return nil }
        var out: [Policy] = []
        var complete = true
        var unreported: [LoadError] = []
        defer { problems.record(unreported) }
        for item in items {
            let loaded = problems.attempt { () throws(LoadError) -> [Policy] in
                let ref = try item.string()
                do throws(PolicyReference.Problem) {
                    if let named = try PolicyReference(ref).builtins(from: builtins) { return named }
                } catch {
                    throw item.error(error.message)
                }
                do throws(LoadError) {
                    var policies: [Policy] = []
                    var found: [LoadError] = []
                    for file in try Self.confined(
                        InputFiles.resolve(ref, relativeTo: base), to: confinement, named: item)
                    {
                        let (loaded, problems) = PolicyLoader.loadReportingAll(file: file, source: file)
                        policies += loaded
                        found += problems
                    }
                    // Every problem of the files named; the first is thrown as this item's.
                    if let first = found.first {
                        unreported += found.dropFirst()
                        throw first
                    }
                    return policies
                } catch  where error.message == "no such file or directory" && error.line == nil {
                    throw item.error(PolicyReference.missingPath(ref))
                }
            }
            if let loaded { out += loaded } else { complete = false }
        }
        guard complete else { return nil }
        return problems.attempt { () throws(LoadError) in
            do throws(LoadError) {
                return try PolicyLoader.unique(out)
            } catch {
                throw node.error(error.message)
            }
        }
    }

    /// The files a path a scenario names stands for, confined to the scenario's root (nil: not
    /// confined) by the one rule every input goes through; a path that leaves it is refused at
    /// the key that named it.
    static func confined(_ path: String, to root: PathConfinement.Root?, named node: YAMLNode) throws(LoadError)
        -> [String]
    {
        do {
            return try PathConfinement.$current.withValue(root.map { .directories($0.paths) } ?? .anywhere) {
                Result { () throws(LoadError) in try InputFiles.collect([path]) }
            }.get()
        } catch  where error.message != "no such file or directory" {
            throw node.error(error.message)
        }
    }

    /// How a policy that names its own way of running (a Cloud Custodian `mode`) is detected
    /// under a rule that gives no `detection`: a pull policy without a schedule is scanned
    /// hourly, an event is delivered after the default delay.
    static let defaultPollInterval = SimDuration.hours(1)

    /// An alert rule, or, when it gives no `detection`, one per way its policies ask to be run
    /// (Custodian's `mode`): `NAME` when they all ask the same, `NAME/poll-1h`, `NAME/event`, …
    /// otherwise. `policies` nil (not every policy could be read) takes any policy on trust.
    func rules(_ node: YAMLNode, policies: [Policy]?) throws(LoadError) -> [AlertRule] {
        let policyIds = policies.map { Set($0.map(\.id)) }
        let m = try node.mapping(allowing: Self.ruleKeys)
        guard m["detection"] == nil else { return [try rule(node, policyIds: policyIds)] }
        let base = try rule(node, policyIds: policyIds, detection: .poll(every: Self.defaultPollInterval))
        guard let policies else { return [base] }
        return try base.splitByModes(of: policies, defaultPoll: Self.defaultPollInterval) {
            (policy) throws(LoadError) -> AlertRule.Detection in
            throw node.error(
                "alert rule '\(base.name)' gives no 'detection', and policy '\(policy.id)' has no mode of its own "
                    + "to take it from: add 'detection' (mode: event or poll)")
        }
    }

    /// An alert rule; `policyIds` nil takes any policy name on trust. `detection` stands in
    /// for a rule that gives none.
    func rule(_ node: YAMLNode, policyIds: Set<String>?, detection fallback: AlertRule.Detection? = nil)
        throws(LoadError) -> AlertRule
    {
        let m = try node.mapping(allowing: Self.ruleKeys)
        var scope = AlertRule.Scope()
        if let s = m["scope"] {
            let sm = try s.mapping(allowing: ["clouds", "accounts", "regions", "tags"])
            if let c = sm["clouds"] {
                for item in try c.list() { scope.clouds.append(try item.oneOf(Cloud.self, Cloud.allCases)) }
            }
            scope.accounts = try sm["accounts"]?.strings() ?? []
            scope.regions = try sm["regions"]?.strings() ?? []
            scope.tags = try sm["tags"]?.stringMap() ?? [:]
        }
        var policies: [String]?
        if let p = m["policies"] {
            if (try? p.string()) == "all" {
                policies = nil
            } else {
                var ids: [String] = []
                for item in try p.list() { ids.append(try item.policyId(in: policyIds)) }
                policies = ids
            }
        }
        let parameters =
            try m["parameters"].map { n throws(LoadError) in try Self.parameters(n, declaredBy: nil) } ?? [:]
        if m["detection"] == nil, let fallback {
            var rule = AlertRule(
                name: try m.required("name").string(), scope: scope, policies: policies,
                autoRemediate: try m["auto-remediate"]?.bool() ?? false, detection: fallback,
                controls: try ControlsReader.controls(m), disruption: try ControlsReader.disruption(m))
            rule.parameters = parameters
            return rule
        }
        let detectionNode = try m.required("detection")
        let d = try detectionNode.mapping(allowing: ["mode", "delivery-delay", "every"])
        let detection: AlertRule.Detection
        switch try d.required("mode").oneOf(DetectionMode.self, DetectionMode.allCases) {
        case .event:
            if let every = d["every"] {
                throw every.error("'every' is for poll mode; event mode takes 'delivery-delay'")
            }
            detection = .event(deliveryDelay: try d["delivery-delay"]?.duration() ?? .seconds(90))
        case .poll:
            if let delay = d["delivery-delay"] {
                throw delay.error("'delivery-delay' is for event mode; poll mode takes 'every'")
            }
            let everyNode = try d.required("every")
            let every = try everyNode.duration()
            guard every >= .seconds(1) else { throw everyNode.error("a poll interval must be at least 1s") }
            detection = .poll(every: every)
        }
        var rule = AlertRule(
            name: try m.required("name").string(), scope: scope, policies: policies,
            autoRemediate: try m["auto-remediate"]?.bool() ?? false, detection: detection,
            controls: try ControlsReader.controls(m),
            disruption: try ControlsReader.disruption(m))
        rule.parameters = parameters
        return rule
    }

    /// `parameters: {NAME: VALUE}`: values of remediation parameters. With `declaredBy`, each name
    /// must be a parameter one of those policies declares (a misspelt name sets nothing).
    static func parameters(_ node: YAMLNode, declaredBy policies: [Policy]?) throws(LoadError) -> [String: Value] {
        let declared = Set((policies ?? []).flatMap { $0.remediation?.parameters.map(\.name) ?? [] })
        var out: [String: Value] = [:]
        for (name, valueNode) in try node.mapping(allowing: node.mappingKeys).entries {
            if policies != nil, !declared.contains(name) {
                throw valueNode.error(
                    "no policy of this scenario takes a parameter '\(name)'\(Suggest.didYouMean(name, in: declared.sorted())) "
                        + "(taken: \(declared.isEmpty ? "none" : declared.sorted().joined(separator: ", ")))")
            }
            let value = try valueNode.value()
            guard value.stringValue != nil || value.intValue != nil || value.boolValue != nil else {
                throw valueNode.error("a parameter's value is a string, a number or a boolean")
            }
            out[name] = value
        }
        return out
    }

    enum DetectionMode: String, CaseIterable {
        case event, poll
    }
}

func suggestId(_ id: String, _ inventory: Inventory, _ created: [String: Resource] = [:]) -> String {
    Suggest.didYouMean(id, in: inventory.all.map(\.id) + created.keys.sorted())
}

/// Loaded inventories by the root they were confined to and their (resolved) fixture paths.
/// Files are assumed not to change while one loader is in use, which holds for a command's run.
final class InventoryCache: @unchecked Sendable {
    // @unchecked: every access to `loaded` and the counts holds `lock`.
    private let lock = NSLock()
    private var loaded: [[String]: (inventory: Inventory, digest: String)] = [:]

    /// Work done, for tests that check it does not grow with the number of scenarios: loading a
    /// set of fixture paths walks each folder once (for links out of the root) and reads it.
    private(set) var walks = 0, loads = 0

    func inventory(
        for paths: [String], root: PathConfinement.Root?,
        load: () throws(LoadError) -> (inventory: Inventory, digest: String)
    ) throws(LoadError) -> (inventory: Inventory, digest: String) {
        let key = [root?.paths.joined(separator: "\n") ?? ""] + paths
        if let known = lock.withLock({ loaded[key] }) { return known }
        let inventory = try load()
        lock.withLock {
            walks += 1
            loads += 1
            loaded[key] = inventory
        }
        return inventory
    }
}
