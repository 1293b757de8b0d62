import CloudModel
import Foundation
import Loading
import Simulation
import TestSupport
import Testing

/// What the timeline does to resources over time is checked when a scenario is loaded, the same
/// check for `remsim validate` and `remsim run`: entries in the order they run (by time, then as
/// written), deletions and creations included, each injection applied to what the timeline left.
struct TimelinePreflightTests {
    func load(timeline: String, expect: String = "") throws -> Result<Scenario, LoadError> {
        let text = BadInputTests.scenario
            .replacingOccurrences(
                of:
                    "timeline:\n  - at: 10m\n    inject: open-ingress\n    resource: sg-1\n    with: {port: 22, "
                    + "cidr: 0.0.0.0/0}\n",
                with: "timeline:\n" + timeline
            )
            .replacingOccurrences(
                of: "expect:\n  - resource: sg-1\n    compliant-with: [ssh]",
                with: expect.isEmpty ? "" : "expect:\n" + expect)
        return try BadInputTests.load(text)
    }

    func error(timeline: String, expect: String = "") throws -> LoadError? {
        if case .failure(let e) = try load(timeline: timeline, expect: expect) { return e }
        return nil
    }

    static let newGroup =
        "{type: aws.security-group, account: '111111111111', region: us-east-1, properties: {GroupId: sg-9, "
        + "IpPermissions: []}}"

    @Test func anEntryNamingAResourceDeletedEarlierIsRefusedAtItsLine() throws {
        // Written out of order: what counts is when each runs.
        let e = try #require(
            try error(
                timeline: """
                      - {at: 30m, inject: open-ingress, resource: sg-1, with: {port: 22, cidr: 0.0.0.0/0}}
                      - {at: 10m, inject: delete-resource, resource: sg-1}

                    """))
        #expect(e.keyPath == "timeline[0]")
        #expect(e.line == 11)
        #expect(
            e.message.contains("'sg-1', which the entry at") && e.message.contains("s.yaml:12:")
                && e.message.contains("deleted at 10m"), "\(e.message)")
    }

    @Test func aResourceDeletedThenCreatedAgainMayBeNamed() throws {
        guard
            case .success(let s) = try load(
                timeline: """
                      - {at: 10m, inject: delete-resource, resource: sg-1}
                      - {at: 20m, inject: create-resource, resource: sg-1, with: \(Self.newGroup)}
                      - {at: 30m, inject: open-ingress, resource: sg-1, with: {port: 22, cidr: 0.0.0.0/0}}

                    """, expect: "  - {resource: sg-1, compliant-with: [ssh]}")
        else {
            Issue.record("did not load")
            return
        }
        let result = try Simulator(scenario: s).run()
        #expect(result.passed, "\(result.assertions.filter { !$0.passed })")
        #expect(result.alerts.first?.reason == .remediated)
    }

    @Test func aNewResourceMayBeNamedByLaterEntriesAndExpectations() throws {
        guard
            case .success(let s) = try load(
                timeline: """
                      - {at: 30m, inject: open-ingress, resource: sg-9, with: {port: 22, cidr: 0.0.0.0/0}}
                      - {at: 20m, inject: create-resource, resource: sg-9, with: \(Self.newGroup)}

                    """,
                expect:
                    "  - {resource: sg-9, exists: true}\n  - {resource: sg-9, compliant-with: [ssh]}\n  - "
                    + "{unchanged: {except: [sg-9]}}"
            )
        else {
            Issue.record("did not load")
            return
        }
        let simulated = try Simulator(scenario: s).runTraced()
        let result = simulated.result
        #expect(result.passed, "\(result.assertions.filter { !$0.passed })")
        #expect(simulated.trace.timelineChanges.first?.before == nil)
    }

    @Test(arguments: [
        // Named before it exists.
        (
            "  - {at: 10m, inject: open-ingress, resource: sg-9, with: {port: 22, cidr: 0.0.0.0/0}}\n  - {at: "
                + "20m, inject: create-resource, resource: sg-9, with: \(newGroup)}\n",
            "timeline[0]", "'sg-9', which is not in the inventory at that time"
        ),
        // Created where one exists.
        (
            "  - {at: 10m, inject: create-resource, resource: sg-1, with: \(newGroup)}\n", "timeline[0]",
            "already exists"
        ),
        // A patch to an index the group does not have.
        (
            "  - {at: 10m, inject: patch, resource: sg-1, with: {set: {'IpPermissions[3].FromPort': 22}}}\n",
            "timeline[0]", "index [3] is out of range"
        ),
        // Drift that starts on a deleted resource.
        (
            "  - {at: 10m, inject: delete-resource, resource: sg-1}\n  - {at: 20m, drift: {actor: tf, every: "
                + "1m}, resource: sg-1, with: {set: {x: 1}}}\n",
            "timeline[1]", "deleted at 10m"
        ),
        // Created twice.
        (
            "  - {at: 10m, inject: create-resource, resource: sg-9, with: \(newGroup)}\n  - {at: 20m, inject: "
                + "create-resource, resource: sg-9, with: \(newGroup)}\n",
            "timeline[1]", "already exists"
        ),
    ])
    func whatCannotRunIsRefusedBeforeAnythingRuns(timeline: String, keyPath: String, message: String) throws {
        let e = try #require(try error(timeline: timeline))
        #expect(e.keyPath == keyPath)
        #expect(e.line != nil && e.column != nil)
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test(arguments: [
        ("{at: 10m, inject: create-resource, resource: sg-9}", "timeline[0].inject", "needs 'with: {type: TYPE"),
        (
            "{at: 10m, inject: create-resource, resource: sg-9, with: {id: sg-8, type: aws.security-group, "
                + "account: '1', region: r}}",
            "timeline[0].with.id", "the new resource's id is the entry's 'resource'"
        ),
        (
            "{at: 10m, inject: create-resource, resource: sg-9, with: {type: aws.sekurity-group, account: '1', "
                + "region: r}}",
            "timeline[0].with.type", "aws.security-group"
        ),
        (
            "{at: 10m, inject: create-resource, resource: sg-9, with: {type: aws.security-group, account: '1', "
                + "region: r, colour: red}}",
            "timeline[0].with.colour", "unknown key 'colour'"
        ),
    ])
    func aBadCreateResourceSaysWhatIsWrong(entry: String, keyPath: String, message: String) throws {
        let e = try #require(try error(timeline: "  - \(entry)\n"))
        #expect(e.keyPath == keyPath, "\(e)")
        #expect(e.message.contains(message), "\(e.message)")
    }
}
