import ArgumentParser
import Foundation
import PolicyPack
import RemsimKit
import Replay
import Simulation

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay scenarios' remediations against a real AWS API endpoint and compare the end state.",
        discussion: """
            For each AWS scenario: creates the resources its remediation touches (tagged remsim-replay=ID) in \
            their state just before the first call, runs the exact aws commands the simulation rendered through \
            the AWS CLI, reads the resources back and compares them with the simulation's end state, then \
            deletes what it created (unless --keep). Only loopback endpoints (moto, LocalStack) are accepted \
            unless --allow-remote-endpoint. A scenario the replay cannot run is listed with the reason. Exit \
            code 1 when any resource differs.

            --builtin replays every remediation of the built-in AWS policies on the policies' own `match` \
            examples, one replay per example.
            """
    )

    @Argument(help: "Scenario files or directories (default: Scenarios, unless --builtin is given alone).")
    var paths: [String] = []

    @Flag(help: "Replay the built-in AWS remediations on their policies' examples.")
    var builtin = false

    @Option(
        help:
            "The AWS API endpoint, e.g. http://127.0.0.1:5000 (moto). Without it, AWS itself, which needs --allow-remote-endpoint."
    )
    var endpointUrl: String?

    @Flag(help: "Allow an endpoint that is not this machine, or AWS itself (a sandbox account).")
    var allowRemoteEndpoint = false

    @Flag(help: "Leave the created resources on the endpoint.")
    var keep = false

    @Option(
        help: ArgumentHelp(
            "Untouched resources to make and compare besides those the calls touch: N per touched resource (its "
                + "type and account; same name in another region first, then same VPC, then same region), or 'all' of the fixtures'.",
            valueName: "N|all"))
    var untouched: Replay.Untouched = .neighbours(1)

    @Option(help: "The AWS CLI program.")
    var aws = "aws"

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Fixture cache")
    var cacheOptions: CacheOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    func execute() throws {
        guard let endpointUrl else {
            guard allowRemoteEndpoint else {
                throw BadInput(
                    "give --endpoint-url (moto: http://127.0.0.1:5000), or --allow-remote-endpoint to replay "
                        + "against the AWS account your credentials name"
                )
            }
            return try replay(against: .aws)
        }
        try replay(against: try ReplayEndpoint(endpointUrl, allowRemote: allowRemoteEndpoint))
    }

    func replay(against endpoint: ReplayEndpoint) throws {
        var scenarios: [Scenario] = []
        if !paths.isEmpty || !builtin {
            defer { ProgressLine.current.finish() }
            scenarios = try ScenarioSuite.loadShowingProgress(
                paths.isEmpty ? ["Scenarios"] : paths, confinement: limits.confinement, cache: cacheOptions.cache
            ).scenarios
        }
        if builtin {
            do {
                scenarios += try Replay.exampleScenarios(of: try BuiltinPolicies.load())
            } catch {
                throw BadInput("the built-in policies' examples: \(error)")
            }
        }
        var suite = ReplaySuite(scenarios: scenarios, endpoint: endpoint, program: aws)
        suite.keep = keep
        suite.untouched = untouched
        let style = Console.style
        let interruption = ReplayInterruption()
        interruption.catchSignals()
        let progress = ProgressLine.current
        progress.start("replaying")
        defer { progress.finish() }
        var replayed = 0
        let tally = suite.run(interruption: interruption) { scenario, outcome in
            replayed += 1
            progress.update("replaying scenarios", replayed, of: scenarios.count, scenario.name)
            switch outcome.status {
            case .matched:
                Console.out(style.green("MATCH ") + " \(scenario.name)  \(Self.summary(outcome))")
            case .differed:
                Console.out(style.red("DIFFER") + " \(scenario.name)")
                for d in outcome.differences { Console.out("        \(d)") }
                for c in outcome.changes { Console.out(style.dim("        timeline: \(c)")) }
                for c in outcome.commands { Console.out(style.dim("        $ \(c)")) }
            case .notReplayable(let why):
                Console.out(style.yellow("SKIP  ") + " \(scenario.name)  not replayable: \(why)")
            }
            for left in outcome.leftOut { Console.out(style.dim("        untouched resource left out: \(left)")) }
            for problem in outcome.cleanup { Console.error("warning: could not delete \(problem)") }
        }
        progress.finish()
        let total = tally.replayed
        Console.out(
            "\(total) AWS scenario\(total == 1 ? "" : "s"): \(tally.matched) matched, \(tally.differed) "
                + "differed, \(tally.notReplayable) not replayable"
                + (tally.otherCloud > 0 ? style.dim(" · \(tally.otherCloud) other-cloud scenarios not replayed") : ""))
        if interruption.isRequested {
            Console.error(
                "interrupted: the replay stopped after deleting what it had made (resources tagged "
                    + "remsim-replay=\(suite.replayId) that remain are listed above)"
            )
            throw Exit.interrupted
        }
        if tally.differed > 0 { throw Exit.assertionFailed }
    }

    /// "5 resources compared (2 untouched) · 2 commands · 1 timeline change".
    static func summary(_ outcome: Replay.Outcome) -> String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var text = count(outcome.compared.count, "resource") + " compared"
        if !outcome.untouched.isEmpty { text += " (\(outcome.untouched.count) untouched)" }
        text += " · " + count(outcome.commands.count, "command")
        if !outcome.changes.isEmpty { text += " · " + count(outcome.changes.count, "timeline change") }
        return text
    }
}

extension Replay.Untouched: ExpressibleByArgument {
    package init?(argument: String) {
        if argument == "all" {
            self = .all
        } else if let n = Int(argument), n >= 0 {
            self = .neighbours(n)
        } else {
            return nil
        }
    }
}
