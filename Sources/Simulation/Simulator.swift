import CloudModel
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
public struct Simulator {
    public let scenario: Scenario

    public init(scenario: Scenario) { self.scenario = scenario }

    private enum Action {
        case startEngine
        case inject(Int)
        case deliverChange(resourceId: String, rule: String)
        case scan(rule: String)
        case timer(Int)
        case complete(CloudOperation)
    }

    private struct Scheduled: Comparable {
        var at: Timestamp
        var sequence: Int
        var action: Action
        static func < (a: Scheduled, b: Scheduled) -> Bool { (a.at, a.sequence) < (b.at, b.sequence) }
        static func == (a: Scheduled, b: Scheduled) -> Bool { (a.at, a.sequence) == (b.at, b.sequence) }
    }

    private struct Loop {
        var queue = Heap<Scheduled>()
        var sequence = 0
        var now: Timestamp
        var cloud: SimulatedCloud
        var engine: Engine
        var random: SeededGenerator
        var truth: ViolationTracker
        var timeline: [TimelineRecord] = []
        var processed = 0

        mutating func schedule(_ action: Action, at: Timestamp) {
            sequence += 1
            queue.insert(Scheduled(at: at, sequence: sequence, action: action))
        }
    }

    public func run() throws(SimulationError) -> ScenarioResult {
        let start = scenario.start
        let end = start + scenario.runFor
        var loop = Loop(
            now: start, cloud: SimulatedCloud(inventory: scenario.inventory),
            engine: Engine(policies: scenario.policies, rules: scenario.settings.rules),
            random: SeededGenerator(seed: scenario.seed), truth: ViolationTracker(policies: scenario.policies, rules: scenario.settings.rules))
        loop.truth.observeAll(loop.cloud.inventory, at: start)
        loop.schedule(.startEngine, at: start)
        for (i, entry) in scenario.timeline.enumerated() { loop.schedule(.inject(i), at: start + entry.at) }

        while let next = loop.queue.min, next.at <= end {
            _ = loop.queue.removeMin()
            loop.now = next.at
            loop.processed += 1
            switch next.action {
            case .startEngine:
                perform(loop.engine.handle(.start, at: loop.now, view: loop.cloud.inventory), in: &loop)
            case .inject(let i):
                try inject(scenario.timeline[i], in: &loop)
            case .deliverChange(let id, let rule):
                perform(loop.engine.handle(.resourceChanged(resourceId: id, rule: rule), at: loop.now, view: loop.cloud.inventory), in: &loop)
            case .scan(let rule):
                perform(loop.engine.handle(.scanDue(rule: rule), at: loop.now, view: loop.cloud.inventory), in: &loop)
            case .timer(let id):
                perform(loop.engine.handle(.timerFired(id: id), at: loop.now, view: loop.cloud.inventory), in: &loop)
            case .complete(let op):
                let result = loop.cloud.apply(op)
                if case .failed(let code, let message) = result.outcome {
                    loop.timeline.append(TimelineRecord(at: loop.now, kind: .failure, resourceId: op.resourceId, text: "\(op.name) failed: \(code): \(message)"))
                }
                for id in result.changed { changed(id, in: &loop) }
                perform(loop.engine.handle(.operationFinished(callId: op.callId, outcome: result.outcome), at: loop.now, view: loop.cloud.inventory), in: &loop)
            }
        }

        let violations = loop.truth.violations(joinedWith: loop.engine.alerts)
        var result = ScenarioResult(
            name: scenario.name, file: scenario.file, seed: scenario.seed, start: start, end: end, assertions: [],
            alerts: loop.engine.alerts, attempts: loop.engine.attempts, violations: violations,
            timeline: loop.timeline + Self.alertRecords(loop.engine.alerts), finalInventory: loop.cloud.inventory,
            eventsProcessed: loop.processed)
        result.timeline.sort(by: TimelineRecord.precedes)
        result.assertions = AssertionChecker(result: result, policies: scenario.policies, initialInventory: scenario.inventory)
            .check(scenario.expectations)
        return result
    }

    private func inject(_ entry: TimelineEntry, in loop: inout Loop) throws(SimulationError) {
        guard let resource = loop.cloud.inventory[entry.resourceId] else {
            throw .unknownResource(entry.resourceId, origin: entry.origin)
        }
        if let types = entry.injection.resourceTypes, !types.contains(resource.type) {
            throw .injectionNotApplicable(resource: resource.id, type: resource.type, injection: entry.injection.name, origin: entry.origin)
        }
        if entry.injection == .deleteResource {
            loop.cloud.inventory.remove(id: resource.id)
        } else {
            var updated = resource
            try entry.injection.apply(to: &updated, now: loop.now)
            loop.cloud.inventory.upsert(updated)
        }
        loop.timeline.append(TimelineRecord(at: loop.now, kind: .injection, resourceId: resource.id, text: entry.injection.name))
        changed(resource.id, in: &loop, type: resource.type, account: resource.account, region: resource.region, tags: resource.tags)
    }

    /// After any change: update the ground truth and send a change event through each
    /// event-mode rule whose scope holds the resource, after that rule's delivery delay.
    private func changed(_ id: String, in loop: inout Loop) {
        guard let r = loop.cloud.inventory[id] else { return }
        changed(id, in: &loop, type: r.type, account: r.account, region: r.region, tags: r.tags)
    }

    private func changed(_ id: String, in loop: inout Loop, type: String, account: String, region: String, tags: [String: String]) {
        let current = loop.cloud.inventory[id]
        for record in loop.truth.observe(resourceId: id, type: type, resource: current, at: loop.now) {
            loop.timeline.append(record)
        }
        let probe = current ?? Resource(id: id, type: type, account: account, region: region, tags: tags)
        for rule in scenario.settings.rules {
            guard case .event(let delay) = rule.detection, rule.scope.contains(probe) else { continue }
            loop.schedule(.deliverChange(resourceId: id, rule: rule.name), at: loop.now + delay)
        }
    }

    private func perform(_ effects: [EngineEffect], in loop: inout Loop) {
        for effect in effects {
            switch effect {
            case .callOperation(let op):
                var latency = scenario.settings.apiLatency.milliseconds
                let jitter = scenario.settings.apiLatencyJitter.milliseconds
                if jitter > 0 { latency += Int64.random(in: 0...jitter, using: &loop.random) }
                loop.timeline.append(TimelineRecord(at: loop.now, kind: .call, resourceId: op.resourceId, text: op.command))
                loop.schedule(.complete(op), at: loop.now + .milliseconds(latency))
            case .scheduleScan(let rule, let at):
                loop.schedule(.scan(rule: rule), at: at)
            case .setTimer(let id, let at):
                loop.schedule(.timer(id), at: at)
            }
        }
    }

    private static func alertRecords(_ alerts: [Alert]) -> [TimelineRecord] {
        alerts.flatMap { alert in
            alert.transitions.map { t in
                let kind: TimelineRecord.Kind = switch t.to {
                case .open: .detection
                case .pendingResolution: .remediation
                case .resolved: .resolution
                case .failed: .failure
                }
                let detail = t.detail.isEmpty ? "" : " (\(t.detail))"
                return TimelineRecord(at: t.at, kind: kind, resourceId: alert.resourceId,
                                      text: "alert \(alert.id) \(alert.policyId): \(t.from?.rawValue ?? "new") → \(t.to.rawValue), \(t.reason.rawValue)\(detail)")
            }
        }
    }
}
