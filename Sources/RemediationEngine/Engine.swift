import CloudModel
import CloudOperations
import Policies

/// The remediation engine: a deterministic state machine with no I/O.
///
/// It never reads a clock, draws a random number or calls a cloud. A driver hands it events with
/// the instant they happen and a read-only view of resource state, and carries out the effects it
/// returns (calls, timers), feeding the outcomes back as events. The simulation is one driver; a
/// live one against a real API would be another, and nothing here knows which it is. Retry
/// jitter comes from the seed it is given, through a hash: the same seed, the same waits.
///
/// Verification goes through the same channel as detection, as in Prisma Cloud: once the last
/// step succeeds the alert stays `pendingResolution` until the rule next looks at the resource
/// (the remediation's own change event after the delivery delay, or the next scheduled scan),
/// and resolves only if that look finds it compliant. So a poll-mode rule's MTTR includes the
/// wait for the next scan.
///
/// Around each remediation sit the rule's controls (`RemediationControls`): retries with
/// backoff, a concurrency cap per account and region, an error-rate stop, a cap on how many
/// resources a rule may change in a window, and a loop guard; and the engine honours
/// exemptions, snoozes, dismissals and disabled policies and rules.
public struct Engine: Sendable {
    package let policies: [Policy]
    package let rules: [AlertRule]
    package let seed: UInt64

    /// Every alert ever raised, in the order raised.
    public internal(set) var alerts: [Alert] = []
    /// Every call made, in the order made.
    package internal(set) var attempts: [RemediationAttempt] = []
    /// Retries, caps, stops, loops, quarantines and exemptions, in the order they happened.
    package internal(set) var records: [EngineRecord] = []
    package internal(set) var exemptions: [Exemption]
    /// What remediations could disrupt, found before each one ran (or was held back).
    package internal(set) var warnings: [DisruptionWarning] = []
    /// When the engine started: evidence written relative (`-1h`) counts from it.
    var epoch: Timestamp?
    /// Alerts whose warnings are recorded in their current episode.
    var warned: Set<Int> = []
    /// Alerts waiting for approval, approved, or whose approval timed out, in this episode.
    var awaitingApproval: Set<Int> = []
    var approved: Set<Int> = []
    var approvalExpired: Set<Int> = []

    var alertIndex: [AlertKey: Int] = [:]
    var policyIndex: [String: Int] = [:]
    var ruleIndex: [String: Int] = [:]
    var inFlight: [Int: InFlight] = [:]
    var nextCallId = 1
    /// Alerts whose remediation ran every step and now wait for a re-evaluation.
    var awaitingVerification: Set<Int> = []
    /// What each alert's latest remediation acted on, which its verification reads.
    var acted: [Int: Acted] = [:]
    var timers: [Int: Timer] = [:]
    var nextTimerId = 1
    /// Remediations waiting for a free slot, per rule, account and region.
    var queued: [SlotKey: [Int]] = [:]
    /// Remediations under way (calls in flight or waiting to retry), per rule, account and region.
    var running: [SlotKey: Int] = [:]
    var disabledPolicies: Set<String> = []
    var disabledRules: Set<String> = []
    var autoRemediation: [String: Bool] = [:]
    /// Rules whose remediation the error-rate stop halted.
    var halted: Set<String> = []
    /// When each rule started remediations, for its resource cap.
    var starts: [String: [Timestamp]] = [:]
    /// Each rule's finished calls (when, failed?), for its error-rate stop.
    var callLog: [String: [(at: Timestamp, failed: Bool)]] = [:]
    /// Resources in each rule's scope, as of its latest scan, for a cap given in percent.
    var scopeSize: [String: Int] = [:]
    /// Alerts whose exemption was recorded in their current episode.
    var exemptionRecorded: Set<Int> = []

    /// A remediation under way: its plan, the position of the call in flight, and its tries.
    struct InFlight: Sendable {
        var alertIndex: Int
        var plan: RemediationPlan
        var position: Int
        var attemptIndex: Int
        /// Calls made for the current step, the first included.
        var tries: Int
        /// When the current step was first tried, for the retry window.
        var firstTryAt: Timestamp
        var slot: SlotKey
    }

    /// A remediation as its verification needs to know it: when it started (changes by others
    /// since then are theirs, not its), and every matched element its calls were planned for.
    struct Acted: Sendable {
        var startedAt: Timestamp
        var elements: Set<Value>
    }

    enum Timer: Sendable {
        case verify(alert: Int)
        case retry(InFlight)
        case snoozeEnd(alert: Int)
        case exemptionExpired(Exemption)
        case recover(alert: Int)
        case approvalTimeout(alert: Int)
    }

    struct SlotKey: Sendable, Hashable {
        var rule: String
        var account: String
        var region: String
    }

    public init(policies: [Policy], rules: [AlertRule], seed: UInt64 = 0, exemptions: [Exemption] = []) {
        self.policies = policies
        self.rules = rules
        self.seed = seed
        self.exemptions = exemptions
        for (i, policy) in policies.enumerated() { policyIndex[policy.id] = i }
        for (i, rule) in rules.enumerated() { ruleIndex[rule.name] = i }
    }

    package func alert(policyId: String, resourceId: String) -> Alert? {
        alertIndex[AlertKey(policyId: policyId, resourceId: resourceId)].map { alerts[$0] }
    }

    func rule(named name: String) -> AlertRule? { ruleIndex[name].map { rules[$0] } }
    func policy(id: String) -> Policy? { policyIndex[id].map { policies[$0] } }

    /// Whether the rule remediates now: its setting, unless a timeline event switched it.
    func remediates(_ rule: AlertRule) -> Bool { autoRemediation[rule.name] ?? rule.autoRemediate }

    /// Handles one event at `now`, reading state through `view`; returns what the driver must do.
    public mutating func handle(_ event: EngineEvent, at now: Timestamp, view: some InventoryView) -> [EngineEffect] {
        var effects: [EngineEffect] = []
        switch event {
        case .start:
            epoch = epoch ?? now
            for rule in rules { scan(rule: rule, at: now, view: view, effects: &effects) }
            for exemption in exemptions { setExpiryTimer(exemption, effects: &effects) }
        case .scanDue(let ruleName):
            guard let rule = rule(named: ruleName) else { break }
            scan(rule: rule, at: now, view: view, effects: &effects)
        case .resourceChanged(let resourceId, let ruleName):
            guard let rule = rule(named: ruleName), !disabledRules.contains(ruleName) else { break }
            changed(resourceId: resourceId, rule: rule, at: now, view: view, effects: &effects)
        case .operationFinished(let callId, let outcome):
            finish(callId: callId, outcome: outcome, at: now, view: view, effects: &effects)
        case .timerFired(let id):
            guard let timer = timers.removeValue(forKey: id) else { break }
            fire(timer, at: now, view: view, effects: &effects)
        case .snooze(let policy, let resource, let until):
            snooze(AlertKey(policyId: policy, resourceId: resource), until: until, at: now, effects: &effects)
        case .dismiss(let policy, let resource):
            dismiss(AlertKey(policyId: policy, resourceId: resource), at: now)
        case .setPolicyEnabled(let policy, let enabled):
            setPolicy(policy, enabled: enabled, at: now, view: view, effects: &effects)
        case .setRuleEnabled(let rule, let enabled):
            setRule(rule, enabled: enabled, at: now, view: view, effects: &effects)
        case .setAutoRemediation(let rule, let enabled):
            setAutoRemediation(rule, enabled: enabled, at: now, view: view, effects: &effects)
        case .exempt(let exemption):
            exemptions.append(exemption)
            setExpiryTimer(exemption, effects: &effects)
        case .restart:
            restart(at: now, effects: &effects)
        case .approve(let policy, let resource):
            approve(AlertKey(policyId: policy, resourceId: resource), at: now, view: view, effects: &effects)
        }
        return effects
    }

    mutating func setTimer(_ timer: Timer, at time: Timestamp, effects: inout [EngineEffect]) {
        let id = nextTimerId
        nextTimerId += 1
        timers[id] = timer
        effects.append(.setTimer(id: id, at: time))
    }

    mutating func transition(
        _ index: Int, to status: AlertStatus, reason: TransitionReason, at now: Timestamp, detail: String = ""
    ) {
        let from = alerts[index].status
        alerts[index].status = status
        alerts[index].transitions.append(
            AlertTransition(at: now, from: from, to: status, reason: reason, detail: detail))
        if status != .open { exemptionRecorded.remove(index) }
        if status == .resolved || status == .dismissed || reason == .changedDuringRemediation
            || reason == .violationChanged
        {
            // A new episode starts afresh: new warnings, a new approval. A violation that changed
            // under a remediation is a new one too: what was assessed and approved was another change.
            warned.remove(index)
            awaitingApproval.remove(index)
            approved.remove(index)
            approvalExpired.remove(index)
        }
    }

    mutating func record(
        _ kind: EngineRecord.Kind, at now: Timestamp, rule: String? = nil, alert: Int? = nil, cause: String? = nil,
        detail: String
    ) {
        records.append(
            EngineRecord(
                at: now, kind: kind, rule: rule, policyId: alert.map { alerts[$0].policyId },
                resourceId: alert.map { alerts[$0].resourceId }, cause: cause, detail: detail))
    }

    /// A number in 0..<1 from the seed and `parts`: the engine's only source of variation.
    func jitter(_ parts: Int...) -> Double {
        var x = seed &+ 0x9E37_79B9_7F4A_7C15
        for p in parts {
            x ^= UInt64(bitPattern: Int64(p)) &+ 0x9E37_79B9_7F4A_7C15 &+ (x << 6) &+ (x >> 2)
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            x ^= x >> 31
        }
        return Double(x >> 11) / Double(1 << 53)
    }
}
