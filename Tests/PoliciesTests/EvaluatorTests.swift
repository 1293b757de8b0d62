import CloudModel
import Policies
import TestSupport
import Testing

struct EvaluatorTests {
    let evaluator = Evaluator(now: TestSupport.start)

    func bucket(_ props: Value, tags: [String: String] = [:]) -> Resource {
        Resource(id: "b", type: "aws.s3", account: "1", region: "us-east-1", tags: tags, properties: props)
    }

    func check(_ op: FilterOp, key: String = "V", _ value: Value = .null, on props: Value, type: ValueType = .plain)
        throws -> Bool
    {
        let filter = Filter.value(
            try ValueFilter(key: .property(try ValuePath(parsing: key)), op: op, value: value, valueType: type))
        return evaluator.holdsAll([filter], resource: bucket(props))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var op: FilterOp, actual: Value, expected: Value, result: Bool
        init(_ op: FilterOp, _ actual: Value, _ expected: Value, _ result: Bool) {
            self.op = op
            self.actual = actual
            self.expected = expected
            self.result = result
        }
        var testDescription: String { "\(actual.jsonText) \(op.rawValue) \(expected.jsonText) is \(result)" }
    }

    static let cases: [Case] = [
        Case(.eq, 22, 22, true), Case(.eq, 22, .double(22), true), Case(.eq, "a", "b", false),
        Case(.ne, 1, 2, true), Case(.gt, 5, 4, true), Case(.gt, 4, 4, false), Case(.ge, 4, 4, true),
        Case(.lt, 3, 4, true),
        Case(.le, 5, 4, false), Case(.lt, "abc", "abd", true), Case(.in, "tcp", ["tcp", "6"], true),
        Case(.in, "udp", ["tcp", "6"], false), Case(.ni, "udp", ["tcp", "6"], true),
        Case(.contains, ["a", "b"], "b", true),
        Case(.contains, "hello world", "lo w", true), Case(.contains, ["a"], "c", false),
        Case(.regex, "prod-web-1", "prod-.*", true), Case(.regex, "xprod-web", "prod-.*", false),
        Case(.gt, "text", 3, false),
        Case(.in, ["tcp", "6"], ["tcp", "6", "17"], true), Case(.ni, ["tcp", "udp"], ["udp"], false),
    ]

    @Test(arguments: cases)
    func comparesValues(_ c: Case) throws {
        #expect(try check(c.op, c.expected, on: ["V": c.actual]) == c.result)
    }

    @Test func presenceAndEmptiness() throws {
        #expect(try check(.present, on: ["V": 0]))
        #expect(try !check(.present, on: ["V": nil]))
        #expect(try check(.absent, on: ["W": 1]))
        #expect(try check(.empty, on: ["V": []]))
        #expect(try check(.empty, on: [:]))
        #expect(try check(.notEmpty, on: ["V": ["x"]]))
        #expect(try check(.ne, 1, on: [:]), "a missing value is not equal to anything")
        #expect(try !check(.eq, 1, on: [:]))
        #expect(try check(.ni, ["a"], on: [:]))
    }

    @Test func ageIsMeasuredInDaysAgainstTheGivenTime() throws {
        let props: Value = ["V": "2025-10-01T00:00:00Z"]  // 92 days before 2026-01-01
        #expect(try check(.gt, 90, on: props, type: .age))
        #expect(try !check(.gt, 92, on: props, type: .age))
        #expect(try check(.ge, 92, on: props, type: .age))
        #expect(try !check(.gt, 1, on: ["V": "not a date"], type: .age))
    }

    @Test func badFiltersAreRefusedWhenBuilt() throws {
        let key = FilterKey.property(try ValuePath(parsing: "V"))
        #expect(throws: FilterError.self) { try ValueFilter(key: key, op: .regex, value: "(") }
        #expect(throws: FilterError.self) { try ValueFilter(key: key, op: .in, value: "tcp") }
        #expect(throws: FilterError.self) { try ValueFilter(key: key, op: .eq) }
        #expect(throws: FilterError.self) { try ValueFilter(key: key, op: .contains, value: 1, valueType: .age) }
    }

    @Test func tagsCombinatorsAndQuantifiers() throws {
        let policy = try TestSupport.policy(
            """
            version: 1
            id: p
            title: t
            resource: aws.s3
            severity: low
            filters:
              - {key: "tag:env", op: eq, value: prod}
              - not:
                  - {key: Keep, op: eq, value: true}
              - all: Items
                where: [{key: N, op: gt, value: 0}]
              - none: Items
                where: [{key: N, op: gt, value: 100}]
            """)
        let good: Value = ["Items": [["N": 1], ["N": 5]]]
        #expect(evaluator.violates(policy, bucket(good, tags: ["env": "prod"])))
        #expect(!evaluator.violates(policy, bucket(good, tags: ["env": "dev"])))
        #expect(!evaluator.violates(policy, bucket(["Items": [["N": 1]], "Keep": true], tags: ["env": "prod"])))
        #expect(!evaluator.violates(policy, bucket(["Items": [["N": 1], ["N": 0]]], tags: ["env": "prod"])))
        #expect(!evaluator.violates(policy, bucket(["Items": [["N": 1], ["N": 101]]], tags: ["env": "prod"])))
        #expect(
            !evaluator.violates(policy, bucket(["Items": []], tags: ["env": "prod"])), "all over an empty list is false"
        )
    }

    @Test func policyAppliesOnlyToItsResourceType() throws {
        let policy = try TestSupport.policy(TestSupport.sshPolicyYAML)
        var r = TestSupport.securityGroup("sg-1", permissions: [TestSupport.permission(22, cidrs: ["0.0.0.0/0"])])
        #expect(evaluator.violates(policy, r))
        r.type = "aws.s3"
        #expect(!evaluator.violates(policy, r))
    }
}

/// The matched elements a remediation acts on: each is reduced to exactly what matched.
struct MatchedElementTests {
    let evaluator = Evaluator(now: TestSupport.start)

    func finding(_ permissions: [Value]) throws -> Finding? {
        let policy = try TestSupport.policy(TestSupport.sshPolicyYAML)
        return evaluator.finding(policy, TestSupport.securityGroup("sg-1", permissions: permissions))
    }

    @Test func aRuleThatAlsoAllowsAPrivateRangeMatchesOnlyThePublicRange() throws {
        let f = try #require(try finding([TestSupport.permission(22, cidrs: ["10.0.0.0/8", "0.0.0.0/0"])]))
        #expect(
            f.primaryMatch == [
                ["IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [["CidrIp": "0.0.0.0/0"]]]
            ])
    }

    @Test func bothAddressFamiliesAreCollected() throws {
        let f = try #require(
            try finding([
                TestSupport.permission(
                    0, 1024, cidrs: ["0.0.0.0/0", "192.168.0.0/16"], ipv6: ["::/0", "2001:db8::/32"])
            ]))
        #expect(
            f.primaryMatch == [
                [
                    "IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024,
                    "IpRanges": [["CidrIp": "0.0.0.0/0"]], "Ipv6Ranges": [["CidrIpv6": "::/0"]],
                ]
            ])
    }

    @Test func listsNoQuantifierExaminedAreLeftOut() throws {
        var perm = try #require(TestSupport.permission(22, cidrs: ["0.0.0.0/0"]).objectValue)
        perm["UserIdGroupPairs"] = [["GroupId": "sg-other"]]
        perm["Ipv6Ranges"] = [["CidrIpv6": "2001:db8::/32"]]
        let f = try #require(try finding([.object(perm)]))
        #expect(f.primaryMatch.count == 1)
        #expect(f.primaryMatch[0]["UserIdGroupPairs"] == nil, "revoking must not touch group references")
        #expect(f.primaryMatch[0]["Ipv6Ranges"] == nil, "nor IPv6 ranges that did not match")
    }

    @Test func onlyMatchingPermissionsAreCollected() throws {
        let f = try #require(
            try finding([
                TestSupport.permission(443, cidrs: ["0.0.0.0/0"]),
                TestSupport.permission(22, cidrs: ["0.0.0.0/0"]),
                TestSupport.permission(0, protocol: "-1", cidrs: ["0.0.0.0/0"]),
            ]))
        #expect(f.primaryMatch.map { $0["IpProtocol"] } == ["tcp", "-1"])
        #expect(f.matched.first?.path == "IpPermissions")
    }

    @Test func compliantResourcesHaveNoFinding() throws {
        #expect(try finding([TestSupport.permission(22, cidrs: ["10.0.0.0/8"])]) == nil)
        #expect(try finding([]) == nil)
    }
}
