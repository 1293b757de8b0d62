import CloudModel
import Foundation

/// Runs the real AWS CLI against the replay's endpoint and reads its JSON answers.
///
/// Starting the Python CLI costs about a second per call (most of it loading EC2's service
/// model), which made a replay of the suite take most of an hour. When `program` is the Python
/// CLI (`aws` from PyPI), its own driver is therefore loaded once, in one Python process that runs
/// each call as a new `aws` would, with a fresh driver and session, sharing only the service
/// models read from disk (`AWSCLIDriver`). Any other `aws` (CLI v2, a wrapper script) is started
/// once per call.
package struct AWSCLI: Sendable {
    package var program: String {
        didSet { slot = AWSCLIDriver.Slot() }
    }
    package var endpoint: ReplayEndpoint
    /// Credentials and region for a local endpoint (moto accepts any); a sandbox account's come
    /// from the environment.
    package var environment: [String: String] {
        didSet { slot = AWSCLIDriver.Slot() }
    }

    package struct Failure: Error, CustomStringConvertible {
        package var arguments: [String]
        package var status: Int32
        package var message: String
        package var description: String {
            "aws \(arguments.prefix(3).joined(separator: " ")) failed (\(status)): \(message)"
        }
        package var call: String { AWSCLI.call(arguments) }
        /// The endpoint does not implement the call (moto answers 501 or "not yet implemented").
        package var notImplemented: Bool {
            let m = message.lowercased()
            return m.contains("not yet implemented") || m.contains("notimplemented") || m.contains("(501)")
                || m.contains("is not valid. valid choices")
        }
    }

    /// The service and command of a call (`ec2 revoke-security-group-ingress`), past any `--region R`.
    package static func call(_ arguments: [String]) -> String {
        var words = arguments[...]
        if words.first == "--region" { words = words.dropFirst(2) }
        return words.prefix(2).joined(separator: " ")
    }

    /// The CLI's driver, started at the first call (copies share it) and again after `program`
    /// or `environment` change.
    private var slot = AWSCLIDriver.Slot()

    /// The CLI's driver loaded once, when `program` is the Python CLI; nil for any other program.
    var driver: AWSCLIDriver? { slot.driver { AWSCLIDriver.start(program: program, environment: mergedEnvironment) } }

    package init(program: String = "aws", endpoint: ReplayEndpoint, environment: [String: String]) {
        self.program = program
        self.endpoint = endpoint
        self.environment = environment
    }

    /// Whether calls go through the CLI's driver loaded once (rather than a process per call).
    package var loadsTheDriverOnce: Bool { driver != nil }

    var mergedEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        return env
    }

    /// Runs `aws ARGUMENTS --endpoint-url URL --output json` and returns the parsed answer (null
    /// for an empty one).
    @discardableResult
    package func run(_ arguments: [String]) throws(Failure) -> Value {
        let full =
            arguments + (endpoint.url.map { ["--endpoint-url", $0.absoluteString] } ?? []) + ["--output", "json"]
        let (status, data, errors) = if let driver { driver.run(full) } else { runProcess(full) }
        guard status == 0 else {
            throw Failure(
                arguments: arguments, status: status,
                message: String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        // Keys sorted: the CLI's order is not meaningful.
        guard !data.isEmpty, let json = try? Value(json: String(decoding: data, as: UTF8.self)) else { return .null }
        return json.sortingKeys()
    }

    /// One `aws` process for the call: its exit status, standard output and standard error.
    private func runProcess(_ arguments: [String]) -> (Int32, Data, Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.environment = mergedEnvironment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return (-1, Data(), Data("cannot start \(program): \(error)".utf8))
        }
        // Both pipes are drained at once: a long error message must not block the answer.
        let errors = ErrorOutput()
        let reader = Thread {
            errors.data = err.fileHandleForReading.readDataToEndOfFile()
            errors.done.signal()
        }
        reader.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        errors.done.wait()
        process.waitUntilExit()
        return (process.terminationStatus, data, errors.data)
    }
}

/// What the CLI wrote to standard error, read on its own thread.
private final class ErrorOutput: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
