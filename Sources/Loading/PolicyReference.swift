import CloudModel
import Policies

/// How a scenario's `policies:` and `remsim impact --policies` name policies: `builtin:all`,
/// `builtin:ID`, or a path to a policy file or directory. One reading, one message for a name
/// that is not built in, wherever a reference is written.
package enum PolicyReference: Sendable, Hashable {
    case allBuiltins
    case builtin(String)
    case path(String)

    package init(_ text: String) {
        if text == "builtin:all" {
            self = .allBuiltins
        } else if text.hasPrefix("builtin:") {
            self = .builtin(String(text.dropFirst("builtin:".count)))
        } else {
            self = .path(text)
        }
    }

    /// The built-in policies the reference names, sorted by id; nil for a path. A built-in name
    /// that does not exist is refused with the nearest one.
    package func builtins(from pack: PolicyPackSource) throws(Problem) -> [Policy]? {
        switch self {
        case .allBuiltins:
            var all: [Policy] = []
            for id in pack.ids { all.append(try Self.read(id, pack)) }
            return all
        case .builtin(let id):
            return [try Self.read(id, pack)]
        case .path:
            return nil
        }
    }

    /// The built-in policy `id`, read once; a name that does not exist is refused with the nearest.
    private static func read(_ id: String, _ pack: PolicyPackSource) throws(Problem) -> Policy {
        switch pack.policy(id) {
        case .success(let policy)?: return policy
        case .failure(let error)?: throw Problem(message: "the built-in policy '\(id)' cannot be read: \(error)")
        case nil:
            throw Problem(
                message:
                    "no built-in policy "
                    + "'\(id)'\(Suggest.didYouMean(id, in: pack.ids, prefix: "builtin:")) (see `remsim policies list`)")
        }
    }

    /// Said of a path that does not exist, so that a mistyped built-in name is recognised.
    package static func missingPath(_ path: String) -> String {
        "policy path '\(path)' does not exist (built-in policies are named builtin:ID)"
    }

    package struct Problem: Error, Sendable {
        package let message: String
    }
}
