import CloudModel
import Testing

@testable import Loading

/// Prisma Cloud's `json.rule` language, read into its tree: each construct its policies use, and
/// each refusal with where it is.
struct JSONRuleTests {
    typealias Path = JSONRule.Path

    static func test(
        _ path: [Path.Step], _ text: String, _ op: JSONRule.Operator, _ operand: JSONRule.Operand? = nil,
        size: Bool = false, at offset: Int = 0
    ) -> JSONRule {
        .test(.init(path: Path(steps: path, text: text), size: size, op: op, operand: operand, offset: offset))
    }

    @Test(arguments: [
        ("disabled is false", test([.key("disabled")], "disabled", .isFalse)),
        (
            "properties.httpsOnly equals false",
            test([.key("properties"), .key("httpsOnly")], "properties.httpsOnly", .equals, .bare("false"))
        ),
        ("name == SecurityCenterBuiltIn", test([.key("name")], "name", .equals, .bare("SecurityCenterBuiltIn"))),
        ("kind does not equal 'app'", test([.key("kind")], "kind", .notEquals, .quoted("app"))),
        ("a != b", test([.key("a")], "a", .notEquals, .bare("b"))),
        (
            "state equal ignore case \"ENABLED\"",
            test([.key("state")], "state", .equalsIgnoringCase, .quoted("ENABLED"))
        ),
        (
            "state does not equal ignore case enabled",
            test([.key("state")], "state", .notEqualsIgnoringCase, .bare("enabled"))
        ),
        (
            "dbinstanceStatus contains available",
            test([.key("dbinstanceStatus")], "dbinstanceStatus", .contains, .bare("available"))
        ),
        ("x does not contain y", test([.key("x")], "x", .notContains, .bare("y"))),
        ("dbclusterIdentifier does not exist", test([.key("dbclusterIdentifier")], "dbclusterIdentifier", .notExists)),
        ("logging exists", test([.key("logging")], "logging", .exists)),
        ("tags is empty", test([.key("tags")], "tags", .isEmpty)),
        ("tags is not empty", test([.key("tags")], "tags", .isNotEmpty)),
        ("isDefaultPolicy is true", test([.key("isDefaultPolicy")], "isDefaultPolicy", .isTrue)),
        ("days greater than 90", test([.key("days")], "days", .greaterThan, .bare("90"))),
        ("days less than 4", test([.key("days")], "days", .lessThan, .bare("4"))),
        (
            "totalPublicContainers > 0",
            test([.key("totalPublicContainers")], "totalPublicContainers", .greaterThan, .bare("0"))
        ),
        ("n >= 2", test([.key("n")], "n", .atLeast, .bare("2"))),
        ("n <= 2", test([.key("n")], "n", .atMost, .bare("2"))),
        (
            "displayName does not start with \"ASC Default\"",
            test([.key("displayName")], "displayName", .notStartsWith, .quoted("ASC Default"))
        ),
        ("kind starts with app", test([.key("kind")], "kind", .startsWith, .bare("app"))),
        ("name ends with -prod", test([.key("name")], "name", .endsWith, .bare("-prod"))),
        ("name does not end with -prod", test([.key("name")], "name", .notEndsWith, .bare("-prod"))),
        (
            "tier is member of (Basic, 'Free')",
            test([.key("tier")], "tier", .isMemberOf, .list([.bare("Basic"), .quoted("Free")]))
        ),
        ("tier is not member of (\"Basic\")", test([.key("tier")], "tier", .isNotMemberOf, .list([.quoted("Basic")]))),
        ("name matches \"^prod-.*\"", test([.key("name")], "name", .matches, .quoted("^prod-.*"))),
        (
            "['properties.storageProfile'].osDisk exists",
            test([.key("properties.storageProfile"), .key("osDisk")], "['properties.storageProfile'].osDisk", .exists)
        ),
        (
            "accessKeys[*].status any equal Active",
            test([.key("accessKeys"), .each, .key("status")], "accessKeys[*].status", .anyEquals, .bare("Active"))
        ),
        (
            "accessKeys[*].status all equal Active",
            test([.key("accessKeys"), .each, .key("status")], "accessKeys[*].status", .allEqual, .bare("Active"))
        ),
        (
            "maxPasswordAge !isType Integer",
            test([.key("maxPasswordAge")], "maxPasswordAge", .isNotType, .bare("Integer"))
        ),
        ("Action equals *", test([.key("Action")], "Action", .equals, .bare("*"))),
        (
            "destinationPortRanges[*] contains _Port.inRange(22,22)",
            test(
                [.key("destinationPortRanges"), .each], "destinationPortRanges[*]", .contains, .portRange(22...22))
        ),
        (
            "sourceRanges[*] equals 0.0.0.0/0",
            test([.key("sourceRanges"), .each], "sourceRanges[*]", .equals, .bare("0.0.0.0/0"))
        ),
        (
            "sourceRanges[*] equals ::/0",
            test([.key("sourceRanges"), .each], "sourceRanges[*]", .equals, .bare("::/0"))
        ),
        (
            "rules[0].action equals Allow",
            test([.key("rules"), .index(0), .key("action")], "rules[0].action", .equals, .bare("Allow"))
        ),
        (
            "ipPermissions[*].ipv4Ranges[*] size greater than 0",
            test(
                [.key("ipPermissions"), .each, .key("ipv4Ranges"), .each], "ipPermissions[*].ipv4Ranges[*]",
                .greaterThan, .bare("0"), size: true)
        ),
        (
            "configurations.value[?(@.name=='log_retention_days')].properties.value less than 4",
            test(
                [
                    .key("configurations"), .key("value"),
                    .select(
                        .test(
                            JSONRule.Test(
                                path: JSONRule.Path(steps: [.key("name")], text: "name"), size: false, op: .equals,
                                operand: .quoted("log_retention_days"), offset: 23))),
                    .key("properties"), .key("value"),
                ],
                "configurations.value[?(@.name=='log_retention_days')].properties.value", .lessThan, .bare("4"))
        ),
    ])
    func eachTestReadsAsWritten(text: String, expected: JSONRule) throws {
        #expect(try JSONRule(parsing: text) == expected)
    }

    @Test func andBindsTighterThanOrAndParenthesesAndNotGroup() throws {
        let rule = try JSONRule(parsing: "a exists and b exists or not (c exists or d exists)")
        guard case .or(let parts) = rule, parts.count == 2, case .and(let first) = parts[0], first.count == 2,
            case .not(.or(let negated)) = parts[1], negated.count == 2
        else {
            Issue.record("read as \(rule)")
            return
        }
        // Keywords in any case, as Prisma's policies write them.
        #expect(
            try JSONRule(parsing: "A exists AND B exists OR NOT (C exists Or D exists)").withoutOffsets()
                == (try JSONRule(parsing: "A exists and B exists or not (C exists or D exists)")).withoutOffsets())
    }

    @Test func aQuantifierHoldsItsOwnRule() throws {
        let rule = try JSONRule(
            parsing:
                "allowed[?any(ports contains 22 or (ports does not exist and (IPProtocol contains tcp)))] exists")
        guard case .test(let test) = rule, case .anyElement(let inner) = test.path.steps.last else {
            Issue.record("read as \(rule)")
            return
        }
        #expect(test.op == .exists)
        #expect(test.path.steps.first == .key("allowed"))
        guard case .or(let parts) = inner, parts.count == 2 else {
            Issue.record("inner rule read as \(inner)")
            return
        }
        #expect(parts[0] == Self.test([.key("ports")], "ports", .contains, .bare("22"), at: 0))
        let none = try JSONRule(parsing: "rules[?none(access equals Deny)] exists")
        guard case .test(let t) = none, case .noElement = t.path.steps.last else {
            Issue.record("read as \(none)")
            return
        }
    }

    @Test func bareValuesAreNumbersAndBooleansQuotedOnesStrings() {
        #expect(JSONRule.Operand.bare("22").value == 22)
        #expect(JSONRule.Operand.bare("2.5").value == 2.5)
        #expect(JSONRule.Operand.bare("false").value == false)
        #expect(JSONRule.Operand.bare("0.0.0.0/0").value == "0.0.0.0/0")
        #expect(JSONRule.Operand.quoted("22").value == "22")
        #expect(JSONRule.Operand.list([.bare("1"), .quoted("a")]).value == [1, "a"])
    }

    @Test(arguments: [
        ("ports contains _Port.inRange(22)", "expected _Port.inRange(FROM,TO), found )", 31),
        ("ports contains _Port.inRange(90,80)", "_Port.inRange(90,80) is empty", 15),
        ("ports contains _IPAddress.inRange(\"10.0.0.0/8\")", "Prisma's function _IPAddress.inRange is not read", 15),
        ("_DateTime.ageInDays(createTime) > 90", "Prisma's function _DateTime.ageInDays is not read", 0),
        ("(a exists and b exists", "expected ) to close the ( at 1", 22),
        ("a exists b exists", "expected and, or or the end of the rule, found 'b'", 9),
        ("a is somewhat true", "expected an operator after a", 2),
        ("a equals", "expected a value after equals, found the end of the rule", 8),
        ("a equals 'open", "a string opened with ' is never closed", 9),
        ("x[?all(y exists)] exists", "[?all(y exists)] is not read", 1),
        ("x[?any(y is nice)] exists", "expected an operator after y", 9),
        ("a = b", "'=' is not an operator; write == or equals", 2),
        ("a is member of (b c)", "expected , or ) in the list, found 'c'", 18),
    ])
    func whatIsNotReadIsRefusedWithWhereItIs(text: String, message: String, offset: Int) {
        do {
            let rule = try JSONRule(parsing: text)
            Issue.record("read as \(rule)")
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(error.offset == offset, "\(error.message)")
        }
    }
}

extension JSONRule {
    /// The rule with its tests' offsets set to 0, for comparing trees read from texts of other lengths.
    fileprivate func withoutOffsets() -> JSONRule {
        switch self {
        case .and(let parts): return JSONRule.and(parts.map { $0.withoutOffsets() })
        case .or(let parts): return JSONRule.or(parts.map { $0.withoutOffsets() })
        case .not(let inner): return JSONRule.not(inner.withoutOffsets())
        case .test(var test):
            test.offset = 0
            return JSONRule.test(test)
        }
    }
}
