import Foundation
import PolicyPack
import TestSupport
import Testing

@testable import Loading

/// A suite of many scenarios over the same fixtures reads and checks those fixtures once.
struct SuiteScaleTests {
    @Test func fixturesSharedByScenariosAreReadAndCheckedOnce() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(
            atPath: TestSupport.packageRoot.appendingPathComponent("Fixtures").path, toPath: dir + "/Fixtures")
        let text = try String(
            contentsOfFile: TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml", encoding: .utf8)
        let loader = ScenarioLoader(builtins: try BuiltinPolicies.load(), paths: .directory(dir))
        for n in [1, 10, 200] {
            for i in 0..<n {
                let file = try TestSupport.write(
                    text.replacingOccurrences(of: "name: ssh-opened-to-world-is-closed", with: "name: s\(n)-\(i)"),
                    to: "Scenarios/s\(n)-\(i).yaml", in: dir)
                _ = try loader.load(file: file)
            }
            #expect(loader.inventories.loads == 1, "after \(n) more scenarios")
            #expect(loader.inventories.walks == 1, "after \(n) more scenarios")
        }
    }
}
