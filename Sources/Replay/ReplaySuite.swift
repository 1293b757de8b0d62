import Foundation
import Simulation

/// Replays a suite of scenarios against one endpoint, one after another, and keeps the tally:
/// what `remsim replay` runs, and what a user's Swift code runs the same way.
package struct ReplaySuite {
    package var scenarios: [Scenario]
    package var cli: AWSCLI
    /// Tags every resource a replay makes (`remsim-replay=ID`), so that nothing else is touched.
    package var replayId: String
    package var keep = false
    package var untouched = Replay.Untouched.neighbours(1)

    package init(
        scenarios: [Scenario], endpoint: ReplayEndpoint, program: String = "aws",
        environment: [String: String] = ProcessInfo.processInfo.environment,
        replayId: String = "r\(Int(Date().timeIntervalSince1970))-\(getpid())"
    ) {
        self.scenarios = scenarios
        self.cli = AWSCLI(
            program: program, endpoint: endpoint, environment: Self.defaults(for: endpoint, environment: environment))
        self.replayId = replayId
    }

    /// What the AWS CLI needs besides the caller's environment: a local endpoint takes any
    /// credentials, so `testing` stands in where none are set; a remote one uses the caller's.
    /// The region defaults to us-east-1.
    package static func defaults(for endpoint: ReplayEndpoint, environment: [String: String]) -> [String: String] {
        var added: [String: String] = [:]
        if endpoint.url.map({ ReplayEndpoint.isLoopback($0.host ?? "") }) == true {
            if environment["AWS_ACCESS_KEY_ID"] == nil { added["AWS_ACCESS_KEY_ID"] = "testing" }
            if environment["AWS_SECRET_ACCESS_KEY"] == nil { added["AWS_SECRET_ACCESS_KEY"] = "testing" }
        }
        if environment["AWS_DEFAULT_REGION"] == nil { added["AWS_DEFAULT_REGION"] = "us-east-1" }
        return added
    }

    /// How many scenarios matched, differed and could not be replayed; scenarios with no AWS
    /// policy are counted apart and not replayed.
    package struct Tally: Sendable, Equatable {
        package var matched = 0, differed = 0, notReplayable = 0, otherCloud = 0
        package var replayed: Int { matched + differed + notReplayable }
    }

    /// Replays each AWS scenario in turn, handing each outcome to `each`; stops between
    /// scenarios once `interruption` is requested.
    package func run(interruption: ReplayInterruption = ReplayInterruption(), each: (Scenario, Replay.Outcome) -> Void)
        -> Tally
    {
        var tally = Tally()
        for scenario in scenarios {
            if interruption.isRequested { break }
            guard scenario.policies.contains(where: { $0.resourceType.hasPrefix("aws.") }) else {
                tally.otherCloud += 1
                continue
            }
            var replay = Replay(scenario: scenario, cli: cli, replayId: replayId, keep: keep)
            replay.interruption = interruption
            replay.untouched = untouched
            let outcome = replay.run()
            switch outcome.status {
            case .matched: tally.matched += 1
            case .differed: tally.differed += 1
            case .notReplayable: tally.notReplayable += 1
            }
            each(scenario, outcome)
        }
        return tally
    }
}
