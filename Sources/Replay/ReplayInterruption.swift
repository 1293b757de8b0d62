import Foundation

/// Set when the person running a replay interrupts it (Ctrl-C, or SIGTERM from a CI timeout): the
/// replay makes no further call of its own, deletes what it made, and stops.
/// Its state is guarded by `lock`, which is why it can be shared with the signal handlers.
package final class ReplayInterruption: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var sources: [DispatchSourceSignal] = []

    package init() {}

    package var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    package func request() {
        lock.lock()
        requested = true
        lock.unlock()
    }

    /// Turns SIGINT and SIGTERM into a request instead of an exit. The `aws` programs the replay
    /// starts inherit the ignored signals, so the call under way finishes.
    package func catchSignals() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in self?.request() }
            source.resume()
            lock.lock()
            sources.append(source)
            lock.unlock()
        }
    }
}
