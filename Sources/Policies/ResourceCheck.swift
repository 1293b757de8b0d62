import CloudModel

/// A test of a whole resource that the filter language's value filters and quantifiers do not
/// express: Cloud Custodian's value filter with its Python semantics, and Custodian's type
/// filters (`ingress`, `check-public-block`, `access-key`, …). Each reads the resource as
/// Custodian describes it (`document(_:tags:)`).
///
/// A class to subclass, immutable once built, for the reason `ValueFilter` is a class.
package class ResourceCheck: @unchecked Sendable {
    // @unchecked: subclasses hold only immutable, Sendable state.

    /// How Custodian's resource carries its tags: AWS's `Tags` list of `Key`/`Value`, Azure's
    /// `tags` object, GCP's `labels` object.
    package enum TagShape: Sendable { case aws, azure, gcp }

    package let tagShape: TagShape

    package init(tagShape: TagShape) { self.tagShape = tagShape }

    /// True when the resource passes the check at `now`.
    package func holds(_ resource: Value, tags: [String: String], now: Timestamp) -> Bool { false }

    /// The list elements that made it pass (an `ingress` filter's permissions), under the name a
    /// remediation refers to them by; nil for a check that keeps none.
    package func matched(_ resource: Value, tags: [String: String], now: Timestamp) -> MatchedElements? { nil }

    /// Durations after (positive) or before (negative) a timestamp in the resource at which the
    /// check's verdict may change with time alone (`age`, `expiration`).
    package var ageThresholds: [SimDuration] { [] }

    /// What the check is, for `policies show` and digests.
    package var behaviour: Value { .null }

    /// The resource as Custodian's filters see it: its properties, with its tags in the cloud's
    /// own place when the properties do not already carry them.
    package func document(_ properties: Value, tags: [String: String]) -> Value {
        guard !tags.isEmpty, case .object(var fields) = properties else { return properties }
        switch tagShape {
        case .aws:
            if fields["Tags"] == nil {
                fields["Tags"] = .array(
                    tags.keys.sorted().map { ["Key": .string($0), "Value": .string(tags[$0] ?? "")] })
            }
        case .azure:
            if fields["tags"] == nil {
                fields["tags"] = .object(
                    Fields(tags.keys.sorted().map { .init(key: $0, value: .string(tags[$0] ?? "")) }))
            }
        case .gcp:
            if fields["labels"] == nil {
                fields["labels"] = .object(
                    Fields(tags.keys.sorted().map { .init(key: $0, value: .string(tags[$0] ?? "")) }))
            }
        }
        return .object(fields)
    }
}
