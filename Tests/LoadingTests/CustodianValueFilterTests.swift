import CloudModel
import Foundation
import Loading
import Policies
import TestSupport
import Testing

@testable import Loading

/// Custodian's value filter as remsim reads it from a policy file: examples of what Custodian
/// means where a look-alike would mean something else, then the same filters run by Custodian's
/// own `ValueFilter` on the same resources (`Custodian/value_filter.py`), case by case.
struct CustodianValueFilterTests {
    /// The resources the filters are tried on, as JSON (Azure-shaped: tags in `tags`).
    static let documents: [Value] = [
        try! Value(
            json: """
                {"name": "prod-web-01", "size": 100, "enabled": true, "count": "42", "cidr": "10.0.0.0/8",
                 "ip": "10.1.2.3", "tags": {"env": "prod", "team": "Web"}, "list": ["a", "b", "a"],
                 "nested": {"x": [1, 2, 3], "y": {"z": "Q"}}, "created": "2020-01-01T00:00:00Z",
                 "expires": "2099-01-01T00:00:00+00:00", "empty": "", "zero": 0, "null": null,
                 "mixed": [1, "1", true], "upper": "  MiXeD Case  ", "epoch": 1600000000, "epochMs": 1600000000000,
                 "float": "3.5", "objs": [{"k": 1, "v": "a"}, {"k": 2, "v": "b"}, {"k": 3, "v": null}], "a.b": "literal",
                 "ports": [22, 443], "network": "192.168.0.0/16", "v6": "::/0", "words": "alpha beta"}
                """),
        try! Value(
            json: """
                {"name": "dev-db", "size": 5.5, "enabled": false, "count": "x", "cidr": "0.0.0.0/0",
                 "ip": "8.8.8.8", "tags": {"env": "dev"}, "list": [], "nested": {"x": [], "y": {}},
                 "created": "2030-06-01T12:00:00Z", "expires": "2001-01-01", "empty": [], "zero": 0.0,
                 "mixed": [], "upper": "lower", "epoch": "1600000000", "float": "nan", "objs": [],
                 "ports": [], "network": "not a network", "words": ""}
                """),
        try! Value(json: #"{"name": "", "tags": {}, "count": 7, "size": "12", "list": "abc", "nested": null}"#),
    ]

    static let keys = [
        "name", "size", "enabled", "count", "cidr", "ip", "tag:env", "tag:team", "tag:missing", "list", "nested.x",
        "nested.x[0]", "nested.y.z", "objs[?k==`2`].v", "objs[*].v", "objs[].k", "length(list)", "created",
        "expires", "empty", "zero", "null", "missing", "mixed", "upper", "epoch", "epochMs", "float", "a.b",
        "ports", "network", "words", "nested.x[-1]", "list[1:]", "\"a.b\"",
    ]

    /// Operator, value and value type, as a policy writes them (nil: left out).
    static let tests: [(op: String?, value: Value, type: String?)] = {
        var out: [(String?, Value, String?)] = []
        let values: [Value] = [
            "prod-web-01", "PROD", "prod", 100, 100.0, 5, "42", 42, true, false, .null, "absent", "present",
            "not-null", "empty", ["a", "b"], ["prod", "dev"], [22], "10.0.0.0/8", "0.0.0.0/0", "10.1.0.0/16",
            "prod-*", "^prod", "Q", 0, "a", "alpha", [1, 2, 3], ["x"],
        ]
        let ops = [
            nil, "eq", "ne", "gt", "ge", "lt", "le", "in", "ni", "not-in", "contains", "glob", "regex", "regex-case",
            "intersect", "difference", "mod", "equal", "not-equal", "greater-than", "less-than", "gte", "lte",
        ]
        for op in ops {
            for v in values { out.append((op, v, nil)) }
        }
        let typed: [(String?, Value, String)] = [
            ("gt", 30, "age"), ("lt", 30, "age"), ("gt", 365, "age"), ("eq", 0, "age"), ("ne", 0, "age"),
            ("lt", 30, "expiration"), ("gt", 30, "expiration"), ("eq", 42, "integer"), ("gt", 10, "integer"),
            ("eq", 0, "integer"), ("eq", 3.5, "float"), ("gt", 1, "float"), ("eq", "mixed case", "normalize"),
            ("eq", "prod-web-01", "normalize"), ("eq", 3, "size"), ("gt", 0, "size"), ("eq", 0, "size"),
            ("eq", 2, "unique_size"), ("in", "10.0.0.0/8", "cidr"), ("in", "0.0.0.0/0", "cidr"),
            ("eq", "10.0.0.0/8", "cidr"), ("ni", "10.0.0.0/8", "cidr"),
            ("in", ["10.0.0.0/8", "192.168.0.0/16"], "cidr"),
            ("not-in", ["10.0.0.0/8"], "cidr"), ("eq", 8, "cidr_size"), ("gt", 8, "cidr_size"),
            ("lt", 16, "cidr_size"), ("in", "prod", "swap"), ("contains", "b", "swap"), ("eq", 100, "swap"),
            ("gt", "2025-01-01", "date"), ("lt", "2025-01-01T00:00:00Z", "date"), ("eq", "2020-01-01", "date"),
            ("eq", "name", "expr"), ("ne", "size", "expr"), ("eq", "tag:env", "expr"),
            ("gt", "1.9", "version"), ("lt", "10.1", "version"), ("eq", "42", "version"), ("ge", "3.5b", "version"),
            ("le", "prod-web-1", "version"), ("gt", "10.0.0.0/7", "version"), ("eq", "present", "version"),
            ("eq", "not-null", "version"), ("eq", "absent", "version"), ("eq", "empty", "version"),
            ("ne", "2.0", "version"), ("gt", "", "version"), ("lt", 5, "version"), ("in", "42", "version"),
        ]
        for (op, v, t) in typed { out.append((op, v, t)) }
        return out
    }()

    struct Case {
        var filter: Value
        var resource: Value
    }

    static func cases() -> [Case] {
        var out: [Case] = []
        for key in keys {
            for t in tests {
                var filter = Fields()
                filter["type"] = "value"
                filter["key"] = .string(key)
                filter["value"] = t.value
                if let op = t.op { filter["op"] = .string(op) }
                if let type = t.type { filter["value_type"] = .string(type) }
                for doc in documents { out.append(Case(filter: .object(filter), resource: doc)) }
            }
        }
        return out
    }

    /// remsim's verdict on a case: nil when the policy file is refused.
    /// remsim's verdict on a case: nil when the policy file is refused.
    static func remsim(_ c: Case, at now: Timestamp) -> Bool? {
        remsim(policy(c.filter), c.resource, at: now)
    }

    /// The filter read as one policy of a Custodian file; nil when remsim refuses it.
    static func policy(_ filter: Value) -> Policy? {
        let policy = ["policies": [["name": "p", "resource": "azure.storage", "filters": [filter]]]] as Value
        return try? PolicyLoader.load(file: "case.yml", data: Data(policy.jsonText.utf8), source: "case.yml").first
    }

    static func remsim(_ policy: Policy?, _ document: Value, at now: Timestamp) -> Bool? {
        guard let policy else { return nil }
        var tags: [String: String] = [:]
        for entry in document["tags"]?.objectValue?.entries ?? [] { tags[entry.key] = entry.value.stringValue }
        let resource = Resource(
            id: "r", type: "azure.storage", account: "sub", region: "eastus", tags: tags, properties: document)
        return Evaluator(now: now).violates(policy, resource)
    }

    // MARK: - Examples of Custodian's meaning

    func verdict(_ filter: Value, _ resource: Value) -> Bool? {
        var written = filter.objectValue ?? Fields()
        written["type"] = "value"
        return Self.remsim(Case(filter: .object(written), resource: resource), at: TestSupport.start)
    }

    @Test func containsOnAStringIsASubstringTest() {
        #expect(verdict(["key": "name", "op": "contains", "value": "web"], ["name": "prod-web"]) == true)
        #expect(verdict(["key": "name", "op": "contains", "value": "db"], ["name": "prod-web"]) == false)
    }

    @Test func regexIsCaseInsensitiveAndAnchoredAtTheStartOnly() {
        #expect(verdict(["key": "name", "op": "regex", "value": "PROD"], ["name": "prod-web"]) == true)
        #expect(verdict(["key": "name", "op": "regex-case", "value": "PROD"], ["name": "prod-web"]) == false)
        #expect(verdict(["key": "name", "op": "regex", "value": "web"], ["name": "prod-web"]) == false)
    }

    @Test func aMissingValueIsAnEmptyTupleUnderIn() {
        #expect(verdict(["key": "x", "op": "not-in", "value": ["a"]], [:]) == true)
        #expect(verdict(["key": "x", "op": "in", "value": ["a"]], [:]) == false)
    }

    @Test func sentinelsAreValues() {
        #expect(verdict(["key": "x", "value": "absent"], [:]) == true)
        #expect(verdict(["key": "x", "value": "absent"], ["x": 1]) == false)
        #expect(verdict(["key": "x", "value": "empty"], ["x": [] as Value]) == true)
        #expect(verdict(["key": "x", "value": "not-null"], ["x": 0]) == false)
    }

    @Test func anEpochUnderAgeIsADate() {
        // 2025-01-01 in seconds since the epoch, a year before the examples' time.
        #expect(verdict(["key": "t", "value_type": "age", "op": "gt", "value": 300], ["t": 1_735_689_600]) == true)
        #expect(verdict(["key": "t", "value_type": "age", "op": "gt", "value": 400], ["t": 1_735_689_600]) == false)
    }

    @Test func aTypeErrorIsNoMatch() {
        #expect(verdict(["key": "x", "op": "gt", "value": 5], ["x": "a"]) == false)
        #expect(verdict(["key": "x", "op": "contains", "value": 5], ["x": "a5"]) == false)
    }

    @Test func whatRemsimCannotReadIsRefusedWithItsPlace() throws {
        let text = """
            policies:
              - name: counted
                resource: aws.ec2
                filters:
                  - type: value
                    value_type: resource_count
                    op: gt
                    value: 3
            """
        #expect {
            try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml")
        } throws: { error in
            let e = error as? LoadError
            return e?.line == 6 && e?.message.contains("resource_count") == true && e?.file == "p.yml"
        }
    }

    // MARK: - Against Custodian

    static let python = TestSupport.custodianPython

    @Test func custodianIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_CUSTODIAN"] == "1" {
            #expect(
                Self.python != nil, "REMSIM_REQUIRE_CUSTODIAN=1 but REMSIM_CUSTODIAN names no custodian beside a python"
            )
        }
    }

    /// Every case through Custodian's `ValueFilter` and through remsim: the same verdict, a
    /// filter Custodian refuses is refused, and one Custodian raises on is no match in remsim.
    @Test(.enabled(if: python != nil, "REMSIM_CUSTODIAN is not set (pip install c7n into a virtual environment)"))
    func everyCaseAgreesWithCustodian() throws {
        let cases = Self.cases()
        let input = Value.array(cases.map { ["filter": $0.filter, "resource": $0.resource] }).jsonText
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [
            TestSupport.packageRoot.appendingPathComponent("Tests/LoadingTests/Custodian/value_filter.py").path
        ]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let verdicts = try #require(try Value(json: String(decoding: output, as: UTF8.self)).arrayValue)
        try #require(verdicts.count == cases.count)
        var disagreements: [String] = []
        var compared = 0
        var freeText = 0
        // Each filter is read once, for all the documents it is tried on.
        var read: (filter: Value, policy: Policy?)?
        for (c, custodian) in zip(cases, verdicts) {
            if read?.filter != c.filter { read = (c.filter, Self.policy(c.filter)) }
            let ours = Self.remsim(read?.policy, c.resource, at: now)
            let agree: Bool
            switch custodian {
            case .bool(let b): agree = ours == b
            case "invalid": agree = ours == nil
            // Custodian stops on the error; remsim reads no match (or refuses the filter).
            default: agree = ours != true
            }
            // Custodian reads dates with dateutil, which guesses at free text ("3.5" is today at
            // 03:30); remsim reads ISO 8601 and epoch times only, as the README says.
            if !agree, ["age", "expiration", "date"].contains(c.filter["value_type"]?.stringValue ?? ""),
                let key = c.filter["key"]?.stringValue, case .string(let text)? = c.resource[key],
                PythonDate.parse(.string(text)) == nil
            {
                freeText += 1
                continue
            }
            compared += 1
            if !agree {
                disagreements.append(
                    "\(c.filter.jsonText) on \(c.resource["name"]?.jsonText ?? "?"): Custodian \(custodian.jsonText), remsim \(ours.map(String.init) ?? "refused")"
                )
            }
        }
        #expect(compared > 50_000 && freeText <= 3, "\(freeText) free-text dates")
        #expect(
            disagreements.isEmpty,
            "\(disagreements.count) of \(compared):\n\(disagreements.prefix(40).joined(separator: "\n"))")
    }
}
