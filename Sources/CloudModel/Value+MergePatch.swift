extension Value {
    /// This value with `patch` applied as a JSON merge patch (RFC 7386): an object patch merges
    /// member by member, `null` removes a member, anything else replaces. Azure Resource Manager and
    /// Google Cloud apply a PATCH this way.
    package func merging(patch: Value) -> Value {
        guard case .object(let patchFields) = patch else { return patch }
        var fields = objectValue ?? Fields()
        for entry in patchFields.entries {
            if entry.value.isNull {
                fields[entry.key] = nil
            } else {
                fields[entry.key] = (fields[entry.key] ?? .null).merging(patch: entry.value)
            }
        }
        return .object(fields)
    }
}
