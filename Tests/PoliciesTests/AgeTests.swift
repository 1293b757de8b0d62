import CloudModel
import Policies
import TestSupport
import Testing

/// `value-type: age` compares the exact time elapsed, in (fractional) days, as Cloud Custodian's
/// `age` does; and time alone can change a verdict, at instants `nextAgeCrossing` names.
struct AgeTests {
    let created = TestSupport.start

    func key(created: Timestamp) -> Resource {
        Resource(
            id: "u", type: "aws.iam-user", account: "1", region: "global",
            properties: [
                "AccessKeys": [["AccessKeyId": "K", "Status": "Active", "CreateDate": .string(created.iso8601)]]
            ])
    }

    func policy(_ op: FilterOp, _ days: Double = 90) throws -> Policy {
        let age = try ValueFilter(
            key: .property(try ValuePath(parsing: "CreateDate")), op: op, value: .double(days), valueType: .age)
        return Policy(
            id: "p", title: "t", resourceType: "aws.iam-user", severity: .low,
            filters: [
                .quantifier(Quantifier(mode: .any, path: try ValuePath(parsing: "AccessKeys"), filters: [.value(age)]))
            ])
    }

    /// Both sides of the threshold, to the millisecond.
    @Test(arguments: [
        (FilterOp.gt, -1, false), (.gt, 0, false), (.gt, 1, true),
        (.ge, -1, false), (.ge, 0, true), (.ge, 1, true),
        (.lt, -1, true), (.lt, 0, false), (.le, 0, true), (.le, 1, false),
    ])
    func ninetyDaysIsExactlyNinetyTimesADay(op: FilterOp, millisecondsPast: Int64, violates: Bool) throws {
        let now = created + .days(90) + .milliseconds(millisecondsPast)
        #expect(Evaluator(now: now).violates(try policy(op), key(created: created)) == violates)
    }

    @Test func fractionalDaysAreDurationsToo() throws {
        let now = created + .hours(36)
        #expect(Evaluator(now: now).violates(try policy(.gt, 1.4), key(created: created)))
        #expect(!Evaluator(now: now).violates(try policy(.gt, 1.5), key(created: created)))
    }

    @Test func theNextCrossingIsWhereTheVerdictTurns() throws {
        let p = try policy(.gt)
        let resource = key(created: created)
        let threshold = created + .days(90)
        #expect(Evaluator(now: created).nextAgeCrossing(of: [p], resource) == threshold)
        #expect(Evaluator(now: threshold).nextAgeCrossing(of: [p], resource) == threshold + .milliseconds(1))
        #expect(
            Evaluator(now: threshold + .milliseconds(1)).nextAgeCrossing(of: [p], resource) == nil,
            "past every crossing")
        // Whatever the instant found, the verdict just before it and at it differ, or the next one is 1ms on.
        let at = try #require(Evaluator(now: threshold).nextAgeCrossing(of: [p], resource))
        #expect(
            !Evaluator(now: at - .milliseconds(1)).violates(p, resource) && Evaluator(now: at).violates(p, resource))
    }

    @Test func policiesWithoutAgeFiltersNeverCross() throws {
        let plain = Policy(
            id: "q", title: "t", resourceType: "aws.iam-user", severity: .low,
            filters: [.value(try ValueFilter(key: .property(try ValuePath(parsing: "UserName")), op: .present))])
        #expect(plain.ageThresholds.isEmpty)
        #expect(Evaluator(now: created).nextAgeCrossing(of: [plain], key(created: created)) == nil)
        #expect(try policy(.gt, 90).ageThresholds == [.days(90)])
    }
}
