import CloudModel
import Policies
import RemediationEngine
import TestSupport
import Testing

/// The pieces of the rule controls that are plain arithmetic and matching.
struct ControlsTests {
    @Test(arguments: [
        (1, 0.0, 5_000), (2, 0.0, 10_000), (3, 0.0, 20_000), (10, 0.0, 300_000), (2, 0.5, 11_000), (1, 0.999, 5_999),
    ])
    func backoffDoublesUpToItsMaximumWithJitterOnTop(retry: Int, fraction: Double, milliseconds: Int64) {
        let backoff = RemediationControls.Backoff(base: .seconds(5), factor: 2, max: .minutes(5), jitterPercent: 20)
        #expect(backoff.delay(retry: retry, fraction: fraction) == .milliseconds(milliseconds))
    }

    @Test func aResourceCapIsTheSmallerOfCountAndPercent() {
        #expect(RemediationControls.ResourceCap(count: 10, percent: 5).limit(scopeSize: 100) == 5)
        #expect(RemediationControls.ResourceCap(count: 10, percent: 50).limit(scopeSize: 100) == 10)
        #expect(RemediationControls.ResourceCap(percent: 1).limit(scopeSize: 50) == 0)
    }

    @Test func anExemptionCoversByIdOrTagsForItsPoliciesUntilItExpires() {
        let r = Resource(id: "sg-1", type: "aws.security-group", account: "1", region: "r", tags: ["team": "data"])
        let t0 = Timestamp(milliseconds: 0)
        #expect(Exemption(resourceId: "sg-1", reason: "x").covers(r, policy: "p", at: t0))
        #expect(!Exemption(resourceId: "sg-2", reason: "x").covers(r, policy: "p", at: t0))
        #expect(Exemption(tags: ["team": "data"], policies: ["p"], reason: "x").covers(r, policy: "p", at: t0))
        #expect(!Exemption(tags: ["team": "data"], policies: ["q"], reason: "x").covers(r, policy: "p", at: t0))
        #expect(
            !Exemption(resourceId: "sg-1", reason: "x", expires: t0).covers(r, policy: "p", at: t0),
            "expired at its expiry")
        #expect(!Exemption(reason: "names nothing").covers(r, policy: "p", at: t0))
    }

    static let bucketPolicy = """
        version: 1
        id: p
        title: t
        resource: aws.s3
        severity: low
        filters: [{key: x, op: present}]
        remediation:
          steps:
            - operation: s3:PutPublicAccessBlock
              parameters: {Bucket: "${resourceName}", PublicAccessBlockConfiguration: {BlockPublicAcls: true}}
        """

    /// Runs `buckets` violations whose every call fails with `Throttling`; returns the retry
    /// timers set and the alerts.
    func throttled(controls: RemediationControls, seed: UInt64 = 1, buckets: Int = 5) throws -> (
        timers: [Timestamp], alerts: [Alert]
    ) {
        let rule = AlertRule(
            name: "r", autoRemediate: true, detection: .event(deliveryDelay: .seconds(1)), controls: controls)
        var engine = Engine(policies: [try TestSupport.policy(Self.bucketPolicy)], rules: [rule], seed: seed)
        var inventory = Inventory()
        for i in 0..<buckets {
            inventory.upsert(Resource(id: "b\(i)", type: "aws.s3", account: "1", region: "r", properties: ["x": 1]))
        }
        var t = Timestamp(milliseconds: 0)
        var timers: [Timestamp] = []
        var effects = engine.handle(.start, at: t, view: inventory)
        while !effects.isEmpty {
            var next: [EngineEffect] = []
            for case .callOperation(let op) in effects {
                t = t + .milliseconds(1)
                next += engine.handle(
                    .operationFinished(callId: op.callId, outcome: .failed(code: "Throttling", message: "slow down")),
                    at: t, view: inventory)
            }
            var fired: [EngineEffect] = []
            for case .setTimer(let id, let at) in next {
                timers.append(at)
                t = max(t, at)
                fired += engine.handle(.timerFired(id: id), at: at, view: inventory)
            }
            effects = fired
        }
        return (timers, engine.alerts)
    }

    /// Retry waits come from the seed: the same seed, the same waits; another seed, others.
    @Test func retryJitterComesFromTheSeed() throws {
        let controls = RemediationControls(maxAttempts: 4, backoff: .init(base: .seconds(10), jitterPercent: 100))
        let a = try throttled(controls: controls, seed: 1).timers
        let b = try throttled(controls: controls, seed: 1).timers
        let c = try throttled(controls: controls, seed: 2).timers
        #expect(a.count == 15, "five buckets, three retries each")
        #expect(a == b)
        #expect(a != c)
    }

    /// No retry past the window from the first try, however many attempts are left.
    @Test func retriesStopAtTheirWindow() throws {
        let controls = RemediationControls(
            maxAttempts: 10, retryWindow: .seconds(45), backoff: .init(base: .seconds(10), factor: 2, jitterPercent: 0))
        let run = try throttled(controls: controls, buckets: 1)
        #expect(run.timers.count == 2, "retries at +10s and +30s; the next, at +70s, is past 45s: \(run.timers)")
        #expect(run.alerts.first?.status == .failed)
        #expect(run.alerts.first?.transitions.last?.detail.contains("after 3 tries") == true)
    }
}
