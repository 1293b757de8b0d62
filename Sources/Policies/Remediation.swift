import CloudModel

/// A policy's automated fix: 1–5 cloud API operations, run in order, stopping at the first failure.
package struct Remediation: Sendable {
    package var steps: [RemediationStep]
    package var description: String

    package static let maximumSteps = 5

    package init(steps: [RemediationStep], description: String = "") {
        self.steps = steps
        self.description = description
    }
}

/// One API call, named as the cloud names it (`ec2:RevokeSecurityGroupIngress`); that name is
/// also the permission the call needs.
///
/// Parameter strings may hold variables: `${resourceId}`, `${resourceName}`, `${region}`,
/// `${account}`, `${matched}` (the matched list elements), and with `for-each: matched`,
/// `${item}` and `${item.Field}` for each matched element in turn. A string that is exactly one
/// variable takes the variable's value whole (a list stays a list).
package struct RemediationStep: Sendable {
    package enum Repetition: String, Sendable {
        /// One call.
        case once
        /// One call per matched element (`iam:UpdateAccessKey` takes one key at a time).
        case matched
    }

    package var operation: String
    package var parameters: Value
    package var forEach: Repetition
    package var description: String
    /// With `for-each: matched`, the matched list to repeat over by name (`MatchedElements.path`,
    /// `c7n:matched-keys`); nil for the first one, what `${matched}` stands for.
    package var over: String?
    /// True for a step that has nothing to do for some resources, as a Cloud Custodian action
    /// may: no call is made when it repeats over no elements or a variable has no value (a
    /// `remove-permissions` with `egress: matched` on a group whose egress matched nothing).
    package var optional: Bool
    /// With `for-each`, each element (an object) is merged into the call's parameters: a call
    /// whose parameters are worked out for each resource (Custodian's `modify-db` sends only the
    /// properties that differ).
    package var parametersFromItem = false

    package init(
        operation: String, parameters: Value, forEach: Repetition = .once, description: String = "",
        over: String? = nil, optional: Bool = false
    ) {
        self.operation = operation
        self.parameters = parameters
        self.forEach = forEach
        self.description = description
        self.over = over
        self.optional = optional
    }

    /// `ec2` of `ec2:RevokeSecurityGroupIngress`.
    package var service: String { operation.split(separator: ":", maxSplits: 1).first.map(String.init) ?? operation }
    /// `RevokeSecurityGroupIngress` of `ec2:RevokeSecurityGroupIngress`.
    package var action: String { operation.split(separator: ":", maxSplits: 1).last.map(String.init) ?? operation }
}
