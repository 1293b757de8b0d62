import CloudModel
import NIOConcurrencyHelpers
import RemediationEngine
import Simulation

/// A simulated cloud shared by the requests of a running endpoint (`remsim serve`, the tests):
/// one lock around the state, so every request sees the cloud as the one before it left it.
package final class LiveCloud: Sendable {
    /// What the endpoint reads and changes.
    package struct State: EndpointBackend {
        package var cloud: SimulatedCloud
        package var now: Timestamp
        package var requests = 0
        /// Every changing call that reached the cloud, with what became of it, in order.
        package var calls: [(operation: CloudOperation, outcome: OperationOutcome)] = []
        /// Requests answered with an error because they are not served, in order.
        package var refusals: [RefusedRequest] = []

        package var inventory: Inventory { cloud.inventory }

        package mutating func call(_ operation: CloudOperation) -> OperationOutcome {
            cloud.now = now
            let outcome = cloud.apply(operation).outcome
            calls.append((operation, outcome))
            return outcome
        }

        package mutating func refused(_ request: RefusedRequest) { refusals.append(request) }

        package mutating func nextRequestNumber() -> Int {
            requests += 1
            return requests
        }
    }

    private let state: NIOLockedValueBox<State>

    package init(inventory: Inventory, now: Timestamp) {
        state = NIOLockedValueBox(State(cloud: SimulatedCloud(inventory: inventory), now: now))
    }

    /// Runs `body` with the state to itself.
    package func withState<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLockedValue { try body(&$0) }
    }

    package func respond(to request: WireRequest, with endpoint: AWSEndpoint) -> WireResponse {
        withState { endpoint.respond(to: request, backend: &$0) }
    }
}
