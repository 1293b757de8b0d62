import CloudModel
import CloudOperations

/// One kind of disruption a call can cause, as swift-format has one rule per file: which
/// operations it looks at, and what it finds for one call.
package protocol ImpactRule: Sendable {
    /// Operations this rule assesses.
    var operations: Set<String> { get }
    /// What this rule says a remediation of this kind can disrupt, for `remsim policies show`.
    var summary: String { get }
    func assess(_ call: ImpactContext) -> [DisruptionWarning]
}

/// Everything a rule may read about one call: the call, the resource as it is, the rest of the
/// inventory, and the time, with helpers to read evidence of use.
package struct ImpactContext {
    package let operation: String
    package let parameters: Value
    package let resource: Resource
    package let view: any InventoryView
    package let now: Timestamp
    /// When the run (or the live engine) started: evidence written `-1h` is relative to it.
    package let epoch: Timestamp
    package let lookback: SimDuration

    /// When evidence says something happened: an ISO 8601 time, or a duration relative to the
    /// epoch (`-3h`); nil when the value says neither.
    package func time(_ value: Value?) -> Timestamp? {
        guard let text = value?.stringValue else { return nil }
        if let t = Timestamp(iso8601: text) { return t }
        return SimDuration(parsing: text).map { epoch + $0 }
    }

    /// True when `time` falls within the look-back window before now.
    package func isRecent(_ time: Timestamp?) -> Bool {
        guard let time else { return false }
        return time <= now && now - time <= lookback
    }

    /// The resources the relation `name` of this resource names, that exist.
    package func related(_ name: String) -> [Resource] {
        (resource.relations[name] ?? []).compactMap { view.resource(id: $0) }
    }

    /// How long ago, for evidence lines: `3h ago`.
    package func ago(_ time: Timestamp) -> String { "\(now - time) ago" }
}
