import CloudModel
import CloudOperations

/// Deactivating or deleting an access key: `usage.access-key-last-used` (one `{key, service, last-used}` or
/// a list) says who uses it. Used within the look-back window: high, naming the service; used
/// before: low; never: no warning. A function or instance configured with the key (relation
/// `uses-key` naming the key id) makes it high too: it will fail on its next call.
struct AccessKeyImpact: ImpactRule {
    let operations: Set<String> = ["iam:UpdateAccessKey", "iam:DeleteAccessKey"]
    let summary = "cuts off whatever still signs requests with the key, named by the service that last used it"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        let cuts = c.operation == "iam:DeleteAccessKey" || c.parameters["Status"]?.stringValue == "Inactive"
        guard cuts, let key = c.parameters["AccessKeyId"]?.stringValue else { return [] }
        var holders: [String] = []
        for type in ["aws.lambda", "aws.ec2"] {
            c.view.forEachResource(ofType: type, relatedBy: "uses-key", to: key) { holders.append($0.id) }
        }
        var warnings: [DisruptionWarning] = []
        if !holders.isEmpty {
            warnings.append(
                DisruptionWarning(
                    kind: "key-in-use", severity: .high, resourceId: c.resource.id, operation: c.operation,
                    affected: holders,
                    evidence: holders.map { "\($0) is configured with \(key)" },
                    explanation:
                        "\(holders.count) resource\(holders.count == 1 ? " is" : "s are") configured with \(key) "
                        + "and will fail to authenticate"
                ))
        }
        let records = c.resource.usage["access-key-last-used"].map { $0.arrayValue ?? [$0] } ?? []
        guard let use = records.first(where: { $0["key"]?.stringValue == key }), let last = c.time(use["last-used"])
        else { return warnings }
        let service = use["service"]?.stringValue ?? "an unknown service"
        let recent = c.isRecent(last)
        return warnings + [
            DisruptionWarning(
                kind: "key-in-use", severity: recent ? .high : .low, resourceId: c.resource.id, operation: c.operation,
                evidence: ["\(key) last used \(c.ago(last)) by \(service)"],
                explanation: recent
                    ? "\(key) was used by \(service) \(c.ago(last)); whatever uses it will fail to authenticate"
                    : "\(key) was last used \(c.ago(last)), before the look-back window")
        ]
    }
}
