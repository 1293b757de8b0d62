import CloudModel

/// Deactivating an access key: `usage.access-key-last-used` (one `{key, service, last-used}` or
/// a list) says who uses it. Used within the look-back window: high, naming the service; used
/// before: low; never: no warning.
struct AccessKeyImpact: ImpactRule {
    let operations: Set<String> = ["iam:UpdateAccessKey"]
    let summary = "cuts off whatever still signs requests with the key, named by the service that last used it"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        guard c.parameters["Status"]?.stringValue == "Inactive", let key = c.parameters["AccessKeyId"]?.stringValue else { return [] }
        let records = c.resource.usage["access-key-last-used"].map { $0.arrayValue ?? [$0] } ?? []
        guard let use = records.first(where: { $0["key"]?.stringValue == key }), let last = c.time(use["last-used"]) else { return [] }
        let service = use["service"]?.stringValue ?? "an unknown service"
        let recent = c.isRecent(last)
        return [DisruptionWarning(
            kind: "key-in-use", severity: recent ? .high : .low, resourceId: c.resource.id, operation: c.operation,
            evidence: ["\(key) last used \(c.ago(last)) by \(service)"],
            explanation: recent ? "\(key) was used by \(service) \(c.ago(last)); whatever uses it will fail to authenticate"
                                : "\(key) was last used \(c.ago(last)), before the look-back window")]
    }
}
