import CloudModel
import CloudOperations
import Policies
import RemediationEngine
import TestSupport
import Testing

/// The engine as a state machine: events in, effects out, no clock and no cloud.
struct EngineTests {
    let t0 = TestSupport.start
    let open = TestSupport.securityGroup("sg-open", permissions: [TestSupport.permission(22, cidrs: ["0.0.0.0/0"])])
    let closed = TestSupport.securityGroup(
        "sg-closed", permissions: [TestSupport.permission(22, cidrs: ["10.0.0.0/8"])])

    func engine(
        auto: Bool = true, detection: AlertRule.Detection = .event(deliveryDelay: .seconds(90)),
        scope: AlertRule.Scope = AlertRule.Scope()
    ) throws -> Engine {
        Engine(
            policies: [try TestSupport.policy(TestSupport.sshPolicyYAML)],
            rules: [AlertRule(name: "r", scope: scope, autoRemediate: auto, detection: detection)])
    }

    func calls(_ effects: [EngineEffect]) -> [CloudOperation] {
        effects.compactMap { if case .callOperation(let op) = $0 { op } else { nil } }
    }

    func fixed(_ r: Resource) -> Resource {
        var r = r
        r.properties = ["GroupId": .string(r.id), "IpPermissions": []]
        return r
    }

    @Test func startRaisesAlertsForExistingViolationsAndRemediates() throws {
        var e = try engine()
        let inv = try Inventory([open, closed])
        let effects = e.handle(.start, at: t0, view: inv)
        #expect(e.alerts.count == 1)
        let alert = try #require(e.alert(policyId: "ssh-world", resourceId: "sg-open"))
        #expect(alert.status == .pendingResolution)
        #expect(alert.transitions.map(\.reason) == [.newAlert, .remediationStarted])
        let ops = calls(effects)
        #expect(ops.count == 1)
        #expect(ops.first?.name == "ec2:RevokeSecurityGroupIngress")
        #expect(ops.first?.resourceId == "sg-open")
    }

    @Test func withoutAutoRemediationAlertsStayOpen() throws {
        var e = try engine(auto: false)
        let effects = e.handle(.start, at: t0, view: try Inventory([open]))
        #expect(calls(effects).isEmpty)
        #expect(e.alerts.first?.status == .open)
    }

    @Test func successIsVerifiedByTheNextLookThenResolved() throws {
        var e = try engine()
        var inv = try Inventory([open])
        let op = try #require(calls(e.handle(.start, at: t0, view: inv)).first)
        inv.upsert(fixed(open))
        let after = e.handle(
            .operationFinished(callId: op.callId, outcome: .succeeded), at: t0 + .seconds(1), view: inv)
        #expect(e.alerts[0].status == .pendingResolution, "not resolved until re-evaluated")
        guard case .setTimer(let id, let at)? = after.first else {
            Issue.record("expected a verification timer, got \(after)")
            return
        }
        #expect(at == t0 + .seconds(91))
        _ = e.handle(.timerFired(id: id), at: at, view: inv)
        #expect(e.alerts[0].status == .resolved)
        #expect(e.alerts[0].reason == .remediated)
    }

    @Test func aSucceededCallThatLeftTheViolationIsAFailure() throws {
        var e = try engine()
        let inv = try Inventory([open])
        let op = try #require(calls(e.handle(.start, at: t0, view: inv)).first)
        _ = e.handle(.operationFinished(callId: op.callId, outcome: .succeeded), at: t0 + .seconds(1), view: inv)
        _ = e.handle(.resourceChanged(resourceId: "sg-open", rule: "r"), at: t0 + .seconds(91), view: inv)
        #expect(e.alerts[0].status == .failed)
        #expect(e.alerts[0].reason == .verificationFailed)
    }

    @Test func aFailedCallFailsTheAlertWithTheCloudsError() throws {
        var e = try engine()
        let inv = try Inventory([open])
        let op = try #require(calls(e.handle(.start, at: t0, view: inv)).first)
        _ = e.handle(
            .operationFinished(callId: op.callId, outcome: .failed(code: "UnauthorizedOperation", message: "no")),
            at: t0, view: inv)
        #expect(e.alerts[0].status == .failed)
        #expect(e.alerts[0].reason == .remediationFailed)
        #expect(e.alerts[0].transitions.last?.detail.contains("UnauthorizedOperation") == true)
        #expect(e.attempts.first?.outcome == .failed(code: "UnauthorizedOperation", message: "no"))
    }

    @Test func fixedBySomeoneElseOrDeletedResolvesWithThatReason() throws {
        var e = try engine(auto: false)
        var inv = try Inventory([
            open, TestSupport.securityGroup("sg-gone", permissions: [TestSupport.permission(22, cidrs: ["0.0.0.0/0"])]),
        ])
        _ = e.handle(.start, at: t0, view: inv)
        inv.upsert(fixed(open))
        inv.remove(id: "sg-gone")
        _ = e.handle(.resourceChanged(resourceId: "sg-open", rule: "r"), at: t0 + .minutes(5), view: inv)
        _ = e.handle(.resourceChanged(resourceId: "sg-gone", rule: "r"), at: t0 + .minutes(5), view: inv)
        #expect(e.alert(policyId: "ssh-world", resourceId: "sg-open")?.reason == .resourceUpdated)
        #expect(e.alert(policyId: "ssh-world", resourceId: "sg-gone")?.reason == .resourceDeleted)
    }

    @Test func aResolvedAlertReopensWhenTheViolationResurfaces() throws {
        var e = try engine(auto: false)
        var inv = try Inventory([open])
        _ = e.handle(.start, at: t0, view: inv)
        inv.upsert(fixed(open))
        _ = e.handle(.resourceChanged(resourceId: "sg-open", rule: "r"), at: t0 + .minutes(1), view: inv)
        inv.upsert(open)
        _ = e.handle(.resourceChanged(resourceId: "sg-open", rule: "r"), at: t0 + .minutes(2), view: inv)
        #expect(e.alerts.count == 1)
        #expect(e.alerts[0].status == .open)
        #expect(e.alerts[0].transitions.map(\.reason) == [.newAlert, .resourceUpdated, .violationResurfaced])
    }

    @Test func scopeLimitsWhatARuleSees() throws {
        let elsewhere = TestSupport.securityGroup(
            "sg-eu", account: "2", region: "eu-west-1", tags: ["env": "dev"],
            permissions: [TestSupport.permission(22, cidrs: ["0.0.0.0/0"])])
        let inv = try Inventory([open, elsewhere])
        for scope in [
            AlertRule.Scope(accounts: ["111111111111"]), AlertRule.Scope(regions: ["us-east-1"]),
            AlertRule.Scope(clouds: [.aws], tags: ["env": "prod"]),
        ] {
            var e = try engine(auto: false, scope: scope)
            _ = e.handle(.start, at: t0, view: inv)
            #expect(e.alert(policyId: "ssh-world", resourceId: "sg-eu") == nil, "\(scope)")
        }
        var gcpOnly = try engine(auto: false, scope: AlertRule.Scope(clouds: [.gcp]))
        _ = gcpOnly.handle(.start, at: t0, view: inv)
        #expect(gcpOnly.alerts.isEmpty)
    }

    @Test func pollRulesScheduleTheirScansAndVerifyAtTheNextOne() throws {
        var e = try engine(detection: .poll(every: .minutes(30)))
        var inv = try Inventory([open])
        let start = e.handle(.start, at: t0, view: inv)
        #expect(start.contains(.scheduleScan(rule: "r", at: t0 + .minutes(30))))
        let op = try #require(calls(start).first)
        inv.upsert(fixed(open))
        let after = e.handle(
            .operationFinished(callId: op.callId, outcome: .succeeded), at: t0 + .seconds(1), view: inv)
        #expect(after.isEmpty, "poll mode waits for the next scan, no timer")
        let scan = e.handle(.scanDue(rule: "r"), at: t0 + .minutes(30), view: inv)
        #expect(scan == [.scheduleScan(rule: "r", at: t0 + .minutes(60))])
        #expect(e.alerts[0].status == .resolved)
        #expect(e.alerts[0].transitions.last?.at == t0 + .minutes(30))
    }

    @Test func eventsForOtherRulesOrUnknownRulesAreIgnored() throws {
        var e = try engine()
        let effects = e.handle(
            .resourceChanged(resourceId: "sg-open", rule: "nope"), at: t0, view: try Inventory([open]))
        #expect(effects.isEmpty)
        #expect(e.alerts.isEmpty)
    }
}

/// A multi-step remediation runs its steps in order and stops at the first failure.
struct MultiStepTests {
    let t0 = TestSupport.start

    func policy() throws -> Policy {
        try TestSupport.policy(
            """
            version: 1
            id: flow-logs
            title: VPC without flow logs
            resource: aws.vpc
            severity: medium
            filters:
              - none: FlowLogs
                where: [{key: FlowLogStatus, op: eq, value: ACTIVE}]
            remediation:
              steps:
                - operation: logs:CreateLogGroup
                  parameters: {logGroupName: "flow/${resourceId}"}
                - operation: ec2:CreateFlowLogs
                  parameters: {ResourceIds: ["${resourceId}"], TrafficType: REJECT, LogGroupName: "flow/${resourceId}"}
            """)
    }

    @Test func stepsRunInOrderAndStopAtTheFirstFailure() throws {
        var e = Engine(
            policies: [try policy()],
            rules: [AlertRule(name: "r", autoRemediate: true, detection: .poll(every: .hours(1)))])
        let vpc = Resource(
            id: "vpc-1", type: "aws.vpc", account: "1", region: "us-east-1", properties: ["VpcId": "vpc-1"])
        let inv = try Inventory([vpc])
        func calls(_ effects: [EngineEffect]) -> [CloudOperation] {
            effects.compactMap { if case .callOperation(let op) = $0 { op } else { nil } }
        }
        let first = try #require(calls(e.handle(.start, at: t0, view: inv)).first)
        #expect(first.name == "logs:CreateLogGroup")
        #expect(first.command.text == "aws --region us-east-1 logs create-log-group --log-group-name flow/vpc-1")
        let second = try #require(
            calls(
                e.handle(.operationFinished(callId: first.callId, outcome: .succeeded), at: t0 + .seconds(1), view: inv)
            ).first)
        #expect(second.name == "ec2:CreateFlowLogs")
        let after = e.handle(
            .operationFinished(callId: second.callId, outcome: .failed(code: "InvalidParameter", message: "bad")),
            at: t0 + .seconds(2), view: inv)
        #expect(calls(after).isEmpty)
        #expect(e.alerts[0].status == .failed)
        #expect(e.alerts[0].transitions.last?.detail == "step 2 ec2:CreateFlowLogs: InvalidParameter: bad")
        #expect(e.attempts.map(\.step) == [1, 2])
    }

    @Test func aFailingFirstStepMeansTheSecondNeverRuns() throws {
        var e = Engine(
            policies: [try policy()],
            rules: [AlertRule(name: "r", autoRemediate: true, detection: .poll(every: .hours(1)))])
        let inv = try Inventory([
            Resource(id: "vpc-1", type: "aws.vpc", account: "1", region: "us-east-1", properties: ["VpcId": "vpc-1"])
        ])
        guard case .callOperation(let first)? = e.handle(.start, at: t0, view: inv).first else {
            Issue.record("expected a call")
            return
        }
        let after = e.handle(
            .operationFinished(
                callId: first.callId, outcome: .failed(code: "ResourceAlreadyExistsException", message: "exists")),
            at: t0, view: inv)
        #expect(!after.contains { if case .callOperation = $0 { true } else { false } })
        #expect(e.attempts.count == 1)
        #expect(e.alerts[0].reason == .remediationFailed)
    }
}
