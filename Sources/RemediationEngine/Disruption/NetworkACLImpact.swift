import CloudModel
import CloudOperations

/// Deleting a network ACL entry: flow records on the ACL (`usage.flows`) that the deleted allow
/// entry covered, and no remaining allow entry does, within the look-back window: high.
struct NetworkACLImpact: ImpactRule {
    let operations: Set<String> = ["ec2:DeleteNetworkAclEntry"]
    let summary = "stops traffic the deleted allow entry carried that no other entry allows"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        let entries = c.resource.property("Entries")?.arrayValue ?? []
        let egress = c.parameters["Egress"]?.boolValue ?? false
        guard
            let deleted = entries.first(where: {
                $0["RuleNumber"] == c.parameters["RuleNumber"] && ($0["Egress"]?.boolValue ?? false) == egress
            }),
            deleted["RuleAction"]?.stringValue == "allow"
        else { return [] }
        let others = entries.filter {
            $0 != deleted && ($0["Egress"]?.boolValue ?? false) == egress && $0["RuleAction"]?.stringValue == "allow"
        }
        func covers(_ entry: Value, port: Int?, source: String) -> Bool {
            guard
                let range = AddressRange(entry["CidrBlock"]?.stringValue ?? entry["Ipv6CidrBlock"]?.stringValue ?? ""),
                range.contains(source)
            else { return false }
            if entry["Protocol"]?.stringValue == "-1" { return true }
            guard let port, let from = entry["PortRange"]?["From"]?.numberValue,
                let to = entry["PortRange"]?["To"]?.numberValue
            else { return port == nil }
            return Double(port) >= from && Double(port) <= to
        }
        var evidence: [String] = []
        for flow in c.resource.usage["flows"]?.arrayValue ?? [] {
            guard let source = flow["source"]?.stringValue, let last = c.time(flow["last-seen"]), c.isRecent(last)
            else { continue }
            let port = flow["port"].flatMap { $0.numberValue.map(Int.init) }
            if covers(deleted, port: port, source: source),
                !others.contains(where: { covers($0, port: port, source: source) })
            {
                evidence.append(
                    "\(source) → port \(port.map(String.init) ?? "any"): \(Int(flow["count"]?.numberValue ?? 1)) "
                        + "packets, last \(c.ago(last))"
                )
            }
        }
        guard !evidence.isEmpty else { return [] }
        return [
            DisruptionWarning(
                kind: "nacl-traffic", severity: .high, resourceId: c.resource.id, operation: c.operation,
                evidence: evidence,
                explanation:
                    "traffic only entry \(deleted["RuleNumber"].map { $0.jsonText } ?? "?") allows was seen "
                    + "within the last \(c.lookback)"
            )
        ]
    }
}
