import CloudModel
import CloudOperations
import Foundation
import Policies
import TestSupport
import Testing

@testable import RemediationEngine

/// Outcomes the engine must get right because people act on them: a remediation is failed only
/// for what it caused. Someone else's fix, a change that lands while a call is in flight, and a
/// violation that time alone starts are told apart from a fix that did not work.
struct OutcomeTests {
    let t0 = TestSupport.start
    let sshOpen = TestSupport.permission(22, cidrs: ["0.0.0.0/0"])
    let wideOpen = TestSupport.permission(0, 1024, cidrs: ["0.0.0.0/0"])
    let bastion = TestSupport.permission(22, cidrs: ["10.0.0.0/8"])

    /// An inventory with an audit log, as a driver that reads CloudTrail would give the engine.
    struct AuditedView: InventoryView {
        var inventory: Inventory
        var log: [String: [ResourceChange]] = [:]
        func resource(id: String) -> Resource? { inventory[id] }
        func forEachResource(ofType type: String, _ body: (Resource) -> Void) {
            inventory.forEach(ofType: type) { body(copy $0) }
        }
        func lastChange(of id: String) -> ResourceChange? { log[id]?.last }
        func changes(of id: String, since: Timestamp) -> [ResourceChange] { (log[id] ?? []).filter { $0.at >= since } }

        mutating func change(_ resource: Resource, by actor: String, at t: Timestamp) {
            let touched = inventory[resource.id].map { ResourceChange.touched(from: $0, to: resource) }
            inventory.upsert(resource)
            log[resource.id, default: []].append(ResourceChange(actor: actor, at: t, properties: touched))
        }
    }

    func group(_ permissions: [Value]) -> Resource { TestSupport.securityGroup("sg-1", permissions: permissions) }

    func engine(_ controls: RemediationControls = RemediationControls()) throws -> Engine {
        Engine(
            policies: [try TestSupport.policy(TestSupport.sshPolicyYAML)],
            rules: [
                AlertRule(
                    name: "r", autoRemediate: true, detection: .event(deliveryDelay: .seconds(90)), controls: controls)
            ])
    }

    func calls(_ effects: [EngineEffect]) -> [CloudOperation] {
        effects.compactMap { if case .callOperation(let op) = $0 { op } else { nil } }
    }

    func timers(_ effects: [EngineEffect]) -> [(id: Int, at: Timestamp)] {
        effects.compactMap { if case .setTimer(let id, let at) = $0 { (id, at) } else { nil } }
    }

    @Test func aRetryFindsTheResourceFixedByHandAndMakesNoCall() throws {
        var e = try engine(RemediationControls(maxAttempts: 3, backoff: .init(base: .seconds(30), jitterPercent: 0)))
        var view = AuditedView(inventory: try Inventory([group([sshOpen, bastion])]))
        let first = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        let retry = try #require(
            timers(
                e.handle(
                    .operationFinished(
                        callId: first.callId, outcome: .failed(code: "RequestLimitExceeded", message: "slow down")),
                    at: t0 + .seconds(1), view: view)
            ).first)
        view.change(group([bastion]), by: "alice", at: t0 + .seconds(10))
        let effects = e.handle(.timerFired(id: retry.id), at: retry.at, view: view)
        #expect(calls(effects).isEmpty, "no call on a group that complies")
        let alert = e.alerts[0]
        #expect(alert.status == .resolved)
        #expect(alert.reason == .resourceUpdated)
        #expect(alert.transitions.last?.detail.contains("alice") == true, "\(alert.transitions.last?.detail ?? "")")
        #expect(e.records.filter { $0.kind == .retry }.count == 1)
    }

    @Test func notFoundOnAResourceThatCompliesIsMootAndCountsForNothing() throws {
        // One failure in one call would halt the rule, were the call counted.
        var e = try engine(RemediationControls(errorRateStop: .init(percent: 50, minimumCalls: 1)))
        var view = AuditedView(inventory: try Inventory([group([sshOpen])]))
        let op = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        view.change(group([]), by: "remsim/other-policy", at: t0 + .milliseconds(100))
        _ = e.handle(
            .operationFinished(
                callId: op.callId, outcome: .failed(code: "InvalidPermission.NotFound", message: "no such rule")),
            at: t0 + .milliseconds(300), view: view)
        #expect(e.attempts[0].moot)
        #expect(
            e.attempts[0].outcome == .failed(code: "InvalidPermission.NotFound", message: "no such rule"),
            "the cloud's answer is kept")
        #expect(e.alerts[0].status == .resolved)
        #expect(e.alerts[0].reason == .resourceUpdated)
        #expect(!e.records.contains { $0.kind == .errorRateStop })
    }

    @Test func notFoundOnAResourceThatStillViolatesIsAFailure() throws {
        var e = try engine()
        let view = AuditedView(inventory: try Inventory([group([sshOpen])]))
        let op = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        _ = e.handle(
            .operationFinished(
                callId: op.callId, outcome: .failed(code: "InvalidPermission.NotFound", message: "no such rule")),
            at: t0 + .milliseconds(300), view: view)
        #expect(!e.attempts[0].moot)
        #expect(e.alerts[0].status == .failed)
        #expect(e.alerts[0].reason == .remediationFailed)
    }

    @Test(arguments: [
        "InvalidPermission.NotFound", "InvalidGroup.NotFound", "NoSuchEntity", "NoSuchBucket",
        "ResourceNotFoundException",
        "DBInstanceNotFound", "ResourceNotFound", "NotFound", "notFound",
    ])
    func notFoundIsReadInEachCloudsWords(code: String) throws {
        var e = try engine()
        var view = AuditedView(inventory: try Inventory([group([sshOpen])]))
        let op = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        view.change(group([]), by: "bob", at: t0 + .milliseconds(100))
        _ = e.handle(
            .operationFinished(callId: op.callId, outcome: .failed(code: code, message: "")),
            at: t0 + .milliseconds(300), view: view)
        #expect(e.attempts[0].moot)
    }

    @Test func aChangeLandingDuringTheCallReopensTheAlertAndRemediatesItAgain() throws {
        var e = try engine()
        var view = AuditedView(inventory: try Inventory([group([sshOpen, bastion])]))
        let first = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        // While the revoke is in flight, bob opens 0-1024 to the world; then the revoke lands.
        view.change(group([sshOpen, bastion, wideOpen]), by: "bob", at: t0 + .seconds(30))
        view.change(
            group([bastion, wideOpen]), by: ResourceChange.remediationActor(policy: "ssh-world"), at: t0 + .seconds(60))
        _ = e.handle(.operationFinished(callId: first.callId, outcome: .succeeded), at: t0 + .seconds(60), view: view)
        let effects = e.handle(.resourceChanged(resourceId: "sg-1", rule: "r"), at: t0 + .seconds(150), view: view)

        let reasons = e.alerts[0].transitions.map(\.reason)
        #expect(reasons == [.newAlert, .remediationStarted, .changedDuringRemediation, .remediationStarted])
        #expect(e.alerts[0].transitions[2].detail.contains("bob"))
        let again = try #require(calls(effects).first, "remediated anew")
        #expect(again.parameters["IpPermissions"] == .array([wideOpen]), "the new call revokes what violates now")
    }

    @Test func aFixThatDidNotWorkIsStillAVerificationFailure() throws {
        var e = try engine()
        var view = AuditedView(inventory: try Inventory([group([sshOpen])]))
        let op = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        // The call "succeeded" and changed nothing that matters; nobody else touched the group.
        view.change(group([sshOpen]), by: ResourceChange.remediationActor(policy: "ssh-world"), at: t0 + .seconds(1))
        _ = e.handle(.operationFinished(callId: op.callId, outcome: .succeeded), at: t0 + .seconds(1), view: view)
        _ = e.handle(.resourceChanged(resourceId: "sg-1", rule: "r"), at: t0 + .seconds(91), view: view)
        #expect(e.alerts[0].status == .failed)
        #expect(e.alerts[0].reason == .verificationFailed)
    }

    @Test func aChangeToWhatThePolicyDoesNotReadExcusesNothing() throws {
        var e = try engine()
        var view = AuditedView(inventory: try Inventory([group([sshOpen])]))
        let op = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        var tagged = group([sshOpen])
        tagged.tags = ["owner": "bob"]
        view.change(tagged, by: "bob", at: t0 + .milliseconds(100))
        _ = e.handle(.operationFinished(callId: op.callId, outcome: .succeeded), at: t0 + .seconds(1), view: view)
        _ = e.handle(.resourceChanged(resourceId: "sg-1", rule: "r"), at: t0 + .seconds(91), view: view)
        #expect(
            e.alerts[0].reason == .verificationFailed,
            "bob only tagged it; the rule is still open because the fix did not work")
        #expect(try TestSupport.policy(TestSupport.sshPolicyYAML).topLevelReads == ["IpPermissions"])
    }

    @Test func aRetryActsOnWhatViolatesAtTheRetry() throws {
        var e = try engine(RemediationControls(maxAttempts: 3, backoff: .init(base: .seconds(30), jitterPercent: 0)))
        var view = AuditedView(inventory: try Inventory([group([sshOpen, bastion])]))
        let first = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        #expect(first.parameters["IpPermissions"] == .array([sshOpen]))
        let retry = try #require(
            timers(
                e.handle(
                    .operationFinished(
                        callId: first.callId, outcome: .failed(code: "RequestLimitExceeded", message: "")),
                    at: t0 + .seconds(1), view: view)
            ).first)
        view.change(group([sshOpen, bastion, wideOpen]), by: "bob", at: t0 + .seconds(10))
        let second = try #require(calls(e.handle(.timerFired(id: retry.id), at: retry.at, view: view)).first)
        #expect(second.parameters["IpPermissions"] == .array([sshOpen, wideOpen]))
        #expect(e.attempts[1].tryNumber == 2)
    }

    static let keyPolicy = """
        version: 1
        id: old-keys
        title: Access key older than 90 days
        resource: aws.iam-user
        severity: medium
        filters:
          - any: AccessKeys
            where:
              - {key: Status, op: eq, value: Active}
              - {key: CreateDate, value-type: age, op: gt, value: 90}
        remediation:
          steps:
            - operation: iam:UpdateAccessKey
              for-each: matched
              parameters: {UserName: "${resourceName}", AccessKeyId: "${item.AccessKeyId}", Status: Inactive}
        """

    func user(_ keys: [(id: String, status: String, created: Timestamp)]) -> Resource {
        Resource(
            id: "u", type: "aws.iam-user", account: "1", region: "global", name: "u",
            properties: [
                "UserName": "u",
                "AccessKeys": .array(
                    keys.map {
                        [
                            "AccessKeyId": .string($0.id), "Status": .string($0.status),
                            "CreateDate": .string($0.created.iso8601),
                        ]
                    }),
            ])
    }

    @Test func aKeyCrossingTheThresholdDuringTheRemediationIsANewViolationNotAFailure() throws {
        var e = Engine(
            policies: [try TestSupport.policy(Self.keyPolicy)],
            rules: [AlertRule(name: "r", autoRemediate: true, detection: .poll(every: .minutes(10)))])
        let old = t0 - .days(200)
        let edge = t0 - .days(90) + .minutes(5)
        var view = AuditedView(inventory: try Inventory([user([("K1", "Active", edge), ("K2", "Active", old)])]))
        let first = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        #expect(first.parameters["AccessKeyId"] == "K2", "only the old key violates at the start")
        view.change(
            user([("K1", "Active", edge), ("K2", "Inactive", old)]),
            by: ResourceChange.remediationActor(policy: "old-keys"), at: t0 + .seconds(1))
        _ = e.handle(.operationFinished(callId: first.callId, outcome: .succeeded), at: t0 + .seconds(1), view: view)
        // The next scan: K1 turned 90 five minutes in.
        let effects = e.handle(.scanDue(rule: "r"), at: t0 + .minutes(10), view: view)
        #expect(
            e.alerts[0].transitions.map(\.reason) == [
                .newAlert, .remediationStarted, .violationChanged, .remediationStarted,
            ])
        #expect(calls(effects).first?.parameters["AccessKeyId"] == "K1")
    }

    @Test func aQueuedRemediationIsNotStartedOnceItsResourceIsExempt() throws {
        var e = try engine(RemediationControls(concurrency: 1))
        let other = TestSupport.securityGroup("sg-2", permissions: [sshOpen])
        let view = AuditedView(inventory: try Inventory([group([sshOpen]), other]))
        let first = try #require(calls(e.handle(.start, at: t0, view: view)).first)
        #expect(e.records.contains { $0.kind == .queued }, "one at a time: the second waits")
        let waiting = first.resourceId == "sg-1" ? "sg-2" : "sg-1"
        _ = e.handle(.exempt(Exemption(resourceId: waiting, reason: "change freeze")), at: t0 + .seconds(1), view: view)
        let effects = e.handle(
            .operationFinished(callId: first.callId, outcome: .failed(code: "UnauthorizedOperation", message: "")),
            at: t0 + .seconds(2), view: view)
        #expect(calls(effects).isEmpty, "the exempt resource is not remediated")
        #expect(e.records.contains { $0.kind == .exemptionApplied && $0.resourceId == waiting })
    }
}

/// The not-found rule and the operation catalog say the same thing: every not-found error the
/// catalog declares, for a target or for an element of it, is one the engine reads as not found.
struct NotFoundCatalogTests {
    static func codes(_ effect: OperationEffect) -> [String] {
        switch effect {
        case .element(_, _, _, let notFound): [notFound.code]
        case .all(let effects): effects.flatMap(codes)
        default: []
        }
    }

    @Test func everyNotFoundTheCatalogDeclaresIsReadAsSuch() {
        let declared = OperationCatalog.all.flatMap { [$0.notFound.code] + Self.codes($0.effect) }
        #expect(declared.count >= OperationCatalog.all.count)
        for code in Set(declared) {
            #expect(Engine.isNotFound(code), "\(code) is declared as a not-found error but not read as one")
        }
        for code in [
            "RequestLimitExceeded", "UnauthorizedOperation", "AccessDenied", "InvalidParameterValue", "Throttling",
        ] {
            #expect(!Engine.isNotFound(code), "\(code)")
        }
    }
}
