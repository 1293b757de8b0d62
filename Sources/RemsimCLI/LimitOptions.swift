import ArgumentParser
import CloudModel
import Loading
import Simulation

/// The flags that raise the limits on any file remsim reads and say where those files may lead;
/// shared by every command that reads files.
struct FileLimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The largest file remsim reads (default 128MiB).", valueName: "size"))
    var maxFileSize: String?

    @Option(
        help: ArgumentHelp("Values one YAML document may expand to through aliases (default 5000000).", valueName: "n"))
    var maxYamlValues: Int?

    @Option(help: ArgumentHelp("How deeply mappings and lists may nest (default 100).", valueName: "n"))
    var maxDepth: Int?

    @Option(
        help: ArgumentHelp(
            "The directory the files remsim reads must stay in (repeatable: any of them; default: the working "
                + "directory, and the named file's own directory when it is outside it).",
            valueName: "dir"))
    var root: [String] = []

    @Flag(help: "Let the files remsim reads lead anywhere, symlinks included.")
    var allowOutsideRoot = false

    func validate() throws {
        if let s = maxFileSize, ByteCount(parsing: s) == nil {
            throw ValidationError("--max-file-size: expected a size such as 64MiB or 2GB, found '\(s)'")
        }
        for (name, value) in [("--max-yaml-values", maxYamlValues), ("--max-depth", maxDepth)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        if !root.isEmpty && allowOutsideRoot { throw ValidationError("give --root or --allow-outside-root, not both") }
        var l = Limits()
        apply(to: &l)
        if let problem = l.overCeiling.first { throw ValidationError(problem) }
    }

    func apply(to l: inout Limits) {
        if let s = maxFileSize, let b = ByteCount(parsing: s) { l.maxFileBytes = b.bytes }
        if let n = maxYamlValues { l.maxYAMLValues = n }
        if let n = maxDepth { l.maxDepth = n }
    }

    var confinement: PathConfinement {
        if allowOutsideRoot { return .anywhere }
        if !root.isEmpty { return root.count == 1 ? .directory(root[0]) : .directories(root) }
        return .automatic
    }

    /// Runs `body` with these limits, and this confinement of paths, in force.
    func apply<T>(_ body: () throws -> T) throws -> T {
        var l = Limits()
        apply(to: &l)
        return try apply(l, body)
    }

    func apply<T>(_ limits: Limits, _ body: () throws -> T) throws -> T {
        try Limits.$current.withValue(limits) { try PathConfinement.$current.withValue(confinement, operation: body) }
    }
}

/// The flags that raise remsim's limits on scenarios, with those on files; shared by the
/// commands that read scenarios.
struct LimitOptions: ParsableArguments {
    @OptionGroup var files: FileLimitOptions

    @Option(help: ArgumentHelp("Entries in one scenario's timeline (default 100000).", valueName: "n"))
    var maxTimeline: Int?

    @Option(help: ArgumentHelp("Simulated events per scenario (default 5000000).", valueName: "n"))
    var maxEvents: Int?

    @Option(help: ArgumentHelp("The longest run-for a scenario may ask (default 400d).", valueName: "duration"))
    var maxRunFor: String?

    func validate() throws {
        if let s = maxRunFor, SimDuration(parsing: s).map({ $0 > .zero }) != true {
            throw ValidationError("--max-run-for: expected a duration such as 400d, found '\(s)'")
        }
        for (name, value) in [("--max-timeline", maxTimeline), ("--max-events", maxEvents)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        if let problem = limits.overCeiling.first { throw ValidationError(problem) }
    }

    var limits: Limits {
        var l = Limits()
        files.apply(to: &l)
        if let n = maxTimeline { l.maxTimelineEntries = n }
        if let n = maxEvents { l.maxEvents = n }
        if let s = maxRunFor, let d = SimDuration(parsing: s) { l.maxRunFor = d }
        return l
    }

    var confinement: PathConfinement { files.confinement }

    /// Runs `body` with these limits, and this confinement of paths, in force.
    func apply<T>(_ body: () throws -> T) throws -> T {
        try files.apply(limits, body)
    }
}
