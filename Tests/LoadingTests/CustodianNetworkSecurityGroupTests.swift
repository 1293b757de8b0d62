import CloudModel
import CloudOperations
import Foundation
import Policies
import RemediationEngine
import Simulation
import TestSupport
import Testing

@testable import Loading

/// Custodian's `ingress`/`egress` filters and `close`/`open` actions on Azure network security
/// groups, beyond what the differential test against Custodian proves: the call remsim's
/// simulated cloud answers as Azure does, the command it renders, and what is refused.
struct CustodianNetworkSecurityGroupTests {
    static let groupId =
        "/subscriptions/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9/resourceGroups/rg-a/providers/Microsoft.Network/networkSecurityGroups/nsg-a"

    func policy(_ yaml: String) throws -> Policy {
        try #require(try PolicyLoader.load(file: "p.yml", data: Data(yaml.utf8), source: "p.yml").first)
    }

    func group(firstPriority: Int, extra: [Value] = []) -> Resource {
        let rules: [Value] =
            [
                [
                    "name": "allow-ssh",
                    "properties": [
                        "protocol": "Tcp", "destinationPortRange": "22", "sourceAddressPrefix": "*",
                        "destinationAddressPrefix": "*", "access": "Allow", "priority": .int(firstPriority),
                        "direction": "Inbound",
                    ],
                ],
                [
                    "name": "allow-web",
                    "properties": [
                        "protocol": "*", "destinationPortRanges": ["80", "8000-8002"],
                        "sourceAddressPrefix": "Internet",
                        "destinationAddressPrefix": "*", "access": "Allow", "priority": .int(firstPriority + 10),
                        "direction": "Inbound",
                    ],
                ],
            ] + extra
        return Resource(
            id: Self.groupId, type: "azure.networksecuritygroup", account: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
            region: "westeurope",
            properties: [
                "id": .string(Self.groupId), "name": "nsg-a", "properties": ["securityRules": .array(rules)],
            ])
    }

    let closeAllButHTTPS = """
        policies:
          - name: close-all-but-https
            resource: azure.networksecuritygroup
            filters:
              - {type: ingress, exceptPorts: '443', match: any, access: Allow}
            actions:
              - {type: close, exceptPorts: '443', direction: Inbound}
        """

    @Test func closeAddsOneDenyRuleAheadOfTheGroupsRulesAndAzureRefusesAPriorityBelow100() throws {
        let policy = try policy(closeAllButHTTPS)
        let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!
        func plan(_ resource: Resource, at time: Timestamp = now) throws -> RemediationPlan.Call {
            let finding = try #require(Evaluator(now: time).finding(policy, resource))
            return try #require(
                try RemediationPlan(policy: policy, finding: finding, resource: resource, now: time).calls.first)
        }
        let call = try plan(group(firstPriority: 300))
        #expect(call.operation == "Microsoft.Network/networkSecurityGroups/securityRules/write")
        #expect(call.parameters["resourceGroup"] == "rg-a")
        #expect(call.parameters["networkSecurityGroupName"] == "nsg-a")
        let name = try #require(call.parameters["name"]?.stringValue)
        #expect(
            name.wholeMatch(of: /c7n-policy-[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil
        )
        // The same group at the same time names the same rule; another time, another.
        #expect(try plan(group(firstPriority: 300)).parameters["name"] == call.parameters["name"])
        #expect(
            try plan(group(firstPriority: 300), at: now + SimDuration(milliseconds: 1000)).parameters["name"]
                != call.parameters["name"])
        let rule = try #require(call.parameters["body"]?["properties"])
        #expect(rule["priority"] == 290)
        #expect(rule["access"] == "Deny")
        #expect(rule["destinationPortRanges"] == ["22", "80", "8000-8002"])

        // The simulated cloud creates the rule, and the group then complies.
        var cloud = SimulatedCloud(inventory: try Inventory([group(firstPriority: 300)]))
        let result = cloud.apply(
            CloudOperation(
                callId: 1, name: call.operation, cloud: .azure, account: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                region: "westeurope", resourceId: Self.groupId, parameters: call.parameters, command: call.command))
        #expect(result.outcome == .succeeded)
        let after = try #require(cloud.inventory[Self.groupId])
        let rules = after.property("properties")?["securityRules"]?.arrayValue ?? []
        #expect(rules.count == 3)
        #expect(rules.last?["name"]?.stringValue == name)
        #expect(rules.last?["properties"]?["priority"] == 290)
        #expect(Evaluator(now: now).finding(policy, after) == nil)

        // Rules from 100, as the portal numbers them: Custodian asks for 90, which Azure refuses.
        let low = try plan(group(firstPriority: 100))
        #expect(low.parameters["body"]?["properties"]?["priority"] == 90)
        var lowCloud = SimulatedCloud(inventory: try Inventory([group(firstPriority: 100)]))
        let refused = lowCloud.apply(
            CloudOperation(
                callId: 1, name: low.operation, cloud: .azure, account: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                region: "westeurope", resourceId: Self.groupId, parameters: low.parameters, command: low.command))
        guard case .failed(let code, let message) = refused.outcome else {
            Issue.record("a rule at priority 90 was accepted")
            return
        }
        #expect(code == "SecurityRuleInvalidPriority")
        #expect(message.contains("90"))
        #expect(lowCloud.inventory[Self.groupId]?.property("properties")?["securityRules"]?.arrayValue?.count == 2)
    }

    /// The port sets, held as ranges, decide every port as Custodian's port-by-port walk does:
    /// checked against that walk on groups of random rules.
    @Test func portRangesDecideAsCustodiansPortByPortWalk() {
        var random = SeededGenerator(seed: 18)
        func range() -> String {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return "*"
            case 1: return String(Int.random(in: 0...40, using: &random))
            default:
                let a = Int.random(in: 0...40, using: &random)
                return "\(a)-\(a + Int.random(in: 0...15, using: &random))"
            }
        }
        for _ in 0..<200 {
            var rules: [Value] = []
            for n in 0..<Int.random(in: 0...5, using: &random) {
                var props = Fields()
                props["access"] = Bool.random(using: &random) ? "Allow" : "Deny"
                props["direction"] = Bool.random(using: &random) ? "Inbound" : "Outbound"
                props["priority"] = .int(Int.random(in: 100...110, using: &random))
                props["protocol"] = .string(["*", "Tcp", "Udp"].randomElement(using: &random) ?? "*")
                if Bool.random(using: &random) {
                    props["destinationPortRange"] = .string(range())
                } else {
                    props["destinationPortRanges"] = .array((0..<2).map { _ in .string(range()) })
                }
                rules.append(["name": .string("r\(n)"), "properties": .object(props)])
            }
            let group: Value = ["properties": ["securityRules": .array(rules)]]
            // Custodian's walk: rules by priority, each port taken by the first that covers it.
            var walk: [Int: Bool] = [:]
            for rule in NetworkSecurityGroupPorts.rules(group) {
                let p = rule["properties"] ?? .null
                guard p["direction"] == "Inbound", p["protocol"] != "Udp" else { continue }
                for r in NetworkSecurityGroupPorts.ruleRanges(p) {
                    for port in r where walk[port] == nil { walk[port] = p["access"] == "Allow" }
                }
            }
            let decided = NetworkSecurityGroupPorts.decisions(group, direction: "Inbound", protocol: "TCP")
            #expect(decided.allowed == PortSet(walk.filter { $0.value }.keys.map { $0...$0 }))
            #expect(decided.denied == PortSet(walk.filter { !$0.value }.keys.map { $0...$0 }))
            let asked = NetworkSecurityGroupPorts.ports([0...30, 45...50], except: [10...12])
            #expect(asked.count == 31 + 6 - 3)
            #expect(
                asked.intersection(decided.allowed).count
                    == walk.filter {
                        $0.value && ((0...30).contains($0.key) || (45...50).contains($0.key))
                            && !(10...12).contains($0.key)
                    }.count)
        }
        #expect(NetworkSecurityGroupPorts.rangeTexts(PortSet([12...14, 10...10, 15...15])) == ["10", "12-15"])
    }

    @Test func anUpdateOfAMissingRuleIsNotFoundAndARuleUpdateMerges() throws {
        var cloud = SimulatedCloud(inventory: try Inventory([group(firstPriority: 300)]))
        func write(_ name: String, _ body: Value) -> OperationOutcome {
            cloud.apply(
                CloudOperation(
                    callId: 1, name: "Microsoft.Network/networkSecurityGroups/securityRules/write", cloud: .azure,
                    account: "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", region: "westeurope", resourceId: Self.groupId,
                    parameters: [
                        "resourceGroup": "rg-a", "networkSecurityGroupName": "nsg-a", "name": .string(name),
                        "body": body,
                    ], command: ShellCommand([]))
            ).outcome
        }
        // `az network nsg rule update` on a rule that is not there: not a new, partial rule.
        guard case .failed(let code, _) = write("no-such-rule", ["properties": ["access": "Deny"]]) else {
            Issue.record("a partial rule was created")
            return
        }
        #expect(code == "NotFound")
        #expect(write("allow-ssh", ["properties": ["access": "Deny"]]) == .succeeded)
        let ssh = cloud.inventory[Self.groupId]?.property("properties")?["securityRules"]?.arrayValue?.first
        #expect(ssh?["properties"]?["access"] == "Deny")
        #expect(ssh?["properties"]?["priority"] == 300)
    }

    @Test func theCreatedRuleRendersAsAzNetworkNsgRuleCreateAndReadsBack() throws {
        let policy = try policy(closeAllButHTTPS)
        let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!
        let resource = group(firstPriority: 300)
        let finding = try #require(Evaluator(now: now).finding(policy, resource))
        let call = try #require(
            try RemediationPlan(policy: policy, finding: finding, resource: resource, now: now).calls.first)
        let words = call.command.words
        #expect(Array(words.prefix(5)) == ["az", "network", "nsg", "rule", "create"])
        let ports = try #require(words.firstIndex(of: "--destination-port-ranges"))
        #expect(Array(words[(ports + 1)...]) == ["22", "80", "8000-8002"])
        let shape = try #require(
            OperationCatalog.spec(named: call.operation)?.commands.first { $0.command.last == "create" })
        #expect(try shape.parse(Array(words.dropFirst(5))) == call.parameters)
    }

    @Test(arguments: [
        ("{type: ingress, ports: 22, access: Allow}", 5, 32, "takes ports as a string"),
        ("{type: ingress, ports: '22-70000', access: Allow}", 5, 32, "within 0-65535"),
        ("{type: ingress, ports: '22'}", 5, 9, "'access'"),
        ("{type: ingress, access: allow}", 5, 33, "expected one of Allow, Deny"),
        ("{type: ingress, access: Allow, Cidr: 10.0.0.0/8}", 5, 46, "'Cidr' is a value filter's mapping"),
        ("{type: ingress, access: Allow, Cidr: {value: 10.0.0.0/8}}", 5, 46, "'ipType'"),
        ("{type: ingress, access: Allow, match-operator: or}", 5, 56, "match-operator"),
    ])
    func whatTheFiltersRefuse(_ filter: String, _ line: Int, _ column: Int, _ message: String) {
        refused("filters", filter, line, column, message)
    }

    /// Loading a policy with one filter or action `item` fails at line:column with `message`.
    func refused(_ key: String, _ item: String, _ line: Int, _ column: Int, _ message: String) {
        let text = "policies:\n  - name: p\n    resource: azure.networksecuritygroup\n    \(key):\n      - \(item)\n"
        do {
            _ = try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml")
            Issue.record("\(item) loaded")
        } catch {
            #expect(error.file == "p.yml" && error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test(arguments: [
        ("{type: close, ports: '22'}", 5, 9, "custodian validate accepts it left out"),
        ("{type: close, direction: inbound}", 5, 34, "expected one of Inbound, Outbound"),
        ("{type: open, direction: Inbound, ipProtocol: tcp}", 5, 54, "expected one of ICMP, TCP, UDP, *"),
        ("{type: close, direction: Inbound, prefix: \(String(repeating: "x", count: 45))}", 5, 51, "at most 44"),
        ("{type: close, direction: Inbound, access: Deny}", 5, 51, "'access'"),
    ])
    func whatTheActionsRefuse(_ action: String, _ line: Int, _ column: Int, _ message: String) {
        refused("actions", action, line, column, message)
    }

    /// A new Deny rule cuts what the allow rules after it let in on its ports: flows seen from the
    /// internet on port 22 make it a high warning.
    @Test func aNewDenyRuleWarnsOfTheTrafficItCuts() throws {
        let policy = try policy(closeAllButHTTPS)
        let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!
        var resource = group(firstPriority: 300)
        resource.usage = [
            "flows": [["port": 22, "source": "198.51.100.7", "last-seen": "2025-12-31T23:00:00Z", "count": 3]]
        ]
        let finding = try #require(Evaluator(now: now).finding(policy, resource))
        let call = try #require(
            try RemediationPlan(policy: policy, finding: finding, resource: resource, now: now).calls.first)
        let warnings = DisruptionAnalyzer.assess(
            RemediationPlan(calls: [call]), policy: "p", resource: resource, view: try Inventory([resource]), now: now,
            epoch: now, lookback: .days(7))
        #expect(warnings.contains { $0.kind == "live-traffic" && $0.severity == .high })
        #expect(warnings.first { $0.kind == "live-traffic" }?.evidence.first?.contains("port 22") == true)
    }
}
