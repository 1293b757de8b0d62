/// A span of time in milliseconds, written in files as `300ms`, `90s`, `15m`, `2h`, `7d` or a
/// combination (`1h30m`). Negative spans (`-1h`, "an hour before the start") are allowed where a
/// file means a time in the past.
public struct SimDuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func milliseconds(_ n: Int64) -> SimDuration { SimDuration(milliseconds: n) }
    public static func seconds(_ n: Int64) -> SimDuration { SimDuration(milliseconds: n * 1000) }
    public static func minutes(_ n: Int64) -> SimDuration { SimDuration(milliseconds: n * 60_000) }
    public static func hours(_ n: Int64) -> SimDuration { SimDuration(milliseconds: n * 3_600_000) }
    public static func days(_ n: Int64) -> SimDuration { SimDuration(milliseconds: n * 86_400_000) }
    public static let zero = SimDuration(milliseconds: 0)

    public static func < (lhs: SimDuration, rhs: SimDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public static func + (lhs: SimDuration, rhs: SimDuration) -> SimDuration {
        SimDuration(milliseconds: lhs.milliseconds &+ rhs.milliseconds)
    }

    package var seconds: Double { Double(milliseconds) / 1000 }

    /// The largest span a file may write: 100 years. Longer ones are almost certainly a typo and
    /// would overflow arithmetic on timestamps.
    package static let maximum = SimDuration.days(36_525)

    private static let units: [(suffix: String, ms: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000),
    ]

    /// Parses `90s`, `1h30m`, `-1h`; returns nil for anything else (a bare number has no unit and
    /// is refused, since `5` could mean seconds or minutes).
    public init?(parsing text: String) {
        var rest = Substring(text.trimmingWhitespace())
        var negative = false
        if rest.hasPrefix("-") {
            negative = true
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 12, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix(while: { $0.isLetter })
            guard let unit = Self.units.first(where: { $0.suffix == letters }) else { return nil }
            rest = rest.dropFirst(letters.count)
            let (product, overflow) = n.multipliedReportingOverflow(by: unit.ms)
            guard !overflow else { return nil }
            total += product
            guard total <= Self.maximum.milliseconds else { return nil }
        }
        milliseconds = negative ? -total : total
    }

    /// `0s`, `250ms`, `1m30s`, `1m30.3s`, `2h`, `3d4h`: short and exact, for people to read.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = abs(milliseconds)
        var out = milliseconds < 0 ? "-" : ""
        if rest < 1000 { return out + "\(rest)ms" }
        for (suffix, ms) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000)] where rest >= ms {
            out += "\(rest / ms)\(suffix)"
            rest %= ms
        }
        if rest > 0 {
            let seconds = rest / 1000
            let fraction = rest % 1000
            if fraction == 0 {
                out += "\(seconds)s"
            } else {
                var digits = String(fraction).leftPadded(to: 3)
                while digits.hasSuffix("0") { digits.removeLast() }
                out += "\(seconds).\(digits)s"
            }
        }
        return out
    }
}

extension String {
    package func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    package func trimmingWhitespace() -> Substring {
        let s = self.drop(while: { $0.isWhitespace })
        return s.dropLast(s.reversed().prefix(while: { $0.isWhitespace }).count)
    }
}
