import ArgumentParser
import Foundation
import Replay
import PolicyPack
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

    @Option(help: "The AWS API endpoint, e.g. http://127.0.0.1:5000 (moto). Without it, AWS itself, which needs --allow-remote-endpoint.")
    var endpointUrl: String?

    @Flag(help: "Allow an endpoint that is not this machine, or AWS itself (a sandbox account).")
    var allowRemoteEndpoint = false

    @Flag(help: "Leave the created resources on the endpoint.")
    var keep = false

    @Option(help: ArgumentHelp(
        "Untouched resources to make and compare besides those the calls touch: N per touched resource (its type and account; same name in another region first, then same VPC, then same region), or 'all' of the fixtures'.",
        valueName: "N|all"))
    var untouched: Replay.Untouched = .neighbours(1)

    @Option(help: "The AWS CLI program.")
    var aws = "aws"

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func run() throws {
        try limits.apply { try execute() }
    }

    func execute() throws {
        let endpoint: ReplayEndpoint
        do {
            guard let endpointUrl else {
                guard allowRemoteEndpoint else {
                    Console.error("error: give --endpoint-url (moto: http://127.0.0.1:5000), or --allow-remote-endpoint to replay against the AWS account your credentials name")
                    throw Exit.badInput
                }
                return try replay(against: .aws)
            }
            endpoint = try ReplayEndpoint(endpointUrl, allowRemote: allowRemoteEndpoint)
        } catch let error as ReplayEndpoint.Problem {
            Console.error("error: \(error)")
            throw Exit.badInput
        }
        try replay(against: endpoint)
    }

    func replay(against endpoint: ReplayEndpoint) throws {
        var scenarios: [Scenario] = []
        if !paths.isEmpty || !builtin {
            let (loaded, errors) = SuiteLoader(paths: paths.isEmpty ? ["Scenarios"] : paths, confinement: limits.confinement).load()
            guard errors.isEmpty else {
                for e in errors { Console.error("error: \(e)") }
                throw Exit.badInput
            }
            scenarios = loaded
        }
        if builtin {
            do {
                scenarios += try Replay.exampleScenarios(of: try BuiltinPolicies.load())
            } catch {
                Console.error("error: the built-in policies' examples: \(error)")
                throw Exit.badInput
            }
        }
        // A local endpoint takes any credentials; a remote one uses the caller's.
        var environment: [String: String] = [:]
        let env = ProcessInfo.processInfo.environment
        if endpoint.url.map({ ReplayEndpoint.isLoopback($0.host ?? "") }) == true {
            if env["AWS_ACCESS_KEY_ID"] == nil { environment["AWS_ACCESS_KEY_ID"] = "testing" }
            if env["AWS_SECRET_ACCESS_KEY"] == nil { environment["AWS_SECRET_ACCESS_KEY"] = "testing" }
        }
        if env["AWS_DEFAULT_REGION"] == nil { environment["AWS_DEFAULT_REGION"] = "us-east-1" }
        let cli = AWSCLI(program: aws, endpoint: endpoint, environment: environment)
        let replayId = "r\(Int(Date().timeIntervalSince1970))-\(getpid())"
        let style = Console.style
        let interruption = ReplayInterruption()
        interruption.catchSignals()
        var matched = 0, differed = 0, skipped = 0, other = 0
        for scenario in scenarios {
            if interruption.isRequested { break }
            guard scenario.policies.contains(where: { $0.resourceType.hasPrefix("aws.") }) else {
                other += 1
                continue
            }
            var replay = Replay(scenario: scenario, cli: cli, replayId: replayId, keep: keep)
            replay.interruption = interruption
            replay.untouched = untouched
            let outcome = replay.run()
            switch outcome.status {
            case .matched:
                matched += 1
                Console.out(style.green("MATCH ") + " \(scenario.name)  \(Self.summary(outcome))")
            case .differed:
                differed += 1
                Console.out(style.red("DIFFER") + " \(scenario.name)")
                for d in outcome.differences { Console.out("        \(d)") }
                for c in outcome.changes { Console.out(style.dim("        timeline: \(c)")) }
                for c in outcome.commands { Console.out(style.dim("        $ \(c)")) }
            case .notReplayable(let why):
                skipped += 1
                Console.out(style.yellow("SKIP  ") + " \(scenario.name)  not replayable: \(why)")
            }
            for left in outcome.leftOut { Console.out(style.dim("        untouched resource left out: \(left)")) }
            for problem in outcome.cleanup { Console.error("warning: could not delete \(problem)") }
        }
        let total = matched + differed + skipped
        Console.out("\(total) AWS scenario\(total == 1 ? "" : "s"): \(matched) matched, \(differed) differed, \(skipped) not replayable" + (other > 0 ? style.dim(" · \(other) other-cloud scenarios not replayed") : ""))
        if interruption.isRequested {
            Console.error("interrupted: the replay stopped after deleting what it had made (resources tagged remsim-replay=\(replayId) that remain are listed above)")
            throw Exit.interrupted
        }
        if differed > 0 { throw Exit.assertionFailed }
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
    public init?(argument: String) {
        if argument == "all" {
            self = .all
        } else if let n = Int(argument), n >= 0 {
            self = .neighbours(n)
        } else {
            return nil
        }
    }
}
