/// Suggestions for misspelt names.
package enum Suggest {
    /// `; did you mean 'x'?`, or nothing when no candidate is close.
    package static func didYouMean(_ word: String, in candidates: [String], prefix: String = "") -> String {
        closest(to: word, in: candidates).map { "; did you mean '\(prefix)\($0)'?" } ?? ""
    }

    package static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }.filter {
            $0.1 <= max(2, word.count / 3)
        }
        return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0  // ties by name, so every run suggests the same
    }

    package static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
