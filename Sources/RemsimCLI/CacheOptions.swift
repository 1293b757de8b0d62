import ArgumentParser
import Foundation
import Loading
import RemsimKit

/// `--no-cache` and `--cache-dir`, for the commands that read fixtures.
struct CacheOptions: ParsableArguments {
    @Flag(help: "Parse every fixture file, without reading or writing the fixture cache.")
    var noCache = false

    @Option(help: ArgumentHelp("Where parsed fixture files are kept (safe to delete).", valueName: "dir"))
    var cacheDir: String = ".remsim/cache/fixtures"

    /// The cache to read fixtures through, or nil with `--no-cache`. A cache that cannot be used
    /// (a link on its path, a folder that cannot be made) is said once and the run goes on without it.
    var cache: FixtureCache? {
        guard !noCache else { return nil }
        let (cache, problem) = FixtureCache.open(directory: cacheDir, identity: Self.identity)
        if let problem {
            Console.error(Console.errorStyle.yellow("warning: ") + "the fixture cache is not used: \(problem)")
        }
        return cache
    }

    /// The reader a cache object was written by: remsim's version and commit, and this very
    /// executable (its size and time), so that a rebuilt remsim never trusts an older one's objects.
    static let identity = FixtureCache.identity(
        "remsim \(Remsim.version)", executable: Bundle.main.executablePath ?? CommandLine.arguments[0])
}
