import CloudModel
import CloudOperations
import Foundation
import Policies
import RemediationEngine
import Simulation
import TestSupport
import Testing

@testable import Loading

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
        #expect(
            dig(s, ["$defs", "resource", "else", "properties", "type", "$ref"]) as? String == "#/$defs/resourceType")
        #expect(strings(s, ["$defs", "resourceType", "enum"]) == Set(ResourceTypeRegistry.names))
    }

    @Test func policySchemaMatchesTheLoader() throws {
        let s = try schema("policy")
        let body: [Any] = ["oneOf", 0, "allOf", 0]
        #expect(keys(s, body + ["properties"]) == Set(PolicyLoader.policyKeys))
        #expect(
            keys(s, body + ["properties", "remediation", "properties", "steps", "items", "properties"])
                == Set(PolicyLoader.stepKeys))
        #expect(keys(s, ["$defs", "valueFilter", "properties"]) == Set(FilterReader.valueKeys))
        #expect(
            strings(s, ["$defs", "valueFilter", "properties", "op", "enum"]) == Set(FilterOp.allCases.map(\.rawValue)))
        #expect(strings(s, body + ["properties", "severity", "enum"]) == Set(Severity.allCases.map(\.rawValue)))
        #expect(dig(s, body + ["properties", "resource", "$ref"]) as? String == "#/$defs/resourceType")
        #expect(strings(s, ["$defs", "resourceType", "enum"]) == Set(ResourceTypeRegistry.names))
        let operation =
            body + ["properties", "remediation", "properties", "steps", "items", "properties", "operation", "$ref"]
        #expect(dig(s, operation) as? String == "#/$defs/operation")
        #expect(strings(s, ["$defs", "operation", "enum"]) == Set(OperationCatalog.names))
    }

    /// The lists are generated from the registry and the catalog; a type or operation added in
    /// code fails this test until the schemas are regenerated with
    /// `REMSIM_UPDATE_SCHEMAS=1 swift test --filter SchemaTests`.
    @Test(arguments: SchemaLists.files)
    func schemaListsAreGeneratedFromTheRegistry(file: String) throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Schemas/\(file)")
        let text = try String(contentsOf: url, encoding: .utf8)
        let regenerated = try SchemaLists.regenerated(text)
        if ProcessInfo.processInfo.environment["REMSIM_UPDATE_SCHEMAS"] == "1", regenerated != text {
            try regenerated.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            regenerated == text,
            "Schemas/\(file) is out of date: REMSIM_UPDATE_SCHEMAS=1 swift test --filter SchemaTests")
    }

    @Test func scenarioSchemaMatchesTheLoader() throws {
        let s = try schema("scenario")
        #expect(keys(s, ["properties"]) == Set(ScenarioLoader.scenarioKeys))
        #expect(keys(s, ["properties", "engine", "properties"]) == Set(ScenarioLoader.engineKeys))
        #expect(
            keys(s, ["properties", "engine", "properties", "alert-rules", "items", "properties"])
                == Set(ScenarioLoader.ruleKeys))
        #expect(keys(s, ["properties", "timeline", "items", "properties"]) == Set(ScenarioLoader.timelineKeys))
        #expect(
            strings(s, ["properties", "timeline", "items", "properties", "inject", "enum"]) == Set(Injection.names))
        let reasons = try #require(dig(s, ["$defs", "expectation", "oneOf"]) as? [Any]).compactMap {
            dig($0, ["properties", "reason", "enum"]) as? [String]
        }.first
        #expect(Set(reasons ?? []) == Set(TransitionReason.allCases.map(\.rawValue)))
    }
}
