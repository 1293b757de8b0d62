import CloudModel
import Foundation
import NIOConcurrencyHelpers
import RemediationEngine
import Simulation

/// A scenario's simulated cloud shared by the requests of a running endpoint (`remsim serve`,
/// the tests): one lock around the run, so every request sees the cloud as the one before it left
/// it, and its calls land as the engine's do (faults, audit log, change events, ground truth).
///
/// With a pace, the run's clock follows the wall clock (times a speed factor): each request first
/// brings the run up to the time it arrives, so the timeline's injections and the engine's own
/// work happen at their times; without one, the clock stands where the driver left it.
package final class LiveCloud: Sendable {
    /// What the endpoint reads and changes.
    package struct State: EndpointBackend {
        package var session: Simulator.Session
        package var requests = 0
        /// Every call from outside that reached the cloud, with what became of it, in order.
        package var calls: [(operation: CloudOperation, outcome: OperationOutcome)] = []
        /// Requests answered with an error because they are not served, in order.
        package var refusals: [RefusedRequest] = []
        /// Who the calls are from now, when not the endpoint's own actor (the engine running).
        package var actor: String?
        /// How far the clock moves for each request while it otherwise stands still.
        package var latency: SimDuration = .zero
        package var objects: [String: [String: StoredObject]] = [:]
        package var automations: [String: AutomationExecution] = [:]

        /// As a read sees it: a write an eventual-consistency fault holds back is not seen yet.
        package var inventory: Inventory { session.readInventory }
        package var now: Timestamp { session.now }

        package mutating func call(_ operation: CloudOperation) -> OperationOutcome {
            let outcome = session.land(operation)
            calls.append((operation, outcome))
            return outcome
        }

        package mutating func refused(_ request: RefusedRequest) { refusals.append(request) }

        package mutating func record(_ execution: AutomationExecution) { automations[execution.id] = execution }

        package mutating func nextRequestNumber() -> Int {
            requests += 1
            // A request takes the cloud's latency: what is due meanwhile happens first.
            if latency > .zero { try? session.advance(to: session.now + latency) }
            return requests
        }
    }

    /// How the run's clock follows the wall clock.
    package struct Pace: Sendable {
        /// Simulated time per wall-clock time: 60 runs a simulated hour in a minute.
        package var speed: Double
        package var startedAt: ContinuousClock.Instant

        package init(speed: Double, startedAt: ContinuousClock.Instant = .now) {
            self.speed = speed
            self.startedAt = startedAt
        }

        /// The simulated time the wall clock gives, `start` being the run's start.
        func simulated(from start: Timestamp, at instant: ContinuousClock.Instant) -> Timestamp {
            let elapsed = startedAt.duration(to: instant).components
            let ms = (Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15) * speed
            return start + .milliseconds(Int64(min(ms, Double(SimDuration.maximum.milliseconds))))
        }
    }

    private let state: NIOLockedValueBox<State>
    package let pace: Pace?
    package let start: Timestamp

    /// A scenario's run, set up and standing at its start (the preflight's problem is thrown).
    package init(scenario: Scenario, pace: Pace? = nil) throws(SimulationError) {
        state = NIOLockedValueBox(State(session: try Simulator(scenario: scenario).session()))
        self.pace = pace
        start = scenario.start
    }

    /// A bare cloud: `inventory` at `now`, with no policy, engine or timeline.
    package convenience init(inventory: Inventory, now: Timestamp) throws(SimulationError) {
        let scenario = Scenario(
            name: "endpoint", inventory: inventory, policies: [], settings: EngineSettings(rules: []),
            runFor: .days(1), start: now)
        try self.init(scenario: scenario)
    }

    /// Runs `body` with the state to itself.
    package func withState<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLockedValue { try body(&$0) }
    }

    /// Brings the run up to the wall clock's time, when it has a pace; what happened meanwhile
    /// is in its timeline. A run that stopped stays where it stopped.
    package func catchUp(at instant: ContinuousClock.Instant = .now) {
        withState { catchUp(&$0, at: instant) }
    }

    private func catchUp(_ state: inout State, at instant: ContinuousClock.Instant) {
        guard let pace else { return }
        try? state.session.advance(to: pace.simulated(from: start, at: instant))
    }

    /// Answers a request where the run stands when it arrives: one hold of the lock for both.
    package func respond(to request: WireRequest, with endpoint: AWSEndpoint) -> WireResponse {
        withState { state in
            catchUp(&state, at: .now)
            return endpoint.respond(to: request, backend: &state)
        }
    }
}
