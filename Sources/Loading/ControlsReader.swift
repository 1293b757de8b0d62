import CloudModel
import RemediationEngine

/// Reads an alert rule's remediation controls:
///
/// ```yaml
/// retries: {max-attempts: 5, within: 10m, base: 2s, factor: 2, max: 1m, jitter-percent: 20}
/// concurrency: 2                                   # per account and region
/// error-rate-stop: {percent: 50, minimum-calls: 4, window: 1h}
/// max-resources: {count: 10, window: 24h}           # or percent: 5
/// loop-guard: {max-remediations: 3, window: 6h}
/// recovery-delay: 5m                               # after an engine restart
/// ```
enum ControlsReader {
    static let keys = [
        "retries", "concurrency", "error-rate-stop", "max-resources", "loop-guard", "recovery-delay", "disruption",
    ]

    /// `disruption: {mode: block, threshold: high, approval-timeout: 4h, lookback: 7d}`.
    static func disruption(_ m: YAMLMapping) throws(LoadError) -> DisruptionSettings {
        var d = DisruptionSettings()
        guard let node = m["disruption"] else { return d }
        let dm = try node.mapping(allowing: ["mode", "threshold", "approval-timeout", "lookback"])
        d.mode = try dm.required("mode").oneOf(DisruptionSettings.Mode.self, DisruptionSettings.Mode.allCases)
        if let t = dm["threshold"] {
            d.threshold = try t.oneOf(ImpactSeverity.self, ImpactSeverity.allCases.filter { $0 != .none })
        }
        if let t = dm["approval-timeout"] {
            guard d.mode == .approve else { throw t.error("'approval-timeout' is for approve mode") }
            d.approvalTimeout = try positive(t)
        }
        if let l = dm["lookback"] { d.lookback = try positive(l) }
        return d
    }

    static func controls(_ m: YAMLMapping) throws(LoadError) -> RemediationControls {
        var c = RemediationControls()
        if let r = m["retries"] {
            let rm = try r.mapping(allowing: ["max-attempts", "within", "base", "factor", "max", "jitter-percent"])
            c.maxAttempts = try rm.required("max-attempts").int(in: 1...100)
            if let n = rm["within"] { c.retryWindow = try positive(n) }
            if let n = rm["base"] { c.backoff.base = try positive(n) }
            if let n = rm["factor"] { c.backoff.factor = try n.int(in: 1...10) }
            if let n = rm["max"] { c.backoff.max = try positive(n) }
            if let n = rm["jitter-percent"] { c.backoff.jitterPercent = try n.int(in: 0...100) }
            guard c.backoff.max >= c.backoff.base else {
                throw (rm["max"] ?? r).error("'max' must not be below 'base'")
            }
        }
        if let n = m["concurrency"] { c.concurrency = try n.int(in: 1...10_000) }
        if let e = m["error-rate-stop"] {
            let em = try e.mapping(allowing: ["percent", "minimum-calls", "window"])
            c.errorRateStop = RemediationControls.ErrorRateStop(
                percent: try em.required("percent").int(in: 1...100),
                minimumCalls: try em["minimum-calls"]?.int(in: 1...100_000) ?? 5,
                window: try em["window"].map(positive) ?? .hours(1))
        }
        if let x = m["max-resources"] {
            let xm = try x.mapping(allowing: ["count", "percent", "window"])
            let count = try xm["count"]?.int(in: 0...Int(Int32.max))
            let percent = try xm["percent"]?.int(in: 0...100)
            guard count != nil || percent != nil else {
                throw x.error("'max-resources' needs 'count', 'percent' or both")
            }
            c.maxResources = RemediationControls.ResourceCap(
                count: count, percent: percent, window: try xm["window"].map(positive) ?? .hours(24))
        }
        if let l = m["loop-guard"] {
            let lm = try l.mapping(allowing: ["max-remediations", "window"])
            c.loopGuard = RemediationControls.LoopGuard(
                maxRemediations: try lm["max-remediations"]?.int(in: 1...10_000) ?? c.loopGuard.maxRemediations,
                window: try lm["window"].map(positive) ?? c.loopGuard.window)
        }
        if let d = m["recovery-delay"] { c.recoveryDelay = try d.duration() }
        return c
    }

    static func positive(_ node: YAMLNode) throws(LoadError) -> SimDuration {
        let d = try node.duration()
        guard d > .zero else { throw node.error("must be longer than 0s") }
        return d
    }
}
