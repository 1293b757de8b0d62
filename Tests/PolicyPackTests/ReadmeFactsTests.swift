import CloudModel
import CloudOperations
import Foundation
import Loading
import Policies
import PolicyPack
import TestSupport
import Testing

/// The numbers README.md states about remsim are what remsim has: a count that drifts fails here.
struct ReadmeFactsTests {
    static let readme =
        (try? String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The integers the first match of `pattern` captures.
    func numbers(_ pattern: String) throws -> [Int] {
        let regex = try Regex(pattern)
        let match = try #require(try regex.firstMatch(in: Self.readme), "README.md no longer says /\(pattern)/")
        return (1..<match.output.count).compactMap { match.output[$0].substring.flatMap { Int($0) } }
    }

    @Test func theCountsOfTypesOperationsAndPoliciesAreTrue() throws {
        let pack = try BuiltinPolicies.load()
        let (types, operations, policies, remediable) = try {
            let n = try numbers(#"models (\d+) resource types across AWS, Azure and GCP, (\d+) cloud API operations"#)
            let p = try numbers(#"ships a pack of (\d+) policies, (\d+) of them\s+remediable"#)
            return (n[0], n[1], p[0], p[1])
        }()
        #expect(types == ResourceTypeRegistry.builtIn.count)
        #expect(operations == OperationCatalog.builtIn.count)
        #expect(policies == pack.count)
        #expect(remediable == pack.filter(\.isRemediable).count)
        let byCloud = try numbers(#"(\d+) policies \((\d+) AWS, (\d+) Azure, (\d+) GCP\), (\d+) remediable"#)
        func count(_ cloud: String) -> Int { pack.filter { $0.resourceType.hasPrefix(cloud + ".") }.count }
        let actual: [Int] = [pack.count, count("aws"), count("azure"), count("gcp"), remediable]
        #expect(byCloud == actual)
    }

    @Test func theShippedFixturesAndScenariosAreCountedRight() throws {
        let resources = try numbers(#"`Fixtures/acme/` is a small organisation of (\d+) resources"#)
        let inventory = try FixtureLoader.load(paths: [
            TestSupport.packageRoot.appendingPathComponent("Fixtures/acme").path
        ])
        #expect(resources == [inventory.count])
        let scenarios = try numbers(#"(\d+) scenarios: (\d+) passed, 0 failed"#)
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.scenariosDirectory).filter {
            $0.hasSuffix(".yaml")
        }
        #expect(scenarios == [files.count, files.count])
    }
}
