import CloudModel
import Policies
import RemediationEngine

/// A scenario: an inventory, the policies and engine settings under test, a timeline of
/// injected changes, how long to run, and what must hold at the end.
///
/// `Loading` builds it from a scenario file; a user's own Swift test can build one directly.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    /// The file it was read from, for messages and the run database.
    public var file: String
    public var inventory: Inventory
    public var policies: [Policy]
    public var settings: EngineSettings
    public var timeline: [TimelineEntry]
    public var runFor: SimDuration
    public var seed: UInt64
    /// The instant simulated time starts at; ages (`value-type: age`) are measured against it.
    public var start: Timestamp
    public var expectations: [Expectation]

    public static let defaultStart = Timestamp(iso8601: "2026-01-01T00:00:00Z") ?? Timestamp(milliseconds: 0)

    public init(
        name: String, description: String = "", file: String = "", inventory: Inventory, policies: [Policy],
        settings: EngineSettings, timeline: [TimelineEntry] = [], runFor: SimDuration, seed: UInt64 = 0,
        start: Timestamp = Scenario.defaultStart, expectations: [Expectation] = []
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.inventory = inventory
        self.policies = policies
        self.settings = settings
        self.timeline = timeline
        self.runFor = runFor
        self.seed = seed
        self.start = start
        self.expectations = expectations
    }
}

/// How the simulated cloud and the engine behave in a scenario.
public struct EngineSettings: Sendable {
    public var rules: [AlertRule]
    /// How long an API call takes to complete; its effect lands when it completes.
    public var apiLatency: SimDuration
    /// Up to this much is added to each call's latency, drawn from the scenario's seed.
    public var apiLatencyJitter: SimDuration

    public init(rules: [AlertRule], apiLatency: SimDuration = .milliseconds(300), apiLatencyJitter: SimDuration = .zero) {
        self.rules = rules
        self.apiLatency = apiLatency
        self.apiLatencyJitter = apiLatencyJitter
    }
}

/// One thing that happens at a moment of simulated time.
public struct TimelineEntry: Sendable {
    public var at: SimDuration
    public var resourceId: String
    public var injection: Injection
    /// Where the entry was written (`file:line:col`), for messages about it at run time.
    public var origin: String

    public init(at: SimDuration, resourceId: String, injection: Injection, origin: String = "") {
        self.at = at
        self.resourceId = resourceId
        self.injection = injection
        self.origin = origin
    }
}
