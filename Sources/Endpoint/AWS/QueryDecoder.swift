import CloudModel

/// Reads the parameters of an AWS query-protocol request (`Action=…&GroupId=…&IpPermissions.1.…`)
/// into the value tree the API's own names give it, typed by the operation's input shape.
///
/// Two dialects, as botocore serializes them: EC2 numbers list items directly (`GroupId.1`) and
/// names members by their capitalised location (`IpPermissions.1.Groups.1.GroupId` is
/// `UserIdGroupPairs`); the other query services (IAM, STS, RDS, Redshift, ELBv2) put the list's
/// member name before the index (`ResourceARNList.member.1`) and use the member's own name.
package struct QueryDecoder {
    package enum Dialect: Sendable { case ec2, query }

    package struct Failure: Error, Equatable {
        /// `UnknownParameter`, `InvalidParameterValue`, as AWS answers them.
        package var code: String
        package var message: String
    }

    let dialect: Dialect
    private var form: [String: String] = [:]
    /// Every key, and every prefix of a key that ends at a dot: which lists and structures exist.
    private var prefixes: Set<Substring> = []
    private var used: Set<String> = []

    /// Decodes `pairs` against `shape`; a key the shape does not hold is an error, as AWS's is.
    package static func decode(
        _ pairs: [(name: String, value: String)], shape: Shape, dialect: Dialect, ignoring: Set<String> = []
    ) throws(Failure) -> Value {
        var decoder = QueryDecoder(dialect: dialect)
        for (name, value) in pairs where !ignoring.contains(name) {
            decoder.form[name] = value
            var end = name.startIndex
            while let dot = name[end...].firstIndex(of: ".") {
                decoder.prefixes.insert(name[..<dot])
                end = name.index(after: dot)
            }
            decoder.prefixes.insert(Substring(name))
        }
        let value = try decoder.structure(shape.members, prefix: "") ?? .emptyObject
        if let unknown = decoder.form.keys.filter({ !decoder.used.contains($0) }).min() {
            throw Failure(code: "UnknownParameter", message: "The parameter \(unknown) is not recognized")
        }
        return value
    }

    private init(dialect: Dialect) { self.dialect = dialect }

    private func key(_ member: Member, under prefix: String) -> String {
        let name =
            switch dialect {
            case .ec2: member.location.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? member.name
            case .query: member.location ?? member.name
            }
        return prefix.isEmpty ? name : "\(prefix).\(name)"
    }

    private mutating func structure(_ members: [Member], prefix: String) throws(Failure) -> Value? {
        var fields = Fields()
        for member in members {
            if let v = try value(member.shape, at: key(member, under: prefix)) { fields[member.name] = v }
        }
        return fields.isEmpty ? nil : .object(fields)
    }

    private mutating func value(_ shape: Shape, at key: String) throws(Failure) -> Value? {
        switch shape {
        case .structure(let members):
            return prefixes.contains(Substring(key)) ? try structure(members, prefix: key) : nil
        case .list(let element, let member):
            let base = dialect == .ec2 ? key : "\(key).\(member)"
            guard prefixes.contains(Substring(base)) else {
                // An empty list is sent as the bare key with no value.
                if dialect == .query, form[key] == "" {
                    used.insert(key)
                    return .array([])
                }
                return nil
            }
            var items: [Value] = []
            var index = 1
            while prefixes.contains(Substring("\(base).\(index)")) {
                if let v = try value(element, at: "\(base).\(index)") { items.append(v) }
                index += 1
            }
            return .array(items)
        case .map(let element):
            // `Key.entry.N.key` and `Key.entry.N.value`.
            guard prefixes.contains(Substring("\(key).entry")) else { return nil }
            var fields = Fields()
            var index = 1
            while let name = form["\(key).entry.\(index).key"] {
                used.insert("\(key).entry.\(index).key")
                if let v = try value(element, at: "\(key).entry.\(index).value") { fields[name] = v }
                index += 1
            }
            return .object(fields)
        default:
            guard let text = form[key] else { return nil }
            used.insert(key)
            return try scalar(shape, text, key: key)
        }
    }

    private func scalar(_ shape: Shape, _ text: String, key: String) throws(Failure) -> Value {
        switch shape {
        case .integer, .long:
            guard let i = Int(text) else { throw invalid(key, text, "an integer") }
            return .int(i)
        case .boolean:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw invalid(key, text, "true or false")
            }
        case .double:
            guard let d = Double(text) else { throw invalid(key, text, "a number") }
            return .double(d)
        default:
            return .string(text)
        }
    }

    private func invalid(_ key: String, _ text: String, _ expected: String) -> Failure {
        Failure(
            code: "InvalidParameterValue",
            message: "Value (\(text)) for parameter \(key) is invalid: expected \(expected)")
    }
}
