import Dispatch
import Foundation

/// The endpoint served in the background for a caller that is not async (`remsim serve`, an
/// external engine's run): started and stopped by plain calls, on its own thread.
package final class BackgroundServer: @unchecked Sendable {
    private let task: Task<Void, Error>
    package let port: Int

    /// Starts serving on `port` of 127.0.0.1 (0: a free one) and returns once requests can be
    /// made; throws what kept it from listening.
    package init(port: Int = 0, respond: @escaping @Sendable (WireRequest) -> WireResponse) throws {
        let ready = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        task = Task(executorPreference: ServingExecutor()) {
            do {
                try await EndpointServer.run(
                    port: port, respond: respond,
                    onRunning: { port in
                        outcome.set(.success(port))
                        ready.signal()
                    })
            } catch {
                outcome.set(.failure(error))
                ready.signal()
            }
        }
        ready.wait()
        switch outcome.value {
        case .success(let port)?: self.port = port
        case .failure(let error)?: throw EndpointServerError(message: "\(error)")
        case nil: throw EndpointServerError(message: "the endpoint could not listen on 127.0.0.1")
        }
    }

    package var url: String { "http://127.0.0.1:\(port)" }

    package func stop() { task.cancel() }

    deinit { task.cancel() }

    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Result<Int, Error>?
        var value: Result<Int, Error>? { lock.withLock { stored } }
        /// The first outcome stands: a server that ends after it listened is not a failure to listen.
        func set(_ outcome: Result<Int, Error>) { lock.withLock { if stored == nil { stored = outcome } } }
    }
}

package struct EndpointServerError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
