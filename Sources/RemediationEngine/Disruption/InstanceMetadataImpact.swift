import CloudModel
import CloudOperations

/// Requiring IMDSv2 on an instance: `usage.imdsv1-requests: {count, last-seen}` says software on
/// it still calls IMDSv1. Recent calls: high (it loses its instance credentials); a running
/// instance with no such evidence: low.
struct InstanceMetadataImpact: ImpactRule {
    let operations: Set<String> = ["ec2:ModifyInstanceMetadataOptions"]
    let summary = "cuts off software on the instance still using IMDSv1 from its instance credentials"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        guard c.parameters["HttpTokens"]?.stringValue == "required" else { return [] }
        if let calls = c.resource.usage["imdsv1-requests"], let last = c.time(calls["last-seen"]), c.isRecent(last) {
            let count = Int(calls["count"]?.numberValue ?? 0)
            return [
                DisruptionWarning(
                    kind: "imdsv1-in-use", severity: .high, resourceId: c.resource.id, operation: c.operation,
                    evidence: ["\(count) IMDSv1 request\(count == 1 ? "" : "s"), last \(c.ago(last))"],
                    explanation:
                        "software on the instance still calls IMDSv1; requiring session tokens cuts it off from "
                        + "its credentials"
                )
            ]
        }
        guard IngressImpact.isRunning(c.resource) else { return [] }
        return [
            DisruptionWarning(
                kind: "imdsv1-in-use", severity: .low, resourceId: c.resource.id, operation: c.operation,
                evidence: ["no IMDSv1 requests seen in the last \(c.lookback)"],
                explanation: "the instance is running; nothing on it was seen using IMDSv1")
        ]
    }
}
