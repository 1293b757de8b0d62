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

    /// The pack as scenario loaders take it: every id (its file's name), each policy read the
    /// first time a reference names it, once; `load()` reads them all through it.
    package static let source = PolicyPackSource(ids: embeddedPolicyFiles.map { id(of: $0.path) }) { id in
        guard let (path, text) = filesById[id] else {
            return .failure(LoadError(file: directory, message: "no built-in policy '\(id)'"))
        }
        return Result { () throws(LoadError) -> Policy in
            let policies = try read(path, text)
            guard policies.count == 1 else {
                throw LoadError(file: "\(directory)/\(path)", message: "a built-in policy file holds one policy")
            }
            return policies[0]
        }
    }

    /// Each policy file by the id its name gives (the first, should two share one: `load()`
    /// refuses the pair).
    private static let filesById = Dictionary(
        embeddedPolicyFiles.map { (id(of: $0.path), $0) }, uniquingKeysWith: { first, _ in first })

    private static func id(of path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// One file's policies, read under the default limits whatever the command set (the pack is
    /// remsim's own); each policy's id must be its file's name.
    private static func read(_ path: String, _ text: String) throws(LoadError) -> [Policy] {
        let file = "\(directory)/\(path)"
        let id = id(of: path)
        let loaded = Limits.$current.withValue(Limits()) {
            Result { () throws(LoadError) in
                try PolicyLoader.load(file: file, data: Data(text.utf8), source: "builtin:\(id)")
            }
        }
        let policies = try loaded.get()
        for policy in policies where policy.id != id {
            throw LoadError(
                file: file, keyPath: "id",
                message: "a built-in policy's id must match its file name ('\(id)'), found '\(policy.id)'")
        }
        return policies
    }

    private static let cached: Result<[Policy], LoadError> = Result { () throws(LoadError) -> [Policy] in
        guard !embeddedPolicyFiles.isEmpty else {
            throw LoadError(file: directory, message: "this remsim was built without its built-in policies")
        }
        // Through `source`, so that a file a scenario already read is not parsed again.
        var policies: [Policy] = []
        for (path, _) in embeddedPolicyFiles {
            guard let policy = source.policy(id(of: path)) else { continue }
            policies.append(try policy.get())
        }
        return try PolicyLoader.unique(policies)
    }
}
