import Dispatch
import Foundation

/// The endpoint served in the background for a caller that is not async (an external engine's
/// run): started and stopped by plain calls, on its own thread.
package final class BackgroundServer: @unchecked Sendable {
    private let task: Task<Void, Error>
    package let port: Int

    /// Starts serving on a free port of 127.0.0.1 and returns once requests can be made.
    package init(respond: @escaping @Sendable (WireRequest) -> WireResponse) throws {
        let ready = DispatchSemaphore(value: 0)
        let box = PortBox()
        let executor = ServingExecutor()
        task = Task(executorPreference: executor) {
            defer { ready.signal() }
            try await EndpointServer.run(
                port: 0, respond: respond,
                onRunning: { port in
                    box.port = port
                    ready.signal()
                })
        }
        ready.wait()
        guard let port = box.port else {
            throw EndpointServerError(message: "the endpoint could not listen on 127.0.0.1")
        }
        self.port = port
    }

    package var url: String { "http://127.0.0.1:\(port)" }

    package func stop() { task.cancel() }

    deinit { task.cancel() }

    private final class PortBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Int?
        var port: Int? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }
}

package struct EndpointServerError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
