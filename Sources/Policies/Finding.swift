import CloudModel

/// A resource that violates a policy, with the exact list elements that made it violate.
public struct Finding: Sendable, Hashable {
    public var policyId: String
    public var resourceId: String
    /// For each `any` quantifier at the top of the policy's filters: the elements that matched,
    /// each reduced to what matched (see `Evaluator`).
    public var matched: [MatchedElements]

    public init(policyId: String, resourceId: String, matched: [MatchedElements] = []) {
        self.policyId = policyId
        self.resourceId = resourceId
        self.matched = matched
    }

    /// The matched elements of the first quantifier: what `${matched}` stands for in a step.
    public var primaryMatch: [Value] { matched.first?.elements ?? [] }
}

public struct MatchedElements: Sendable, Hashable {
    public var path: String
    public var elements: [Value]
    public init(path: String, elements: [Value]) {
        self.path = path
        self.elements = elements
    }
}
