import CloudModel
import Foundation
import Policies
import TestSupport
import Testing

@testable import Loading

/// A `json.rule` translated for its api.name and evaluated on remsim's properties of a resource,
/// one construct of the language at a time, each against a resource it must find and one it
/// must not.
struct JSONRuleTranslatorTests {
    /// The rule's verdict on a resource of the api.name's type with these properties (JSON).
    func finds(_ apiName: String, _ rule: String, _ properties: String) throws -> Bool {
        let translator = try JSONRuleTranslator(apiName: apiName)
        let filters = try translator.filters(try JSONRule(parsing: rule))
        let policy = Policy(
            id: "p", title: "p", resourceType: translator.shape.resourceType, severity: .low, filters: filters)
        let resource = Resource(
            id: "r", type: translator.shape.resourceType, account: "111111111111", region: "us-east-1",
            properties: try Value(json: properties))
        return Evaluator(now: TestSupport.start).violates(policy, resource)
    }

    func refusal(_ apiName: String, _ rule: String) -> JSONRule.Problem? {
        do {
            _ = try JSONRuleTranslator(apiName: apiName).filters(try JSONRule(parsing: rule))
            return nil
        } catch {
            return error
        }
    }

    static let sg = "aws-ec2-describe-security-groups"

    @Test func comparisonsReadValuesAsTheirText() throws {
        let pw = "aws-iam-get-account-password-policy"
        #expect(try finds(pw, "minimumPasswordLength equals 8", #"{"MinimumPasswordLength": 8}"#))
        #expect(try !finds(pw, "minimumPasswordLength equals 8", #"{"MinimumPasswordLength": 14}"#))
        #expect(try finds(pw, "requireSymbols equals false", #"{"RequireSymbols": false}"#))
        #expect(try finds(pw, "minimumPasswordLength does not equal 14", #"{}"#))
        #expect(try finds(pw, "minimumPasswordLength < 14", #"{"MinimumPasswordLength": 8}"#))
        #expect(try !finds(pw, "minimumPasswordLength less than 14", #"{}"#))
        #expect(try finds(pw, "maxPasswordAge greater than 90", #"{"MaxPasswordAge": 365}"#))
        #expect(try finds(pw, "passwordReusePrevention >= 24", #"{"PasswordReusePrevention": 24}"#))
        #expect(try !finds(pw, "passwordReusePrevention <= 23", #"{"PasswordReusePrevention": 24}"#))
        #expect(try finds(pw, "requireNumbers is false", #"{"RequireNumbers": false}"#))
        #expect(try !finds(pw, "requireNumbers is true", #"{}"#))
        #expect(try finds(pw, "maxPasswordAge !isType Integer", #"{"MaxPasswordAge": "90"}"#))
        #expect(try !finds(pw, "maxPasswordAge isType String", #"{"MaxPasswordAge": 90}"#))
        #expect(try finds(pw, "requireSymbols equals null", #"{}"#))
        // Prisma computes isDefaultPolicy: no policy set.
        #expect(try finds(pw, "isDefaultPolicy is true", #"{}"#))
        #expect(try !finds(pw, "isDefaultPolicy is true", #"{"MinimumPasswordLength": 8}"#))
    }

    @Test func textOperators() throws {
        let app = "azure-app-service"
        let site =
            #"{"kind": "app,linux", "properties": {"httpsOnly": false, "defaultHostName": "a.azurewebsites.net"}}"#
        #expect(try finds(app, "kind starts with app", site))
        #expect(try !finds(app, "kind does not start with app", site))
        #expect(try finds(app, "properties.defaultHostName ends with .azurewebsites.net", site))
        #expect(try !finds(app, "properties.defaultHostName does not end with .net", site))
        #expect(try finds(app, "kind contains linux and kind does not contain functionapp", site))
        #expect(try finds(app, "kind equal ignore case 'APP,LINUX'", site))
        #expect(try !finds(app, "kind does not equal ignore case 'App,Linux'", site))
        #expect(try finds(app, "kind matches '^app(,linux)?$'", site))
        #expect(try !finds(app, "kind matches '^functionapp'", site))
        // As Java's String.matches: the whole value.
        #expect(try !finds(app, "kind matches 'app'", site))
        #expect(try finds(app, "properties.httpsOnly equals false and not (kind contains functionapp)", site))
        #expect(try finds(app, "kind is member of ('app', 'app,linux')", site))
        #expect(try !finds(app, "kind is not member of ('app', 'app,linux')", site))
        // Prisma's `config` is the site's configuration.
        #expect(
            try finds(
                app, "config.minTlsVersion is member of ('1.0', '1.1')",
                #"{"properties": {"siteConfig": {"minTlsVersion": "1.0"}}}"#))
    }

    @Test func existenceAndEmptiness() throws {
        let storage = "azure-storage-account-list"
        let open = #"{"properties": {"networkAcls": {"defaultAction": "Allow", "ipRules": []}}}"#
        #expect(try finds(storage, "networkRuleSet.defaultAction exists", open))
        #expect(try finds(storage, "networkRuleSet.bypass does not exist", open))
        #expect(try finds(storage, "networkRuleSet.ipRules is empty", open))
        #expect(try finds(storage, "networkRuleSet.virtualNetworkRules is empty", open))
        #expect(try !finds(storage, "networkRuleSet.ipRules is not empty", open))
        #expect(try finds(storage, "networkRuleSet is not empty", open))
        #expect(try finds(storage, "networkRuleSet.ipRules[*] all empty", open))
        let rules = #"{"properties": {"networkAcls": {"ipRules": [{"value": "1.2.3.4"}, {}]}}}"#
        #expect(try !finds(storage, "networkRuleSet.ipRules[*] all empty", rules))
    }

    @Test func eachElementAnyOrNone() throws {
        let fw = "gcloud-compute-firewall-rules-list"
        let rule =
            #"{"sourceRanges": ["10.0.0.0/8", "0.0.0.0/0"], "allowed": [{"IPProtocol": "tcp", "ports": ["22", "8000-9000"]}]}"#
        #expect(try finds(fw, "sourceRanges[*] equals 0.0.0.0/0", rule))
        #expect(try !finds(fw, "sourceRanges[*] equals ::/0", rule))
        // A negative operator over [*] holds when no element passes the positive one.
        #expect(try !finds(fw, "sourceRanges[*] does not equal 0.0.0.0/0", rule))
        #expect(try finds(fw, "sourceRanges[*] does not equal ::/0", rule))
        #expect(try finds(fw, "targetTags[*] does not exist", rule))
        #expect(try !finds(fw, "allowed[*] does not exist", rule))
        #expect(try finds(fw, "sourceRanges[*] size equals 2", rule))
        #expect(try finds(fw, "sourceRanges[0] equals 10.0.0.0/8", rule))
        #expect(try finds(fw, "allowed[?any(ports contains _Port.inRange(8080,8080))] exists", rule))
        #expect(try finds(fw, "allowed[?any(ports contains _Port.inRange(22,22))] exists", rule))
        #expect(try !finds(fw, "allowed[?any(ports contains _Port.inRange(3389,3389))] exists", rule))
        #expect(try finds(fw, "allowed[?any(ports contains _Port.inRange(3389,3389))] does not exist", rule))
        #expect(try finds(fw, "allowed[?none(IPProtocol equals udp)] exists", rule))
        // A rule over all ports writes none.
        #expect(try finds(fw, "allowed[?any(ports does not exist)] exists", #"{"allowed": [{"IPProtocol": "all"}]}"#))
    }

    @Test func anyAndAllEqualOverAProjection() throws {
        let bucket = "gcloud-storage-buckets-list"
        let shared = #"{"iamPolicy": {"bindings": [{"role": "r", "members": ["allUsers", "user:a@x"]}]}}"#
        #expect(
            try finds(
                bucket, "iam.bindings[*] size greater than 0 and iam.bindings[*].members[*] any equal allUsers", shared)
        )
        #expect(try !finds(bucket, "iam.bindings[*].members[*] all equal allUsers", shared))
        #expect(try finds(bucket, "iam.bindings[*].role all equal r", shared))
        #expect(
            try !finds(bucket, "iam.bindings[*].members[*] any equal allUsers", #"{"iamPolicy": {"bindings": []}}"#))
    }

    @Test func selectingElementsByAKey() throws {
        let snap = "aws-rds-describe-db-snapshots"
        let rule = "attributes[?(@.attributeName=='restore')].attributeValues[*] contains all"
        #expect(
            try finds(
                snap, rule, #"{"DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": ["all"]}]}"#))
        #expect(
            try !finds(snap, rule, #"{"DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": []}]}"#))
        #expect(
            try !finds(
                snap, rule, #"{"DBSnapshotAttributes": [{"AttributeName": "other", "AttributeValues": ["all"]}]}"#))
    }

    /// Zero-width characters pasted with a rule are not part of it.
    @Test func invisibleCharactersAreIgnored() throws {
        let snap = "aws-rds-describe-db-snapshots"
        let rule = "attributes[?(@.attributeName=='restore')]\u{200C}\u{200C}.attributeValues[*] contains all"
        #expect(
            try finds(
                snap, rule, #"{"DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": ["all"]}]}"#))
    }

    /// A JSONPath filter with `&&`, `||` and a bare `@.key` (it exists).
    @Test func selectingElementsByConditions() throws {
        let snap = "aws-rds-describe-db-snapshots"
        let either =
            "attributes[?(@.attributeName=='restore' || @.attributeName == 'copy')].attributeValues[*] contains all"
        #expect(
            try finds(
                snap, either, #"{"DBSnapshotAttributes": [{"AttributeName": "copy", "AttributeValues": ["all"]}]}"#))
        #expect(
            try !finds(
                snap, either, #"{"DBSnapshotAttributes": [{"AttributeName": "other", "AttributeValues": ["all"]}]}"#))
        let both = "attributes[?(@.attributeName == 'restore' && @.attributeValues)] size > 0"
        #expect(
            try finds(snap, both, #"{"DBSnapshotAttributes": [{"AttributeName": "restore", "AttributeValues": []}]}"#))
        #expect(try !finds(snap, both, #"{"DBSnapshotAttributes": [{"AttributeName": "restore"}]}"#))
        let parsed = try JSONRule(parsing: either)
        guard case .test(let t) = parsed, case .select(.or(let parts)) = t.path.steps[1] else {
            Issue.record("read as \(parsed)")
            return
        }
        #expect(parts.count == 2)
    }

    /// Prisma's security-group paths: `ipRanges` is the list of IPv4 CIDRs, `ipv6Ranges` the
    /// API's objects; inside `[?any(…)]` both are nested quantifiers, so the matched rule keeps
    /// only the ranges that matched (what the template's `${cidr}` revokes).
    @Test func securityGroupRuleKeepsTheMatchedRange() throws {
        let rule =
            "isShared is false and (ipPermissions[?any((ipRanges[*] contains 0.0.0.0/0 or ipv6Ranges[*].cidrIpv6 "
            + "contains ::/0) and ((toPort == 22 or fromPort == 22) or (toPort > 22 and fromPort < 22)))] exists)"
        let translator = try JSONRuleTranslator(apiName: Self.sg)
        let policy = Policy(
            id: "p", title: "p", resourceType: "aws.security-group", severity: .high,
            filters: try translator.filters(try JSONRule(parsing: rule)))
        let group = Resource(
            id: "sg-1", type: "aws.security-group", account: "1", region: "us-east-1",
            properties: try Value(
                json: #"""
                    {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 20, "ToPort": 30,
                      "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "0.0.0.0/0"}]},
                      {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
                    """#))
        let finding = try #require(Evaluator(now: TestSupport.start).finding(policy, group))
        let matched = try #require(finding.matched.first)
        #expect(matched.path == "IpPermissions")
        #expect(matched.elements.count == 1)
        #expect(matched.elements.first?["FromPort"] == Value.int(20))
        #expect(matched.elements.first?["IpRanges"] == Value.array([["CidrIp": "0.0.0.0/0"]]))
        let closed = Resource(
            id: "sg-2", type: "aws.security-group", account: "1", region: "us-east-1",
            properties: try Value(
                json:
                    #"{"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}"#
            ))
        #expect(!Evaluator(now: TestSupport.start).violates(policy, closed))
    }

    /// Azure's rule properties are lifted up to the rule in Prisma's JSON.
    @Test func networkSecurityGroupRulesAreReadThroughTheirProperties() throws {
        let nsg = "azure-network-nsg-list"
        let rule =
            "securityRules[?any(access equals Allow and direction equals Inbound and (sourceAddressPrefix equals "
            + "Internet or sourceAddressPrefix equals *) and destinationPortRange contains _Port.inRange(22,22))] exists"
        let open = #"""
            {"properties": {"securityRules": [{"name": "ssh", "properties": {"access": "Allow", "direction": "Inbound",
              "sourceAddressPrefix": "*", "destinationPortRange": "22", "protocol": "Tcp"}}]}}
            """#
        #expect(try finds(nsg, rule, open))
        #expect(try !finds(nsg, rule, open.replacingOccurrences(of: "\"Allow\"", with: "\"Deny\"")))
        #expect(try finds(nsg, "securityRules[?any(name equals ssh)] exists", open))
    }

    @Test func whatIsNotModelledIsRefusedWhereItIsWritten() throws {
        let problem = try #require(
            refusal(
                "azure-storage-account-list", "kind equals StorageV2 and deleteRetentionPolicy.blob.enabled is false"))
        #expect(problem.message.contains("deleteRetentionPolicy"))
        #expect(problem.message.contains("remsim models no blob service properties"))
        #expect(problem.offset == 26)
        let api = try #require(refusal("azure-cosmos-db", "kind exists"))
        #expect(api.message.contains("api.name 'azure-cosmos-db' has no resource type"))
        let after = try #require(refusal(Self.sg, "ipPermissions[?any(toPort == 22)].fromPort equals 22"))
        #expect(after.message.contains("`[?any(…)]`"))
    }

    /// Every rename keeps the path's brackets, so `[*]` in Prisma's path is `[]` in remsim's.
    @Test func renamesKeepTheBrackets() {
        for (apiName, shape) in PrismaAPINames.shapes {
            #expect(ResourceTypeRegistry.type(named: shape.resourceType) != nil, "\(apiName)")
            for (from, to) in shape.renames {
                #expect(from.filter { $0 == "[" }.count == to.filter { $0 == "[" }.count, "\(apiName): \(from)")
            }
        }
    }
}
