import CloudModel
import CloudOperations
import Foundation
@testable import Loading
import Policies
import RemediationEngine
import Simulation
import TestSupport
import Testing

/// The JSON Schemas in `Schemas/` let editors complete and check files as they are written; they
/// must accept exactly the keys and names the loaders accept. (CI also validates every shipped
/// file against them: `.ci/check-schemas.py`.)
struct SchemaTests {
    func schema(_ name: String) throws -> [String: Any] {
        let url = TestSupport.packageRoot.appendingPathComponent("Schemas/\(name).schema.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func dig(_ object: Any?, _ path: [Any]) -> Any? {
        var current = object
        for step in path {
            if let key = step as? String { current = (current as? [String: Any])?[key] }
            if let index = step as? Int { current = (current as? [Any]).flatMap { index < $0.count ? $0[index] : nil } }
        }
        return current
    }

    func keys(_ object: Any?, _ path: [Any]) -> Set<String> {
        Set((dig(object, path) as? [String: Any])?.keys.map { $0 } ?? [])
    }

    func strings(_ object: Any?, _ path: [Any]) -> Set<String> {
        Set((dig(object, path) as? [String]) ?? [])
    }

    @Test func fixtureSchemaMatchesTheLoader() throws {
        let s = try schema("fixture")
        #expect(keys(s, ["properties"]) == Set(FixtureLoader.fileKeys))
        #expect(keys(s, ["$defs", "resource", "properties"]) == Set(FixtureLoader.resourceKeys))
        #expect(strings(s, ["$defs", "resource", "else", "properties", "type", "enum"]) == Set(ResourceTypeRegistry.names))
    }

    @Test func policySchemaMatchesTheLoader() throws {
        let s = try schema("policy")
        let body: [Any] = ["oneOf", 0, "allOf", 0]
        #expect(keys(s, body + ["properties"]) == Set(PolicyLoader.policyKeys))
        #expect(keys(s, body + ["properties", "remediation", "properties", "steps", "items", "properties"]) == Set(PolicyLoader.stepKeys))
        #expect(keys(s, ["$defs", "valueFilter", "properties"]) == Set(FilterReader.valueKeys))
        #expect(strings(s, ["$defs", "valueFilter", "properties", "op", "enum"]) == Set(FilterOp.allCases.map(\.rawValue)))
        #expect(strings(s, body + ["properties", "severity", "enum"]) == Set(Severity.allCases.map(\.rawValue)))
        #expect(strings(s, body + ["properties", "resource", "enum"]) == Set(ResourceTypeRegistry.names))
        let operations = body + ["properties", "remediation", "properties", "steps", "items", "properties", "operation", "enum"]
        #expect(strings(s, operations) == Set(OperationCatalog.names))
    }

    @Test func scenarioSchemaMatchesTheLoader() throws {
        let s = try schema("scenario")
        #expect(keys(s, ["properties"]) == Set(ScenarioLoader.scenarioKeys))
        #expect(keys(s, ["properties", "engine", "properties"]) == Set(ScenarioLoader.engineKeys))
        #expect(keys(s, ["properties", "engine", "properties", "alert-rules", "items", "properties"]) == Set(ScenarioLoader.ruleKeys))
        #expect(keys(s, ["properties", "timeline", "items", "properties"]) == Set(ScenarioLoader.timelineKeys))
        #expect(strings(s, ["properties", "timeline", "items", "properties", "inject", "enum"]) == Set(Injection.names))
        let reasons = try #require(dig(s, ["$defs", "expectation", "oneOf"]) as? [Any]).compactMap {
            dig($0, ["properties", "reason", "enum"]) as? [String]
        }.first
        #expect(Set(reasons ?? []) == Set(TransitionReason.allCases.map(\.rawValue)))
    }
}
