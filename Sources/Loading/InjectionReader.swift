import CloudModel
import Simulation

/// Reads `inject:` with its `with:` parameters.
enum InjectionReader {
    /// `resourceId` is the entry's `resource:`, the id a `create-resource` gives what it makes.
    static func injection(named name: String, node: YAMLNode, with: YAMLNode?, resourceId: String) throws(LoadError)
        -> Injection
    {
        func params(_ allowed: [String]) throws(LoadError) -> YAMLMapping? {
            try with?.mapping(allowing: allowed)
        }
        func noParams() throws(LoadError) {
            if let with { throw with.error("'\(name)' takes no parameters") }
        }
        switch name {
        case "open-ingress":
            guard let w = try params(["port", "to-port", "protocol", "cidr"]) else {
                throw node.error("'open-ingress' needs 'with: {port: 22, cidr: 0.0.0.0/0}'")
            }
            let port = try w.required("port").int(in: -1...65535)
            let toPort = try w["to-port"]?.int(in: -1...65535) ?? port
            guard toPort >= port else {
                throw w["to-port"]?.error("'to-port' must not be below 'port'") ?? node.error("bad ports")
            }
            let cidrNode = try w.required("cidr")
            let cidr = try cidrNode.string()
            guard cidr.contains("/") else {
                throw cidrNode.error("expected a CIDR block such as 0.0.0.0/0 or ::/0, found \(YAMLNode.quoted(cidr))")
            }
            return .openIngress(
                protocol: try w["protocol"]?.string() ?? "tcp", fromPort: port, toPort: toPort, cidr: cidr)
        case "remove-public-access-block":
            try noParams()
            return .removePublicAccessBlock
        case "age-access-key":
            guard let w = try params(["days", "key"]) else {
                throw node.error("'age-access-key' needs 'with: {days: 200}'")
            }
            return .ageAccessKey(days: try w.required("days").int(in: 0...36_500), keyId: try w["key"]?.string())
        case "disable-log-file-validation":
            try noParams()
            return .disableLogFileValidation
        case "delete-flow-logs":
            try noParams()
            return .deleteFlowLogs
        case "delete-resource":
            try noParams()
            return .deleteResource
        case "create-resource":
            // What it makes is written as a fixture file writes a resource; its id is the entry's.
            guard let with else {
                throw node.error(
                    "'create-resource' needs 'with: {type: TYPE, account: ..., region: ..., properties: {...}}', "
                        + "the resource as a fixture file writes it"
                )
            }
            if let idNode = try with.mapping(allowing: FixtureLoader.resourceKeys)["id"] {
                throw idNode.error("the new resource's id is the entry's 'resource', not an 'id' here")
            }
            return .createResource(
                try FixtureLoader.resource(with, defaultAccount: nil, defaultRegion: nil, defaultId: resourceId))
        case "patch":
            guard let w = try params(["set", "remove"]) else {
                throw node.error("'patch' needs 'with: {set: {PATH: VALUE}, remove: [PATH]}'")
            }
            var assignments: [PathAssignment] = []
            if let set = w["set"] {
                let sm = try set.mapping(allowing: set.mappingKeys)
                for (key, valueNode) in sm.entries {
                    let path: ValuePath
                    do { path = try ValuePath(parsing: key) } catch { throw valueNode.error(error.description) }
                    if path.isProjection { throw valueNode.error("a path with '[]' cannot be written to") }
                    assignments.append(PathAssignment(path: path, value: try valueNode.value()))
                }
            }
            var removals: [ValuePath] = []
            for item in try w["remove"]?.list() ?? [] { removals.append(try FilterReader.valuePath(item)) }
            guard !assignments.isEmpty || !removals.isEmpty else {
                throw with?.error("'patch' changes nothing") ?? node.error("empty patch")
            }
            return .patch(set: assignments, remove: removals)
        default:
            let suggestion = Suggest.didYouMean(name, in: Injection.names)
            throw node.error(
                "unknown injection '\(name)'\(suggestion) (known: \(Injection.names.joined(separator: ", ")))")
        }
    }
}
