import CloudModel
import CloudOperations

/// How an alert rule's remediations are paced and guarded, as AWS Config remediation and Azure
/// Policy remediation tasks configure them. The defaults retry nothing, cap nothing, and stop a
/// resource after five remediations in a day.
package struct RemediationControls: Sendable, Equatable {
    /// Calls per step, the first included, before the remediation fails (AWS Config's
    /// "maximum automatic attempts"). Only throttling and transient server errors are retried.
    package var maxAttempts: Int
    /// Retries only within this long of a step's first try (AWS Config's `RetryAttemptSeconds`).
    package var retryWindow: SimDuration?
    package var backoff: Backoff
    /// At most this many remediations under way at once in one account and region; the others
    /// wait their turn.
    package var concurrency: Int?
    package var errorRateStop: ErrorRateStop?
    /// The most resources one rule may start remediating within a window; a batch that would go
    /// past it changes nothing (Cloud Custodian's `max-resources`).
    package var maxResources: ResourceCap?
    package var loopGuard: LoopGuard
    /// After an engine restart, how long to wait for calls already sent to land before deciding
    /// whether an interrupted remediation must run again.
    package var recoveryDelay: SimDuration

    package init(
        maxAttempts: Int = 1, retryWindow: SimDuration? = nil, backoff: Backoff = Backoff(), concurrency: Int? = nil,
        errorRateStop: ErrorRateStop? = nil,
        maxResources: ResourceCap? = nil, loopGuard: LoopGuard = LoopGuard(), recoveryDelay: SimDuration = .minutes(5)
    ) {
        self.maxAttempts = maxAttempts
        self.retryWindow = retryWindow
        self.backoff = backoff
        self.concurrency = concurrency
        self.errorRateStop = errorRateStop
        self.maxResources = maxResources
        self.loopGuard = loopGuard
        self.recoveryDelay = recoveryDelay
    }

    /// Exponential backoff with jitter: retry n waits `base × factor^(n−1)`, at most `max`, plus
    /// up to `jitterPercent` of that, drawn from the engine's seed.
    package struct Backoff: Sendable, Equatable {
        package var base: SimDuration
        package var factor: Int
        package var max: SimDuration
        package var jitterPercent: Int

        package init(
            base: SimDuration = .seconds(5), factor: Int = 2, max: SimDuration = .minutes(5), jitterPercent: Int = 20
        ) {
            self.base = base
            self.factor = factor
            self.max = max
            self.jitterPercent = jitterPercent
        }

        /// The wait before retry `n` (1 for the first retry), with jitter `fraction` in 0..<1.
        package func delay(retry n: Int, fraction: Double) -> SimDuration {
            var ms = base.milliseconds
            for _ in 1..<Swift.max(1, n) where ms < max.milliseconds { ms *= Int64(factor) }
            ms = Swift.min(ms, max.milliseconds)
            return SimDuration(milliseconds: ms + Int64(Double(ms) * Double(jitterPercent) / 100 * fraction))
        }
    }

    /// Stops the rule's remediation when at least `percent` of its calls failed in the last
    /// `window`, once it made `minimumCalls`.
    package struct ErrorRateStop: Sendable, Equatable {
        package var percent: Int
        package var minimumCalls: Int
        package var window: SimDuration
        package init(percent: Int, minimumCalls: Int = 5, window: SimDuration = .hours(1)) {
            self.percent = percent
            self.minimumCalls = minimumCalls
            self.window = window
        }
    }

    /// A count, or a percentage of the resources in the rule's scope, per window.
    package struct ResourceCap: Sendable, Equatable {
        package var count: Int?
        package var percent: Int?
        package var window: SimDuration
        package init(count: Int? = nil, percent: Int? = nil, window: SimDuration = .hours(24)) {
            self.count = count
            self.percent = percent
            self.window = window
        }

        /// The cap for a scope of `size` resources.
        package func limit(scopeSize size: Int) -> Int {
            let byPercent = percent.map { size * $0 / 100 }
            return [count, byPercent].compactMap { $0 }.min() ?? Int.max
        }
    }

    /// After `maxRemediations` of one resource for one policy within `window`, the engine stops,
    /// quarantines the resource and records a loop.
    package struct LoopGuard: Sendable, Equatable {
        package var maxRemediations: Int
        package var window: SimDuration
        package init(maxRemediations: Int = 5, window: SimDuration = .hours(24)) {
            self.maxRemediations = maxRemediations
            self.window = window
        }
    }
}

/// A resource that must not be remediated: by id or by tags, for some policies or all, with a
/// reason and, usually, an expiry. Its violations are still reported.
public struct Exemption: Sendable, Hashable {
    package var resourceId: String?
    /// Every tag listed must be on the resource with that value.
    package var tags: [String: String]
    /// The policies it covers; nil for all.
    package var policies: [String]?
    package var reason: String
    package var expires: Timestamp?

    package init(
        resourceId: String? = nil, tags: [String: String] = [:], policies: [String]? = nil, reason: String,
        expires: Timestamp? = nil
    ) {
        self.resourceId = resourceId
        self.tags = tags
        self.policies = policies
        self.reason = reason
        self.expires = expires
    }

    package func covers(_ resource: Resource, policy: String, at now: Timestamp) -> Bool {
        if let expires, now >= expires { return false }
        if let resourceId, resourceId != resource.id { return false }
        if resourceId == nil, tags.isEmpty { return false }
        for (key, value) in tags where resource.tags[key] != value { return false }
        return policies?.contains(policy) ?? true
    }
}

/// Something the engine did or refused to do that is not an alert's state: a retry scheduled, a
/// cap breached, a loop stopped. Reports and assertions read these.
package struct EngineRecord: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case retry, queued, capBreach, errorRateStop, loop, quarantine, exemptionApplied, restart, interrupted
        /// A disruption warning kept a remediation from running (`block` mode).
        case blocked
        /// A remediation waits for approval, was approved, or waited in vain.
        case awaitingApproval, approved, approvalTimedOut
    }

    package var at: Timestamp
    package var kind: Kind
    package var rule: String?
    package var policyId: String?
    package var resourceId: String?
    /// For a loop: who keeps undoing the remediation (an actor's name, or `policy P`).
    package var cause: String?
    package var detail: String

    package init(
        at: Timestamp, kind: Kind, rule: String? = nil, policyId: String? = nil, resourceId: String? = nil,
        cause: String? = nil, detail: String
    ) {
        self.at = at
        self.kind = kind
        self.rule = rule
        self.policyId = policyId
        self.resourceId = resourceId
        self.cause = cause
        self.detail = detail
    }
}
