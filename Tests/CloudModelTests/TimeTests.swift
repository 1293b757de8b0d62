import CloudModel
import Testing

struct TimeTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2026-01-01T00:00:00Z", 1_767_225_600_000),
        ("2026-01-01", 1_767_225_600_000),
        ("2026-01-01T01:30:00+01:30", 1_767_225_600_000),
        ("2025-12-31T22:00:00-02:00", 1_767_225_600_000),
        ("2026-01-01T00:00:00.250Z", 1_767_225_600_250),
        ("2026-01-01 00:00:00+00:00", 1_767_225_600_000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("1969-12-31T23:59:59Z", -1000),
    ])
    func parsesISO8601(text: String, ms: Int64) {
        #expect(Timestamp(iso8601: text)?.milliseconds == ms)
    }

    @Test(arguments: [
        "", "2026", "2026-13-01", "2026-01-01T25:00:00Z", "2026-01-01T00:00:00X", "yesterday", "2026-01-01T00:00:00+1",
    ])
    func rejectsWhatIsNotADate(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test(arguments: [Int64(0), 1_767_225_600_000, 1_767_225_600_250, 951_782_400_000, -86_400_000])
    func formatsAndParsesBack(ms: Int64) {
        let t = Timestamp(milliseconds: ms)
        #expect(Timestamp(iso8601: t.iso8601) == t)
    }

    @Test(arguments: [
        ("300ms", Int64(300)), ("90s", 90_000), ("15m", 900_000), ("2h", 7_200_000), ("1d", 86_400_000),
        ("1h30m", 5_400_000), ("-1h", -3_600_000), ("1w", 604_800_000), ("0s", 0),
    ])
    func parsesDurations(text: String, ms: Int64) {
        #expect(SimDuration(parsing: text)?.milliseconds == ms)
    }

    @Test(arguments: ["", "5", "5 minutes", "m", "1.5h", "99999999999999d", "1h-5m", "--1h"])
    func rejectsBadDurations(text: String) {
        #expect(SimDuration(parsing: text) == nil)
    }

    @Test(arguments: [
        (Int64(0), "0s"), (300, "300ms"), (90_300, "1m30.3s"), (7_200_000, "2h"), (90_061_000, "1d1h1m1s"),
        (-3_600_000, "-1h"),
    ])
    func describesDurations(ms: Int64, text: String) {
        #expect(SimDuration(milliseconds: ms).description == text)
    }
}
