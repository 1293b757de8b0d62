/// A regular expression compiled once at load time and matched against whole strings
/// (`regex: "^prod-"` and `regex: "prod-.*"` behave as a person expects: anchored at both ends).
package struct CompiledRegex: @unchecked Sendable {
    // Regex<AnyRegexOutput> is immutable once built; matching does not mutate it.
    private let regex: Regex<AnyRegexOutput>
    package let pattern: String

    package init(_ pattern: String) throws(FilterError) {
        do {
            regex = try Regex(pattern)
        } catch {
            throw FilterError(message: "'\(pattern)' is not a valid regular expression")
        }
        self.pattern = pattern
    }

    package func matches(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}
