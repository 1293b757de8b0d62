import CloudModel
import Policies

/// A typo in a filter key (`tag:purpse`, `Versioning.Statu`) does not fail a policy: it makes a
/// filter that never holds, and the policy silently never fires. This finds keys that no resource
/// of the policy's type that remsim knows of (fixtures, examples) has, where one it has is close;
/// the same for the `where` filters of a scenario's expectations.
package enum FilterKeyCheck {
    /// One warning per suspicious key: `'Versioning.Statu': no aws.s3 resource has 'Statu' under
    /// 'Versioning'; did you mean 'Status'?`.
    ///
    /// `known` are key names trusted besides the samples' own: those the built-in pack reads for
    /// the type (`Ipv6Ranges` is real even when no fixture has one).
    package static func warnings(_ policy: Policy, samples: [Resource], known: Set<String> = []) -> [String] {
        warnings(policy.filters, type: policy.resourceType, samples: samples, known: known)
    }

    /// The same for any filters on resources of `type`: a scenario's `where` expectations, whose
    /// typo can make an expectation hold whatever happens (`Versioning.Statu` is `ne: Enabled`).
    package static func warnings(_ filters: [Filter], type: String, samples: [Resource], known: Set<String> = [])
        -> [String]
    {
        guard !samples.isEmpty else { return [] }
        var out: [String] = []
        walk(
            filters, values: samples.map(\.properties), tags: Set(samples.flatMap(\.tags.keys)),
            type: type, known: known, into: &out)
        var seen: Set<String> = []
        return out.filter { seen.insert($0).inserted }
    }

    /// The key names (and `tag:NAME`s) the filters of `policies` read, for `known`.
    package static func keys(of policies: [Policy]) -> Set<String> {
        var out: Set<String> = []
        func collect(_ filters: [Filter]) {
            for filter in filters {
                switch filter {
                case .and(let inner), .or(let inner), .not(let inner): collect(inner)
                case .value(let f):
                    switch f.key {
                    case .tag(let name): out.insert("tag:\(name)")
                    case .property(let path):
                        for case .key(let k) in path.components { out.insert(k) }
                    }
                case .quantifier(let q):
                    for case .key(let k) in q.path.components { out.insert(k) }
                    collect(q.filters)
                case .check: break
                }
            }
        }
        for p in policies { collect(p.filters) }
        return out
    }

    private static func walk(
        _ filters: [Filter], values: [Value], tags: Set<String>, type: String, known: Set<String>,
        into out: inout [String]
    ) {
        for filter in filters {
            switch filter {
            case .and(let inner), .or(let inner), .not(let inner):
                walk(inner, values: values, tags: tags, type: type, known: known, into: &out)
            case .value(let f):
                switch f.key {
                case .tag(let name):
                    if !tags.isEmpty, !tags.contains(name), !known.contains("tag:\(name)"),
                        let near = Suggest.closest(to: name, in: Array(tags))
                    {
                        out.append(
                            "'tag:\(name)': no \(type) resource has the tag '\(name)'; did you mean 'tag:\(near)'?")
                    }
                case .property(let path):
                    if let problem = check(path, in: values, type: type, known: known) { out.append(problem) }
                }
            case .quantifier(let q):
                if let problem = check(q.path, in: values, type: type, known: known) {
                    out.append(problem)
                    continue
                }
                let elements = values.compactMap { q.path.resolve(in: $0)?.arrayValue }.flatMap { $0 }
                walk(q.filters, values: elements, tags: [], type: type, known: known, into: &out)
            case .check: break
            }
        }
    }

    /// Follows `path` through every sample at once; a key none of them has, where some have a
    /// close one, is a problem. Samples the path cannot follow (a list where a key is asked, a
    /// string) say nothing.
    private static func check(_ path: ValuePath, in values: [Value], type: String, known: Set<String>) -> String? {
        var current = values
        var walked = ""
        for component in path.components {
            switch component {
            case .key(let key):
                let objects = current.compactMap(\.objectValue)
                guard !objects.isEmpty else { return nil }
                let found = objects.compactMap { $0[key] }
                if found.isEmpty {
                    if known.contains(key) { return nil }
                    let keys = Set(objects.flatMap(\.keys))
                    guard let near = Suggest.closest(to: key, in: Array(keys)) else { return nil }
                    let under = walked.isEmpty ? "" : " under '\(walked)'"
                    return "'\(path)': no \(type) resource has '\(key)'\(under); did you mean '\(near)'?"
                }
                current = found
                walked += walked.isEmpty ? key : ".\(key)"
            case .index(let n):
                current = current.compactMap { $0.arrayValue.flatMap { n < $0.count ? $0[n] : nil } }
                walked += "[\(n)]"
            case .each:
                current = current.compactMap(\.arrayValue).flatMap { $0 }
                walked += "[]"
            }
            if current.isEmpty { return nil }
        }
        return nil
    }
}
