import Foundation
import RunStore
import TestSupport
import Testing

/// A run database is checked before anything is written to it, and read-only commands read it
/// without writing anything beside it.
struct DamagedDatabaseTests {
    func recorded(in dir: String) throws -> String {
        let path = dir + "/runs.sqlite"
        let db = try RunDatabase(path: path)
        let tests = RunDatabaseTests()
        for _ in 0..<3 {
            try db.recordRun(tests.metadata(), results: [try tests.result()], finishedAt: Date())
        }
        return path
    }

    @Test func aDamagedFileIsNeverWrittenInto() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try recorded(in: dir)
        // 8 KiB of noise in the middle of the file, as a disk or a copy can leave it.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        // The same noise every run (a multiplicative hash of the offset).
        try handle.write(
            contentsOf: Data((0..<8192).map { (i: UInt32) in UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13) }))
        try handle.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try RunDatabase(path: path)
        } throws: { error in
            "\(error)".contains("the file is damaged") && "\(error)".contains(path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "nothing was written")
    }

    @Test func readingNeedsNoLockAndInventsNothing() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = dir + "/typo/runs.sqlite"
        #expect(throws: RunStoreError.self) { try RunDatabase(readingFrom: missing) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/typo"), "no directory made for a mistyped path")
        let path = try recorded(in: dir)
        try FileManager.default.removeItem(atPath: path + ".lock")
        let db = try RunDatabase(readingFrom: path)
        #expect(try db.runs().count == 3)
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"), "a reader takes no lock")
        #expect(throws: RunStoreError.self) {
            try db.recordRun(RunDatabaseTests().metadata(), results: [], finishedAt: Date())
        }
    }

    @Test func aLockFileThatCannotBeMadeIsSaidOfTheDatabase() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/runs.sqlite.lock", withIntermediateDirectories: true)
        #expect {
            _ = try RunDatabase(path: dir + "/runs.sqlite")
        } throws: { error in
            "\(error)".hasPrefix(
                "cannot open the run database \(dir)/runs.sqlite: cannot create its lock file \(dir)/runs.sqlite.lock")
        }
    }
}
