import CloudModel
import CloudOperations

/// The JSON Schemas in `Schemas/` let editors complete and check the files people write. Their
/// lists of resource types and operations (`$defs.resourceType`, `$defs.operation`, which every
/// other place refers to) are generated from the type registry and the operation catalog, never
/// typed by hand: a type or operation added in code is in the schemas once they are regenerated
/// (`REMSIM_UPDATE_SCHEMAS=1 swift test --filter SchemaTests`), and a test fails until then.
package enum SchemaLists {
    /// The schema files that hold the lists.
    package static let files = ["fixture.schema.json", "policy.schema.json"]

    /// The schema's text with its lists as the registry and catalog hold them now; the rest of
    /// the document is kept as it is, members in their order.
    package static func regenerated(_ text: String) throws(Value.JSONProblem) -> String {
        guard case .object(var root) = try Value(json: text), case .object(var defs)? = root["$defs"] else {
            return text
        }
        if case .object(var types)? = defs["resourceType"] {
            types["enum"] = .array(ResourceTypeRegistry.names.map(Value.string))
            defs["resourceType"] = .object(types)
        }
        if case .object(var operations)? = defs["operation"] {
            operations["enum"] = .array(OperationCatalog.names.map(Value.string))
            defs["operation"] = .object(operations)
        }
        root["$defs"] = .object(defs)
        return Value.object(root).indentedJSONText
    }
}
