import CloudModel
import Foundation
import Simulation

/// Runs a scenario whose remediation engines include programs (`engine.external`): the
/// simulation moves to each time a program is due, the program runs against the simulated cloud
/// on the AWS wire (its `AWS_ENDPOINT_URL`), and the simulated clock stands still while it runs
/// but for each request's latency, so every call lands at its own simulated time, meets the
/// scenario's faults and is recorded with the program's name as the actor. Between runs the
/// scenario's timeline and its alert rules' engine go on as in any run.
///
/// Everything remsim measures applies: the policies find the violations, the alert rules (with
/// or without auto-remediation) give MTTD and MTTR, expectations are checked on what the
/// programs left. A program that exits non-zero, or asks for what the endpoint does not serve,
/// fails the scenario with an expectation saying so.
package struct ExternalEngineRun {
    package let scenario: Scenario
    /// How long one run of a program may take, in wall-clock time, before it is stopped.
    package var timeout: Duration = .seconds(600)
    /// Folders searched for the programs before the caller's PATH.
    package var searchPath: [String] = []

    package init(scenario: Scenario) { self.scenario = scenario }

    package struct RunRecord: Sendable {
        package var engine: String
        package var at: Timestamp
        package var status: Int32
        package var requests: Int
        package var calls: Int
        package var lastError: String
    }

    package func run() throws(SimulationError) -> Simulated {
        try runRecording().simulated
    }

    package func runRecording() throws(SimulationError) -> (simulated: Simulated, runs: [RunRecord]) {
        let live = try LiveCloud(scenario: scenario)
        let defaults = AWSDefaults(scenario.inventory)
        let (account, region) = (defaults.account, defaults.region)
        let endpoint = AWSEndpoint(defaultAccount: account)
        live.withState { $0.latency = scenario.settings.apiLatency }

        var runs: [RunRecord] = []
        var problems: [(origin: String, expected: String, found: String)] = []
        var exits: [Int: [(at: Timestamp, status: Int32, error: String)]] = [:]
        var unserved: [Int: Set<String>] = [:]
        let schedule = scenario.settings.external.enumerated().flatMap { index, engine in
            engine.runs(within: scenario.runFor).map { (at: $0, index: index) }
        }.sorted { ($0.at, $0.index) < ($1.at, $1.index) }

        let server: BackgroundServer
        do {
            server = try BackgroundServer { live.respond(to: $0, with: endpoint) }
        } catch {
            throw .engineFailed(engine: "endpoint", reason: "\(error)")
        }
        defer { server.stop() }

        // Per handler engine: how many times it was invoked, and up to when its queue was read.
        var invocations: [Int: Int] = [:]
        var deliveredUntil: [Int: Timestamp] = [:]
        for (at, index) in schedule {
            let engine = scenario.settings.external[index]
            let stopped = live.withState { state -> Bool in
                try? state.session.advance(to: scenario.start + at)
                return state.session.stopped != nil
            }
            if stopped { break }
            let events = handlerEvents(
                engine, index: index, at: scenario.start + at, account: account, region: region, live: live,
                invocations: &invocations, deliveredUntil: &deliveredUntil)
            for event in events {
                let before = live.withState { state in
                    state.actor = engine.name
                    let what =
                        engine.handler.map { h in
                            "\(h.file):\(h.function) invoked with \(Self.describe(event, h.event))"
                        } ?? engine.command.joined(separator: " ")
                    state.session.note(.control, "\(engine.name) runs: \(what)")
                    return (requests: state.requests, calls: state.calls.count, refusals: state.refusals.count)
                }
                let simulatedNow = live.withState { $0.session.now }
                let ran = Self.execute(
                    engine, event: event, account: account, region: region,
                    directory: (scenario.file as NSString).deletingLastPathComponent,
                    environment: [
                        "AWS_ENDPOINT_URL": server.url,
                        "AWS_ACCESS_KEY_ID": SignatureScope.key(for: account, temporary: false),
                        "AWS_SECRET_ACCESS_KEY": "remsim", "AWS_DEFAULT_REGION": region, "AWS_REGION": region,
                        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                        "REMSIM_SIMULATED_TIME": simulatedNow.iso8601, "REMSIM_ENGINE": engine.name,
                    ], searchPath: searchPath, timeout: timeout)
                let after = live.withState { state in
                    state.actor = nil
                    let requests = state.requests - before.requests
                    let calls = state.calls.count - before.calls
                    let refused = Array(state.refusals.dropFirst(before.refusals))
                    let ending =
                        ran.status == 0
                        ? "\(engine.name) finished: \(requests) request\(requests == 1 ? "" : "s"), \(calls) changing"
                        : "\(engine.name) exited \(ran.status): \(ran.lastError)"
                    state.session.note(ran.status == 0 ? .control : .failure, ending)
                    for r in refused {
                        state.session.note(
                            .failure, "\(engine.name) asked for \(r.service):\(r.operation): \(r.reason)")
                    }
                    return (requests, calls, refused)
                }
                runs.append(
                    RunRecord(
                        engine: engine.name, at: simulatedNow, status: ran.status, requests: after.0, calls: after.1,
                        lastError: ran.lastError))
                if ran.status != 0 { exits[index, default: []].append((simulatedNow, ran.status, ran.lastError)) }
                for r in after.2 { unserved[index, default: []].insert("\(r.service):\(r.operation)") }
            }
        }
        // One failed expectation per engine and kind of trouble, however often it happened.
        for (index, engine) in scenario.settings.external.enumerated() {
            if let failures = exits[index], let last = failures.last {
                let times = failures.map { "+\($0.at - scenario.start)" }.joined(separator: ", ")
                problems.append(
                    (
                        engine.origin, "\(engine.name) exits 0 each time it runs",
                        "it exited \(last.status) at \(times): \(last.error)"
                    ))
            }
            if let names = unserved[index] {
                problems.append(
                    (
                        engine.origin, "every request \(engine.name) makes is one the endpoint serves",
                        "not served: \(names.sorted().joined(separator: ", "))"
                    ))
            }
        }
        var simulated = live.withState { state -> Simulated in
            try? state.session.advance(to: state.session.end)
            return state.session.finish()
        }
        let first = simulated.result.assertions.count
        for (offset, problem) in problems.enumerated() {
            simulated.result.assertions.append(
                AssertionResult(
                    index: first + offset, passed: false, expected: problem.expected, found: problem.found,
                    origin: problem.origin))
        }
        return (simulated, runs)
    }

    /// The events an engine is invoked with at `at`, one invocation each: one `nil` for a
    /// command; for a handler, its scheduled event, the alerts opened since its last time (none
    /// when none opened: Lambda is not invoked on an empty queue), or one Config item change per
    /// resource someone else changed since its last time.
    func handlerEvents(
        _ engine: ExternalEngine, index: Int, at: Timestamp, account: String, region: String, live: LiveCloud,
        invocations: inout [Int: Int], deliveredUntil: inout [Int: Timestamp]
    ) -> [Value?] {
        guard let handler = engine.handler else { return [nil] }
        let since = deliveredUntil[index]
        deliveredUntil[index] = at
        var number = invocations[index, default: 0]
        defer { invocations[index] = number }
        switch handler.event {
        case .scheduled:
            number += 1
            return [HandlerInvocation.scheduled(engine, number: number, at: at, account: account, region: region)]
        case .prismaAlert:
            let opened = live.withState { state in
                state.session.alerts.filter { handler.alertRules.isEmpty || handler.alertRules.contains($0.ruleName) }
                    .flatMap { alert in
                        alert.transitions.filter { t in t.to == .open && since.map { t.at > $0 } ?? true }
                            .map { (alert: alert, openedAt: $0.at) }
                    }
            }
            guard !opened.isEmpty else { return [] }
            number += 1
            return [
                live.withState { state in
                    HandlerInvocation.prismaAlerts(
                        opened, engine: engine, number: number, inventory: state.session.inventory,
                        policies: scenario.policies, account: account, region: region)
                }
            ]
        case .s3ViolationsCSV:
            guard let bucket = handler.bucket else { return [] }
            return live.withState { state -> [Value?] in
                let open = state.session.alerts.filter {
                    (handler.alertRules.isEmpty || handler.alertRules.contains($0.ruleName))
                        && $0.status(at: at) == .open
                }
                guard !open.isEmpty else { return [] }
                number += 1
                let report = HandlerInvocation.violationsCSV(
                    open, inventory: state.session.inventory, policies: scenario.policies)
                let key =
                    "remsim/violations/\(HandlerInvocation.seconds(at).replacingOccurrences(of: ":", with: "-")).csv"
                let object = StoredObject(body: Array(report.utf8), contentType: "text/csv", lastModified: at)
                state.objects[bucket, default: [:]][key] = object
                let owner = state.session.inventory.resources(ofType: "aws.s3").first {
                    ($0.properties["Name"]?.stringValue ?? $0.name) == bucket
                }
                return [
                    HandlerInvocation.objectCreated(
                        bucket: bucket, key: key, object: object, engine: engine, number: number,
                        region: owner?.region ?? region)
                ]
            }
        case .configChange:
            return live.withState { state in
                var events: [(at: Timestamp, id: String, event: Value)] = []
                for (id, changes) in state.session.changes {
                    let recent = changes.filter { c in c.actor != engine.name && since.map { c.at > $0 } ?? true }
                    guard let last = recent.last else { continue }
                    let now = state.session.inventory[id]
                    let made = scenario.inventory[id] == nil && changes.count == recent.count
                    let touched = recent.reduce(into: Set<String>()) { $0.formUnion($1.properties ?? []) }
                    number += 1
                    if let event = HandlerInvocation.configChange(
                        resource: now, was: scenario.inventory[id], touched: touched,
                        changeType: now == nil ? "DELETE" : made ? "CREATE" : "UPDATE", at: last.at, engine: engine,
                        number: number, region: region)
                    {
                        events.append((last.at, id, event))
                    }
                }
                return events.sorted { ($0.at, $0.id) < ($1.at, $1.id) }.map(\.event)
            }
        }
    }

    struct Ran {
        var status: Int32
        var lastError: String
    }

    /// `a scheduled event`, `an SQS event of 2 alerts`.
    static func describe(_ event: Value?, _ kind: ExternalEngine.Event) -> String {
        switch kind {
        case .scheduled: return "a scheduled event"
        case .prismaAlert:
            let n = event?["Records"]?.arrayValue?.count ?? 0
            return "an SQS event of \(n) Prisma Cloud alert\(n == 1 ? "" : "s")"
        case .s3ViolationsCSV:
            let object = event?["Records"]?.arrayValue?.first?["s3"]
            return "an S3 ObjectCreated event for s3://\(object?["bucket"]?["name"]?.stringValue ?? "?")/"
                + (object?["object"]?["key"]?.stringValue ?? "?")
        case .configChange:
            let item = event?["detail"]?["configurationItem"]
            return
                "a Config change of \(item?["resourceType"]?.stringValue ?? "?") \(item?["resourceId"]?.stringValue ?? "?")"
        }
    }

    /// Runs the program to its end (or its timeout), its output kept in files that are removed
    /// after: only the last line it wrote to standard error is kept, for the story. `${output}` in
    /// its words is a scratch folder for what it writes, removed after it.
    static func execute(
        _ engine: ExternalEngine, event: Value? = nil, account: String = "", region: String = "",
        directory: String, environment: [String: String], searchPath: [String], timeout: Duration
    ) -> Ran {
        let scratch = (NSTemporaryDirectory() as NSString).appendingPathComponent("remsim-engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let out = scratch + "/stdout"
            let err = scratch + "/stderr"
            FileManager.default.createFile(atPath: out, contents: nil)
            FileManager.default.createFile(atPath: err, contents: nil)
            let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
            defer {
                try? outHandle.close()
                try? errHandle.close()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            // `${output}`: a folder of its own for what the program writes (Custodian's `-s`).
            let output = scratch + "/output"
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            if let handler = engine.handler {
                // The event, in a file the bootstrap reads; the deadline, as Lambda's context gives it.
                let eventFile = scratch + "/event.json"
                try Data((event ?? .emptyObject).jsonText.utf8).write(to: URL(fileURLWithPath: eventFile))
                process.arguments = HandlerInvocation.command(
                    engine, handler, eventFile: eventFile, account: account, region: region,
                    deadline: Date().timeIntervalSince1970 + Double(timeout.components.seconds))
            } else {
                process.arguments = engine.command.map { $0.replacingOccurrences(of: "${output}", with: output) }
            }
            process.currentDirectoryURL = URL(fileURLWithPath: directory.isEmpty ? "." : directory)
            var env = ProcessInfo.processInfo.environment.filter {
                !["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE"].contains($0.key)
            }
            if !searchPath.isEmpty { env["PATH"] = (searchPath + [env["PATH"] ?? ""]).joined(separator: ":") }
            for (key, value) in engine.environment { env[key] = value }
            for (key, value) in environment { env[key] = value }
            process.environment = env
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = outHandle
            process.standardError = errHandle
            let done = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in done.signal() }
            try process.run()
            let seconds = Double(timeout.components.seconds)
            if done.wait(timeout: .now() + seconds) == .timedOut {
                process.terminate()
                done.wait()
                return Ran(status: 124, lastError: "stopped after \(Int(seconds))s of wall-clock time")
            }
            let errors = String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self)
            let last =
                errors.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map {
                    String($0.prefix(300))
                } ?? ""
            return Ran(status: process.terminationStatus, lastError: last)
        } catch {
            return Ran(status: 127, lastError: "could not start \(engine.command[0]): \(error.localizedDescription)")
        }
    }
}
