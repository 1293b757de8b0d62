import CloudModel
import Policies

/// Reads the filter language, the same for policies and for scenario assertions:
///
/// ```yaml
/// - {key: FromPort, op: le, value: 22}
/// - {key: "tag:env", op: eq, value: prod}
/// - {key: "AccessKeys[0].CreateDate", value-type: age, op: gt, value: 90}
/// - or: [ ... ]          # also and:, not:
/// - any: IpPermissions   # also all:, none:
///   where: [ ... ]
/// ```
enum FilterReader {
    static let valueKeys = ["key", "op", "value", "value-type", "type"]

    static func filters(_ node: YAMLNode) throws(LoadError) -> [Filter] {
        var out: [Filter] = []
        for item in node.listOrSingle() { out.append(try filter(item)) }
        return out
    }

    static func filter(_ node: YAMLNode) throws(LoadError) -> Filter {
        let keys = node.mappingKeys
        guard node.isMapping, !keys.isEmpty else {
            throw node.error(
                "expected a filter (a mapping with key/op/value, and/or/not, or any/all/none), found \(node.kindName)")
        }
        if let combinator = ["and", "or", "not"].first(where: keys.contains) {
            let m = try node.mapping(allowing: [combinator])
            let inner = try filters(try m.required(combinator))
            guard !inner.isEmpty else { throw node.error("'\(combinator)' needs at least one filter") }
            switch combinator {
            case "and": return .and(inner)
            case "or": return .or(inner)
            default: return .not(inner)
            }
        }
        if let mode = Quantifier.Mode.allCases.first(where: { keys.contains($0.rawValue) }) {
            let m = try node.mapping(allowing: [mode.rawValue, "where"])
            let pathNode = try m.required(mode.rawValue)
            let path = try valuePath(pathNode)
            let inner = try filters(try m.required("where"))
            return .quantifier(Quantifier(mode: mode, path: path, filters: inner))
        }
        let m = try node.mapping(allowing: valueKeys)
        if let t = m["type"], try t.string() != "value" {
            throw t.error("only 'type: value' is supported (Cloud Custodian's value filter)")
        }
        let keyNode = try m.required("key")
        let keyText = try keyNode.string()
        let key: FilterKey =
            keyText.hasPrefix("tag:") ? .tag(String(keyText.dropFirst(4))) : .property(try valuePath(keyNode))
        let op = try m["op"]?.oneOf(FilterOp.self, FilterOp.allCases) ?? .eq
        let value = try m["value"]?.value() ?? .null
        let valueType = try m["value-type"]?.oneOf(ValueType.self, ValueType.allCases) ?? .plain
        do {
            return .value(try ValueFilter(key: key, op: op, value: value, valueType: valueType))
        } catch {
            throw (m["value"] ?? m["op"] ?? node).error(error.message)
        }
    }

    static func valuePath(_ node: YAMLNode) throws(LoadError) -> ValuePath {
        let text = try node.string()
        do {
            return try ValuePath(parsing: text)
        } catch {
            throw node.error(error.description)
        }
    }
}
