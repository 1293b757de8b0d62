import CloudModel
import CloudOperations
import Policies

/// A remediation made concrete for one finding: every call with its parameters filled in and
/// the command a person would run.
package struct RemediationPlan: Sendable, Hashable {
    package struct Call: Sendable, Hashable {
        /// 1-based, as the policy numbers its steps; a `for-each` step gives several calls.
        package var step: Int
        package var operation: String
        package var parameters: Value
        package var command: ShellCommand
        /// Error codes that mean the call's work is already done (`RemediationStep.alreadyDone`).
        package var alreadyDone: [String] = []

        package init(step: Int, operation: String, parameters: Value, command: ShellCommand) {
            self.step = step
            self.operation = operation
            self.parameters = parameters
            self.command = command
        }
    }

    /// A plan of calls made some other way (a test, an importer of another tool's plans).
    package init(calls: [Call]) { self.calls = calls }

    package var calls: [Call]

    /// Fills in the policy's steps for `finding` on `resource`, at `now` (what `${time:…}` reads;
    /// the epoch when not given), looking up the other resources a step names in `view` (when
    /// not given, as for an example plan, such a reference stays as written).
    package init(
        policy: Policy, finding: Finding, resource: Resource, now: Timestamp? = nil, view: (any InventoryView)? = nil,
        parameters: [String: Value]? = nil
    ) throws(PlanError) {
        guard let remediation = policy.remediation, !remediation.steps.isEmpty else {
            throw PlanError.notRemediable(policy.id)
        }
        let variables = TemplateVariables(
            resource: resource, finding: finding, now: now ?? Timestamp(milliseconds: 0), view: view,
            parameters: parameters)
        var calls: [Call] = []
        for (index, step) in remediation.steps.enumerated() {
            let matched = step.over.map { finding.elements(named: $0) } ?? finding.primaryMatch
            let items: [Value?] = step.forEach == .matched ? matched.map { $0 } : [nil]
            if step.forEach == .matched, items.isEmpty {
                if step.optional { continue }
                throw PlanError.noMatchedElements(policy: policy.id, step: index + 1)
            }
            for item in items {
                var parameters: Value
                do {
                    parameters = try variables.substitute(step.parameters, item: item, step: index + 1)
                } catch .missingValue where step.optional {
                    continue
                }
                if step.parametersFromItem, case .object(var fields) = parameters, case .object(let extra)? = item {
                    for entry in extra.entries { fields[entry.key] = entry.value }
                    parameters = .object(fields)
                }
                let command = CommandRenderer.render(
                    operation: step.operation, parameters: parameters, resource: resource)
                var call = Call(step: index + 1, operation: step.operation, parameters: parameters, command: command)
                call.alreadyDone = step.alreadyDone
                calls.append(call)
            }
        }
        self.calls = calls
    }
}

package enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    case notRemediable(String)
    case unknownVariable(name: String, step: Int)
    case missingValue(name: String, step: Int)
    case noMatchedElements(policy: String, step: Int)
    /// A step names another resource that is not there (the KMS key to encrypt with).
    case unresolved(String, step: Int)

    package var description: String {
        switch self {
        case .notRemediable(let id): "policy '\(id)' has no remediation steps"
        case .unknownVariable(let name, let step): "step \(step): unknown variable '${\(name)}'"
        case .missingValue(let name, let step): "step \(step): '${\(name)}' has no value for this resource"
        case .noMatchedElements(let policy, let step):
            "step \(step) of '\(policy)' repeats for each matched element, but nothing matched"
        case .unresolved(let what, let step): "step \(step): \(what)"
        }
    }
}
