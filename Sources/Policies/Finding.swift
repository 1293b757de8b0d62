import CloudModel

/// A resource that violates a policy, with the exact list elements that made it violate.
package struct Finding: Sendable, Hashable {
    package var policyId: String
    package var resourceId: String
    /// For each `any` quantifier at the top of the policy's filters: the elements that matched,
    /// each reduced to what matched (see `Evaluator`).
    package var matched: [MatchedElements]

    package init(policyId: String, resourceId: String, matched: [MatchedElements] = []) {
        self.policyId = policyId
        self.resourceId = resourceId
        self.matched = matched
    }

    /// The matched elements of the first quantifier: what `${matched}` stands for in a step.
    package var primaryMatch: [Value] { matched.first?.elements ?? [] }

    /// The matched elements kept under `name` (`IpPermissionsEgress`, `c7n:matched-keys`).
    package func elements(named name: String) -> [Value] { matched.first { $0.path == name }?.elements ?? [] }
}

package struct MatchedElements: Sendable, Hashable {
    package var path: String
    package var elements: [Value]
    package init(path: String, elements: [Value]) {
        self.path = path
        self.elements = elements
    }
}
