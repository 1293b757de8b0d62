import CloudModel
import Foundation
import Loading
import Simulation
import TestSupport
import Testing

/// JSON fixtures are read by their own reader, straight into the flat storage. It must read what
/// the YAML reader reads (JSON is YAML) into the same resources, and refuse what it refuses with
/// the same message at the same place.
struct JSONFixtureReaderTests {
    func load(_ paths: [String], syntax: FixtureLoader.Syntax) -> (Inventory?, [LoadError]) {
        FixtureLoader.loadReportingAll(paths: paths, syntax: syntax)
    }

    func expectSame(_ a: Inventory, _ b: Inventory, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        for (x, y) in zip(a.all, b.all) where x != y {
            Issue.record("\(x.id) differs:\n\(x)\n\(y)", sourceLocation: sourceLocation)
            return
        }
    }

    func summary(_ e: LoadError) -> String { "\(e.line ?? 0) \(e.keyPath): \(e.message)" }

    @Test func everyShippedFixtureWrittenAsJSONReadsBackTheSameBothWays() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = TestSupport.packageRoot.appendingPathComponent("Fixtures").path
        for set in [
            "acme", "incidents/access-keys", "incidents/all-traffic-rule", "incidents/default-group",
            "incidents/key-turning-90", "incidents/website-bucket",
        ] {
            let (yaml, problems) = load([root + "/" + set], syntax: .byExtension)
            #expect(problems.isEmpty, "\(problems)")
            let original = try #require(yaml)
            let out = dir + "/" + set.replacingOccurrences(of: "/", with: "-")
            _ = try FixtureWriter(directory: out, perFile: 40).write { emit in
                for r in original.all { try emit(r) }
            }
            let (json, jsonProblems) = load([out], syntax: .byExtension)
            let (asYAML, yamlProblems) = load([out], syntax: .yaml)
            #expect(jsonProblems.isEmpty && yamlProblems.isEmpty, "\(jsonProblems) \(yamlProblems)")
            expectSame(try #require(json), original)
            expectSame(try #require(json), try #require(asYAML))
        }
    }

    @Test func aGeneratedInventoryReadsTheSameBothWays() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let generator = InventoryGenerator(seed: 3, accountCount: 3, violationPercent: 10)
        _ = try FixtureWriter(directory: dir, perFile: 700).write { emit in
            try generator.generate(count: 2_000, emit)
        }
        let (json, a) = load([dir], syntax: .byExtension)
        let (yaml, b) = load([dir], syntax: .yaml)
        #expect(a.isEmpty && b.isEmpty)
        #expect(json?.count == 2_000)
        expectSame(try #require(json), try #require(yaml))
    }

    /// Escapes, every kind of value, numbers written as text where a string is asked for.
    @Test func valuesOfEveryKindReadTheSameBothWays() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(
            #"""
            {"version": 1, "resources": [
              {"id": "sg-1", "type": "aws.security-group", "account": 111111111111, "region": "us-east-1",
               "name": "caf\u00e9 \"quoted\" \\ \/ \t tab é 😀",
               "tags": {"team": "a b", "n": 7, "on": true},
               "properties": {"GroupId": "sg-1", "IpPermissions": [], "Nested": {"a": [1, -2, 3.5, 0.25, -0.0, true,
                 false, null, "x", {"deep": [[], {}]}]}, "Unicode": "ü→😀", "Escaped": "line\nnext\u0001"},
               "relations": {"attached-to": ["i-1", "i-2"]},
               "usage": {"flows": [{"port": 22, "seen": "2026-01-01T00:00:00Z"}]}},
              {"id": "b-1", "type": "aws.s3", "account": "111111111111", "region": "us-east-1", "properties": {}}
            ]}
            """#, to: "f.json", in: dir)
        let (json, a) = load([dir + "/f.json"], syntax: .byExtension)
        let (yaml, b) = load([dir + "/f.json"], syntax: .yaml)
        #expect(a.isEmpty && b.isEmpty, "\(a) \(b)")
        expectSame(try #require(json), try #require(yaml))
        let sg = try #require(json?["sg-1"])
        #expect(sg.account == "111111111111" && sg.tags == ["team": "a b", "n": "7", "on": "true"])
        #expect(sg.name == "café \"quoted\" \\ / \t tab é 😀")
        #expect(sg.properties["Escaped"]?.stringValue == "line\nnext\u{1}")
        let list = sg.properties["Nested"]?["a"]?.arrayValue ?? []
        #expect(list.count == 10 && list[2] == .double(3.5) && list[1] == .int(-2))
    }

    /// Each problem the YAML reader finds in a file, the JSON reader finds too: the same message,
    /// key path and line; and the JSON reader places it at the value's first character.
    @Test func problemsAreTheYAMLReadersAtTheSamePlaces() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(
            """
            {"version": 1, "account": "111111111111", "region": "us-east-1", "resources": [
              {"id": "sg-1", "type": "aws.security-grup", "properties": {}},
              {"id": "sg-2", "type": "aws.security-group", "colour": "red"},
              {"id": "sg-3", "type": "aws.security-group", "tags": ["a"]},
              {"id": "sg-4", "type": "aws.security-group", "properties": [1, 2]},
              {"id": "sg-5", "type": "aws.security-group", "relations": {"attached-to": "i-1"}},
              {"id": "sg-6", "type": "aws.security-group", "inert": "yes"},
              {"id": null, "type": "aws.security-group"},
              {"id": "sg-9", "type": "aws.security-group"},
              {"id": "sg-9", "type": "aws.security-group"},
              {"type": "aws.s3", "properties": {"Name": "bucket-from-its-property"}},
              "not an entry"
            ]}
            """, to: "bad.json", in: dir)
        let (json, jsonProblems) = load([dir + "/bad.json"], syntax: .byExtension)
        let (yaml, yamlProblems) = load([dir + "/bad.json"], syntax: .yaml)
        #expect(json == nil && yaml == nil)
        #expect(jsonProblems.map(summary) == yamlProblems.map(summary))
        #expect(jsonProblems.count == 9, "\(jsonProblems.map(summary))")
        let type = try #require(jsonProblems.first)
        #expect(type.keyPath == "resources[0].type" && type.line == 2 && type.column == 26, "\(type)")
        #expect(type.message.hasPrefix("unknown resource type 'aws.security-grup'; did you mean 'aws.security-group'?"))

        // A duplicate key: YAML's parser stops at it; the JSON reader reports it and reads on.
        try TestSupport.write(
            """
            {"version": 1, "account": "111111111111", "region": "us-east-1", "resources": [
              {"id": "sg-8", "type": "aws.security-group", "properties": {"A": 1, "B": 2, "A": 3}},
              {"id": "sg-9", "type": "aws.security-grup"}
            ]}
            """, to: "dup.json", in: dir)
        let (_, duplicates) = load([dir + "/dup.json"], syntax: .byExtension)
        #expect(
            duplicates.map(summary) == [
                "2 resources[0].properties.A: duplicate key 'A' (also at line 2)",
                "3 resources[1].type: " + type.message,
            ])
        #expect(duplicates.first?.column == 79)
        let (_, yamlDuplicates) = load([dir + "/dup.json"], syntax: .yaml)
        #expect(yamlDuplicates.first.map(summary) == duplicates.first.map(summary))
    }

    /// UTF-16 surrogate pairs, which JSON allows and YAML's parser does not.
    @Test func surrogatePairsAreOneCharacter() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(
            #"{"version": 1, "resources": [{"id": "b", "type": "aws.s3", "account": "1", "region": "r", "#
                + #""name": "\ud83d\ude00 \u00e9", "properties": {"K\u00fc": "\ud83d\ude00"}}]}"#,
            to: "f.json", in: dir)
        let (inventory, problems) = load([dir + "/f.json"], syntax: .byExtension)
        #expect(problems.isEmpty, "\(problems)")
        #expect(inventory?["b"]?.name == "😀 é" && inventory?["b"]?.properties["Kü"] == .string("😀"))
        try TestSupport.write(#"{"version": 1, "resources": [{"id": "\ud83d x"}]}"#, to: "f.json", in: dir)
        #expect(
            load([dir + "/f.json"], syntax: .byExtension).1.first?.message
                == #"invalid JSON: a lone surrogate in a \u escape"#)
    }

    @Test func brokenJSONStopsAtItsLineAndColumnAndSaysWhy() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, Int, Int, String)] = [
            (
                "{\"version\": 1,\n \"resources\": [\n  {\"id\": \"a\" \"type\": \"aws.s3\"}]}", 3, 14,
                "invalid JSON: expected ',' or '}' in an object"
            ),
            (
                "{\"version\": 1, \"resources\": [{\"id\": \"a\ttab\"}]}", 1, 39,
                "invalid JSON: a control character in a string must be escaped"
            ),
            (#"{"version": 1, "resources": [{"id": "\q"}]}"#, 1, 38, "invalid JSON: an unknown escape in a string"),
            (#"{"version": 1, "resources": [1e999]}"#, 1, 30, "'1e999' is not a finite number"),
            ("[1, 2]", 1, 1, "expected a mapping, found a list"),
            ("\"a key file\"", 1, 1, "expected a mapping, found a plain value (the file is not a remsim YAML file)"),
            ("", 0, 0, "the file is empty"),
        ]
        for (text, line, column, message) in cases {
            try TestSupport.write(text, to: "f.json", in: dir)
            let (inventory, problems) = load([dir + "/f.json"], syntax: .byExtension)
            #expect(inventory == nil)
            let first = try #require(problems.first, "\(text)")
            #expect(
                first.message == message && (first.line ?? 0) == line && (first.column ?? 0) == column,
                "\(first.line ?? 0):\(first.column ?? 0) \(first.message)")
        }
        // Bytes that are not UTF-8, at the first bad one.
        var bytes = Array("{\"version\": 1, \"resources\": [{\"id\": \"ab".utf8)
        bytes += [0xFF, 0x22, 0x7D, 0x5D, 0x7D]
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/f.json"))
        let (_, problems) = load([dir + "/f.json"], syntax: .byExtension)
        #expect(problems.first?.message == "the file is not valid UTF-8 text (the first bad byte is here)")
        #expect(problems.first?.column == 40, "\(problems)")
    }

    @Test func nestingPastTheLimitIsRefusedNotOverflowed() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let deep = String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        try TestSupport.write(
            "{\"version\": 1, \"resources\": [{\"id\": \"a\", \"type\": \"aws.s3\", \"properties\": {\"x\": \(deep)}}]}",
            to: "f.json", in: dir)
        let (inventory, problems) = load([dir + "/f.json"], syntax: .byExtension)
        #expect(inventory == nil)
        #expect(problems.first?.message.hasPrefix("nested more than 100 levels deep") == true, "\(problems)")
    }
}

/// The fixture writer writes each resource's properties straight from their flat storage; the
/// text is the text of the resource's value tree.
struct FixtureWriterTextTests {
    @Test func aResourceIsWrittenAsItsValueTree() throws {
        let acme = try FixtureLoader.load(
            paths: [TestSupport.packageRoot.appendingPathComponent("Fixtures/acme").path])
        var resources = acme.all
        resources.append(
            Resource(
                id: "x\"1", type: "aws.AWS::Unmodelled::Thing", account: "1", region: "r", name: "tab\tname",
                tags: ["b": "2", "a\n": "1"], properties: ["k": ["nested": [1.5, nil, "é"]]],
                relations: ["origin-of": ["y", "z"], "attached-to": ["w"]], usage: ["lastUsed": "2026-01-01"]))
        #expect(resources.count > 10)
        for r in resources {
            #expect(FixtureWriter.jsonText(of: r) == FixtureWriter.value(of: r).jsonText, "\(r.id)")
        }
    }
}
