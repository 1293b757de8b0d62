import Foundation
import PackagePlugin

/// Puts the built-in policy pack into the remsim binary: every YAML file under the target's
/// `Policies/` folder becomes a string in a generated Swift file. A resource bundle beside the
/// binary would be lost when the binary is copied alone, and a remsim without its pack must
/// never report "0 policies" as if all were well.
@main
struct EmbedPolicyPack: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let root = target.directoryURL.appending(path: "Policies")
        let found =
            FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        let files = found.filter { ["yaml", "yml"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPolicies.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) built-in policies",
                executable: try context.tool(named: "PolicyPackEmbedder").url,
                arguments: [output.path, root.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output])
        ]
    }
}
