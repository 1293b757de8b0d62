import CloudModel
import Foundation

/// Runs the real AWS CLI against the replay's endpoint and reads its JSON answers.
public struct AWSCLI: Sendable {
    public var program: String
    public var endpoint: ReplayEndpoint
    /// Credentials and region for a local endpoint (moto accepts any); a sandbox account's come
    /// from the environment.
    public var environment: [String: String]

    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: Int32
        public var message: String
        public var description: String { "aws \(arguments.prefix(3).joined(separator: " ")) failed (\(status)): \(message)" }
        public var call: String { AWSCLI.call(arguments) }
        /// The endpoint does not implement the call (moto answers 501 or "not yet implemented").
        public var notImplemented: Bool {
            let m = message.lowercased()
            return m.contains("not yet implemented") || m.contains("notimplemented") || m.contains("(501)") || m.contains("is not valid. valid choices")
        }
    }

    /// The service and command of a call (`ec2 revoke-security-group-ingress`), past any `--region R`.
    public static func call(_ arguments: [String]) -> String {
        var words = arguments[...]
        if words.first == "--region" { words = words.dropFirst(2) }
        return words.prefix(2).joined(separator: " ")
    }

    public init(program: String = "aws", endpoint: ReplayEndpoint, environment: [String: String]) {
        self.program = program
        self.endpoint = endpoint
        self.environment = environment
    }

    /// Runs `aws ARGUMENTS --endpoint-url URL --output json` and returns the parsed answer (null
    /// for an empty one).
    @discardableResult
    public func run(_ arguments: [String]) throws(Failure) -> Value {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments + (endpoint.url.map { ["--endpoint-url", $0.absoluteString] } ?? []) + ["--output", "json"]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw Failure(arguments: arguments, status: -1, message: "cannot start \(program): \(error)")
        }
        // Both pipes are drained at once: a long error message must not block the answer.
        let errors = ErrorOutput()
        let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile(); errors.done.signal() }
        reader.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        errors.done.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(arguments: arguments, status: process.terminationStatus,
                          message: String(decoding: errors.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard !data.isEmpty, let json = try? JSONDecoder().decode(JSONValue.self, from: data) else { return .null }
        return json.value
    }
}

/// What the CLI wrote to standard error, read on its own thread.
private final class ErrorOutput: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

/// A JSON document as a `Value`, keys sorted (the CLI's order is not meaningful).
struct JSONValue: Decodable {
    var value: Value

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = .null }
        else if let b = try? c.decode(Bool.self) { value = .bool(b) }
        else if let i = try? c.decode(Int.self) { value = .int(i) }
        else if let d = try? c.decode(Double.self) { value = .double(d) }
        else if let s = try? c.decode(String.self) { value = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { value = .array(a.map(\.value)) }
        else {
            let o = try c.decode([String: JSONValue].self)
            value = .object(Fields(o.keys.sorted().map { Fields.Entry(key: $0, value: o[$0]?.value ?? .null) }))
        }
    }
}
