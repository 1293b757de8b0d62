import CloudModel
import CloudOperations
import HeapModule
import Policies
import RemediationEngine

/// Runs a scenario: a discrete-event loop on a virtual clock that drives the real engine against
/// the simulated cloud.
///
/// Time moves only when the loop takes the next event off the queue (as with swift-nio's
/// `EmbeddedEventLoop`), so thirty simulated days take milliseconds. Events at the same instant
/// run in the order they were scheduled, and every random draw comes from the scenario's seed:
/// the same scenario and seed give the same result, byte for byte.
///
/// Faults act where they would in the real world: in the cloud's API when a call lands
/// (throttling, access denied), around a call (a resource deleted under it, reads that lag its
/// write), and in the event pipeline (change events dropped or late). Every change records its
/// actor, as an audit log would, so the engine can name who undoes its remediations.
public struct Simulator: Sendable {
    package let scenario: Scenario
    /// Operations the simulated cloud models otherwise than the catalog (`SimulatedCloud.models`).
    package var models: [String: OperationSpec] = [:]

    public init(scenario: Scenario) { self.scenario = scenario }

    fileprivate enum Action: Sendable {
        case startEngine
        case timeline(Int)
        case drift(Int)
        case deliverChange(resourceId: String, rule: String)
        case scan(rule: String)
        case timer(Int)
        case complete(CloudOperation)
        /// The ground truth looks at a resource again: an age threshold is crossed.
        case recheck(String)
    }

    fileprivate struct Scheduled: Comparable, Sendable {
        var at: Timestamp
        var sequence: Int
        var action: Action
        static func < (a: Scheduled, b: Scheduled) -> Bool { (a.at, a.sequence) < (b.at, b.sequence) }
        static func == (a: Scheduled, b: Scheduled) -> Bool { (a.at, a.sequence) == (b.at, b.sequence) }
    }

    fileprivate struct ActiveFault: Sendable {
        var fault: Fault
        var from: Timestamp
        var until: Timestamp?
        /// Calls let through per throttling period.
        var counts: [Int64: Int] = [:]
        func isActive(at t: Timestamp) -> Bool { t >= from && (until.map { t < $0 } ?? true) }
    }

    fileprivate struct Loop: Sendable {
        var queue = Heap<Scheduled>()
        var sequence = 0
        var now: Timestamp
        var end: Timestamp
        var cloud: SimulatedCloud
        var engine: Engine
        var random: SeededGenerator
        var truth: ViolationTracker
        var timeline: [TimelineRecord] = []
        var processed = 0
        /// Every change to each resource, oldest first: the audit log the engine may read.
        var changes: [String: [ResourceChange]] = [:]
        /// What reads return while a write has not yet become visible (nil: not there yet).
        var stale: [String: (resource: Resource?, until: Timestamp)] = [:]
        var faults: [ActiveFault] = []
        /// The next age recheck pending for each resource.
        var rechecks: [String: Timestamp] = [:]
        var deletedUnderRemediation: Set<String> = []
        var callChanges: [CallChange] = []
        var faultedCalls: Set<Int> = []
        var timelineChanges: [TimelineChange] = []
        var landedCalls: [Int] = []

        mutating func schedule(_ action: Action, at: Timestamp) {
            sequence += 1
            queue.insert(Scheduled(at: at, sequence: sequence, action: action))
        }

        var view: SimulationView {
            SimulationView(
                inventory: cloud.inventory, stale: stale.isEmpty ? [:] : stale.filter { $0.value.until > now },
                changes: changes)
        }
    }

    /// Runs the scenario. Throws the first problem `Preflight` finds, before anything runs; a
    /// problem only the run can meet (an injection that no longer applies to what a remediation
    /// left, too many events) stops the run there and comes back as the result's `error`, with
    /// everything that happened until then, and the scenario failed.
    public func run() throws(SimulationError) -> ScenarioResult {
        try runTraced().result
    }

    /// Runs the scenario as `run()` does, and keeps the trace of what each call and each
    /// timeline change did to the cloud.
    package func runTraced() throws(SimulationError) -> Simulated {
        var session = try session()
        try? session.advance(to: session.end)
        return session.finish()
    }

    /// The scenario set up to run (the preflight passed, the cloud seeded, the timeline and the
    /// engine's start queued), standing at its start, for a driver that moves its clock itself.
    package func session() throws(SimulationError) -> Session {
        if let problem = Preflight.problems(in: scenario).first { throw problem.error }
        let start = scenario.start
        let end = start + scenario.runFor
        var cloud = SimulatedCloud(inventory: scenario.inventory)
        cloud.models = models
        var loop = Loop(
            now: start, end: end, cloud: cloud,
            engine: Engine(policies: scenario.policies, rules: scenario.settings.rules, seed: scenario.seed),
            random: SeededGenerator(seed: scenario.seed),
            truth: ViolationTracker(policies: scenario.policies, rules: scenario.settings.rules))
        loop.truth.observeAll(loop.cloud.inventory, at: start)
        // Resources whose verdict time alone can change are looked at again when it does.
        let truth = loop.truth
        for type in loop.cloud.inventory.types where truth.ages(type) {
            var due: [(id: String, at: Timestamp)] = []
            loop.cloud.inventory.forEach(ofType: type) { r in
                if let at = truth.nextCrossing(of: r, after: start), at <= end { due.append((r.id, at)) }
            }
            for (id, at) in due {
                loop.rechecks[id] = at
                loop.schedule(.recheck(id), at: at)
            }
        }
        // Entries at the start (exemptions, faults) are in place before the engine's first scan.
        for (i, entry) in scenario.timeline.enumerated() where entry.at == .zero {
            loop.schedule(.timeline(i), at: start)
        }
        loop.schedule(.startEngine, at: start)
        for (i, entry) in scenario.timeline.enumerated() where entry.at != .zero {
            loop.schedule(.timeline(i), at: start + entry.at)
        }
        return Session(simulator: self, loop: loop)
    }

    /// A run whose clock its driver moves: `runTraced()` moves it to the end at once; `remsim
    /// serve` moves it with the wall clock, and lets calls from outside the simulation land on its
    /// cloud between events, as the engine's calls land.
    package struct Session: Sendable {
        package let simulator: Simulator
        private var loop: Loop
        /// What stopped the run, when something did: the clock moves no further.
        package private(set) var stopped: SimulationError?
        private var outsideCalls: [OutsideCall] = []
        /// What the calls from outside would disrupt, assessed before each landed (or was refused).
        private var outsideWarnings: [DisruptionWarning] = []

        fileprivate init(simulator: Simulator, loop: Loop) {
            self.simulator = simulator
            self.loop = loop
        }

        package var now: Timestamp { loop.now }
        package var end: Timestamp { loop.end }
        package var inventory: Inventory { loop.cloud.inventory }
        /// The resources as a read sees them now: the inventory, but for writes not yet visible
        /// (an eventual-consistency fault), seen as they were, as the engine's own reads see them.
        package var readInventory: Inventory {
            let stale = loop.stale.filter { $0.value.until > loop.now }
            guard !stale.isEmpty else { return loop.cloud.inventory }
            var seen = loop.cloud.inventory
            for (id, entry) in stale.sorted(by: { $0.key < $1.key }) {
                if let old = entry.resource { seen.upsert(old) } else { _ = seen.remove(id: id) }
            }
            return seen
        }
        /// What happened so far, in the order it happened (alerts and warnings come with `finish()`).
        package var timeline: [TimelineRecord] { loop.timeline }
        /// The alerts the scenario's alert rules raised so far, with their transitions.
        package var alerts: [Alert] { loop.engine.alerts }
        /// Every change to each resource so far, oldest first, with who made it.
        package var changes: [String: [ResourceChange]] { loop.changes }

        /// Takes off the queue every event due by `time` (at most the end of the run), and stands
        /// at `time`. A problem only the run can meet stops it there, for good.
        package mutating func advance(to time: Timestamp) throws(SimulationError) {
            if let stopped { throw stopped }
            let target = min(time, loop.end)
            do {
                try simulator.runEvents(&loop, until: target)
            } catch {
                stopped = error
                loop.timeline.append(
                    TimelineRecord(at: loop.now, kind: .failure, resourceId: "", text: "the run stopped: \(error)"))
                throw error
            }
            if target > loop.now { loop.now = target }
        }

        /// A call from outside the simulation (a program on the endpoint) lands now, as an
        /// engine's call lands: the cloud's faults first, then the operation, recorded with its
        /// actor; what it changes is seen by the ground truth and sent on as change events.
        /// Its id is negative, apart from the engine's.
        package mutating func land(_ operation: CloudOperation) -> OperationOutcome {
            let op = CloudOperation(
                callId: -(outsideCalls.count + 1), name: operation.name, cloud: operation.cloud,
                account: operation.account,
                region: operation.region, resourceId: operation.resourceId, parameters: operation.parameters,
                command: operation.command, actor: operation.actor)
            loop.timeline.append(
                TimelineRecord(
                    at: loop.now, kind: .call, resourceId: op.resourceId, text: "\(op.command.text) (by \(op.actor))"))
            // The same impact rules the engine's remediations meet, before the call lands; an
            // external engine in block mode has the call refused as a guardrail would refuse it.
            let settings =
                simulator.scenario.settings.external.first { $0.name == op.actor }?.disruption ?? DisruptionSettings()
            var found: [DisruptionWarning] = []
            if let resource = loop.cloud.inventory[op.resourceId] {
                let plan = RemediationPlan(
                    calls: [.init(step: 1, operation: op.name, parameters: op.parameters, command: op.command)])
                found = DisruptionAnalyzer.assess(
                    plan, policy: "", resource: resource, view: loop.view, now: loop.now,
                    epoch: simulator.scenario.start, lookback: settings.lookback
                ).map { w in
                    var w = w
                    w.at = loop.now
                    w.actor = op.actor
                    return w
                }
                outsideWarnings += found
            }
            let worst = found.map(\.severity).max() ?? .none
            if settings.mode == .block, worst > .none, worst >= settings.threshold {
                let why = found.filter { $0.severity >= settings.threshold }.map {
                    "\($0.kind) (\($0.severity.rawValue)): \($0.explanation)"
                }.joined(separator: "; ")
                let outcome = OperationOutcome.failed(
                    code: "AccessDenied",
                    message: "remsim's disruption guardrail refused \(op.name) on \(op.resourceId): \(why)")
                loop.timeline.append(
                    TimelineRecord(
                        at: loop.now, kind: .failure, resourceId: op.resourceId,
                        text: "blocked \(op.name) by \(op.actor): \(why)"))
                outsideCalls.append(
                    OutsideCall(
                        at: loop.now, actor: op.actor, operation: op.name, resourceId: op.resourceId, outcome: outcome))
                return outcome
            }
            let outcome = simulator.complete(op, in: &loop)
            outsideCalls.append(
                OutsideCall(
                    at: loop.now, actor: op.actor, operation: op.name, resourceId: op.resourceId, outcome: outcome))
            return outcome
        }

        /// Adds a line to the run's story, at the current time: what a driver did (a program it
        /// started, how it ended).
        package mutating func note(_ kind: TimelineRecord.Kind, resourceId: String = "", _ text: String) {
            loop.timeline.append(TimelineRecord(at: loop.now, kind: kind, resourceId: resourceId, text: text))
        }

        /// The result of the run so far: its expectations checked unless it stopped.
        package func finish() -> Simulated {
            let scenario = simulator.scenario
            let violations = loop.truth.violations(joinedWith: loop.engine.alerts, records: loop.engine.records)
            var result = ScenarioResult(
                name: scenario.name, file: scenario.file, seed: scenario.seed, start: scenario.start, end: loop.end,
                assertions: [],
                alerts: loop.engine.alerts, attempts: loop.engine.attempts, records: loop.engine.records,
                warnings: loop.engine.warnings + outsideWarnings,
                violations: violations,
                timeline: loop.timeline + Simulator.alertRecords(loop.engine.alerts)
                    + Simulator.notificationRecords(loop.engine.alerts, policies: scenario.policies)
                    + Simulator.engineRecords(loop.engine.records)
                    + Simulator.warningRecords(loop.engine.warnings + outsideWarnings, alerts: loop.engine.alerts),
                finalInventory: loop.cloud.inventory, eventsProcessed: loop.processed)
            let trace = SimulationTrace(
                callChanges: loop.callChanges, faultedCalls: loop.faultedCalls, timelineChanges: loop.timelineChanges,
                landedCalls: loop.landedCalls)
            result.timeline.sort(by: TimelineRecord.precedes)
            result.outsideCalls = outsideCalls
            Evaluator(now: scenario.start).forEachUnevaluable(of: scenario.policies, in: scenario.inventory) { i, _ in
                result.cannotEvaluate[scenario.policies[i].id, default: 0] += 1
            }
            if let stopped {
                // A run cut short proves nothing either way: its expectations are not checked.
                result.error = "stopped \(loop.now - scenario.start) into the run: \(stopped)"
            } else {
                result.assertions = AssertionChecker(
                    result: result, policies: scenario.policies, initialInventory: scenario.inventory
                )
                .check(scenario.expectations)
            }
            return Simulated(result: result, trace: trace)
        }
    }

    /// The event loop: takes the next event off the queue until `until` (the end of the run at most).
    private func runEvents(_ loop: inout Loop, until: Timestamp) throws(SimulationError) {
        let maxEvents = Limits.current.maxEvents
        while let next = loop.queue.min, next.at <= until, next.at <= loop.end {
            _ = loop.queue.removeMin()
            loop.now = next.at
            loop.processed += 1
            guard loop.processed <= maxEvents else {
                throw .tooManyEvents(limit: maxEvents, after: loop.now - scenario.start)
            }
            switch next.action {
            case .startEngine:
                handle(.start, in: &loop)
            case .timeline(let i):
                try run(scenario.timeline[i], index: i, in: &loop)
            case .drift(let i):
                try drift(scenario.timeline[i], index: i, in: &loop)
            case .deliverChange(let id, let rule):
                handle(.resourceChanged(resourceId: id, rule: rule), in: &loop)
            case .scan(let rule):
                handle(.scanDue(rule: rule), in: &loop)
            case .timer(let id):
                handle(.timerFired(id: id), in: &loop)
            case .complete(let op):
                let outcome = complete(op, in: &loop)
                handle(.operationFinished(callId: op.callId, outcome: outcome), in: &loop)
            case .recheck(let id):
                guard loop.rechecks[id] == loop.now, let resource = loop.cloud.inventory[id] else { break }
                loop.rechecks[id] = nil
                loop.timeline += loop.truth.observe(
                    resourceId: id, type: resource.type, resource: resource, at: loop.now)
                watchAge(resource, in: &loop)
            }
        }
    }

    private func handle(_ event: EngineEvent, in loop: inout Loop) {
        perform(loop.engine.handle(event, at: loop.now, view: loop.view), in: &loop)
    }

    // MARK: - The timeline

    private func run(_ entry: TimelineEntry, index: Int, in loop: inout Loop) throws(SimulationError) {
        switch entry.action {
        case .inject(let id, let injection, let actor):
            try apply(injection, to: id, actor: actor, origin: entry.origin, in: &loop)
        case .drift:
            try drift(entry, index: index, in: &loop)
        case .fault(let fault):
            loop.faults.append(ActiveFault(fault: fault, from: loop.now, until: fault.window.map { loop.now + $0 }))
            let window = fault.window.map { " for \($0)" } ?? ""
            loop.timeline.append(
                TimelineRecord(
                    at: loop.now, kind: .fault, resourceId: fault.scope.resources.first ?? "",
                    text: "\(fault.kind.name)\(window)"))
        case .snooze(let policy, let id, let duration):
            handle(.snooze(policy: policy, resource: id, until: loop.now + duration), in: &loop)
        case .dismiss(let policy, let id):
            handle(.dismiss(policy: policy, resource: id), in: &loop)
        case .setPolicyEnabled(let policy, let enabled):
            handle(.setPolicyEnabled(policy: policy, enabled: enabled), in: &loop)
        case .setRuleEnabled(let rule, let enabled):
            handle(.setRuleEnabled(rule: rule, enabled: enabled), in: &loop)
        case .setAutoRemediation(let rule, let enabled):
            handle(.setAutoRemediation(rule: rule, enabled: enabled), in: &loop)
        case .exempt(var exemption, let after):
            exemption.expires = after.map { loop.now + $0 }
            handle(.exempt(exemption), in: &loop)
        case .restartEngine:
            handle(.restart, in: &loop)
        case .approve(let policy, let id):
            handle(.approve(policy: policy, resource: id), in: &loop)
        }
    }

    /// Applies a drift entry's change now, and again every interval until its end.
    private func drift(_ entry: TimelineEntry, index: Int, in loop: inout Loop) throws(SimulationError) {
        guard case .drift(let id, let injection, let actor, let every, let until) = entry.action else { return }
        // The actor puts back its desired state; when the resource already has it, there is no change.
        if let current = loop.cloud.inventory[id] {
            var desired = current
            try injection.apply(to: &desired, now: loop.now)
            if desired.properties != current.properties {
                try apply(injection, to: id, actor: actor, origin: entry.origin, in: &loop)
            }
        }
        let next = loop.now + every
        if until.map({ next <= scenario.start + $0 }) ?? true { loop.schedule(.drift(index), at: next) }
    }

    private func apply(_ injection: Injection, to id: String, actor: String, origin: String, in loop: inout Loop)
        throws(SimulationError)
    {
        if case .createResource(var new) = injection {
            guard loop.cloud.inventory[id] == nil else {
                // The preflight saw the id free: the run itself made it (a remediation's call).
                let by =
                    loop.changes[id]?.last.map { " (made by \($0.actor) \($0.at - scenario.start) into the run)" } ?? ""
                throw .injectionFailed(
                    resource: id, injection: injection.name, reason: "a resource with this id exists\(by)")
            }
            new.id = id
            loop.cloud.inventory.upsert(new)
            loop.timelineChanges.append(
                TimelineChange(
                    at: loop.now, resourceId: id, actor: actor, before: nil, after: new,
                    callsLanded: loop.landedCalls.count))
            loop.changes[id, default: []].append(ResourceChange(actor: actor, at: loop.now))
            loop.timeline.append(
                TimelineRecord(
                    at: loop.now, kind: .injection, resourceId: id, text: "\(injection.name) (\(new.type)) by \(actor)")
            )
            changed(id, in: &loop)
            return
        }
        guard let resource = loop.cloud.inventory[id] else {
            // The preflight saw the timeline leave it in place: the run itself removed it (a
            // fault deleted it under a remediation), and what the timeline planned for it is moot.
            loop.timeline.append(
                TimelineRecord(
                    at: loop.now, kind: .injection, resourceId: id,
                    text: "\(injection.name) by \(actor) skipped: the resource no longer exists"))
            return
        }
        if let types = injection.resourceTypes, !types.contains(resource.type) {
            throw .injectionNotApplicable(
                resource: resource.id, type: resource.type, injection: injection.name, origin: origin)
        }
        var updated: Resource?
        if injection == .deleteResource {
            loop.cloud.inventory.remove(id: resource.id)
        } else {
            var changed = resource
            try injection.apply(to: &changed, now: loop.now)
            loop.cloud.inventory.upsert(changed)
            updated = changed
        }
        loop.timelineChanges.append(
            TimelineChange(
                at: loop.now, resourceId: id, actor: actor, before: resource, after: updated,
                callsLanded: loop.landedCalls.count))
        loop.changes[id, default: []].append(
            ResourceChange(
                actor: actor, at: loop.now, properties: updated.map { ResourceChange.touched(from: resource, to: $0) }))
        loop.timeline.append(
            TimelineRecord(
                at: loop.now, kind: .injection, resourceId: resource.id, text: "\(injection.name) by \(actor)"))
        changed(
            resource.id, in: &loop, type: resource.type, account: resource.account, region: resource.region,
            tags: resource.tags)
    }

    // MARK: - Calls

    /// A call lands: the cloud's faults first, then the operation itself.
    private func complete(_ op: CloudOperation, in loop: inout Loop) -> OperationOutcome {
        loop.landedCalls.append(op.callId)
        for i in loop.faults.indices
        where loop.faults[i].isActive(at: loop.now) && loop.faults[i].fault.scope.matches(op) {
            switch loop.faults[i].fault.kind {
            case .accessDenied:
                loop.faultedCalls.insert(op.callId)
                return failure(op, Self.accessDenied(op), in: &loop)
            case .throttle(let limit, let per):
                let period = (loop.now - loop.faults[i].from).milliseconds / max(1, per.milliseconds)
                if loop.faults[i].counts[period, default: 0] >= limit {
                    loop.faultedCalls.insert(op.callId)
                    return failure(op, Self.throttled(op), in: &loop)
                }
                loop.faults[i].counts[period, default: 0] += 1
            default:
                continue
            }
        }
        let before = loop.cloud.inventory[op.resourceId]
        loop.cloud.now = loop.now
        let result = loop.cloud.apply(op)
        if case .failed(let code, let message) = result.outcome { return failure(op, (code, message), in: &loop) }
        for id in result.changed {
            let old = result.previous[id] ?? nil
            let new = loop.cloud.inventory[id]
            let keys = ResourceChange.changedProperties(from: old, to: new)
            loop.callChanges.append(
                CallChange(
                    callId: op.callId, operation: op.name, resourceId: id, parameters: op.parameters, changed: keys,
                    created: old == nil, deleted: new == nil))
            // What the audit log says the call touched: the properties just compared, and the tags.
            let touched: Set<String>? =
                if let old, let new { old.tags == new.tags ? keys : keys.union(["tags"]) } else { nil }
            loop.changes[id, default: []].append(ResourceChange(actor: op.actor, at: loop.now, properties: touched))
            if id == op.resourceId, let lag = activeLag(op, in: loop) { loop.stale[id] = (before, loop.now + lag) }
            if new == nil, let old {
                // Deleted by the call: what is known of it still scopes its change event.
                changed(id, in: &loop, type: old.type, account: old.account, region: old.region, tags: old.tags)
            } else {
                changed(id, in: &loop)
            }
        }
        return result.outcome
    }

    private func failure(_ op: CloudOperation, _ error: (code: String, message: String), in loop: inout Loop)
        -> OperationOutcome
    {
        loop.timeline.append(
            TimelineRecord(
                at: loop.now, kind: .failure, resourceId: op.resourceId,
                text: "\(op.name) failed: \(error.code): \(error.message)"))
        return .failed(code: error.code, message: error.message)
    }

    private func activeLag(_ op: CloudOperation, in loop: Loop) -> SimDuration? {
        for f in loop.faults where f.isActive(at: loop.now) && f.fault.scope.matches(op) {
            if case .eventualConsistency(let lag) = f.fault.kind { return lag }
        }
        return nil
    }

    /// The error each cloud returns for a call its caller may not make.
    static func accessDenied(_ op: CloudOperation) -> (code: String, message: String) {
        let permission = OperationCatalog.spec(named: op.name)?.permissions.joined(separator: ", ") ?? op.name
        switch op.cloud {
        case .aws:
            let code = FaultScope.service(of: op.name) == "ec2" ? "UnauthorizedOperation" : "AccessDenied"
            return (
                code,
                "User: arn:aws:sts::\(op.account):assumed-role/remsim-remediation is not authorized to perform: "
                    + "\(permission)"
            )
        case .azure:
            return (
                "AuthorizationFailed",
                "The client does not have authorization to perform action '\(permission)' over scope '\(op.resourceId)'"
            )
        case .gcp:
            return ("forbidden", "Required '\(permission)' permission for '\(op.resourceId)'")
        }
    }

    /// The error each cloud returns past its rate limit.
    static func throttled(_ op: CloudOperation) -> (code: String, message: String) {
        switch op.cloud {
        case .aws:
            switch FaultScope.service(of: op.name) {
            case "ec2": ("RequestLimitExceeded", "Request limit exceeded.")
            case "s3": ("SlowDown", "Please reduce your request rate.")
            default: ("Throttling", "Rate exceeded")
            }
        case .azure: ("TooManyRequests", "The request is being throttled.")
        case .gcp: ("rateLimitExceeded", "Rate Limit Exceeded")
        }
    }

    // MARK: - Changes and events

    /// After any change: update the ground truth and send a change event through each
    /// event-mode rule whose scope holds the resource, after that rule's delivery delay, unless
    /// the event pipeline drops or delays it.
    private func changed(_ id: String, in loop: inout Loop) {
        guard let r = loop.cloud.inventory[id] else { return }
        changed(id, in: &loop, type: r.type, account: r.account, region: r.region, tags: r.tags)
    }

    private func changed(
        _ id: String, in loop: inout Loop, type: String, account: String, region: String, tags: [String: String]
    ) {
        let current = loop.cloud.inventory[id]
        for record in loop.truth.observe(resourceId: id, type: type, resource: current, at: loop.now) {
            loop.timeline.append(record)
        }
        if let current, loop.truth.ages(type) { watchAge(current, in: &loop) }
        let probe = current ?? Resource(id: id, type: type, account: account, region: region, tags: tags)
        var extra = SimDuration.zero
        for f in loop.faults where f.isActive(at: loop.now) && f.fault.scope.matches(probe) {
            switch f.fault.kind {
            case .dropEvents:
                loop.timeline.append(
                    TimelineRecord(at: loop.now, kind: .fault, resourceId: id, text: "change event dropped"))
                return
            case .delayEvents(let by):
                extra = extra + by
            default:
                continue
            }
        }
        for rule in scenario.settings.rules {
            guard case .event(let delay) = rule.detection, rule.scope.contains(probe) else { continue }
            loop.schedule(.deliverChange(resourceId: id, rule: rule.name), at: loop.now + delay + extra)
        }
    }

    /// Schedules the ground truth's next look at a resource whose verdict time alone can change,
    /// unless an earlier one is already due.
    private func watchAge(_ resource: Resource, in loop: inout Loop) {
        guard let at = loop.truth.nextCrossing(of: resource, after: loop.now), at <= loop.end else { return }
        if let pending = loop.rechecks[resource.id], pending > loop.now, pending <= at { return }
        loop.rechecks[resource.id] = at
        loop.schedule(.recheck(resource.id), at: at)
    }

    private func perform(_ effects: [EngineEffect], in loop: inout Loop) {
        for effect in effects {
            switch effect {
            case .callOperation(let op):
                var latency = scenario.settings.apiLatency.milliseconds
                let jitter = scenario.settings.apiLatencyJitter.milliseconds
                if jitter > 0 { latency += Int64.random(in: 0...jitter, using: &loop.random) }
                loop.timeline.append(
                    TimelineRecord(at: loop.now, kind: .call, resourceId: op.resourceId, text: op.command.text))
                deleteUnderRemediation(op, in: &loop)
                loop.schedule(.complete(op), at: loop.now + .milliseconds(latency))
            case .scheduleScan(let rule, let at):
                loop.schedule(.scan(rule: rule), at: at)
            case .setTimer(let id, let at):
                loop.schedule(.timer(id), at: at)
            }
        }
    }

    /// The delete-during-remediation fault: someone deletes the resource as the first call of a
    /// remediation goes out, so the call finds nothing.
    private func deleteUnderRemediation(_ op: CloudOperation, in loop: inout Loop) {
        guard
            loop.faults.contains(where: {
                $0.isActive(at: loop.now) && $0.fault.kind == .deleteDuringRemediation && $0.fault.scope.matches(op)
            }),
            let resource = loop.cloud.inventory[op.resourceId],
            loop.deletedUnderRemediation.insert(op.resourceId).inserted
        else { return }
        loop.cloud.inventory.remove(id: op.resourceId)
        loop.changes[op.resourceId, default: []].append(ResourceChange(actor: "operator", at: loop.now))
        loop.timeline.append(
            TimelineRecord(
                at: loop.now, kind: .fault, resourceId: op.resourceId, text: "deleted while being remediated"))
        changed(
            op.resourceId, in: &loop, type: resource.type, account: resource.account, region: resource.region,
            tags: resource.tags)
    }

    private static func alertRecords(_ alerts: [Alert]) -> [TimelineRecord] {
        alerts.flatMap { alert in
            alert.transitions.map { t in
                let kind: TimelineRecord.Kind =
                    switch t.to {
                    case .open, .snoozed, .dismissed: .detection
                    case .pendingResolution: .remediation
                    case .resolved: .resolution
                    case .failed: .failure
                    }
                let detail = t.detail.isEmpty ? "" : " (\(t.detail))"
                return TimelineRecord(
                    at: t.at, kind: kind, resourceId: alert.resourceId,
                    text:
                        "alert \(alert.id) \(alert.policyId): \(t.from?.rawValue ?? "new") → \(t.to.rawValue), "
                        + "\(t.reason.rawValue)\(detail)"
                )
            }
        }
    }

    /// Custodian's `notify`, recorded where its policy's alert opens (the run that first finds
    /// the resource), with whom it names and how; never sent.
    static func notificationRecords(_ alerts: [Alert], policies: [Policy]) -> [TimelineRecord] {
        let byId = Dictionary(policies.map { ($0.id, $0.notifications) }, uniquingKeysWith: { a, _ in a })
        return alerts.flatMap { alert -> [TimelineRecord] in
            guard let notifications = byId[alert.policyId], !notifications.isEmpty,
                let opened = alert.transitions.first(where: { $0.from == nil && $0.to == .open })
            else { return [] }
            return notifications.map { n in
                let to = n.recipients.isEmpty ? "no recipients" : n.recipients.joined(separator: ", ")
                let subject = n.subject.isEmpty ? "" : ", subject \"\(n.subject)\""
                return TimelineRecord(
                    at: opened.at, kind: .detection, resourceId: alert.resourceId,
                    text:
                        "alert \(alert.id) \(alert.policyId): notify \(to) by \(n.transport)\(subject) (recorded, not sent)"
                )
            }
        }
    }

    private static func warningRecords(_ warnings: [DisruptionWarning], alerts: [Alert]) -> [TimelineRecord] {
        warnings.map { w in
            let evidence = w.evidence.isEmpty ? "" : " [\(w.evidence.joined(separator: "; "))]"
            return TimelineRecord(
                at: w.at, kind: .warning, resourceId: w.resourceId,
                text: "\(w.severity.rawValue) \(w.kind) (\(w.actor.map { "by \($0)" } ?? w.policyId), \(w.operation)): "
                    + "\(w.explanation)\(evidence)")
        }
    }

    private static func engineRecords(_ records: [EngineRecord]) -> [TimelineRecord] {
        records.map { r in
            let about = [r.policyId, r.rule.map { "rule \($0)" }].compactMap { $0 }.joined(separator: ", ")
            let cause = r.cause.map { ", cause: \($0)" } ?? ""
            return TimelineRecord(
                at: r.at, kind: .control, resourceId: r.resourceId ?? "",
                text: "\(r.kind.rawValue)\(about.isEmpty ? "" : " (\(about))"): \(r.detail)\(cause)")
        }
    }
}

/// The engine's view of the simulated cloud: the inventory, except where a write is not yet
/// visible (eventual consistency), with who last changed each resource.
struct SimulationView: InventoryView, InPlaceScanning {
    let inventory: Inventory
    let stale: [String: (resource: Resource?, until: Timestamp)]
    let changes: [String: [ResourceChange]]

    func resource(id: String) -> Resource? {
        if let s = stale[id] { return s.resource }
        return inventory[id]
    }

    func forEachResource(ofType type: String, _ body: (Resource) -> Void) {
        if stale.isEmpty {
            inventory.forEachResource(ofType: type, body)
            return
        }
        inventory.forEach(ofType: type) { r in
            if let s = stale[r.id] {
                if let old = s.resource { body(old) }
            } else {
                body(copy r)
            }
        }
    }

    /// In place when every write is visible; otherwise each resource as the engine sees it.
    func scanInPlace(
        ofType type: String, _ test: (FlatView, String, String, String, [String: String]) -> Bool,
        found: (Resource) -> Void
    ) {
        guard stale.isEmpty else { return scanWhole(ofType: type, test, found: found) }
        inventory.scanInPlace(ofType: type, test, found: found)
    }

    /// Through the inventory's index; a resource whose write is not yet visible is seen as it was.
    func forEachResource(
        ofType type: String, relatedBy relation: String, to target: String, _ body: (Resource) -> Void
    ) {
        if stale.isEmpty {
            inventory.forEachResource(ofType: type, relatedBy: relation, to: target, body)
            return
        }
        // What the index finds and what the stale copies name, each as the engine sees it, in
        // the inventory's order; as in a walk of the type, a resource no longer in the inventory
        // is not visited.
        var found: [(position: Int, resource: Resource)] = []
        inventory.forEach(ofType: type, relatedBy: relation, to: target) { r in
            if stale[r.id] == nil, let position = inventory.position(of: r.id) { found.append((position, copy r)) }
        }
        for (id, s) in stale {
            guard let old = s.resource, old.type == type, (old.relations[relation] ?? []).contains(target),
                let position = inventory.position(of: id)
            else { continue }
            found.append((position, old))
        }
        for f in found.sorted(by: { $0.position < $1.position }) { body(f.resource) }
    }

    func lastChange(of id: String) -> ResourceChange? { changes[id]?.last }

    func changes(of id: String, since: Timestamp) -> [ResourceChange] {
        guard let all = changes[id] else { return [] }
        let first = all.lastIndex { $0.at < since }.map { $0 + 1 } ?? all.startIndex
        return Array(all[first...])
    }
}
