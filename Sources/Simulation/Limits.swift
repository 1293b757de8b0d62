import CloudModel

/// How much one input may ask of remsim. Scenario, fixture and policy files come from many
/// people and run unattended in CI, so a file that would take unbounded time or memory (an alias
/// bomb, a nesting a million levels deep, a timeline of millions of entries, a drift every
/// millisecond for a century) is refused with an error naming the limit and the flag that raises
/// it, instead of hanging the job or exhausting the machine.
///
/// Each default is far above what a real suite needs. The command line sets them for the scope of
/// a command (`Limits.$current.withValue`); library callers get the defaults.
public struct Limits: Sendable, Hashable {
    /// Bytes in one file read (`--max-file-size`).
    public var maxFileBytes: Int = 128 << 20
    /// Values one YAML or JSON document may hold once its aliases are expanded (`--max-yaml-values`).
    public var maxYAMLValues: Int = 5_000_000
    /// How deeply mappings and lists may nest (`--max-depth`).
    public var maxDepth: Int = 100
    /// Entries in one scenario's timeline (`--max-timeline`).
    public var maxTimelineEntries: Int = 100_000
    /// Events the simulation may process for one scenario (`--max-events`).
    public var maxEvents: Int = 5_000_000
    /// The longest `run-for` (`--max-run-for`).
    public var maxRunFor: SimDuration = .days(400)

    public init() {}

    @TaskLocal public static var current = Limits()

    /// How far each limit may be raised: past these remsim itself would fail rather than refuse
    /// (past about 6,000 levels of nesting the YAML composer's recursion overflows the stack of a
    /// release build), or one file would take the machine.
    package static let ceiling: Limits = {
        var l = Limits()
        l.maxFileBytes = 1 << 30
        l.maxYAMLValues = 100_000_000
        l.maxDepth = 1_000
        l.maxTimelineEntries = 10_000_000
        l.maxEvents = 1_000_000_000
        l.maxRunFor = .days(36_500)
        return l
    }()

    /// Each limit over its ceiling, as `--flag: N is over the ceiling of M`; empty when none is.
    package var overCeiling: [String] {
        let c = Self.ceiling
        var problems: [String] = []
        func check(_ flag: String, _ value: Int, _ max: Int, _ show: (Int) -> String = { String($0) }) {
            if value > max { problems.append("\(flag): \(show(value)) is over the ceiling of \(show(max))") }
        }
        check("--max-file-size", maxFileBytes, c.maxFileBytes) { ByteCount($0).description }
        check("--max-yaml-values", maxYAMLValues, c.maxYAMLValues)
        check("--max-depth", maxDepth, c.maxDepth)
        check("--max-timeline", maxTimelineEntries, c.maxTimelineEntries)
        check("--max-events", maxEvents, c.maxEvents)
        if maxRunFor > c.maxRunFor {
            problems.append("--max-run-for: \(maxRunFor) is over the ceiling of \(c.maxRunFor)")
        }
        return problems
    }
}

/// A number of bytes as people write it: `500000`, `64KB`, `64KiB`, `128MB`, `2GiB` (KB, MB and
/// GB are read as their binary sizes, as most tools do for file sizes).
package struct ByteCount: Sendable, Hashable, CustomStringConvertible {
    package var bytes: Int

    package init(_ bytes: Int) { self.bytes = bytes }

    private static let units: [(suffixes: [String], factor: Int)] = [
        (["", "b"], 1), (["k", "kb", "kib"], 1 << 10), (["m", "mb", "mib"], 1 << 20), (["g", "gb", "gib"], 1 << 30),
    ]

    package init?(parsing text: String) {
        let lower = text.lowercased().filter { $0 != " " }
        let digits = lower.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        let suffix = String(lower.dropFirst(digits.count))
        guard let unit = Self.units.first(where: { $0.suffixes.contains(suffix) }) else { return nil }
        let (product, overflow) = n.multipliedReportingOverflow(by: unit.factor)
        guard !overflow else { return nil }
        bytes = product
    }

    /// `812 B`, `64 KiB`, `1.5 MiB`, `128 MiB`.
    package var description: String {
        for (name, factor) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes >= factor {
            let value = Double(bytes) / Double(factor)
            return value == value.rounded() ? "\(Int(value)) \(name)" : "\((value * 10).rounded() / 10) \(name)"
        }
        return "\(bytes) B"
    }
}
