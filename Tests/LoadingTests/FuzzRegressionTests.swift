import Foundation
import Loading
import PolicyPack
import Simulation
import TestSupport
import Testing

/// Inputs that once crashed or hung a loader, kept as tests: `FuzzRegressions/TARGET/` holds the
/// input files, TARGET being a `Fuzz/fuzz.sh` target. Each is read as the fuzz target reads it and
/// must end in a `LoadError` (or load), never a crash or a hang.
struct FuzzRegressionTests {
    static let directory = TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/FuzzRegressions").path

    static var inputs: [String] {
        let walker = FileManager.default.enumerator(atPath: directory)
        var out: [String] = []
        while let path = walker?.nextObject() as? String {
            if path.contains("/"), path.hasSuffix(".yaml") || path.hasSuffix(".json") { out.append(path) }
        }
        return out.sorted()
    }

    @Test func thereAreRegressionsToReplay() {
        #expect(!Self.inputs.isEmpty)
    }

    @Test(arguments: inputs)
    func anInputThatOnceFailedLoadsOrIsRefused(_ input: String) throws {
        let target = String(input.prefix { $0 != "/" })
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + input))
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // As the fuzz target names it: a JSON fixture goes to the JSON reader.
        let file = dir + (target == "fixture" ? "/Scenarios/input.json" : "/Scenarios/input.yaml")
        try FileManager.default.createDirectory(atPath: dir + "/Scenarios", withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: file))
        let outcome = Result { () throws(LoadError) in
            switch target {
            case "scenario":
                _ = try ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .directory(dir)).load(file: file)
            case "policy": _ = try PolicyLoader.load(file: file, data: data, source: "fuzz")
            case "custodian":
                let (_, problems) = PolicyLoader.loadReportingAll(file: file, source: "fuzz")
                if let first = problems.first { throw first }
            case "fixture", "fixture-yaml": _ = try FixtureLoader.load(paths: [file])
            case "aws-describe":
                _ = try AWSDescribeImporter.load(files: [file], region: "us-east-1", account: "111111111111")
            case "aws-config": _ = try AWSConfigImporter.load(files: [file])
            case "azure-resource-graph": _ = try AzureResourceGraphImporter.load(files: [file])
            case "gcp-asset-inventory": _ = try GCPAssetInventoryImporter.load(files: [file], project: "fuzz-project")
            default: Issue.record("unknown fuzz target '\(target)' in \(input)")
            }
        }
        if case .failure(let error) = outcome { #expect(!error.message.isEmpty) }
    }
}
