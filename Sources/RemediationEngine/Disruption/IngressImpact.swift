import CloudModel
import CloudOperations
import Policies

/// Closing network access: revoking security group ranges, denying an NSG rule, disabling a
/// firewall rule. Flow records (`usage.flows: [{port, source, last-seen, count}]`) say whether
/// anyone outside what remains allowed used the ports within the look-back window.
///
/// - `live-traffic`: high when such traffic was seen; low when resources run behind the rule but
///   none was seen.
/// - `collateral-ports`: the rule removed spans more ports than one (a `tcp 0-1024` rule also
///   carries 80 and 443): high when traffic on those ports was seen, medium otherwise.
/// - `default-group-in-use`: the VPC's default group still has running members.
struct IngressImpact: ImpactRule {
    let operations: Set<String> = [
        "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
        "Microsoft.Network/networkSecurityGroups/securityRules/write", "compute.firewalls.patch",
        "compute.firewalls.delete",
    ]
    let summary =
        "cuts traffic the group, rule or firewall allows: instances behind it, flows seen from outside what "
        + "stays open, other ports the same rule carries"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        let cuts = self.cuts(c)
        guard !cuts.isEmpty else { return [] }
        let members = runningMembers(c)
        var warnings: [DisruptionWarning] = []
        // Flows the change would stop, recent ones only.
        var stopped: [(port: Int?, source: String, count: Int, last: Timestamp)] = []
        for flow in c.resource.usage["flows"]?.arrayValue ?? [] {
            guard let source = flow["source"]?.stringValue, let last = c.time(flow["last-seen"]), c.isRecent(last)
            else { continue }
            let port = flow["port"].flatMap { $0.numberValue.map(Int.init) }
            if cuts.contains(where: { $0.stops(port: port, source: source) }) {
                stopped.append((port, source, Int(flow["count"]?.numberValue ?? 1), last))
            }
        }
        let evidence = stopped.map {
            "\($0.source) → port \($0.port.map(String.init) ?? "any"): \($0.count) "
                + "connection\($0.count == 1 ? "" : "s"), last \(c.ago($0.last))"
        }
        let what = cuts.map(\.text).joined(separator: ", ")
        if !stopped.isEmpty {
            // The parts of the change that stop what was seen.
            let cutting = cuts.filter { cut in stopped.contains { cut.stops(port: $0.port, source: $0.source) } }
            warnings.append(
                DisruptionWarning(
                    kind: "live-traffic", severity: .high, resourceId: c.resource.id, operation: c.operation,
                    affected: members, evidence: evidence,
                    explanation:
                        "flow logs show traffic this change cuts off (\(cutting.map(\.text).joined(separator: ", "))), "
                        + "within the last \(c.lookback)")
            )
        } else if !members.isEmpty {
            warnings.append(
                DisruptionWarning(
                    kind: "live-traffic", severity: .low, resourceId: c.resource.id, operation: c.operation,
                    affected: members,
                    evidence: [
                        "\(members.count) running resource\(members.count == 1 ? "" : "s") behind it; no traffic "
                            + "from the sources cut off in the last \(c.lookback)"
                    ],
                    explanation: "resources run behind \(what), but nothing this change cuts off was seen using it"))
        }
        for cut in cuts where cut.ports.map({ $0.count > 1 }) ?? true {
            let ports = Set(stopped.compactMap(\.port).filter { p in cut.ports.map { $0.contains(p) } ?? true })
                .sorted()
            warnings.append(
                DisruptionWarning(
                    kind: "collateral-ports", severity: ports.isEmpty ? .medium : .high, resourceId: c.resource.id,
                    operation: c.operation,
                    affected: members,
                    evidence: ports.isEmpty
                        ? ["the rule spans \(cut.text)"] : ports.map { "traffic seen on port \($0)" },
                    explanation: ports.isEmpty
                        ? "the removed rule (\(cut.text)) covers more ports than the violation; nothing was seen "
                            + "on them"
                        : "the removed rule (\(cut.text)) also carries "
                            + "\(ports.map(String.init).joined(separator: ", ")), where traffic was seen"
                ))
        }
        if c.resource.property("GroupName")?.stringValue == "default", !members.isEmpty {
            warnings.append(
                DisruptionWarning(
                    kind: "default-group-in-use", severity: .high, resourceId: c.resource.id, operation: c.operation,
                    affected: members,
                    evidence: members.map { "\($0) is still a member" },
                    explanation:
                        "\(members.count) running "
                        + "resource\(members.count == 1 ? " still relies" : "s still rely") on the default group; removing its rules cuts them off"
                ))
        }
        return warnings
    }

    /// What the call stops, in each cloud's terms.
    func cuts(_ c: ImpactContext) -> [Cut] {
        let p = c.parameters
        switch c.operation {
        case "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress":
            let key = c.operation.hasSuffix("Egress") ? "IpPermissionsEgress" : "IpPermissions"
            let current = c.resource.property(key)?.arrayValue ?? []
            let revoked = p["IpPermissions"]?.arrayValue ?? []
            // A rule's ranges the call revokes: those it names for the same protocol and ports.
            func revokedRanges(of rule: Value) -> [String] {
                revoked.filter { Self.sameRule($0, rule) }.flatMap(Self.ranges)
            }
            return revoked.map { perm in
                let proto = perm["IpProtocol"]?.stringValue ?? "-1"
                let ports = Self.ports(ofPermission: perm)
                // What stays: every other range of this protocol (or of all traffic), on its own
                // rule's ports.
                let remaining = current.filter { other in
                    (other["IpProtocol"]?.stringValue ?? "-1") == "-1" || other["IpProtocol"] == perm["IpProtocol"]
                }.flatMap { other in
                    let gone = revokedRanges(of: other)
                    return Self.ranges(other).filter { !gone.contains($0) }.compactMap(AddressRange.init).map {
                        (range: $0, ports: Self.ports(ofPermission: other))
                    }
                }
                // Group references (a default group's members talking to each other) are cut for every source.
                let groupRefs = !(perm["UserIdGroupPairs"]?.arrayValue ?? []).isEmpty
                return Cut(
                    proto: proto == "-1" ? "all" : proto, ports: ports,
                    removed: (groupRefs ? ["0.0.0.0/0"] : Self.ranges(perm)).compactMap(AddressRange.init),
                    remaining: remaining)
            }
        case "Microsoft.Network/networkSecurityGroups/securityRules/write":
            guard p["body"]?["properties"]?["access"]?.stringValue == "Deny", let name = p["name"]?.stringValue
            else { return [] }
            let rules = c.resource.property("properties")?["securityRules"]?.arrayValue ?? []
            guard let rule = rules.first(where: { $0["name"]?.stringValue == name }) else {
                return Self.newDenyCuts(p["body"]?["properties"] ?? .null, rules: rules)
            }
            guard let props = rule["properties"], props["access"]?.stringValue == "Allow" else { return [] }
            return Self.ports(props).map {
                Cut(
                    proto: (props["protocol"]?.stringValue ?? "*").lowercased(), ports: $0,
                    removed: Self.sources(props).compactMap(AddressRange.init), remaining: [])
            }
        case "compute.firewalls.patch", "compute.firewalls.delete":
            // Disabling or deleting an enabled rule cuts all it allows.
            let disables = c.operation == "compute.firewalls.delete" || p["body"]?["disabled"]?.boolValue == true
            guard disables, c.resource.property("disabled")?.boolValue != true,
                c.resource.property("direction")?.stringValue ?? "INGRESS" == "INGRESS",
                c.resource.property("denied") == nil
            else {
                return []
            }
            let sources = (c.resource.property("sourceRanges")?.arrayValue ?? []).compactMap(\.stringValue)
                .compactMap(AddressRange.init)
            return (c.resource.property("allowed")?.arrayValue ?? []).flatMap { allowed -> [Cut] in
                let proto = allowed["IPProtocol"]?.stringValue ?? "all"
                let ports = allowed["ports"]?.arrayValue?.compactMap(\.stringValue) ?? []
                if ports.isEmpty { return [Cut(proto: proto, ports: nil, removed: sources, remaining: [])] }
                return ports.map { Cut(proto: proto, ports: Self.portRange($0), removed: sources, remaining: []) }
            }
        default:
            return []
        }
    }

    /// The destination ports of an NSG rule's properties, as Azure reads them; nil for every port.
    static func ports(_ props: Value) -> [ClosedRange<Int>?] {
        NetworkSecurityGroupPorts.ruleRanges(props).map { $0 == 0...65_535 ? nil : $0 }
    }

    /// The source prefixes of an NSG rule's properties.
    static func sources(_ props: Value) -> [String] {
        (props["sourceAddressPrefixes"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            + [props["sourceAddressPrefix"]?.stringValue].compactMap { $0 }
    }

    /// A new inbound Deny rule (Custodian's `close`) cuts what the allow rules it comes before
    /// let in on its ports: for each such rule, the ports both cover, from the rule's sources
    /// (or the new rule's, where it names some).
    static func newDenyCuts(_ deny: Value, rules: [Value]) -> [Cut] {
        guard deny["direction"]?.stringValue?.lowercased() == "inbound" else { return [] }
        let priority = deny["priority"]?.numberValue ?? 0
        let denySources = sources(deny).filter { AddressRange($0) != AddressRange("*") }
        let denyPorts = NetworkSecurityGroupPorts.ruleRanges(deny)
        let denyProto = (deny["protocol"]?.stringValue ?? "*").lowercased()
        var out: [Cut] = []
        for rule in rules {
            guard let props = rule["properties"], props["access"]?.stringValue == "Allow",
                props["direction"]?.stringValue?.lowercased() == "inbound",
                (props["priority"]?.numberValue ?? 0) > priority
            else { continue }
            let proto = (props["protocol"]?.stringValue ?? "*").lowercased()
            guard denyProto == "*" || proto == "*" || proto == denyProto else { continue }
            let removed = (denySources.isEmpty ? sources(props) : denySources).compactMap(AddressRange.init)
            for allowed in NetworkSecurityGroupPorts.ruleRanges(props) {
                for ports in denyPorts where ports.overlaps(allowed) {
                    let both = max(ports.lowerBound, allowed.lowerBound)...min(ports.upperBound, allowed.upperBound)
                    out.append(
                        Cut(
                            proto: denyProto == "*" ? proto : denyProto, ports: both == 0...65_535 ? nil : both,
                            removed: removed, remaining: []))
                }
            }
        }
        return out
    }

    /// A permission's ports; nil for all traffic or every port.
    static func ports(ofPermission perm: Value) -> ClosedRange<Int>? {
        let proto = perm["IpProtocol"]?.stringValue ?? "-1"
        let from = perm["FromPort"]?.numberValue.map(Int.init)
        let to = perm["ToPort"]?.numberValue.map(Int.init)
        guard proto != "-1", let from, from != -1 else { return nil }
        return from...max(from, to ?? from)
    }

    /// Whether two permissions are the same rule: protocol and ports.
    static func sameRule(_ a: Value, _ b: Value) -> Bool {
        (a["IpProtocol"]?.stringValue ?? "-1") == (b["IpProtocol"]?.stringValue ?? "-1")
            && ports(ofPermission: a) == ports(ofPermission: b)
    }

    static func ranges(_ perm: Value) -> [String] {
        (perm["IpRanges"]?.arrayValue ?? []).compactMap { $0["CidrIp"]?.stringValue }
            + (perm["Ipv6Ranges"]?.arrayValue ?? []).compactMap { $0["CidrIpv6"]?.stringValue }
    }

    /// `22`, `20-30`; `*` is every port.
    static func portRange(_ text: String) -> ClosedRange<Int>? {
        if text == "*" { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard let first = parts.first else { return nil }
        return first...max(first, parts.last ?? first)
    }

    /// Running resources behind the group, NSG or firewall rule.
    func runningMembers(_ c: ImpactContext) -> [String] {
        switch c.resource.type {
        case "gcp.firewall":
            let tags = Set((c.resource.property("targetTags")?.arrayValue ?? []).compactMap(\.stringValue))
            let network = c.resource.property("network")
            var out: [String] = []
            c.view.forEachResource(ofType: "gcp.instance") { vm in
                guard vm.account == c.resource.account, vm.property("status")?.stringValue == "RUNNING" else {
                    return
                }
                let onNetwork = (vm.property("networkInterfaces")?.arrayValue ?? []).contains {
                    $0["network"] == network
                }
                let vmTags = Set((vm.property("tags")?["items"]?.arrayValue ?? []).compactMap(\.stringValue))
                if onNetwork, tags.isEmpty || !tags.isDisjoint(with: vmTags) { out.append(vm.id) }
            }
            return out
        default:
            return c.related("attached-to").filter(Self.isRunning).map(\.id)
        }
    }

    static func isRunning(_ r: Resource) -> Bool {
        if let state = r.property("State")?["Name"]?.stringValue { return state == "running" }
        if let status = r.property("status")?.stringValue { return status == "RUNNING" }
        if let power = r.property("properties")?["extended"]?["instanceView"]?["powerState"]?["code"]?.stringValue {
            return power == "PowerState/running"
        }
        return true
    }
}
