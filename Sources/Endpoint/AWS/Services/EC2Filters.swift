import CloudModel

/// EC2's `Filter.N.Name`/`Filter.N.Value.M` and `MaxResults`/`NextToken`, shared by its describe
/// calls.
enum EC2Filters {
    /// The resources a filter keeps: a value matches as EC2 matches it (`*` any run, `?` one
    /// character); any of the values will do. `tag:KEY`, `tag-key` and `tag-value` work on every
    /// type; another name the type does not list is refused as EC2 refuses it.
    static func pick(_ name: String, _ values: [String], fields: [String: @Sendable (Resource) -> [String]])
        throws(AWSError) -> (Resource) -> Bool
    {
        let of: (Resource) -> [String]
        if name.hasPrefix("tag:") {
            let key = String(name.dropFirst(4))
            of = { r in r.tags[key].map { [$0] } ?? [] }
        } else if name == "tag-key" {
            of = { Array($0.tags.keys) }
        } else if name == "tag-value" {
            of = { Array($0.tags.values) }
        } else if let field = fields[name] {
            of = field
        } else {
            throw AWSError(code: "InvalidParameterValue", message: "The filter '\(name)' is invalid")
        }
        return { r in of(r).contains { have in values.contains { glob($0, matches: have) } } }
    }

    static func glob(_ pattern: String, matches text: String) -> Bool {
        guard pattern.contains(where: { $0 == "*" || $0 == "?" }) else { return pattern == text }
        let p = Array(pattern)
        let t = Array(text)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// `NextToken`/`MaxResults` paging, as EC2's describe calls have it.
    static let paging = Paging(
        token: "NextToken", size: "MaxResults", defaultSize: nil, sizes: 5...1000,
        badToken: { AWSError(code: "InvalidNextToken", message: "The token '\($0)' is invalid") },
        badSize: {
            AWSError(
                code: "InvalidParameterValue", message: "Value (\($0)) for parameter maxResults is invalid: 5 to 1000")
        })

    /// Tags as EC2 returns them, sorted by key.
    static func tagList(_ tags: [String: String]) -> Value {
        .array(tags.sorted { $0.key < $1.key }.map { ["Key": .string($0.key), "Value": .string($0.value)] })
    }
}
