import Foundation
import Loading
import Policies

/// The built-in policy pack: one YAML file per policy, in a folder per cloud, shipped as
/// resources of this module and read by the same loader as users' own policy files. Each file
/// carries examples that must and must not match; the test suite evaluates them all.
public enum BuiltinPolicies {
    /// The pack, loaded once. A broken built-in file is a bug in remsim, reported like any bad input.
    public static func load() throws(LoadError) -> [Policy] {
        try cached.get()
    }

    /// The policy files, sorted by path.
    public static var files: [String] {
        guard let root = Bundle.module.url(forResource: "Policies", withExtension: nil) else { return [] }
        return (try? InputFiles.collect([root.path])) ?? []
    }

    private static let cached: Result<[Policy], LoadError> = Result { () throws(LoadError) -> [Policy] in
        var policies: [Policy] = []
        for file in files {
            let id = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let loaded = try PolicyLoader.load(file: file, source: "builtin:\(id)")
            for policy in loaded where policy.id != id {
                throw LoadError(file: file, keyPath: "id", message: "a built-in policy's id must match its file name ('\(id)'), found '\(policy.id)'")
            }
            policies += loaded
        }
        return try PolicyLoader.unique(policies)
    }
}
