import CloudModel
import CloudOperations
import RemediationEngine
import Simulation

/// Replays a scenario's remediation against a real AWS API endpoint: creates the resources the
/// remediation touches, in the state they were in just before it, runs the exact commands the
/// simulation rendered through the real AWS CLI, reads the resources back, and compares them,
/// property by property, with the simulation's end state. A difference is the simulator's model
/// of the cloud disagreeing with the cloud.
package struct Replay: Sendable {
    package struct Difference: Sendable, Hashable, CustomStringConvertible {
        package var resourceId: String
        package var property: String
        package var simulated: Value
        package var endpoint: Value
        package var description: String {
            "\(resourceId) \(property): simulated \(simulated.jsonText), endpoint \(endpoint.jsonText)"
        }
    }

    package struct Outcome: Sendable {
        package enum Status: Sendable, Equatable {
            case matched
            case differed
            case notReplayable(String)
        }

        package var scenario: String
        package var status: Status
        package var differences: [Difference] = []
        /// The commands run against the endpoint, ids translated.
        package var commands: [String] = []
        /// The timeline's changes made between the calls (an injection, a drift), in order.
        package var changes: [String] = []
        /// Fixture ids of the resources created and compared.
        package var compared: [String] = []
        /// Those of them nothing in the scenario changed, made to catch a call on the wrong one.
        package var untouched: [String] = []
        /// Untouched resources left out, with the reason (a name already taken on the endpoint).
        package var leftOut: [String] = []
        /// Problems deleting what the replay created.
        package var cleanup: [String] = []
    }

    static let adapters: [String: any ReplayAdapter] = Dictionary(
        uniqueKeysWithValues: ([
            VPCAdapter(), SecurityGroupAdapter(), NetworkACLAdapter(), EC2InstanceAdapter(), EBSSnapshotAdapter(),
            S3BucketAdapter(),
            IAMUserAdapter(), PasswordPolicyAdapter(), KMSKeyAdapter(), RDSInstanceAdapter(), RDSSnapshotAdapter(),
            CloudTrailAdapter(), RedshiftClusterAdapter(), LogGroupAdapter(), LoadBalancerAdapter(),
            LambdaFunctionAdapter(),
            EBSVolumeAdapter(), IAMRoleAdapter(),
        ] as [any ReplayAdapter]).map { ($0.type, $0) })

    /// The resource types a replay can create.
    package static var supportedTypes: [String] { adapters.keys.sorted() }

    /// Which resources nothing in the scenario changes are made and compared too, to catch a call
    /// that lands on the wrong resource.
    package enum Untouched: Sendable, Equatable, CustomStringConvertible {
        /// Up to this many per resource the calls touch: of its type and account, those sharing
        /// its name (in another region) first, then those in its VPC, then those in its region.
        case neighbours(Int)
        /// Every resource of the scenario's fixtures that remsim can make.
        case all

        package var description: String {
            switch self {
            case .neighbours(let n): "\(n)"
            case .all: "all"
            }
        }
    }

    package var scenario: Scenario
    package var cli: AWSCLI
    /// The untouched resources made and compared besides those the calls touch.
    package var untouched = Untouched.neighbours(1)
    package var replayId: String
    /// Leave what was created on the endpoint.
    package var keep = false
    /// Checked before every call the replay makes, but not during the cleanup.
    package var interruption = ReplayInterruption()

    package init(scenario: Scenario, cli: AWSCLI, replayId: String, keep: Bool = false) {
        self.scenario = scenario
        self.cli = cli
        self.replayId = replayId
        self.keep = keep
    }

    /// Replays against `simulated`, the simulation's result (run here when not given; a test
    /// passes a deliberately wrong one).
    package func run(simulated given: Simulated? = nil) -> Outcome {
        var outcome = Outcome(scenario: scenario.name, status: .matched)
        let simulated: Simulated
        do {
            simulated = try given ?? Simulator(scenario: scenario).runTraced()
        } catch {
            outcome.status = .notReplayable("the simulation failed: \(error)")
            return outcome
        }
        let plan: Plan
        switch self.plan(simulated) {
        case .success(let p): plan = p
        case .failure(let e):
            outcome.status = .notReplayable(e.reason)
            return outcome
        }

        let context = ReplayContext(cli: cli, replayId: replayId)
        var created: [(Resource, String)] = []
        do throws(ReplayError) {
            try replay(plan, simulated, in: context, created: &created, outcome: &outcome)
            outcome.status = outcome.differences.isEmpty ? .matched : .differed
        } catch {
            switch error {
            case .notReplayable(let why): outcome.status = .notReplayable(why)
            case .notSupportedByEndpoint:
                outcome.status = .notReplayable(String(error.description.dropFirst("not replayable: ".count)))
            // A call the replay makes itself (to create, configure or read) was refused: the
            // endpoint does not accept a state the simulation holds.
            case .callFailed(let call, let message):
                outcome.differences.append(
                    Difference(
                        resourceId: "", property: "aws \(call)", simulated: "accepted", endpoint: .string(message)))
                outcome.status = .differed
            }
        }
        // Whatever happened, what was made goes, last made first.
        if !keep {
            for (resource, id) in created.reversed() {
                do throws(ReplayError) {
                    try Self.adapters[resource.type]?.delete(resource, id: id, in: context)
                } catch {
                    outcome.cleanup.append("\(resource.id) (\(id)): \(error)")
                }
            }
        }
        return outcome
    }

    func checkInterruption() throws(ReplayError) {
        if interruption.isRequested { throw .notReplayable("interrupted; what it had made is deleted") }
    }

    /// Makes the resources, runs the calls, and compares; `created` holds what exists on the
    /// endpoint at every moment, for the cleanup.
    private func replay(
        _ plan: Plan, _ simulated: Simulated, in context: ReplayContext,
        created: inout [(Resource, String)], outcome: inout Outcome
    ) throws(ReplayError) {
        // The fixtures' accounts are the endpoint's account: commands naming an account (a
        // group pair's UserId) then mean the same thing there.
        let identity = try context.aws("us-east-1", ["sts", "get-caller-identity"])
        if let account = identity["Account"]?.stringValue {
            for fixtureAccount in Set(plan.order.map(\.account)) where !fixtureAccount.isEmpty {
                context.account(fixtureAccount, is: account)
            }
        }
        if let gap = EndpointGap.gap(
            of: EndpointGap.endpoint(fromCallerArn: identity["Arn"]?.stringValue ?? ""), in: simulated.result.attempts)
        {
            throw .notReplayable("the endpoint does not support \(gap.operation) with \(gap.parameter): \(gap.reason)")
        }
        context.planned = plan.order
        context.referenced = plan.referenced
        var dropped: Set<String> = []
        for resource in plan.order {
            guard let adapter = Self.adapters[resource.type] else { continue }
            try checkInterruption()
            let properties = plan.before[resource.id]?.properties ?? resource.properties
            do throws(ReplayError) {
                let id = try adapter.create(resource, properties: properties, in: context)
                context.created(resource.id, as: id)
                created.append((resource, id))
                try adapter.configure(resource, id: id, properties: properties, in: context)
            } catch {
                // An untouched resource the endpoint cannot hold as the fixture has it (its name is
                // taken, or the endpoint refuses a setting) is left out, and deleted if made: it
                // is there only to be watched, and says nothing about the remediation.
                guard plan.untouched.contains(resource.id) else { throw error }
                switch error {
                case .notReplayable(let why): outcome.leftOut.append("\(resource.id): \(why)")
                case .callFailed(let call, let message):
                    outcome.leftOut.append("\(resource.id): the endpoint refused aws \(call): \(message)")
                case .notSupportedByEndpoint: outcome.leftOut.append("\(resource.id): \(error)")
                }
                dropped.insert(resource.id)
            }
        }
        // Every call as the simulation made it, in order: those it predicted to succeed must
        // succeed, those it predicted to fail must fail with the same error code. A call that
        // failed because a fault on the timeline said so changed nothing, and is not made.
        // The timeline's changes come in where they came in the simulation: before the first
        // call that had not landed yet.
        var pending = plan.changes[...]
        let landing = Dictionary(
            simulated.trace.landedCalls.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        func applyChanges(before callId: Int?) throws(ReplayError) {
            while let change = pending.first, callId.map({ (landing[$0] ?? .max) >= change.callsLanded }) ?? true {
                pending.removeFirst()
                try checkInterruption()
                guard let before = change.before, let adapter = Self.adapters[before.type],
                    let id = context.ids[change.resourceId],
                    let after = change.after
                else { continue }
                if adapter.project(before.properties, in: context) == adapter.project(after.properties, in: context) {
                    continue
                }
                try adapter.change(before, id: id, from: before.properties, to: after.properties, in: context)
                outcome.changes.append("\(change.actor) changed \(change.resourceId)")
            }
        }
        for attempt in simulated.result.attempts.sorted(by: { $0.callId < $1.callId })
        where !simulated.trace.faultedCalls.contains(attempt.callId) {
            try checkInterruption()
            try applyChanges(before: attempt.callId)
            let words = attempt.command.words
            guard words.first == "aws" else { throw .notReplayable("not an aws command: \(attempt.command)") }
            let translated = Array(words.dropFirst()).map(context.translate)
            outcome.commands.append((["aws"] + translated).joined(separator: " "))
            var failure: AWSCLI.Failure?
            do { try cli.run(translated) } catch { failure = error }
            if let failure, failure.notImplemented { throw ReplayError(failure) }
            let name = "call \(attempt.callId) (\(AWSCLI.call(translated)))"
            switch (attempt.outcome, failure) {
            case (.failed("OutcomeUnknown", _)?, _):
                // The engine restarted before the answer came: the end state says what the call did.
                break
            case (.failed(let code, _)?, nil):
                outcome.differences.append(
                    Difference(
                        resourceId: attempt.resourceId, property: name, simulated: .string("failed: \(code)"),
                        endpoint: "succeeded"))
            case (.failed(let code, _)?, let failure?) where !failure.message.contains("(\(code))"):
                outcome.differences.append(
                    Difference(
                        resourceId: attempt.resourceId, property: name, simulated: .string("failed: \(code)"),
                        endpoint: .string(failure.message)))
            case (.succeeded?, let failure?), (nil, let failure?):
                outcome.differences.append(
                    Difference(
                        resourceId: attempt.resourceId, property: name, simulated: "succeeded",
                        endpoint: .string(failure.message)))
            default:
                break
            }
        }
        try applyChanges(before: nil)
        for resource in plan.made {
            guard let adapter = Self.adapters[resource.type] else { continue }
            guard let id = try adapter.locate(resource, in: context) else {
                outcome.differences.append(
                    Difference(resourceId: resource.id, property: "exists", simulated: true, endpoint: false))
                continue
            }
            created.append((resource, id))
        }
        for (resource, id) in created where !dropped.contains(resource.id) {
            guard let adapter = Self.adapters[resource.type] else { continue }
            let final = simulated.result.finalInventory[resource.id]
            let read = try adapter.readIfThere(resource, id: id, in: context)
            outcome.compared.append(resource.id)
            if plan.untouched.contains(resource.id) { outcome.untouched.append(resource.id) }
            // A remediation deleted it: gone on both sides is the same end state.
            guard (final == nil) == (read == nil) else {
                outcome.differences.append(
                    Difference(
                        resourceId: resource.id, property: "exists", simulated: .bool(final != nil),
                        endpoint: .bool(read != nil)))
                continue
            }
            guard let final, let read else { continue }
            let expected = adapter.project(final.properties, in: context)
            let found = adapter.project(read, in: context)
            for key in expected.objectValue?.keys ?? [] where expected[key] != found[key] {
                outcome.differences.append(
                    Difference(
                        resourceId: resource.id, property: key, simulated: expected[key] ?? .null,
                        endpoint: found[key] ?? .null))
            }
        }
    }

    struct Plan {
        /// Resources to create, dependencies first.
        var order: [Resource]
        /// Resources the remediation calls make, as the simulation made them.
        var made: [Resource]
        /// Fixture ids of the resources the calls name besides their targets.
        var referenced: Set<String>
        /// Their state just before the first remediation call.
        var before: Inventory
        /// What the timeline changes after the first call, on resources the replay makes.
        var changes: [TimelineChange] = []
        /// Resources made only to check that nothing changes them.
        var untouched: Set<String> = []
    }

    struct NotReplayable: Error {
        var reason: String
    }

    /// The resources the calls name besides their targets (the bucket access logs go to), which
    /// the endpoint checks exist.
    func referenced(by attempts: [RemediationAttempt]) -> [String] {
        var ids: [String] = []
        for attempt in attempts {
            for reference in OperationCatalog.spec(named: attempt.operation)?.references ?? [] {
                guard let name = reference.name(in: attempt.parameters),
                    let account = scenario.inventory[attempt.resourceId]?.account
                else { continue }
                scenario.inventory.forEach(ofType: reference.resourceType) { r in
                    if r.account == account, r.name == name || r.id == name, !ids.contains(r.id) { ids.append(r.id) }
                }
            }
        }
        return ids
    }

    /// Resources of the fixtures that nothing in the scenario changes (no call, no injection),
    /// chosen as `untouched` says, next to `targets`: where a call aimed at the wrong resource
    /// would land (the same name in another region, the same VPC, the same region).
    func untouched(near targets: [String], besides taken: Set<String>, _ simulated: Simulated) -> [String] {
        let changedByTimeline = Set(simulated.trace.timelineChanges.map(\.resourceId))
        func eligible(_ r: Resource) -> Bool {
            !taken.contains(r.id) && Self.adapters[r.type] != nil && !changedByTimeline.contains(r.id)
                && simulated.result.finalInventory[r.id]?.properties == r.properties
        }
        switch untouched {
        case .all:
            return scenario.inventory.all.filter(eligible).map(\.id)
        case .neighbours(let count):
            guard count > 0 else { return [] }
            var chosen: [String] = []
            for id in targets {
                guard let target = scenario.inventory[id], Self.adapters[target.type]?.onePerAccount == false else {
                    continue
                }
                let vpc = target.properties["VpcId"]
                let candidates = scenario.inventory.resources(ofType: target.type)
                    .filter { $0.account == target.account && eligible($0) && !chosen.contains($0.id) }
                    .sorted { a, b in
                        func rank(_ r: Resource) -> Int {
                            if r.name == target.name && r.region != target.region { return 0 }
                            if vpc != nil && r.properties["VpcId"] == vpc { return 1 }
                            return r.region == target.region ? 2 : 3
                        }
                        return (rank(a), a.id) < (rank(b), b.id)
                    }
                chosen += candidates.prefix(count).map(\.id)
            }
            return chosen
        }
    }

    func plan(_ simulated: Simulated) -> Result<Plan, NotReplayable> {
        guard let first = simulated.result.attempts.map(\.startedAt).min() else {
            return .failure(NotReplayable(reason: "the simulation made no remediation call"))
        }
        // Injections and drift change the cloud between the calls, and the replay makes the same
        // changes at the same points; the rest of the timeline acts on the engine, and the calls
        // it made already carry its effect.
        if let entry = scenario.timeline.first(where: {
            if case .fault(let f) = $0.action { f.kind == .deleteDuringRemediation } else { false }
        }) {
            return .failure(
                NotReplayable(
                    reason:
                        "its timeline has '\(entry.action.name)', which deletes a resource while a call is under way"))
        }
        let offset = first - simulated.result.start
        let changes = simulated.trace.timelineChanges.filter { $0.at - simulated.result.start > offset }
        if let deletion = changes.first(where: { $0.after == nil }) {
            return .failure(NotReplayable(reason: "its timeline deletes \(deletion.resourceId) between the calls"))
        }
        if let creation = changes.first(where: { $0.before == nil }) {
            return .failure(NotReplayable(reason: "its timeline creates \(creation.resourceId) between the calls"))
        }
        // Everything a call touched, and whatever that needs first; what the timeline changes
        // later, where remsim can make it.
        var wanted: [String] = []
        let referenced = referenced(by: simulated.result.attempts)
        let changed = changes.compactMap(\.before).filter { Self.adapters[$0.type] != nil }.map(\.id)
        for id in simulated.result.attempts.map(\.resourceId) + simulated.trace.callChanges.map(\.resourceId)
            + referenced + changed
        where !wanted.contains(id) { wanted.append(id) }
        // What the calls make is looked for on the endpoint afterwards, where its type allows.
        var made: [Resource] = []
        let unsupported = Set(
            wanted.compactMap { id -> String? in
                guard let r = scenario.inventory[id] else {
                    guard let new = simulated.result.finalInventory[id],
                        Self.adapters[new.type]?.locatesWhatCallsMake == true
                    else { return "resources a call creates (\(id))" }
                    made.append(new)
                    return nil
                }
                return Self.adapters[r.type] == nil ? r.type : nil
            })
        guard unsupported.isEmpty else {
            return .failure(
                NotReplayable(
                    reason: "remsim does not yet create \(unsupported.sorted().joined(separator: ", ")) on an endpoint")
            )
        }
        var order: [Resource] = []
        func visit(_ id: String) {
            guard !order.contains(where: { $0.id == id }), let r = scenario.inventory[id],
                let adapter = Self.adapters[r.type]
            else { return }
            for dep in adapter.dependencies(of: r) { visit(dep) }
            order.append(r)
        }
        for id in wanted { visit(id) }
        let untouched = untouched(near: wanted, besides: Set(order.map(\.id)), simulated)
        for id in untouched { visit(id) }

        // The state just before the first call: the scenario up to then, with nothing remediating.
        var before = scenario
        before.settings.rules = before.settings.rules.map {
            var r = $0
            r.autoRemediate = false
            return r
        }
        before.expectations = []
        before.runFor = max(SimDuration(milliseconds: 1), offset)
        do {
            return .success(
                Plan(
                    order: order, made: made, referenced: Set(referenced),
                    before: try Simulator(scenario: before).run().finalInventory,
                    changes: changes.filter { change in order.contains { $0.id == change.resourceId } },
                    untouched: Set(untouched)))
        } catch {
            return .failure(NotReplayable(reason: "cannot compute the state before the first call: \(error)"))
        }
    }
}
