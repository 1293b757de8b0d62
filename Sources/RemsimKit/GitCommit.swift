import Foundation
import GitHead

/// The commit a run ran at: from the CI system's own variable when there is one, else read from
/// `.git` directly (remsim runs no other program, see `GitHead`), or nil.
public enum GitCommit {
    /// The variables CI systems set to the commit under test: GitHub Actions, GitLab, Buildkite,
    /// CircleCI, Azure Pipelines, Jenkins.
    static let ciVariables = [
        "GITHUB_SHA", "CI_COMMIT_SHA", "BUILDKITE_COMMIT", "CIRCLE_SHA1", "BUILD_SOURCEVERSION", "GIT_COMMIT",
    ]

    public static func current(
        directory: String = FileManager.default.currentDirectoryPath,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        for name in ciVariables {
            if let value = environment[name], GitHead.isCommitId(value) { return value.lowercased() }
        }
        return GitHead.commit(inRepository: directory)
    }
}
