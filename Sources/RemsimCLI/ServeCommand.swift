import ArgumentParser
import CloudModel
import Dispatch
import Endpoint
import Foundation
import Loading
import PolicyPack
import Simulation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Keep a scenario's simulated cloud up on 127.0.0.1, on the AWS wire, for your own tools.",
        discussion: """
            The scenario runs in real time (or --speed times faster): its timeline's injections, faults and \
            drift happen at their times, and its alert rules' engine works as in `remsim run`. Meanwhile the AWS \
            CLI, an SDK or Cloud Custodian pointed at the endpoint (AWS_ENDPOINT_URL) reads and changes the same \
            cloud: each call lands at the simulated time it arrives, meets the scenario's faults, and is recorded \
            with its actor. The endpoint serves what --operations lists; any other request is answered with an \
            AWS error naming it, never a made-up success, and is listed when the endpoint stops.

            An access key of remsim's form (AKIA, the twelve digits of an account, four more characters) acts in \
            that account, as do the keys sts assume-role gives for a role there; any other key acts in --account. \
            Signatures are not checked. The clock stops at the end of the scenario's run-for; the cloud stays up \
            until Ctrl-C.
            """
    )

    @Argument(help: "The scenario file whose cloud to serve.")
    var scenario: String?

    @Option(help: "The port on 127.0.0.1; 0 takes a free one.")
    var port: Int = 8626

    @Option(help: "Simulated time per wall-clock time: 60 runs a simulated hour in a minute.")
    var speed: Double = 1

    @Option(help: "The AWS account of callers whose access key names none (default: the scenario's first).")
    var account: String?

    @Flag(help: "List the operations the endpoint serves, and exit.")
    var operations = false

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Fixture cache")
    var cacheOptions: CacheOptions

    func run() throws {
        if operations {
            for operation in AWSEndpoint.served.map(\.name).sorted() { Console.out(operation) }
            return
        }
        guard let scenario else { throw BadInput("give the scenario file whose cloud to serve") }
        guard (0...65535).contains(port) else { throw BadInput("--port: expected 0 to 65535, found \(port)") }
        guard speed.isFinite, speed > 0, speed <= 1_000_000 else {
            throw BadInput("--speed: expected a factor above 0, at most 1000000, found \(speed)")
        }
        if let account, account.count != 12 || !account.allSatisfy(\.isNumber) {
            throw BadInput("--account: expected the twelve digits of an AWS account, found '\(account)'")
        }
        try limits.apply { try serve(scenario) }
    }

    private func serve(_ file: String) throws {
        var loader = ScenarioLoader(pack: BuiltinPolicies.source, paths: limits.confinement)
        loader.fixtureCache = cacheOptions.cache
        let loaded = try loader.load(file: file)
        let defaults = AWSDefaults(loaded.inventory, account: account)
        let live = try LiveCloud(scenario: loaded, pace: LiveCloud.Pace(speed: speed))
        let endpoint = AWSEndpoint(defaultAccount: defaults.account)
        let server: BackgroundServer
        do {
            server = try BackgroundServer(port: port) { live.respond(to: $0, with: endpoint) }
        } catch {
            throw BadInput("cannot serve on 127.0.0.1:\(port): \(error)")
        }
        Console.out(Self.banner(loaded, file: file, port: server.port, defaults: defaults, speed: speed))
        // Ctrl-C and SIGTERM end the server: the handler only sets a flag, which this loop,
        // printing the run's story as it happens, looks at five times a second. A parent may
        // start remsim with the two signals blocked (a mask is inherited): they are let through
        // on this thread.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        signal(SIGINT) { _ in serveStopRequested = 1 }
        signal(SIGTERM) { _ in serveStopRequested = 1 }
        var printed = 0
        while serveStopRequested == 0 {
            live.catchUp()
            let records = live.withState { Array($0.session.timeline.dropFirst(printed)) }
            printed += records.count
            for record in records {
                Console.out(
                    "+\(record.at - loaded.start)  \(record.kind.rawValue)  \(record.resourceId)  \(record.text)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        server.stop()
        let state = live.withState { $0 }
        let failed = state.calls.filter { !$0.outcome.isSuccess }.count
        var summary =
            "served \(state.requests) request\(state.requests == 1 ? "" : "s"): \(state.calls.count) call\(state.calls.count == 1 ? "" : "s") "
            + "changed the cloud or tried to (\(failed) failed)"
        if !state.refusals.isEmpty {
            let names = Set(state.refusals.map { "\($0.service):\($0.operation)" }).sorted()
            summary += "; not served: \(names.joined(separator: ", "))"
        }
        Console.out(summary)
    }

    static func banner(_ scenario: Scenario, file: String, port: Int, defaults: AWSDefaults, speed: Double) -> String {
        let url = "http://127.0.0.1:\(port)"
        let accounts = defaults.accounts
        let region = defaults.region
        let account = defaults.account
        let pace = speed == 1 ? "in real time" : "at \(speed.formatted())× real time"
        return """
            remsim serve: \(scenario.name) (\(InputFiles.display(file)))
              \(scenario.inventory.count) resources; AWS accounts: \(accounts.isEmpty ? "none" : accounts.joined(separator: ", "))
              AWS endpoint: \(url)   (remsim serve --operations lists what it serves)
                export AWS_ENDPOINT_URL=\(url) AWS_DEFAULT_REGION=\(region)
                export AWS_ACCESS_KEY_ID=\(SignatureScope.key(for: account, temporary: false)) AWS_SECRET_ACCESS_KEY=remsim
              clock: from \(scenario.start.iso8601) for \(scenario.runFor), \(pace); Ctrl-C ends it
            """
    }
}

/// Set by the SIGINT and SIGTERM handlers of `remsim serve`: all a signal handler may safely do.
nonisolated(unsafe) var serveStopRequested: sig_atomic_t = 0
