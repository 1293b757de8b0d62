import Foundation
import Loading
import Policies
import PolicyPack
import Simulation

/// One loader or importer under the fuzzer. Each takes the input as the bytes of a file, as
/// remsim reads it, and must return or throw `LoadError`: a crash, a hang or runaway memory is a
/// finding.
enum FuzzTarget: String, CaseIterable {
    case scenario, policy
    /// A JSON fixture (the JSON reader), and a YAML one.
    case fixture
    case fixtureYAML = "fixture-yaml"
    case awsDescribe = "aws-describe"
    case awsConfig = "aws-config"
    case azureResourceGraph = "azure-resource-graph"
    case gcpAssetInventory = "gcp-asset-inventory"

    /// Where inputs are written: a scratch tree with a copy of the fixtures beside the scenario,
    /// so a scenario input that names `../Fixtures/acme` loads them (once, then from the cache).
    /// A copy, not a link: a link out of the tree is refused, as it must be.
    static let fixtures: String = {
        let path = ProcessInfo.processInfo.environment["REMSIM_FUZZ_FIXTURES"] ?? "../Fixtures"
        return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }()

    static let workspace: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let dir = (base as NSString).appendingPathComponent("remsim-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(atPath: dir + "/Scenarios", withIntermediateDirectories: true)
        try? FileManager.default.copyItem(atPath: fixtures, toPath: dir + "/Fixtures")
        return dir
    }()

    static let builtins: [Policy] = (try? BuiltinPolicies.load()) ?? []
    /// Scenario paths stay confined, to the scratch tree: a fuzzed `fixtures: [/]` must not read
    /// the machine.
    static let scenarioLoader = ScenarioLoader(builtins: builtins, paths: .directory(workspace))

    /// Fuzzed files are small; a low size limit keeps each run fast without hiding anything.
    static let limits: Limits = {
        var l = Limits()
        l.maxFileBytes = 1 << 20
        return l
    }()

    func run(_ data: Data) {
        let file: String
        switch self {
        case .scenario: file = Self.workspace + "/Scenarios/input.yaml"
        case .fixtureYAML: file = Self.workspace + "/input-fixture.yaml"
        default: file = Self.workspace + "/input-\(rawValue).json"
        }
        _ = FileManager.default.createFile(atPath: file, contents: data)
        Limits.$current.withValue(Self.limits) {
            PathConfinement.$current.withValue(.directory(Self.workspace)) {
                switch self {
                case .scenario: _ = try? Self.scenarioLoader.load(file: file)
                case .policy: _ = try? PolicyLoader.load(file: file, data: data, source: "fuzz")
                case .fixture, .fixtureYAML: _ = try? FixtureLoader.load(paths: [file])
                case .awsDescribe:
                    _ = try? AWSDescribeImporter.load(files: [file], region: "us-east-1", account: "111111111111")
                case .awsConfig: _ = try? AWSConfigImporter.load(files: [file])
                case .azureResourceGraph: _ = try? AzureResourceGraphImporter.load(files: [file])
                case .gcpAssetInventory: _ = try? GCPAssetInventoryImporter.load(files: [file], project: "fuzz-project")
                }
            }
        }
    }
}
