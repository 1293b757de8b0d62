import Testing

@testable import Loading

/// The RQL config queries of Prisma Cloud's policies, read into the API they query, the scope and
/// the rule; what remsim does not read is refused with where it is.
struct RQLConfigQueryTests {
    @Test func theClausesOfAConfigQuery() throws {
        let query = try RQLConfigQuery(
            parsing:
                "config from cloud.resource where cloud.type = 'aws' AND api.name='aws-iam-get-account-password-policy' "
                + "AND json.rule='isDefaultPolicy is true or requireUppercaseCharacters is false'")
        #expect(query.apiName == "aws-iam-get-account-password-policy")
        #expect(query.cloudTypes == ["aws"])
        guard case .or(let parts) = query.rule else {
            Issue.record("rule read as \(String(describing: query.rule))")
            return
        }
        #expect(parts.count == 2)
        #expect(query.ruleOffset == 118)
    }

    @Test func aBareRuleRunsToTheEndAndScopeTakesLists() throws {
        let query = try RQLConfigQuery(
            parsing:
                "config from cloud.resource where api.name = 'gcloud-compute-firewall-rules-list' AND cloud.account IN "
                + "('prod', \"stage\") AND cloud.region = 'GCP Iowa' AND resource.status = Active AND json.rule = "
                + "disabled is false and direction equals INGRESS")
        #expect(query.accounts == ["prod", "stage"])
        #expect(query.regions == ["GCP Iowa"])
        #expect(query.resourceStatus == ["Active"])
        guard case .and(let parts) = query.rule else {
            Issue.record("rule read as \(String(describing: query.rule))")
            return
        }
        #expect(parts.count == 2)
        // A query without a rule selects every resource of the API.
        #expect(
            try RQLConfigQuery(parsing: "config from cloud.resource where api.name = 'aws-kms-get-key-rotation-status'")
                .rule == nil)
    }

    @Test(arguments: [
        (
            "config from cloud.resource where api.name = 'a' AND json.rule = x exists as X; config from cloud.resource where api.name = 'b' as Y; filter '$.X.id == $.Y.id'; show X;",
            "a join (`as X; … filter …`) is not read", 73
        ),
        ("config from network where source.network = '0.0.0.0/0'", "expected `config from cloud.resource where …`", 12),
        (
            "config from cloud.resource where api.name = 'a' AND cloud.service = 'EC2'",
            "the clause cloud.service is not read", 52
        ),
        ("config from cloud.resource where api.name = 'a' AND api.name = 'b'", "a second api.name", 52),
        (
            "config from cloud.resource where api.name = 'a' AND json.rule = 'x is fine'",
            "json.rule: expected an operator after x", 67
        ),
        ("config from cloud.resource where cloud.type = 'aws'", "the query names no api.name", 0),
        ("config from cloud.resource where api.name = 'a' addcolumn b", "addcolumn is not read", 48),
        (
            "config from cloud.resource where api.name = 'a' AND json.rule = 'x exists",
            "the json.rule opened with ' is never closed", 64
        ),
    ])
    func whatIsNotReadIsRefusedWithWhereItIs(query: String, message: String, offset: Int) {
        do {
            let read = try RQLConfigQuery(parsing: query)
            Issue.record("read as \(read)")
        } catch {
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(error.offset == offset, "\(error.message)")
        }
    }
}
