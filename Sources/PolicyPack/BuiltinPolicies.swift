import Foundation
import Loading
import Policies
import Simulation

/// The built-in policy pack: one YAML file per policy, in a folder per cloud, compiled into the
/// binary (the EmbedPolicyPack build plugin) and read by the same loader as users' own policy
/// files. Each file carries examples that must and must not match; the test suite evaluates
/// them all.
public enum BuiltinPolicies {
    /// The pack, loaded once. A broken built-in file is a bug in remsim, reported like any bad input.
    public static func load() throws(LoadError) -> [Policy] {
        try cached.get()
    }

    /// Where the pack's files live in the source tree, for messages about them.
    package static let directory = "Sources/PolicyPack/Policies"

    /// Each policy file as compiled in: its path under `directory` (`aws/aws-s3-versioning-enabled.yaml`)
    /// and its text, sorted by path.
    package static var sources: [(path: String, text: String)] { embeddedPolicyFiles }

    /// Read under the default limits, whatever the command set: the pack is remsim's own.
    private static let cached: Result<[Policy], LoadError> = Limits.$current.withValue(Limits()) {
        Result { () throws(LoadError) -> [Policy] in
            guard !embeddedPolicyFiles.isEmpty else {
                throw LoadError(file: directory, message: "this remsim was built without its built-in policies")
            }
            var policies: [Policy] = []
            for (path, text) in embeddedPolicyFiles {
                let file = "\(directory)/\(path)"
                let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                let loaded = try PolicyLoader.load(file: file, data: Data(text.utf8), source: "builtin:\(id)")
                for policy in loaded where policy.id != id {
                    throw LoadError(
                        file: file, keyPath: "id",
                        message: "a built-in policy's id must match its file name ('\(id)'), found '\(policy.id)'")
                }
                policies += loaded
            }
            return try PolicyLoader.unique(policies)
        }
    }
}
