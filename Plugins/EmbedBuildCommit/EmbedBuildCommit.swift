import Foundation
import PackagePlugin

/// Puts the commit remsim is built from into the binary, for `remsim --version`: read from the
/// package's `.git` folder by `BuildCommitEmbedder` (no git program is run). The files `HEAD`
/// names are the command's inputs, so a new commit or another branch rebuilds it.
@main
struct EmbedBuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let git = package.appending(path: ".git")
        var inputs = [git.appending(path: "HEAD"), git.appending(path: "packed-refs")]
        // `ref: refs/heads/main` → .git/refs/heads/main (only plain names; the embedder checks
        // everything it reads again).
        if let head = try? String(contentsOf: git.appending(path: "HEAD"), encoding: .utf8),
            head.hasPrefix("ref: refs/"), !head.contains("..")
        {
            inputs.append(git.appending(path: head.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildCommit.swift")
        return [
            .buildCommand(
                displayName: "Embedding the build commit",
                executable: try context.tool(named: "BuildCommitEmbedder").url,
                arguments: [output.path, package.path],
                inputFiles: inputs.filter { FileManager.default.fileExists(atPath: $0.path) },
                outputFiles: [output])
        ]
    }
}
