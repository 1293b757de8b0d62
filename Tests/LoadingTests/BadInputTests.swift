import CloudModel
import Foundation
import Loading
import Policies
import PolicyPack
import Simulation
import TestSupport
import Testing

/// Every kind of bad input gets an error naming the file, the key path and, where the parser
/// knows it, the line and column.
struct BadInputTests {
    static let fixture = """
        version: 1
        account: "111111111111"
        region: us-east-1
        resources:
          - id: sg-1
            type: aws.security-group
            properties: {GroupId: sg-1, IpPermissions: []}
        """

    static let scenario = """
        version: 1
        name: s
        fixtures: [fixtures]
        policies: [builtin:ssh]
        engine:
          alert-rules:
            - name: r
              auto-remediate: true
              detection: {mode: event, delivery-delay: 90s}
        timeline:
          - at: 10m
            inject: open-ingress
            resource: sg-1
            with: {port: 22, cidr: 0.0.0.0/0}
        run-for: 1h
        expect:
          - resource: sg-1
            compliant-with: [ssh]
        """

    /// Loads `scenario` (after replacing `old` with `new`) next to the fixture; returns the error.
    func loadError(_ old: String = "", _ new: String = "", fixture: String = BadInputTests.fixture) throws -> LoadError?
    {
        let text = old.isEmpty ? Self.scenario : Self.scenario.replacingOccurrences(of: old, with: new)
        guard case .failure(let error) = try Self.load(text, fixture: fixture) else { return nil }
        return error
    }

    /// Loads `scenario` from a scratch directory holding `fixture` (and any `extra` files), under
    /// `limits`, with the `ssh` policy as the only built-in.
    static func load(
        _ scenario: String, fixture: String = BadInputTests.fixture, limits: Limits = Limits(),
        paths: PathConfinement = .automatic, extra: [(String, String)] = []
    ) throws -> Result<Scenario, LoadError> {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(fixture, to: "fixtures/net.yaml", in: dir)
        for (name, text) in extra { try TestSupport.write(text, to: name, in: dir) }
        let file = try TestSupport.write(scenario, to: "s.yaml", in: dir)
        let ssh = try TestSupport.policy(
            TestSupport.sshPolicyYAML.replacingOccurrences(of: "id: ssh-world", with: "id: ssh"))
        return Limits.$current.withValue(limits) {
            Result { () throws(LoadError) in try ScenarioLoader(builtins: [ssh], paths: paths).load(file: file) }
        }
    }

    @Test func theBaseScenarioLoads() throws {
        #expect(try loadError() == nil)
    }

    @Test func malformedYAMLGivesLineAndColumn() throws {
        let e = try #require(try loadError("run-for: 1h", "run-for: [1h"))
        #expect(e.file.hasSuffix("s.yaml"))
        #expect(e.line != nil && e.column != nil)
        #expect(e.message.contains("invalid YAML"))
    }

    @Test func unknownKeysAreRefusedWithASuggestion() throws {
        let e = try #require(try loadError("delivery-delay: 90s", "delivery_delay: 90s"))
        #expect(e.keyPath == "engine.alert-rules[0].detection.delivery_delay")
        #expect(e.line == 9)
        #expect(e.message.contains("unknown key 'delivery_delay'"))
        #expect(e.message.contains("did you mean 'delivery-delay'"))
    }

    @Test func aResourceThatDoesNotExistIsNamedAtItsLine() throws {
        let e = try #require(try loadError("resource: sg-1\n    with", "resource: sg-2\n    with"))
        #expect(e.keyPath == "timeline[0].resource")
        #expect(e.line == 13)
        #expect(e.column == 15)
        #expect(e.message.contains("'sg-2' is not in the scenario's fixtures"))
        #expect(e.message.contains("did you mean 'sg-1'"))
    }

    /// A policy whose remediation makes resources (an RDS final snapshot) lets an expectation
    /// name one only the run makes; without such a policy, the name is still refused here.
    @Test func anExpectationMayNameWhatARemediationMakes() throws {
        let expectation = "  - resource: sg-1\n    compliant-with: [ssh]"
        let named = "  - resource: Final-orders-2026-01-01-00-00\n    exists: true"
        let refused = try #require(try loadError(expectation, named))
        #expect(refused.message.contains("'Final-orders-2026-01-01-00-00' is not in the scenario's fixtures"))
        let cleanup = """
            policies:
              - name: rds-cleanup
                resource: rds
                actions: [delete]
            """
        let text = Self.scenario.replacingOccurrences(of: expectation, with: named).replacingOccurrences(
            of: "policies: [builtin:ssh]", with: "policies: [builtin:ssh, cleanup.yml]")
        let loaded = try Self.load(text, extra: [("cleanup.yml", cleanup)]).get()
        #expect(loaded.expectations.count == 1)
    }

    @Test func aPolicyThatDoesNotExistIsNamed() throws {
        let builtin = try #require(try loadError("builtin:ssh]", "builtin:shh]"))
        #expect(builtin.keyPath == "policies[0]")
        #expect(builtin.message.contains("no built-in policy 'shh'"))
        let expectation = try #require(try loadError("compliant-with: [ssh]", "compliant-with: [rdp]"))
        #expect(expectation.keyPath == "expect[0].compliant-with[0]")
        #expect(expectation.message.contains("policy 'rdp' is not among the scenario's policies"))
    }

    @Test(arguments: [
        ("port: 22", "port: twenty-two", "timeline[0].with.port", "expected a whole number"),
        ("run-for: 1h", "run-for: 60", "run-for", "expected a duration"),
        (
            "auto-remediate: true", "auto-remediate: yes please", "engine.alert-rules[0].auto-remediate",
            "expected true or false"
        ),
        ("mode: event", "mode: evnt", "engine.alert-rules[0].detection.mode", "did you mean 'event'"),
        ("port: 22", "port: 70000", "timeline[0].with.port", "out of range"),
        ("at: 10m", "at: 2h", "timeline[0].at", "after the end of the run"),
        ("inject: open-ingress", "inject: open-ingres", "timeline[0].inject", "did you mean 'open-ingress'"),
        ("version: 1\nname", "version: 2\nname", "version", "unsupported version 2"),
        // Faults, controls and lifecycle entries.
        (
            "  - at: 10m\n    inject: open-ingress",
            "  - at: 5m\n    fault: {kind: throtle, limit: 1}\n  - at: 10m\n    inject: open-ingress",
            "timeline[0].fault.kind", "did you mean 'throttle'"
        ),
        (
            "  - at: 10m\n    inject: open-ingress",
            "  - at: 5m\n    fault: {kind: access-denied, lag: 1m}\n  - at: 10m\n    inject: open-ingress",
            "timeline[0].fault.lag", "'lag' does not apply to a access-denied fault"
        ),
        (
            "  - at: 10m\n    inject: open-ingress",
            "  - at: 5m\n    fault: {kind: throttle, limit: 1, scope: {operations: [ec2:RevokeIngress]}}\n  - "
                + "at: 10m\n    inject: open-ingress",
            "timeline[0].fault.scope.operations[0]", "is not an operation remsim models"
        ),
        (
            "  - at: 10m\n    inject: open-ingress",
            "  - at: 5m\n    snooze: {policy: ssh, resource: sg-1, for: 1h}\n    resource: sg-1\n  - at: 10m\n   "
                + " inject: open-ingress",
            "timeline[0].resource", "'resource' goes with inject or drift, not with snooze"
        ),
        (
            "  - at: 10m\n    inject: open-ingress",
            "  - at: 5m\n    enable-auto-remediation: rr\n  - at: 10m\n    inject: open-ingress",
            "timeline[0].enable-auto-remediation", "no alert rule 'rr' in this scenario; did you mean 'r'"
        ),
        (
            "  - at: 10m\n    inject: open-ingress",
            "  - at: 5m\n    exempt: {resource: sg-1}\n  - at: 10m\n    inject: open-ingress",
            "timeline[0].exempt", "missing required key 'reason'"
        ),
        (
            "  - at: 10m\n    inject: open-ingress",
            "  - at: 5m\n    restart-engine: true\n    dismiss: {policy: ssh, resource: sg-1}\n  - at: 10m\n    "
                + "inject: open-ingress",
            "timeline[0]", "takes one action, found dismiss and restart-engine"
        ),
        (
            "auto-remediate: true", "auto-remediate: true\n      retries: {max-attempts: 0}",
            "engine.alert-rules[0].retries.max-attempts", "out of range"
        ),
        (
            "auto-remediate: true", "auto-remediate: true\n      max-resources: {window: 1h}",
            "engine.alert-rules[0].max-resources", "needs 'count', 'percent' or both"
        ),
        (
            "auto-remediate: true", "auto-remediate: true\n      retries: {max-attempts: 3, base: 1m, max: 10s}",
            "engine.alert-rules[0].retries.max", "must not be below 'base'"
        ),
    ])
    func wrongTypesAndValuesAreExplained(old: String, new: String, keyPath: String, message: String) throws {
        let e = try #require(try loadError(old, new))
        #expect(e.keyPath == keyPath)
        #expect(e.message.contains(message), "\(e)")
        #expect(e.line != nil)
    }

    @Test func fixtureProblemsNameTheFixtureFile() throws {
        let badType = try #require(
            try loadError(
                fixture: Self.fixture.replacingOccurrences(of: "aws.security-group", with: "aws.securitygroup")))
        #expect(badType.file.hasSuffix("fixtures/net.yaml"))
        #expect(badType.keyPath == "resources[0].type")
        #expect(badType.message.contains("did you mean 'aws.security-group'"))
        let duplicate = try #require(try loadError(fixture: Self.fixture + "\n  - {id: sg-1, type: aws.s3}\n"))
        #expect(duplicate.message.hasSuffix("'sg-1' is already defined at \(duplicate.file):5:5"), "\(duplicate)")
        #expect(duplicate.keyPath == "resources[1]" && duplicate.line == 8)
    }

    @Test func badValuesDeepInPropertiesAreNamedByTheirPath() throws {
        let fixture = Self.fixture.replacingOccurrences(
            of: "properties: {GroupId: sg-1, IpPermissions: []}",
            with: "properties: {GroupId: sg-1, Tags: {Deep: [1, .inf]}}")
        let e = try #require(try loadError(fixture: fixture))
        #expect(e.keyPath == "resources[0].properties.Tags.Deep[1]")
        #expect(e.message.contains("'.inf' is not a finite number"))
        #expect(e.line == 7)
    }

    @Test func scenariosSharingFixturesReadThemOnce() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fixture = try TestSupport.write(Self.fixture, to: "fixtures/net.yaml", in: dir)
        let first = try TestSupport.write(Self.scenario, to: "a.yaml", in: dir)
        let second = try TestSupport.write(
            Self.scenario.replacingOccurrences(of: "name: s", with: "name: t"), to: "b.yaml", in: dir)
        let ssh = try TestSupport.policy(
            TestSupport.sshPolicyYAML.replacingOccurrences(of: "id: ssh-world", with: "id: ssh"))
        let loader = ScenarioLoader(builtins: [ssh])
        _ = try loader.load(file: first)
        try Data("not: [valid".utf8).write(to: URL(fileURLWithPath: fixture))  // not read again by this loader
        #expect(try loader.load(file: second).inventory.count == 1)
        #expect(throws: LoadError.self) { try ScenarioLoader(builtins: [ssh]).load(file: second) }
    }

    @Test func injectionsMustFitTheResourceType() throws {
        let e = try #require(
            try loadError(
                "inject: open-ingress\n    resource: sg-1\n    with: {port: 22, cidr: 0.0.0.0/0}",
                "inject: disable-log-file-validation\n    resource: sg-1"))
        #expect(e.keyPath == "timeline[0].inject")
        #expect(e.message.contains("applies to aws.cloudtrail, but 'sg-1' is an aws.security-group"))
    }

    @Test func nonUTF8AndEmptyFilesAreRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let binary = (dir as NSString).appendingPathComponent("bin.yaml")
        try Data([0x76, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: binary))
        #expect(
            throws: LoadError(
                file: binary, line: 1, column: 4,
                message: "the file is not valid UTF-8 text (the first bad byte is here)")
        ) {
            try PolicyLoader.load(paths: [binary])
        }
        let empty = try TestSupport.write("", to: "empty.yaml", in: dir)
        #expect(throws: LoadError(file: empty, message: "the file is empty")) { try PolicyLoader.load(paths: [empty]) }
        #expect(throws: LoadError.self) {
            try PolicyLoader.load(paths: [(dir as NSString).appendingPathComponent("missing.yaml")])
        }
    }

    @Test func policyErrorsPointAtTheFilter() throws {
        let yaml = TestSupport.sshPolicyYAML.replacingOccurrences(
            of: "{key: FromPort, op: le, value: 22}", with: "{key: FromPort, op: lte, value: 22}")
        #expect(throws: LoadError.self) { try TestSupport.policy(yaml) }
        do {
            _ = try TestSupport.policy(yaml)
        } catch let e as LoadError {
            #expect(e.keyPath == "filters[0].where[0].or[1].and[1].op")
            #expect(e.line == 13)
            #expect(e.message.contains("expected one of eq, ne"))
        }
    }

    @Test func tooManyStepsAndBadOperationNamesAreRefused() throws {
        let six = (1...6).map { _ in "    - {operation: s3:PutBucketVersioning}" }.joined(separator: "\n")
        let base =
            "version: 1\nid: p\ntitle: t\nresource: aws.s3\nseverity: low\nfilters: [{key: Name, op: "
            + "present}]\nremediation:\n  steps:\n"
        #expect(throws: LoadError.self) { try TestSupport.policy(base + six) }
        #expect(throws: LoadError.self) { try TestSupport.policy(base + "    - {operation: PutBucketVersioning}") }
    }
}

struct ValueLoadingTests {
    @Test func scalarsKeepTheTypesTheAuthorMeant() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(
            """
            version: 1
            resources:
              - id: sg-1
                type: aws.security-group
                account: 012345678901
                region: us-east-1
                properties:
                  IpPermissions: [{IpProtocol: "-1", FromPort: 22, Quoted: "22", Ratio: 0.5, On: true, Nothing: null, When: 2025-01-01T00:00:00Z}]
            """, to: "f.yaml", in: dir)
        try TestSupport.write(
            #"{"version": 1, "resources": [{"id": "b-1", "type": "aws.s3", "account": "1", "region": "r", "properties": {"Name": "b-1"}}]}"#,
            to: "g.json", in: dir)
        let inv = try FixtureLoader.load(paths: [dir])
        let sg = try #require(inv["sg-1"])
        #expect(sg.account == "012345678901", "an unquoted account id keeps its leading zero")
        let perm = try #require(sg.properties["IpPermissions"]?.arrayValue?.first)
        #expect(perm["IpProtocol"] == "-1")
        #expect(perm["FromPort"] == 22)
        #expect(perm["Quoted"] == "22")
        #expect(perm["Ratio"] == 0.5)
        #expect(perm["On"] == true)
        #expect(perm["Nothing"] == .null)
        #expect(perm["When"] == "2025-01-01T00:00:00Z")
        #expect(inv["b-1"]?.properties["Name"] == "b-1")
        #expect(inv["b-1"]?.name == "b-1")
    }

    @Test func theAcmeFixturesAreASmallRealisticOrganisation() throws {
        let inv = try FixtureLoader.load(paths: [TestSupport.fixturesDirectory])
        #expect(inv.count >= 300)
        func accounts(_ cloud: Cloud) -> Set<String> { Set(inv.all.filter { $0.cloud == cloud }.map(\.account)) }
        #expect(accounts(.aws) == ["111111111111", "222222222222", "333333333333"])
        #expect(accounts(.azure).count == 2)
        #expect(accounts(.gcp) == ["acme-prod-4821", "acme-data-7310"])
        for cloud in Cloud.allCases {
            let regions = Set(inv.all.filter { $0.cloud == cloud }.map(\.region)).subtracting(["global"])
            #expect(regions.count >= 2, "\(cloud) resources sit in \(regions.sorted())")
        }
        // Every type remsim models is there, but the log group, which remediations create.
        for type in ResourceTypeRegistry.names where type != "aws.log-group" {
            #expect(inv.count(ofType: type) > 0, "no \(type) in the fixtures")
        }
    }

    /// Most of the organisation complies: the built-in pack finds only staging's four old
    /// violations, which scenarios rely on.
    @Test func theAcmeFixturesViolateOnlyWhatScenariosExpect() throws {
        let inv = try FixtureLoader.load(paths: [TestSupport.fixturesDirectory])
        #expect(
            TestSupport.violations(of: try BuiltinPolicies.load(), in: inv, at: Scenario.defaultStart) == [
                "aws-cloudtrail-log-file-validation arn:aws:cloudtrail:us-east-1:222222222222:trail/staging-org-trail",
                "aws-iam-access-key-older-than-90-days iam-user/222222222222/old-reporting",
                "aws-s3-public-access-block acme-staging-logs-use1",
                "aws-vpc-flow-logs-enabled vpc-04b55cc66dd77ee88",
            ])
    }
}
