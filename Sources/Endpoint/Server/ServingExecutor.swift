import Dispatch

/// Runs the endpoint's tasks on a thread of their own, apart from Swift's shared pool: a
/// caller may block its thread on a program (an external engine) while the program's requests
/// are being answered, without the pool's few threads all waiting on each other.
final class ServingExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "remsim.endpoint")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
