import CloudModel
import Foundation
import Loading
import Policies
import PolicyPack
import Simulation
import TestSupport
import Testing

/// Files written to hurt: each is refused with an error that names the file, the place where
/// known, and the limit with the flag that raises it — never a hang, a crash or a machine out of
/// memory. The limits are lowered in some tests only to keep the files small.
struct HostileInputTests {
    func load(
        _ scenario: String, fixture: String = BadInputTests.fixture, limits: Limits = Limits(),
        paths: PathConfinement = .automatic
    ) throws -> Result<Scenario, LoadError> {
        try BadInputTests.load(scenario, fixture: fixture, limits: limits, paths: paths)
    }

    func error(
        _ scenario: String, fixture: String = BadInputTests.fixture, limits: Limits = Limits(),
        paths: PathConfinement = .automatic
    ) throws -> LoadError {
        guard case .failure(let e) = try load(scenario, fixture: fixture, limits: limits, paths: paths) else {
            Issue.record("the file loaded")
            return LoadError(file: "", message: "")
        }
        return e
    }

    static func aliasBomb(levels: Int) -> String {
        var text = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1..<levels {
            text += "x\(i): &a\(i) [\(Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", "))]\n"
        }
        return text
    }

    @Test func anAliasBombInAFixtureIsRefusedAtTheAliasThatCrossesTheLimit() throws {
        // Nine levels of nine: 387 million values from a 500-byte fixture.
        let bomb = Self.aliasBomb(levels: 9).split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
        let fixture = BadInputTests.fixture.replacingOccurrences(
            of: "properties: {GroupId: sg-1, IpPermissions: []}",
            with: "properties:\n        GroupId: sg-1\n" + bomb.replacingOccurrences(of: "      x", with: "        x"))
        let e = try error(BadInputTests.scenario, fixture: fixture)
        #expect(e.file.hasSuffix("fixtures/net.yaml"))
        #expect(e.line != nil && e.column != nil)
        #expect(
            e.message
                == "aliases expand this document to more than 5000000 values (raise the limit with --max-yaml-values)")
    }

    @Test func anAliasBombAsAMappingKeyIsRefusedBeforeItIsBuilt() throws {
        // Composing this would hash a 387-million-value key.
        let e = try error("version: 1\n" + Self.aliasBomb(levels: 9) + "? *a8\n: 1\n")
        #expect(e.message.contains("aliases expand this document to more than"))
    }

    @Test func aliasesWithinTheLimitStillWork() throws {
        let scenario = BadInputTests.scenario.replacingOccurrences(
            of: "detection: {mode: event, delivery-delay: 90s}",
            with:
                "detection: &events {mode: event, delivery-delay: 90s}\n    - name: q\n      auto-remediate: "
                + "false\n      detection: *events"
        )
        guard case .success(let s) = try load(scenario) else {
            Issue.record("an alias within the limit was refused")
            return
        }
        #expect(s.settings.rules.map(\.name) == ["r", "q"])
        #expect(s.settings.rules.map(\.detection) == [s.settings.rules[0].detection, s.settings.rules[0].detection])
    }

    // libyaml counts the depth of flow collections (`[[[`) by its parser's stack, a little
    // differently from block ones; both are bounded by the same limit.
    @Test(arguments: [
        ("flow", "run-for: " + String(repeating: "[", count: 900) + String(repeating: "]", count: 900)),
        ("block", "description:" + (1...150).map { "\n" + String(repeating: " ", count: $0) + "k:" }.joined() + " x"),
    ])
    func deepNestingIsRefusedWithTheLimit(style: String, text: String) throws {
        let e = try error(BadInputTests.scenario.replacingOccurrences(of: "run-for: 1h", with: text))
        #expect(e.file.hasSuffix("s.yaml"))
        #expect(e.line != nil, "\(style)")
        #expect(e.message == "nested more than 100 levels deep (raise the limit with --max-depth)")
        var deeper = Limits()
        deeper.maxDepth = Limits.ceiling.maxDepth
        let raised = try error(
            BadInputTests.scenario.replacingOccurrences(of: "run-for: 1h", with: text), limits: deeper)
        #expect(!raised.message.contains("nested"), "raising the limit lets the parser through: \(raised.message)")
    }

    /// 20,000 levels overflow the composer's stack; the limit cannot be raised past its ceiling.
    @Test func nestingPastTheCeilingIsRefusedWhateverTheLimitSays() throws {
        var limits = Limits()
        limits.maxDepth = 100_000
        #expect(limits.overCeiling == ["--max-depth: 100000 is over the ceiling of 1000"])
        let text = "run-for: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        let e = try error(BadInputTests.scenario.replacingOccurrences(of: "run-for: 1h", with: text), limits: limits)
        #expect(e.message.hasPrefix("nested more than"), "\(e.message)")
    }

    /// A large file is counted as it streams in: refused at the entry past the limit, before a
    /// node is built, with the key path and the line of that entry.
    @Test func aLongTimelineInALargeFileIsRefusedWhileItIsRead() throws {
        var limits = Limits()
        limits.maxTimelineEntries = 10_000
        let entries = (0..<12_000).map {
            "  - {at: \($0)s, inject: open-ingress, resource: sg-1, with: {port: 22, cidr: 0.0.0.0/0}}"
        }.joined(separator: "\n")
        let text = BadInputTests.scenario.replacingOccurrences(of: "timeline:\n", with: "timeline:\n" + entries + "\n")
        #expect(text.utf8.count > 1 << 20, "large enough to be streamed")
        let e = try error(text, limits: limits)
        #expect(e.keyPath == "timeline")
        #expect(e.message == "more than 10000 timeline entries, over the limit (raise it with --max-timeline)")
        #expect(e.line == 10_011, "the first entry past the limit: \(e)")
    }

    @Test(arguments: [
        (
            "engine:\n  alert-rules:\n    - name: r\n", "engine:\n  alert-rules:\n    - name: r\n      name: again\n",
            "engine.alert-rules[0].name", 8
        ),
        ("name: s\n", "name: s\nname: t\n", "name", 3),
        // Keys are read as text: a quoted key is the same key as a plain one.
        ("name: s\n", "name: s\n'name': t\n", "name", 3),
        ("name: s\n", "name: s\n22: a\n'22': b\n", "22", 4),
    ])
    func aDuplicateKeyIsNamedByItsKeyPath(old: String, new: String, keyPath: String, line: Int) throws {
        let e = try error(BadInputTests.scenario.replacingOccurrences(of: old, with: new))
        #expect(e.keyPath == keyPath, "\(e)")
        #expect(e.line == line)
        #expect(e.message.hasPrefix("duplicate key"))
    }

    @Test func aFileOverTheSizeLimitIsNotRead() throws {
        var limits = Limits()
        limits.maxFileBytes = 64 << 10
        let padding = "\n" + String(repeating: "# padding\n", count: 10_000)
        let e = try error(BadInputTests.scenario + padding, limits: limits)
        #expect(e.file.hasSuffix("s.yaml"))
        #expect(
            e.message.hasPrefix("the file is 98")
                && e.message.hasSuffix("KiB, over the limit of 64 KiB (raise it with --max-file-size)"), "\(e.message)")
        let fixture = try error(BadInputTests.scenario, fixture: BadInputTests.fixture + padding, limits: limits)
        #expect(fixture.file.hasSuffix("net.yaml"))
    }

    @Test func aTimelineOverTheLimitIsRefusedAtTheTimeline() throws {
        var limits = Limits()
        limits.maxTimelineEntries = 1000
        let entries = (0..<1500).map {
            "  - {at: \($0)s, inject: open-ingress, resource: sg-1, with: {port: 22, cidr: 0.0.0.0/0}}"
        }.joined(separator: "\n")
        let text = BadInputTests.scenario.replacingOccurrences(of: "timeline:\n", with: "timeline:\n" + entries + "\n")
        let e = try error(text, limits: limits)
        #expect(e.keyPath == "timeline")
        #expect(e.message == "1501 timeline entries, over the limit of 1000 (raise it with --max-timeline)")
    }

    @Test(arguments: [
        (
            "run-for: 1h", "run-for: 500d", "run-for",
            "500d is longer than the limit of 400d (raise it with --max-run-for)"
        ),
        (
            "run-for: 1h", "run-for: 100000000000y", "run-for",
            "expected a duration such as 90s, 15m, 2h or 1d, found '100000000000y'"
        ),
        ("run-for: 1h", "run-for: 9999999999999w", "run-for", "'9999999999999w' is longer than the 100-year maximum"),
        ("run-for: 1h", "run-for: -1h", "run-for", "a duration here cannot be negative, found '-1h'"),
        ("at: 10m", "at: 99999999999999d", "timeline[0].at", "'99999999999999d' is longer than the 100-year maximum"),
        (
            "run-for: 1h", "run-for: 1h\nseed: 99999999999999999999999", "seed",
            "expected a whole number, found '99999999999999999999999'"
        ),
        ("run-for: 1h", "run-for: 1h\nseed: -5", "seed", "-5 is out of range (0…9223372036854775807)"),
        ("delivery-delay: 90s", "delivery-delay: 90s, interval: .nan", "engine.alert-rules[0].detection.interval", ""),
        ("port: 22", "port: 99999999999999999999", "timeline[0].with.port", ""),
        ("port: 22", "port: -22", "timeline[0].with.port", ""),
    ])
    func absurdNumbersAndDurationsAreRefusedAtTheirKey(old: String, new: String, keyPath: String, message: String)
        throws
    {
        let e = try error(BadInputTests.scenario.replacingOccurrences(of: old, with: new))
        #expect(e.keyPath == keyPath, "\(e)")
        #expect(e.line != nil)
        if !message.isEmpty { #expect(e.message == message) }
    }

    @Test func bytesThatAreNotUTF8AreRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/s.yaml"
        try Data("version: 1\nname: \u{FF}".utf8.map { $0 == 0xC3 ? 0xFF : $0 } + [0xFE, 0x0A]).write(
            to: URL(fileURLWithPath: file))
        do {
            _ = try ScenarioLoader(builtins: []).load(file: file)
            Issue.record("loaded")
        } catch {
            #expect(error.file == file)
            #expect(error.message == "the file is not valid UTF-8 text (the first bad byte is here)")
            #expect(error.line == 2 && error.column == 7, "\(error)")
        }
    }

    @Test func aDriftFasterThanOnceASecondIsRefused() throws {
        let text = BadInputTests.scenario.replacingOccurrences(
            of: "    inject: open-ingress\n    resource: sg-1\n    with: {port: 22, cidr: 0.0.0.0/0}",
            with: "    drift: {actor: tf, every: 1ms}\n    resource: sg-1\n    with: {set: {Description: x}}")
        let e = try error(text)
        #expect(e.keyPath == "timeline[0].drift.every")
        #expect(e.message == "drift every 1ms is shorter than the 1s minimum")
    }

    @Test func aRunThatWouldNeverEndStopsAtTheEventLimit() throws {
        // A drift every second for 400 days is 34 million events.
        let text = BadInputTests.scenario.replacingOccurrences(
            of: "    inject: open-ingress\n    resource: sg-1\n    with: {port: 22, cidr: 0.0.0.0/0}",
            with: "    drift: {actor: tf, every: 1s}\n    resource: sg-1\n    with: {set: {Description: x}}"
        )
        .replacingOccurrences(of: "run-for: 1h", with: "run-for: 400d")
        .replacingOccurrences(of: "expect:\n  - resource: sg-1\n    compliant-with: [ssh]", with: "")
        guard case .success(let scenario) = try load(text) else {
            Issue.record("did not load")
            return
        }
        var limits = Limits()
        limits.maxEvents = 50_000
        let result = try Limits.$current.withValue(limits) { () throws(SimulationError) in
            try Simulator(scenario: scenario).run()
        }
        // Stopped there, with what happened until then and the reason; failed, its expectations unchecked.
        let error = try #require(result.error, "ran to the end")
        #expect(error.contains("stopped after 50000 simulated events") && error.contains("--max-events"))
        #expect(result.eventsProcessed == 50_001)
        #expect(!result.passed)
        #expect(result.assertions.isEmpty)
        #expect(result.timeline.last?.text.hasPrefix("the run stopped: ") == true)
    }

    @Test func scenarioPathsCannotLeaveTheirTreeUnlessAllowed() throws {
        let outside = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try TestSupport.write(
            BadInputTests.fixture.replacingOccurrences(of: "sg-1", with: "sg-2"), to: "other.yaml", in: outside)
        let climbing = BadInputTests.scenario.replacingOccurrences(
            of: "fixtures: [fixtures]", with: "fixtures: [fixtures, ../\((outside as NSString).lastPathComponent)]")
        let e = try error(climbing)
        #expect(e.keyPath == "fixtures[1]")
        #expect(e.message.contains("is outside") && e.message.contains("--allow-outside-root"), "\(e.message)")
        guard case .success = try load(climbing, paths: .anywhere) else {
            Issue.record("--allow-outside-root did not allow it")
            return
        }

        // A symlink inside the tree that leads out of it.
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(BadInputTests.fixture, to: "fixtures/net.yaml", in: dir)
        try FileManager.default.createSymbolicLink(atPath: dir + "/fixtures/escape", withDestinationPath: outside)
        let file = try TestSupport.write(BadInputTests.scenario, to: "s.yaml", in: dir)
        do {
            _ = try ScenarioLoader(builtins: []).load(file: file)
            Issue.record("loaded through the symlink")
        } catch {
            #expect(error.keyPath == "fixtures[0]")
            #expect(
                error.message.contains("leads outside") && error.message.contains("a symlink to"), "\(error.message)")
        }
        let policyOutside = try error(
            BadInputTests.scenario.replacingOccurrences(
                of: "policies: [builtin:ssh]", with: "policies: [builtin:ssh, /etc/passwd]"))
        #expect(policyOutside.keyPath == "policies[1]" && policyOutside.message.contains("'/etc/passwd' is outside"))
    }
}

extension HostileInputTests {
    /// An import that fails half-way leaves its folder as it was; a smaller import replaces a
    /// larger one's files instead of mixing with them.
    @Test func importsAreWrittenWholeOrNotAtAll() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/imported"
        func group(_ i: Int) -> Resource { TestSupport.securityGroup("sg-\(i)", permissions: []) }
        let first = try FixtureWriter(directory: out, perFile: 2).write { emit in for i in 0..<5 { try emit(group(i)) }
        }
        #expect(first.count == 3)
        let before = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            _ = try FixtureWriter(directory: out, perFile: 2).write { emit in
                for i in 0..<5 {
                    if i == 3 { throw Interrupted() }
                    try emit(group(100 + i))
                }
            }
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out).sorted() == before, "nothing of the failed import")
        #expect(try FixtureLoader.load(paths: [out]).count == 5)
        _ = try FixtureWriter(directory: out, perFile: 2).write { emit in try emit(group(9)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["resources-00001.json"])
        #expect(try FixtureLoader.load(paths: [out]).all.map(\.id) == ["sg-9"])
    }
}
