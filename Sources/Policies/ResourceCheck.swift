import CloudModel

/// A test of a whole resource that the filter language's value filters and quantifiers do not
/// express: Cloud Custodian's value filter with its Python semantics, and Custodian's type
/// filters (`ingress`, `check-public-block`, `access-key`, …).
///
/// A class to subclass, immutable once built, for the reason `ValueFilter` is a class.
package class ResourceCheck: @unchecked Sendable {
    // @unchecked: subclasses hold only immutable, Sendable state.

    /// The resource type the check is for: it decides how Custodian describes the resource.
    package let resourceType: String
    /// What the policy file wrote for it, for `policies show` and digests.
    package let written: Value

    package init(resourceType: String, written: Value = .null) {
        self.resourceType = resourceType
        self.written = written
    }

    /// True when the resource passes the check at `now`.
    package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool { false }

    /// The list elements that made it pass (an `ingress` filter's permissions), under the name a
    /// remediation refers to them by; nil for a check that keeps none.
    package func matched(_ resource: CheckedResource, now: Timestamp) -> MatchedElements? { nil }

    /// Durations after (positive) or before (negative) a timestamp in the resource at which the
    /// check's verdict may change with time alone (`age`, `expiration`).
    package var ageThresholds: [SimDuration] { [] }

    /// Instants at which the check's verdict on this resource changes with time alone (a
    /// marked action falling due); the first after now is when to look at it again.
    package func crossings(_ resource: CheckedResource) -> [Timestamp] { [] }

    /// Whether `crossings` can give any instant.
    package var hasCrossings: Bool { false }

    /// For a selection that decides a step's calls resource by resource (whether an action
    /// calls at all, the tags it writes): its name (the step's `over`) and what it decides, in
    /// words, for `policies show` (`only when: …`); nil for other checks.
    package var stepNote: (name: String, text: String)? { nil }

    /// What the check is, for `policies show` and digests: what the policy file wrote.
    package var behaviour: Value { written.isNull ? .null : ["custodian": written] }

    /// The resource in both shapes a check reads.
    package func view(_ properties: Value, tags: [String: String]) -> CheckedResource {
        CheckedResource(
            properties: properties,
            document: CustodianShape.document(type: resourceType, properties: properties, tags: tags), tags: tags)
    }
}

/// A resource as a check reads it: remsim's properties (the describe call's shape, with what
/// other calls return folded in), and the document Cloud Custodian's filters see.
package struct CheckedResource {
    package var properties: Value
    package var document: Value
    package var tags: [String: String]
    /// Where the resource is and what it is called: known when a finding is made (a remediation's
    /// condition reads them), empty while a scan tests filters.
    package var account = ""
    package var region = ""
    package var name = ""

    package init(properties: Value, document: Value, tags: [String: String]) {
        self.properties = properties
        self.document = document
        self.tags = tags
    }
}
