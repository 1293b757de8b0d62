import CloudModel
import Foundation
import Loading
import Simulation
import TestSupport
import Testing

/// The fixture cache must give back exactly what parsing gives, parse nothing it has seen, see
/// every change, survive any damage to its files, and never be used across readers or limits.
struct FixtureCacheTests {
    /// A folder of fixtures (one YAML file, one JSON file, as `remsim generate` writes them) and a
    /// cache folder beside it.
    struct Workspace {
        let dir: String
        var fixtures: String { dir + "/fixtures" }
        var cacheDir: String { dir + "/cache" }

        init() throws {
            dir = try TestSupport.temporaryDirectory()
            try FileManager.default.createDirectory(atPath: dir + "/fixtures", withIntermediateDirectories: true)
            let generated = InventoryGenerator(seed: 3).inventory(count: 300)
            _ = try FixtureWriter(directory: fixtures + "/gen", perFile: 200).write { emit in
                for r in generated.all { try emit(r) }
            }
            try TestSupport.write(
                """
                version: 1
                account: "111111111111"
                region: us-east-1
                resources:
                  - id: sg-1
                    type: aws.security-group
                    tags: {team: web}
                    properties: {GroupId: sg-1, IpPermissions: [{FromPort: 22, ToPort: 22, IpRanges: [{CidrIp: 0.0.0.0/0}]}]}
                    relations: {attached-to: [i-1, i-2]}
                    usage: {flows: [{port: 22, last: "2026-01-01T00:00:00Z"}]}
                """, to: "hand.yaml", in: fixtures)
        }

        func cache(identity: String = "test reader") throws -> FixtureCache {
            let (cache, problem) = FixtureCache.open(directory: cacheDir, identity: identity)
            #expect(problem == nil)
            return try #require(cache)
        }

        func load(_ cache: FixtureCache?, limits: Limits = Limits()) -> (
            inventory: Inventory?, problems: [LoadError], digest: String
        ) {
            Limits.$current.withValue(limits) { FixtureLoader.loadWithDigest(paths: [fixtures], cache: cache) }
        }

        /// Sets every fixture file's time an hour back, as files not touched for a while are.
        func age() throws {
            let files = try FileManager.default.subpathsOfDirectory(atPath: fixtures)
            for f in files where f.hasSuffix(".json") || f.hasSuffix(".yaml") {
                try FileManager.default.setAttributes(
                    [.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: fixtures + "/" + f)
            }
        }

        var objects: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: cacheDir + "/objects")) ?? []).sorted()
        }
    }

    func expectSame(_ a: Inventory?, _ b: Inventory?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let a, let b else {
            Issue.record("an inventory is missing", sourceLocation: sourceLocation)
            return
        }
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        #expect(a.all == b.all, sourceLocation: sourceLocation)
    }

    @Test func aSecondLoadParsesNothingAndGivesTheSameInventoryAndDigest() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        let parsed = w.load(nil)
        #expect(parsed.problems.isEmpty)

        let first = try w.cache()
        let once = w.load(first)
        #expect(first.counts.parsed == 3 && first.counts.cached == 0)
        #expect(w.objects.count == 3)
        expectSame(once.inventory, parsed.inventory)

        // The files are new, so their times are not trusted: they are hashed and found by content.
        let second = try w.cache()
        let twice = w.load(second)
        #expect(second.counts.parsed == 0 && second.counts.cached == 3 && second.counts.unread == 0)
        expectSame(twice.inventory, parsed.inventory)
        #expect(twice.digest == parsed.digest)
    }

    @Test func filesUnchangedSinceTheirStampWasRecordedAreNotEvenRead() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        try w.age()
        let parsed = w.load(nil)
        _ = w.load(try w.cache())
        let cache = try w.cache()
        let again = w.load(cache)
        #expect(cache.counts.unread == 3 && cache.counts.parsed == 0)
        expectSame(again.inventory, parsed.inventory)
        #expect(again.digest == parsed.digest)
    }

    @Test func aChangedFileIsParsedAgainAndTheOthersAreNot() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        try w.age()
        _ = w.load(try w.cache())
        let before = try #require(w.load(nil).inventory)
        // Same size, one character different: only the content tells.
        let file = w.fixtures + "/hand.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "team: web", with: "team: api").write(
            toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: file)

        let cache = try w.cache()
        let after = w.load(cache)
        #expect(cache.counts.parsed == 1 && cache.counts.cached == 2)
        #expect(after.inventory?["sg-1"]?.tags == ["team": "api"])
        #expect(before["sg-1"]?.tags == ["team": "web"])
        expectSame(after.inventory, w.load(nil).inventory)
    }

    @Test func damagedObjectsAreIgnoredAndReplaced() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        let parsed = w.load(nil)
        _ = w.load(try w.cache())
        var generator = SeededGenerator(seed: 11)
        for (n, name) in w.objects.enumerated() {
            let path = w.cacheDir + "/objects/" + name
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            switch n % 3 {
            case 0: bytes.removeLast(bytes.count / 2)  // truncated
            case 1:  // bytes flipped all over
                for _ in 0..<64 {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(
                        in: 1...255, using: &generator)
                }
            default: bytes = (0..<bytes.count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let cache = try w.cache()
        let loaded = w.load(cache)
        #expect(loaded.problems.isEmpty)
        // A flip may land where it changes nothing checked (inside a string); what matters is that
        // nothing crashes and an object that does not read whole is parsed again.
        #expect(cache.counts.parsed + cache.counts.cached == 3)
        #expect(cache.counts.parsed >= 2)
        let fresh = try w.cache()
        expectSame(w.load(fresh).inventory, parsed.inventory)
    }

    @Test func everyFlippedByteOfAnObjectIsRefusedOrReadsAsResources() throws {
        // Exhaustively on a small object: no byte's corruption may crash the reader.
        let resources = InventoryGenerator(seed: 5).inventory(count: 4).all
        var w = ArchiveWriter()
        ResourceArchive.write(resources, to: &w)
        let original = w.bytes
        let back = try original.withUnsafeBytes { raw in
            var r = ArchiveReader(raw)
            return try ResourceArchive.read(from: &r)
        }
        #expect(back == resources)
        var refused = 0
        for i in original.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var bytes = original
                bytes[i] ^= flip
                let read = bytes.withUnsafeBytes { raw -> [Resource]? in
                    var r = ArchiveReader(raw)
                    return try? ResourceArchive.read(from: &r)
                }
                if read == nil { refused += 1 }
            }
        }
        #expect(refused > original.count)
    }

    @Test func anotherReaderOrOtherLimitsNeverUseAnObject() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        _ = w.load(try w.cache(identity: "remsim 0.1.0 (commit a)"))
        let other = try w.cache(identity: "remsim 0.1.0 (commit b)")
        _ = w.load(other)
        #expect(other.counts.parsed == 3 && other.counts.cached == 0)

        var deeper = Limits()
        deeper.maxDepth = 50
        let limited = try w.cache(identity: "remsim 0.1.0 (commit b)")
        _ = w.load(limited, limits: deeper)
        #expect(limited.counts.parsed == 3)
    }

    @Test func aFileWithAProblemIsNotCached() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        try TestSupport.write(
            "version: 1\nresources:\n  - {id: x, type: aws.nothing, account: '1', region: r}\n",
            to: "broken.yaml", in: w.fixtures)
        let cache = try w.cache()
        let loaded = w.load(cache)
        #expect(loaded.inventory == nil)
        #expect(w.objects.count == 3)
        let again = try w.cache()
        let second = w.load(again)
        #expect(second.problems.map(\.message) == loaded.problems.map(\.message))
        #expect(again.counts.parsed == 1)
    }

    @Test func objectsUnusedForAMonthAndLeftoverTemporaryFilesArePrunedWhenTheCacheOpens() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        _ = w.load(try w.cache())
        let objects = w.cacheDir + "/objects/"
        let (stale, used, kept) = (w.objects[0], w.objects[1], w.objects[2])
        let longAgo = Date().addingTimeInterval(-FixtureCache.unusedObjectLifetime - 86_400)
        let lately = Date().addingTimeInterval(-FixtureCache.unusedObjectLifetime + 86_400)
        try FileManager.default.setAttributes([.modificationDate: longAgo], ofItemAtPath: objects + stale)
        try FileManager.default.setAttributes([.modificationDate: lately], ofItemAtPath: objects + used)
        try Data("partial".utf8).write(to: URL(fileURLWithPath: objects + used + ".tmp-1-2"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-7_200)], ofItemAtPath: objects + used + ".tmp-1-2")
        try Data("not ours".utf8).write(to: URL(fileURLWithPath: objects + "README"))
        try FileManager.default.setAttributes([.modificationDate: longAgo], ofItemAtPath: objects + "README")
        // Only the object unused for longer than its lifetime goes; using an object renews it.
        let fixtureOfUsed = try #require(
            try FileManager.default.subpathsOfDirectory(atPath: w.fixtures).map { w.fixtures + "/" + $0 }.first {
                path in
                guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return false }
                var digest = ContentDigest()
                data.withUnsafeBytes { digest.add($0) }
                return digest.hex == used
            })
        let cache = try #require(FixtureCache.open(directory: w.cacheDir, identity: "test reader").cache)
        #expect(!w.objects.contains(stale))
        #expect(w.objects.contains(used) && w.objects.contains(kept))
        #expect(!w.objects.contains(used + ".tmp-1-2"))
        #expect(w.objects.contains("README"))
        _ = try FixtureLoader.load(paths: [fixtureOfUsed], cache: cache)
        #expect(cache.counts.cached == 1)
        let renewed = try FileManager.default.attributesOfItem(atPath: objects + used)[.modificationDate] as? Date
        #expect(try #require(renewed) > Date().addingTimeInterval(-600))
    }

    @Test func aCacheFolderBehindALinkIsNotUsed() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        let elsewhere = w.dir + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: w.cacheDir, withDestinationPath: elsewhere)
        let (cache, problem) = FixtureCache.open(directory: w.cacheDir, identity: "test reader")
        #expect(cache == nil)
        #expect(problem?.contains("is a link") == true)
    }

    @Test func anObjectThatIsALinkIsNotFollowed() throws {
        let w = try Workspace()
        defer { try? FileManager.default.removeItem(atPath: w.dir) }
        _ = w.load(try w.cache())
        let objects = w.cacheDir + "/objects/"
        for name in w.objects {
            try FileManager.default.moveItem(atPath: objects + name, toPath: w.dir + "/" + name)
            try FileManager.default.createSymbolicLink(atPath: objects + name, withDestinationPath: w.dir + "/" + name)
        }
        let cache = try w.cache()
        _ = w.load(cache)
        #expect(cache.counts.cached == 0 && cache.counts.parsed == 3)
    }
}
