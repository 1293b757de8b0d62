import Foundation
import GitHead

// Writes the Swift file that carries the commit remsim is built from (see the EmbedBuildCommit
// plugin): `BuildCommitEmbedder OUTPUT PACKAGE_DIRECTORY`. Outside a git checkout (a source
// archive) the commit is nil and `remsim --version` says so.

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: BuildCommitEmbedder OUTPUT PACKAGE_DIRECTORY\n".utf8))
    exit(64)
}
let commit = GitHead.commit(inRepository: arguments[2])
let source = """
    // Generated at build time by the EmbedBuildCommit plugin from the package's .git folder.

    /// The commit this binary was built from; nil when it was not built from a git checkout.
    let buildCommit: String? = \(commit.map { "\"\($0)\"" } ?? "nil")

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: arguments[1]), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("error: \(arguments[1]): \(error.localizedDescription)\n".utf8))
    exit(1)
}
