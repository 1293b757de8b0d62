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
    /// A Cloud Custodian policy file, read as `--policies` reads one: on past each problem, with
    /// `value_from` files looked up beside it (in the scratch tree, confined to it).
    case custodian
    /// A JSON fixture (the JSON reader), and a YAML one.
    case fixture
    case fixtureYAML = "fixture-yaml"
    case awsDescribe = "aws-describe"
    case awsConfig = "aws-config"
    case azureResourceGraph = "azure-resource-graph"
    case gcpAssetInventory = "gcp-asset-inventory"
    /// A damaged fixture cache object: the input is a list of edits to a valid object (4 bytes
    /// each: a 3-byte offset and a byte to XOR there; a final short record truncates there), so
    /// that every run reaches deep into the object's reading.
    case fixtureCache = "fixture-cache"

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
        // The files Custodian seeds read with `value_from` (`file:data/…`), beside the input.
        if let data = ProcessInfo.processInfo.environment["REMSIM_FUZZ_VALUE_FILES"] {
            try? FileManager.default.copyItem(atPath: data, toPath: dir + "/data")
        }
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

    /// A fixture file, a cache that has read it, and the object it wrote.
    static let cached: (fixture: String, cache: FixtureCache, object: String, bytes: [UInt8])? = {
        let fixture = workspace + "/cached/fixture.json"
        let seeds = ProcessInfo.processInfo.environment["REMSIM_FUZZ_CACHE_SEED"] ?? "seeds/fixture/network.json"
        try? FileManager.default.createDirectory(atPath: workspace + "/cached", withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: fixture, contents: FileManager.default.contents(atPath: seeds)),
            let cache = FixtureCache.open(directory: workspace + "/cache", identity: "fuzz").cache,
            (try? FixtureLoader.load(paths: [fixture], cache: cache)) != nil,
            let name = try? FileManager.default.contentsOfDirectory(atPath: workspace + "/cache/objects").first,
            let bytes = FileManager.default.contents(atPath: workspace + "/cache/objects/" + name)
        else { return nil }
        return (fixture, cache, workspace + "/cache/objects/" + name, [UInt8](bytes))
    }()

    func run(_ data: Data) {
        if self == .fixtureCache {
            guard let cached = Self.cached else { fatalError("the fixture cache target could not set up its object") }
            var bytes = cached.bytes
            var edits = [UInt8](data)[...]
            while edits.count >= 4 {
                let offset =
                    (Int(edits[edits.startIndex]) | Int(edits[edits.startIndex + 1]) << 8
                        | Int(edits[edits.startIndex + 2]) << 16) % bytes.count
                bytes[offset] ^= edits[edits.startIndex + 3]
                edits = edits.dropFirst(4)
            }
            if let last = edits.first { bytes.removeLast(Int(last) % bytes.count) }
            _ = FileManager.default.createFile(atPath: cached.object, contents: Data(bytes))
            _ = try? FixtureLoader.load(paths: [cached.fixture], cache: cached.cache)
            return
        }
        let file: String
        switch self {
        case .scenario: file = Self.workspace + "/Scenarios/input.yaml"
        case .fixtureYAML: file = Self.workspace + "/input-fixture.yaml"
        case .custodian: file = Self.workspace + "/input-custodian.yml"
        default: file = Self.workspace + "/input-\(rawValue).json"
        }
        _ = FileManager.default.createFile(atPath: file, contents: data)
        Limits.$current.withValue(Self.limits) {
            PathConfinement.$current.withValue(.directory(Self.workspace)) {
                switch self {
                case .scenario: _ = try? Self.scenarioLoader.load(file: file)
                case .policy: _ = try? PolicyLoader.load(file: file, data: data, source: "fuzz")
                case .custodian: _ = PolicyLoader.loadReportingAll(file: file, source: "fuzz")
                case .fixture, .fixtureYAML: _ = try? FixtureLoader.load(paths: [file])
                case .awsDescribe:
                    _ = try? AWSDescribeImporter.load(files: [file], region: "us-east-1", account: "111111111111")
                case .awsConfig: _ = try? AWSConfigImporter.load(files: [file])
                case .azureResourceGraph: _ = try? AzureResourceGraphImporter.load(files: [file])
                case .gcpAssetInventory: _ = try? GCPAssetInventoryImporter.load(files: [file], project: "fuzz-project")
                case .fixtureCache: break  // above
                }
            }
        }
    }
}
