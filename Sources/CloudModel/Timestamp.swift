/// An instant, in milliseconds since the Unix epoch (UTC).
///
/// The engine and the simulation never read a wall clock: every instant is handed to them. A
/// plain integer keeps the arithmetic exact and the stored runs byte-for-byte reproducible.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public static func + (lhs: Timestamp, rhs: SimDuration) -> Timestamp {
        Timestamp(milliseconds: lhs.milliseconds &+ rhs.milliseconds)
    }

    public static func - (lhs: Timestamp, rhs: SimDuration) -> Timestamp {
        Timestamp(milliseconds: lhs.milliseconds &- rhs.milliseconds)
    }

    public static func - (lhs: Timestamp, rhs: Timestamp) -> SimDuration {
        SimDuration(milliseconds: lhs.milliseconds &- rhs.milliseconds)
    }

    /// `2026-01-01T00:00:00Z`; milliseconds are written only when present.
    public var iso8601: String {
        let ms = milliseconds
        let days = floorDiv(ms, 86_400_000)
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = Self.civil(fromDays: days)
        let secs = msOfDay / 1000
        let frac = msOfDay % 1000
        var out =
            "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        if frac != 0 { out += ".\(pad(frac, 3))" }
        return out + "Z"
    }

    public var description: String { iso8601 }

    /// Parses the ISO 8601 forms cloud APIs return: `2025-03-01`, `2025-03-01T12:00:00Z`,
    /// `2025-03-01T12:00:00.123Z`, `2025-03-01T12:00:00+02:00`, `2025-03-01 12:00:00+00:00`.
    /// Written by hand, not with a formatter, because policies compare ages of millions of keys.
    public init?(iso8601 text: String) {
        var text = text
        guard let ms = text.withUTF8({ Self.parse(UnsafeRawBufferPointer($0)) }) else { return nil }
        self.milliseconds = ms
    }

    /// Parses the same forms from UTF-8 bytes (a flat value's string), without making a String.
    package init?(iso8601 utf8: UnsafeRawBufferPointer) {
        guard let ms = Self.parse(utf8) else { return nil }
        self.milliseconds = ms
    }

    private static func parse(_ utf8: UnsafeRawBufferPointer) -> Int64? {
        guard utf8.count >= 10 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= utf8.count else { return nil }
            var n: Int64 = 0
            for i in from..<(from + count) {
                let c = utf8[i]
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int64(c - 48)
            }
            return n
        }
        guard let year = digits(0, 4), utf8[4] == 45, let month = digits(5, 2), utf8[7] == 45, let day = digits(8, 2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var ms = Self.days(fromCivil: year, month, day) * 86_400_000
        if utf8.count == 10 { return ms }
        guard utf8[10] == 84 || utf8[10] == 116 || utf8[10] == 32, let hh = digits(11, 2), utf8.count > 13,
            utf8[13] == 58,
            let mm = digits(14, 2), hh < 24, mm < 60
        else { return nil }
        ms += (hh * 3600 + mm * 60) * 1000
        var i = 16
        if i < utf8.count, utf8[i] == 58 {
            guard let ss = digits(17, 2), ss < 61 else { return nil }
            ms += ss * 1000
            i = 19
            if i < utf8.count, utf8[i] == 46 {
                i += 1
                var scale: Int64 = 100
                var fraction: Int64 = 0
                let start = i
                while i < utf8.count, utf8[i] >= 48, utf8[i] <= 57 {
                    fraction += Int64(utf8[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
                ms += fraction
            }
        }
        if i == utf8.count { return ms }  // no zone: taken as UTC
        if utf8[i] == 90 || utf8[i] == 122, i + 1 == utf8.count { return ms }
        guard utf8[i] == 43 || utf8[i] == 45, let oh = digits(i + 1, 2) else { return nil }
        var om: Int64 = 0
        if i + 3 < utf8.count {
            let j = utf8[i + 3] == 58 ? i + 4 : i + 3
            guard let m = digits(j, 2), j + 2 == utf8.count else { return nil }
            om = m
        } else if i + 3 != utf8.count {
            return nil
        }
        let offset = (oh * 60 + om) * 60_000
        ms += utf8[i] == 43 ? -offset : offset
        return ms
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

private func pad(_ n: Int64, _ width: Int) -> String { String(n).leftPadded(to: width) }

extension Timestamp {
    /// The time as strftime writes it in UTC, for %Y, %m, %d, %H, %M, %S and %Z (`2026/01/02`).
    package func formatted(strftime format: String) -> String {
        let days = floorDiv(milliseconds, 86_400_000)
        let seconds = (milliseconds - days * 86_400_000) / 1000
        let minutes = seconds / 60
        let (y, m, d) = Self.civil(fromDays: days)
        var out = ""
        var percent = false
        for c in format {
            guard percent else {
                if c == "%" { percent = true } else { out.append(c) }
                continue
            }
            percent = false
            switch c {
            case "Y": out += pad(y, 4)
            case "m": out += pad(m, 2)
            case "d": out += pad(d, 2)
            case "H": out += pad(minutes / 60, 2)
            case "M": out += pad(minutes % 60, 2)
            case "S": out += pad(seconds % 60, 2)
            case "Z": out += "UTC"
            default: out += "%\(c)"
            }
        }
        return out
    }
}
