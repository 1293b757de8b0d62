import CloudModel
import Foundation

/// A policy's automated fix: 1–5 cloud API operations, run in order, stopping at the first failure.
package struct Remediation: Sendable {
    package var steps: [RemediationStep]
    package var description: String
    /// What the steps need that differs from estate to estate (the bucket access logs go to, the
    /// role flow logs deliver with): `${param.NAME}` in a step. A scenario or an alert rule gives
    /// the values; a parameter without a default must be given wherever the remediation may run.
    package var parameters: [RemediationParameter] = []

    package static let maximumSteps = 5

    package init(steps: [RemediationStep], description: String = "") {
        self.steps = steps
        self.description = description
    }
}

/// A value a remediation takes from the scenario or alert rule that runs it.
package struct RemediationParameter: Sendable, Hashable {
    package var name: String
    package var description: String
    /// Used when nothing sets the parameter; may hold variables (`${account}`). Nil: required.
    package var defaultValue: Value?
    /// The value the policy's own examples are run with (by `validate`, `policies show` and
    /// `replay --builtin`), where there is no scenario to set it; the default when not given.
    package var example: Value?

    package init(name: String, description: String, defaultValue: Value? = nil, example: Value? = nil) {
        self.name = name
        self.description = description
        self.defaultValue = defaultValue
        self.example = example
    }
}

extension Remediation {
    /// The values its policy's examples are run with: each parameter's example, or default.
    package var exampleParameters: [String: Value] {
        var values: [String: Value] = [:]
        for p in parameters { if let v = p.example ?? p.defaultValue { values[p.name] = v } }
        return values
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
    /// Error codes that say the step's work is already done, answered as success: Custodian's
    /// `set-flow-log` goes on when the log group it creates is there already.
    package var alreadyDone: [String] = []

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

    /// A call made once per element of the selection `over`, each element (an object) merged
    /// into `parameters`; none where the selection has no element. The form of a Custodian
    /// action whose parameters are worked out per resource.
    package static func perItem(
        operation: String, parameters: Value = .emptyObject, description: String, over selection: String
    ) -> RemediationStep {
        var step = RemediationStep(
            operation: operation, parameters: parameters, forEach: .matched, description: description, over: selection,
            optional: true)
        step.parametersFromItem = true
        return step
    }

    /// `ec2` of `ec2:RevokeSecurityGroupIngress`.
    package var service: String { operation.split(separator: ":", maxSplits: 1).first.map(String.init) ?? operation }
    /// `RevokeSecurityGroupIngress` of `ec2:RevokeSecurityGroupIngress`.
    package var action: String { operation.split(separator: ":", maxSplits: 1).last.map(String.init) ?? operation }
}

/// The step-template variables a check fills in itself when it works out a call's values for a
/// resource (a tag set, a logging target): `${account}`, `${region}`, `${resourceName}` and
/// `${time:+DURATION:FORMAT}`, as `TemplateVariables` fills them in a plan.
package enum StepTemplate {
    /// `time:+DURATION:FORMAT` (the part inside `${…}`): `now` moved on by the duration, written
    /// in the strftime format; nil when it is not that.
    package static func time(_ name: String, now: Timestamp) -> String? {
        guard name.hasPrefix("time:+") else { return nil }
        let parts = name.dropFirst(6).split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let offset = SimDuration(parsing: parts[0]) else { return nil }
        return (now + offset).formatted(strftime: parts[1])
    }

    /// `template` with the variables above filled in for a resource.
    package static func fill(_ template: String, account: String, region: String, name: String, now: Timestamp)
        -> String
    {
        var out = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            out += rest[..<start.lowerBound]
            let variable = String(rest[start.upperBound..<end])
            switch variable {
            case "account": out += account
            case "region": out += region
            case "resourceName": out += name
            default: out += time(variable, now: now) ?? "${\(variable)}"
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
