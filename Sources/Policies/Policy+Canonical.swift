import CloudModel

extension Policy {
    /// What decides the policy's behaviour, as one value in a fixed shape: its id, resource type,
    /// severity, filters and remediation steps. Titles, descriptions, compliance ids and examples
    /// are left out, so a digest of it changes exactly when what the policy does changes.
    package var behaviour: Value {
        var fields = Fields()
        fields["id"] = .string(id)
        fields["resource"] = .string(resourceType)
        fields["severity"] = .string(severity.rawValue)
        fields["filters"] = .array(filters.map(\.behaviour))
        if let remediation {
            fields["steps"] = .array(
                remediation.steps.map { step in
                    [
                        "operation": .string(step.operation), "parameters": step.parameters,
                        "for-each": .string(step.forEach.rawValue),
                    ]
                })
        }
        return .object(fields)
    }
}

extension Filter {
    var behaviour: Value {
        switch self {
        case .and(let inner): ["and": .array(inner.map(\.behaviour))]
        case .or(let inner): ["or": .array(inner.map(\.behaviour))]
        case .not(let inner): ["not": .array(inner.map(\.behaviour))]
        case .value(let f):
            [
                "key": .string(f.key.description), "op": .string(f.op.rawValue), "value": f.value,
                "value-type": .string(f.valueType.rawValue),
            ]
        case .quantifier(let q):
            .object(
                Fields([
                    Fields.Entry(key: q.mode.rawValue, value: .string(q.path.description)),
                    Fields.Entry(key: "where", value: .array(q.filters.map(\.behaviour))),
                ]))
        case .check(let c): c.behaviour
        }
    }
}
