import CloudModel
import Foundation

/// Custodian's `has-statement` on a bucket: its policy (`Policy`, the JSON text get-bucket-policy
/// returns) has a statement with each of `statement_ids`, and, for each of `statements`, one
/// statement that matches it as Custodian compares them: each element the required statement
/// gives equal to the bucket's once strings and lists are read as sets (actions without case,
/// condition keys without case), and the `PartialMatch` elements only contained in the
/// bucket's. `{account_id}`, `{region}`, `{bucket_name}` and `{bucket_region}` in the required
/// statements are the bucket's. A bucket without a policy has no statement.
package final class HasStatementCheck: ResourceCheck, @unchecked Sendable {
    let statementIds: [String]
    let statements: [Value]

    package init(statementIds: [String], statements: [Value], written: Value) {
        self.statementIds = statementIds
        self.statements = statements
        super.init(resourceType: "aws.s3", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        guard let policy = BucketPolicy.statements(resource.properties["Policy"]) else { return false }
        let sids = policy.compactMap { $0["Sid"]?.stringValue }
        guard statementIds.allSatisfy(sids.contains) else { return false }
        let arguments = [
            "account_id": resource.account, "region": resource.region,
            "bucket_name": resource.properties["Name"]?.stringValue ?? resource.name, "bucket_region": resource.region,
        ]
        for required in statements {
            let formatted = BucketPolicy.format(required, arguments)
            guard policy.contains(where: { StatementMatch.matches(formatted, $0) == true }) else { return false }
        }
        return true
    }
}

/// Custodian's `missing-policy-statement` (`missing-statement`): the bucket has no policy, or
/// its policy lacks a statement with one of `statement_ids`.
package final class MissingPolicyStatementCheck: ResourceCheck, @unchecked Sendable {
    let statementIds: [String]

    package init(statementIds: [String], written: Value) {
        self.statementIds = statementIds
        super.init(resourceType: "aws.s3", written: written)
    }

    override package func holds(_ resource: CheckedResource, now: Timestamp) -> Bool {
        guard let text = resource.properties["Policy"], !text.isNull else { return true }
        guard let policy = BucketPolicy.statements(text) else { return false }
        let sids = policy.compactMap { $0["Sid"]?.stringValue }
        return !statementIds.allSatisfy(sids.contains)
    }
}

/// A bucket policy as Custodian reads it.
package enum BucketPolicy {
    /// The statements of a policy given as get-bucket-policy's JSON text (or, in a fixture, as
    /// the document); nil where there is no policy, or Custodian could not read it (it stops
    /// on such a policy).
    package static func statements(_ policy: Value?) -> [Value]? {
        guard let policy, !policy.isNull else { return nil }
        let document: Value
        if let text = policy.stringValue {
            guard let parsed = try? Value(json: text) else { return nil }
            document = parsed
        } else {
            document = policy
        }
        guard document.objectValue != nil else { return nil }
        guard let statements = document["Statement"] else { return [] }
        guard let list = statements.arrayValue, list.allSatisfy({ $0.objectValue != nil }) else { return nil }
        return list
    }

    /// The policy as Custodian's resource holds it: the JSON text.
    package static func text(_ policy: Value) -> Value {
        policy.stringValue != nil || policy.isNull ? policy : .string(policy.jsonText)
    }

    /// Python's `str.format` with named fields, as Custodian's `format_string_values` applies
    /// it to every string: a string naming any other field (or a positional one) is left as it
    /// is; nil for a string `str.format` cannot read (a lone brace), which stops Custodian.
    package static func format(_ text: String, _ arguments: [String: String]) -> String? {
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            if c == "{" {
                if next < text.endIndex, text[next] == "{" {
                    out.append("{")
                    i = text.index(after: next)
                    continue
                }
                guard let close = text[next...].firstIndex(of: "}") else { return nil }
                let field = String(text[next..<close])
                if field.contains("{") { return nil }
                // `{name!r}`, `{name:>10}`, `{name.attr}`: the name is what comes before. An
                // unknown name leaves the string as written; a known one with more is refused.
                let name = String(field.prefix { $0 != "!" && $0 != ":" && $0 != "." && $0 != "[" })
                guard let value = arguments[name] else { return text }
                guard name == field else { return nil }
                out += value
                i = text.index(after: close)
            } else if c == "}" {
                guard next < text.endIndex, text[next] == "}" else { return nil }
                out.append("}")
                i = text.index(after: next)
            } else {
                out.append(c)
                i = next
            }
        }
        return out
    }

    /// Every string of a required statement formatted; a string `str.format` cannot read is
    /// left as written (the loader refuses such statements).
    static func format(_ value: Value, _ arguments: [String: String]) -> Value {
        switch value {
        case .string(let s): return .string(format(s, arguments) ?? s)
        case .array(let items): return .array(items.map { format($0, arguments) })
        case .object(let fields):
            return .object(Fields(fields.entries.map { .init(key: $0.key, value: format($0.value, arguments)) }))
        default: return value
        }
    }
}

/// Custodian's comparison of a required statement with a resource's (`HasStatementFilter`),
/// over Python's values: strings and lists become sets where Custodian makes them so, and a set
/// equals no list. nil where Custodian's own code raises (a list of objects made a set).
package enum StatementMatch {
    indirect enum Py: Equatable {
        case plain(Value)
        case set(Set<Value>)
        case list([Py])
        case dict([String: Py])

        init(_ value: Value) {
            switch value {
            case .array(let items): self = .list(items.map(Py.init))
            case .object(let fields):
                var d: [String: Py] = [:]
                for e in fields.entries { d[e.key] = Py(e.value) }
                self = .dict(d)
            default: self = .plain(value)
            }
        }

        /// The hashable value of a list member, nil for a list or an object.
        var hashable: Value? {
            if case .plain(let v) = self { return v }
            return nil
        }
    }

    struct Raised: Error {}

    package static let partialElements = [
        "Action", "NotAction", "Principal", "NotPrincipal", "Resource", "NotResource", "Condition",
    ]

    /// Whether `resource` matches `required`; nil where Custodian raises.
    static func matches(_ required: Value, _ resource: Value) -> Bool? {
        guard case .object(var fields) = required, case .object(let stmt) = resource else { return false }
        var partial: [String] = []
        if let p = fields["PartialMatch"] {
            partial = p.stringValue.map { [$0] } ?? p.arrayValue?.compactMap(\.stringValue) ?? []
            fields["PartialMatch"] = nil
        }
        do {
            var found = 0
            for entry in fields.entries {
                let key = entry.key
                var req = normalize(key, Py(entry.value))
                let present = stmt[key] != nil
                var res: Py = stmt[key].map { normalize(key, Py($0)) } ?? .plain(.null)
                if ["Action", "NotAction"].contains(key), present {
                    res = try actions(res)
                    req = try actions(req)
                }
                if partial.contains(key) {
                    if try matchPartial(key, req, stmt) { found += 1 }
                } else {
                    if present {
                        req = try dictWithSets(req)
                        res = try dictWithSets(res)
                    }
                    if req == res { found += 1 }
                }
            }
            return found > 0 && found == fields.count
        } catch {
            return nil
        }
    }

    static func normalize(_ key: String, _ value: Py) -> Py { key == "Condition" ? lowerKeys(value) : value }

    static func lowerKeys(_ value: Py) -> Py {
        switch value {
        case .dict(let d):
            var out: [String: Py] = [:]
            for (k, v) in d { out[k.lowercased()] = lowerKeys(v) }
            return .dict(out)
        case .list(let items): return .list(items.map(lowerKeys))
        default: return value
        }
    }

    /// `action_resource_case_insensitive`: the actions, lowercased, as a set.
    static func actions(_ value: Py) throws(Raised) -> Py {
        switch value {
        case .plain(.string(let s)): return .set([.string(s.lowercased())])
        case .list(let items):
            var out: Set<Value> = []
            for item in items {
                guard case .plain(.string(let s)) = item else { throw Raised() }
                out.insert(.string(s.lowercased()))
            }
            return .set(out)
        case .set(let items):
            var out: Set<Value> = []
            for item in items {
                guard let s = item.stringValue else { throw Raised() }
                out.insert(.string(s.lowercased()))
            }
            return .set(out)
        default: throw Raised()
        }
    }

    /// `format_to_set`.
    static func toSet(_ value: Py) throws(Raised) -> Py {
        switch value {
        case .plain(.string(let s)): return .set([.string(s)])
        case .list(let items):
            var out: Set<Value> = []
            for item in items {
                guard let v = item.hashable else { throw Raised() }
                out.insert(v)
            }
            return .set(out)
        default: return value
        }
    }

    /// `format_dict_with_sets` for a dict, `format_to_set` for anything else.
    static func dictWithSets(_ value: Py) throws(Raised) -> Py {
        guard case .dict(let d) = value else { return try toSet(value) }
        var out: [String: Py] = [:]
        for (k, v) in d {
            if case .dict = v { out[k] = try dictWithSets(v) } else { out[k] = try toSet(v) }
        }
        return .dict(out)
    }

    static func matchPartial(_ key: String, _ given: Py, _ stmt: Fields) throws(Raised) -> Bool {
        guard let raw = stmt[key] else { return false }
        var wanted = normalize(key, given)
        var have = normalize(key, Py(raw))
        if ["Action", "NotAction"].contains(key) {
            have = try actions(have)
            wanted = try actions(wanted)
        }
        if case .plain(.string) = have { have = try toSet(have) } else if case .list = have { have = try toSet(have) }
        func members(_ container: Py) throws(Raised) -> Set<Value> {
            switch container {
            case .set(let s): return s
            case .dict(let d): return Set(d.keys.map(Value.string))
            default: throw Raised()
            }
        }
        switch wanted {
        case .list:
            guard case .set(let w) = try toSet(wanted) else { throw Raised() }
            return w.isSubset(of: try members(have))
        case .set(let w):
            return w.isSubset(of: try members(have))
        case .dict:
            guard case .dict = have else { throw Raised() }
            return try compareUsingSets(try merge(have, wanted), have)
        case .plain(let v):
            return try members(have).contains(v)
        }
    }

    /// `merge_dict(a, b)`.
    static func merge(_ a: Py, _ b: Py) throws(Raised) -> Py {
        guard case .dict(var d) = a, case .dict(let bd) = b else { throw Raised() }
        for (k, v) in bd.sorted(by: { $0.key < $1.key }) {
            guard let current = d[k] else {
                d[k] = v
                continue
            }
            switch (current, v) {
            case (.dict, .dict): d[k] = try merge(current, v)
            case (.list(var items), .list(let more)):
                for item in more where !items.contains(item) { items.append(item) }
                d[k] = .list(items)
            case (.list(var items), .plain(.string)):
                if !items.contains(v) { items.append(v) }
                d[k] = .list(items)
            case (.plain(.string), .list(let more)):
                d[k] = more.contains(current) ? v : .list([current] + more)
            case (_, .plain(let scalar))
            where scalar.stringValue != nil || scalar.numberValue != nil || scalar.boolValue != nil:
                d[k] = v
            default:
                throw Raised()
            }
        }
        return .dict(d)
    }

    /// `compare_dicts_using_sets(a, b)`.
    static func compareUsingSets(_ a: Py, _ b: Py) throws(Raised) -> Bool {
        guard case .dict(var ad) = a, case .dict(let bd) = b else { throw Raised() }
        guard Set(ad.keys) == Set(bd.keys) else { return false }
        for (k, original) in bd {
            var v = original
            if case .list = v {
                v = try toSet(v)
                if case .plain(.string) = ad[k]! { ad[k] = try toSet(ad[k]!) }
            }
            if case .list = ad[k]! {
                ad[k] = try toSet(ad[k]!)
                if case .plain(.string) = v { v = try toSet(v) }
            }
            if case .dict = ad[k]!, case .dict = v, try compareUsingSets(ad[k]!, v) { continue }
            if v != ad[k]! { return false }
        }
        return true
    }
}
