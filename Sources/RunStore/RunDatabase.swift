import Foundation
import GRDB

/// The database of runs: one SQLite file (default `.remsim/runs.sqlite`), in WAL mode so that
/// readers never block the writer, with named migrations and constraints in the schema.
///
/// Following GRDB's `AppDatabase` pattern: one Sendable value wrapping the connection pool, one
/// record type per table, every write in a transaction.
package struct RunDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path`, and migrates it to the current schema.
    package init(path: String) throws(RunStoreError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create the directory \(directory)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        // Processes opening the same file at once (parallel CI jobs on one history) take turns:
        // GRDB's migrator reads which migrations are applied, then applies the rest, and two
        // processes doing that together would both create the same tables.
        let lock = try OpenLock(path: path + ".lock", database: path)
        defer { lock.release() }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            // A damaged file is never written into: what is added to it could be lost, and what
            // reads it later would fail. SQLite's quick_check reads every page once.
            let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            guard check == ["ok"] else {
                throw Self.damaged(
                    path,
                    "SQLite's quick_check: "
                        + check.joined(separator: "; ").split(whereSeparator: \.isNewline).prefix(3).joined(
                            separator: "; "))
            }
            try Self.refuseNewerSchema(pool, path: path)
            try Self.migrator.migrate(pool)
            writer = pool
        } catch let error as RunStoreError {
            throw error
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
        {
            throw Self.damaged(path, "SQLite: " + (error.message ?? error.description))
        } catch let error as DatabaseError {
            throw .cannotOpen(path: path, reason: error.message ?? error.description)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// Opens an existing database to read it, and nothing else: no directory, lock file or
    /// database is created, and a file on a read-only file system can be read. A missing file is
    /// an error (`history`, `compare`, `report` on a mistyped path must not invent an empty
    /// history). A database an older remsim wrote is migrated first, with the lock, when the file
    /// can be written; otherwise it is refused, saying so.
    package init(readingFrom path: String) throws(RunStoreError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .cannotOpen(path: path, reason: "no such file (runs are recorded there by `remsim run --db \(path)`)")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        do {
            let queue: DatabaseQueue
            do {
                let plain = try DatabaseQueue(path: path, configuration: config)
                _ = try plain.read { db in try Self.recordedMigrations(db) }
                queue = plain
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN && !Self.writable(path) {
                // A WAL file on a read-only file system: SQLite cannot make its shared-memory
                // file beside it, so the file is read as immutable, which needs none.
                queue = try DatabaseQueue(path: Self.immutableURI(path), configuration: config)
            }
            try Self.refuseNewerSchema(queue, path: path)
            let applied = try queue.read { db in try Self.recordedMigrations(db) }
            if !Set(Self.migrator.migrations).isSubset(of: applied) {
                guard Self.writable(path) else {
                    throw RunStoreError.cannotOpen(
                        path: path,
                        reason:
                            "an older remsim wrote it, and it cannot be upgraded here (read-only); upgrade it "
                            + "where it can be written, with any command that records"
                    )
                }
                try queue.close()
                self = try RunDatabase(path: path)
                return
            }
            writer = queue
        } catch let error as RunStoreError {
            throw error
        } catch let error as DatabaseError {
            throw .cannotOpen(path: path, reason: error.message ?? error.description)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    static func damaged(_ path: String, _ found: String) -> RunStoreError {
        .cannotOpen(
            path: path,
            reason:
                "the file is damaged (\(found)); nothing was written to it. Keep a copy, then record into a new "
                + "file with --db"
        )
    }

    /// A file, and its folder, that this process may write.
    static func writable(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return FileManager.default.isWritableFile(atPath: path)
            && FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
    }

    /// `file:PATH?immutable=1`, the path escaped as SQLite's URI filenames want.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var escaped = ""
        for c in absolute.unicodeScalars {
            if c == "%" || c == "?" || c == "#" {
                escaped += String(format: "%%%02X", c.value)
            } else {
                escaped.unicodeScalars.append(c)
            }
        }
        return "file:\(escaped)?immutable=1"
    }

    /// A database a newer remsim wrote has migrations this one does not know: writing to it
    /// could break what that version expects, and reading it could misread it; it is refused.
    static func refuseNewerSchema(_ reader: some DatabaseReader, path: String) throws {
        let unknown = try reader.read { db in
            try Set(Self.migrator.appliedIdentifiers(db)).union(Self.recordedMigrations(db)).subtracting(
                Self.migrator.migrations)
        }
        guard unknown.isEmpty else {
            throw RunStoreError.cannotOpen(
                path: path,
                reason:
                    "it was written by a newer remsim (schema \(unknown.sorted().joined(separator: ", ")) "
                    + "unknown here); use that version or a newer one"
            )
        }
    }

    /// Every migration the file says it has, known here or not (GRDB's own table).
    static func recordedMigrations(_ db: Database) throws -> Set<String> {
        guard try db.tableExists("grdb_migrations") else { return [] }
        return try Set(String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
    }

    /// An in-memory database, for tests.
    package static func inMemory() throws -> RunDatabase {
        try RunDatabase(writer: DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        try Self.migrator.migrate(writer)
        self.writer = writer
    }
}

/// An advisory lock (`flock`) on a file beside the database, held while a process opens and
/// migrates it. The file stays: removing it would let two processes lock two different files.
struct OpenLock {
    let fd: Int32

    /// Locks `path`, the lock file of the database at `database` (which errors name).
    init(path: String, database: String, timeout: Double = 60) throws(RunStoreError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .cannotOpen(
                path: database, reason: "cannot create its lock file \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(fd)
                throw .cannotOpen(
                    path: database,
                    reason: "another remsim kept it locked for \(Int(timeout))s while opening it (lock file \(path))")
            }
            usleep(5_000)
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

public enum RunStoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case writeFailed(reason: String)
    case readFailed(reason: String)
    case noSuchRun(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the run database \(path): \(reason)"
        case .writeFailed(let reason): "cannot write to the run database: \(reason)"
        case .readFailed(let reason): "cannot read the run database: \(reason)"
        case .noSuchRun(let ref): "no run '\(ref)' in the database"
        }
    }
}
