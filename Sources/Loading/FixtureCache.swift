import CloudModel
import Foundation
import Simulation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The system calls by a name of their own: inside `FixtureCache`, `open`, `read` and `write`
// would name its members.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { open(path, flags, mode) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// Fixture files already read, kept on disk in binary form (`.remsim/cache/fixtures` by default),
/// so that a second run over the same fixtures parses nothing.
///
/// - `objects/<digest>` holds what one file's bytes read as (its resources and their entries'
///   places), named by the digest of those bytes: content-addressed, so a file that changes is
///   simply another object, and two files with the same bytes share one.
/// - `files/<digest of the path>` remembers a file's size, times, inode and digest, as git's index
///   does: when they match, the file is not even hashed. An entry is written only for a file
///   last changed more than two seconds before, so a change within one tick of the file system's
///   clock cannot hide behind an unchanged time.
///
/// Objects unused for 30 days (and temporary files a killed process left) are deleted when a
/// cache is opened. Every object records the reader that wrote it (`identity`: remsim's version and build) and the
/// limits it was read under; anything else is a miss. Objects are checked as they are read
/// (`ResourceArchive`), written whole or not at all (a temporary file renamed into place), and
/// the whole directory is safe to delete at any time. Nothing in it is followed if it is a link.
public struct FixtureCache: Sendable {
    public let directory: String
    /// The reader that writes and may read objects: a cache written by another build of remsim
    /// (whose reading may differ) is never used. The command line gives its version, commit and
    /// executable; a program of one's own gives whatever names its build.
    public let identity: String

    /// Work done, for tests.
    package let counts = Counts()

    /// The cache in `directory`, created if need be; nil, with the reason, when it cannot be used
    /// (a component of the path is a link, or the directory cannot be created).
    public static func open(directory: String, identity: String) -> (cache: FixtureCache?, problem: String?) {
        // Each folder is made one at a time and looked at before anything goes in it. A link on
        // the way is refused: anywhere below the working directory for a relative path (a
        // checked-in `.remsim` pointing elsewhere would have remsim write outside the tree), and
        // the cache's own folders for an absolute one (the folders above are the user's choice).
        let absolute = directory.hasPrefix("/")
        for sub in ["objects", "files"] {
            let components = (directory + "/" + sub).split(separator: "/").map(String.init)
            let firstChecked = absolute ? max(0, components.count - 2) : 0
            var path = absolute ? "" : "."
            for (n, component) in components.enumerated() {
                path += "/" + component
                var info = stat()
                if lstat(path, &info) != 0 {
                    guard mkdir(path, 0o755) == 0 || errno == EEXIST, lstat(path, &info) == 0 else {
                        return (nil, "cannot create \(display(path))")
                    }
                }
                if n >= firstChecked, info.st_mode & S_IFMT != S_IFDIR {
                    return (nil, "\(display(path)) is a link or not a directory")
                }
            }
        }
        let cache = FixtureCache(directory: directory, identity: identity)
        cache.prune()
        return (cache, nil)
    }

    /// Objects unused for this long are deleted when a cache is opened (each use renews an
    /// object's time), and a temporary file left by a process that died while writing after an hour.
    package static let unusedObjectLifetime: TimeInterval = 30 * 86_400
    private static let temporaryLifetime: TimeInterval = 3_600

    /// Deletes what `unusedObjectLifetime` and `temporaryLifetime` say has expired: only files
    /// named as this cache names them, never through a link (`unlink` removes a link itself).
    func prune(now: Date = Date()) {
        let objects = directory + "/objects"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: objects) else { return }
        for name in names {
            let isObject = name.count == 16 && name.allSatisfy(\.isHexDigit)
            let isTemporary = name.contains(".tmp-")
            guard isObject || isTemporary else { continue }
            var info = stat()
            guard lstat(objects + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            #if canImport(Darwin)
                let modified = TimeInterval(info.st_mtimespec.tv_sec)
            #else
                let modified = TimeInterval(info.st_mtim.tv_sec)
            #endif
            let age = now.timeIntervalSince1970 - modified
            if age > (isObject ? Self.unusedObjectLifetime : Self.temporaryLifetime) { unlink(objects + "/" + name) }
        }
    }

    private static func display(_ path: String) -> String { path.hasPrefix("./") ? String(path.dropFirst(2)) : path }

    private init(directory: String, identity: String) {
        self.directory = directory
        self.identity = identity
    }

    /// One file's resources as a cache object holds them, with their entries' places.
    struct Entry: Sendable {
        var read: FixtureLoader.ReadResources
        var digest: UInt64
    }

    /// A file's identity on disk, as its `files/` entry records it.
    struct FileStamp: Equatable {
        var device: UInt64, inode: UInt64, size: UInt64
        var modified: UInt64, modifiedNanos: UInt64, changed: UInt64, changedNanos: UInt64

        init?(file: String) {
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            device = UInt64(truncatingIfNeeded: info.st_dev)
            inode = UInt64(truncatingIfNeeded: info.st_ino)
            size = UInt64(truncatingIfNeeded: info.st_size)
            #if canImport(Darwin)
                modified = UInt64(truncatingIfNeeded: info.st_mtimespec.tv_sec)
                modifiedNanos = UInt64(truncatingIfNeeded: info.st_mtimespec.tv_nsec)
                changed = UInt64(truncatingIfNeeded: info.st_ctimespec.tv_sec)
                changedNanos = UInt64(truncatingIfNeeded: info.st_ctimespec.tv_nsec)
            #else
                modified = UInt64(truncatingIfNeeded: info.st_mtim.tv_sec)
                modifiedNanos = UInt64(truncatingIfNeeded: info.st_mtim.tv_nsec)
                changed = UInt64(truncatingIfNeeded: info.st_ctim.tv_sec)
                changedNanos = UInt64(truncatingIfNeeded: info.st_ctim.tv_nsec)
            #endif
        }

        var fields: [UInt64] { [device, inode, size, modified, modifiedNanos, changed, changedNanos] }

        /// Whether the file changed so recently that a further change might keep these times: a
        /// write sets both its modification and its change time to the present, so when either is
        /// older than the file system's coarsest tick, any later write shows in it.
        var isRecent: Bool {
            let now = UInt64(max(0, Date().timeIntervalSince1970))
            return min(modified, changed) + 2 >= now
        }
    }

    /// An identity for a reader named `name`, tied to its executable's size and times: a rebuilt
    /// program never trusts an older build's objects.
    package static func identity(_ name: String, executable: String) -> String {
        guard let stamp = FileStamp(file: executable) else { return name }
        return "\(name) \(stamp.size)@\(stamp.modified).\(stamp.modifiedNanos)"
    }

    private static let objectMagic = Array("remsim fixture cache object\n".utf8)
    private static let fileMagic = Array("remsim fixture cache file\n".utf8)

    private func objectPath(_ digest: UInt64) -> String { directory + "/objects/" + ContentDigest(value: digest).hex }

    private func filePath(_ file: String) -> String {
        var d = ContentDigest()
        d.add(Self.absolute(file))
        return directory + "/files/" + d.hex
    }

    private static func absolute(_ file: String) -> String {
        file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
    }

    /// The file's entry when its stamp is the one recorded: nothing of the file is read.
    func entry(forUnchanged file: String, limits: Limits) -> Entry? {
        guard let stamp = FileStamp(file: file), !stamp.isRecent,
            let bytes = Self.readFile(filePath(file), atMost: 1 << 16)
        else { return nil }
        let digest: UInt64? = bytes.withUnsafeBytes { raw in
            var r = ArchiveReader(raw)
            guard let magic = try? r.bytes(Self.fileMagic.count), magic.elementsEqual(Self.fileMagic),
                (try? r.string()) == identity, (try? r.string()) == Self.absolute(file)
            else { return nil }
            for expected in stamp.fields { guard (try? r.u64()) == expected else { return nil } }
            return try? r.u64()
        }
        guard let digest, let entry = entry(digest: digest, limits: limits) else { return nil }
        counts.add(cached: 1, unread: 1)
        return entry
    }

    /// The object of a file whose bytes have this digest, if one was written under these limits.
    func entry(digest: UInt64, limits: Limits) -> Entry? {
        guard let bytes = Self.readFile(objectPath(digest), atMost: max(1 << 20, limits.maxFileBytes * 8)) else {
            return nil
        }
        return bytes.withUnsafeBytes { raw -> Entry? in
            var r = ArchiveReader(raw)
            do throws(ArchiveReader.Malformed) {
                guard try r.bytes(Self.objectMagic.count).elementsEqual(Self.objectMagic), try r.string() == identity,
                    try r.u64() == digest
                else { return nil }
                for expected in Self.limitFields(limits) { guard try r.u64() == expected else { return nil } }
                let placeCount = try r.count(minimumBytesEach: 12)
                var places: [FixtureLoader.EntryPlace] = []
                places.reserveCapacity(placeCount)
                for _ in 0..<placeCount {
                    places.append(
                        FixtureLoader.EntryPlace(
                            entry: Int32(bitPattern: try r.u32()), line: Int32(bitPattern: try r.u32()),
                            column: Int32(bitPattern: try r.u32())))
                }
                var read = FixtureLoader.ReadResources()
                if try r.u8() == 1 {
                    read.asOf = Timestamp(milliseconds: Int64(bitPattern: try r.u64()))
                    read.asOfLine = Int32(bitPattern: try r.u32())
                }
                let resources = try ResourceArchive.read(from: &r)
                guard resources.count == places.count, r.remaining == 0 else { return nil }
                // Used: its time is renewed, so that pruning keeps it.
                _ = utimensat(AT_FDCWD, objectPath(digest), nil, AT_SYMLINK_NOFOLLOW)
                read.resources = resources
                read.places = places
                return Entry(read: read, digest: digest)
            } catch {
                return nil
            }
        }
    }

    /// Records what a file read as (it had no problem), and its stamp when it is not recent.
    func store(file: String, _ entry: Entry, limits: Limits) {
        var w = ArchiveWriter()
        w.bytes.append(contentsOf: Self.objectMagic)
        w.string(identity)
        w.u64(entry.digest)
        for field in Self.limitFields(limits) { w.u64(field) }
        w.u32(UInt32(entry.read.places.count))
        for place in entry.read.places {
            for v in [place.entry, place.line, place.column] { w.u32(UInt32(bitPattern: v)) }
        }
        if let asOf = entry.read.asOf {
            w.u8(1)
            w.u64(UInt64(bitPattern: asOf.milliseconds))
            w.u32(UInt32(bitPattern: entry.read.asOfLine))
        } else {
            w.u8(0)
        }
        ResourceArchive.write(entry.read.resources, to: &w)
        Self.writeFile(w.bytes, to: objectPath(entry.digest))
        remember(file: file, digest: entry.digest)
    }

    /// Records the stamp of a file whose object exists, unless it changed too recently to trust.
    func remember(file: String, digest: UInt64) {
        guard let stamp = FileStamp(file: file), !stamp.isRecent else { return }
        var w = ArchiveWriter()
        w.bytes.append(contentsOf: Self.fileMagic)
        w.string(identity)
        w.string(Self.absolute(file))
        for field in stamp.fields { w.u64(field) }
        w.u64(digest)
        Self.writeFile(w.bytes, to: filePath(file))
    }

    private static func limitFields(_ limits: Limits) -> [UInt64] {
        [limits.maxFileBytes, limits.maxYAMLValues, limits.maxDepth].map { UInt64(max(0, $0)) }
    }

    /// A cache file's bytes, never through a link, nil when absent, a link, or larger than `atMost`.
    private static func readFile(_ path: String, atMost: Int) -> [UInt8]? {
        let fd = systemOpen(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= atMost else {
            return nil
        }
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + done, size - done) }
            guard n > 0 else { return nil }
            done += n
        }
        return bytes
    }

    /// Writes a whole file or nothing: a temporary file in the same folder, renamed into place
    /// (a rename replaces a link rather than following it). A cache that cannot be written is
    /// only a slower next run.
    private static func writeFile(_ bytes: [UInt8], to path: String) {
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = systemOpen(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        var done = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while done < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + done, raw.count - done)
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
        close(fd)
        if !ok || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// Counts of files served from the cache and parsed, for tests.
    package final class Counts: @unchecked Sendable {
        // @unchecked: the counts are only touched while holding `lock`.
        private let lock = NSLock()
        private var cachedFiles = 0, parsedFiles = 0, unreadFiles = 0

        package func add(cached: Int = 0, parsed: Int = 0, unread: Int = 0) {
            lock.withLock {
                cachedFiles += cached
                parsedFiles += parsed
                unreadFiles += unread
            }
        }

        /// Files whose resources came from an object.
        package var cached: Int { lock.withLock { cachedFiles } }
        /// Files parsed.
        package var parsed: Int { lock.withLock { parsedFiles } }
        /// Cached files whose recorded stamp matched: not even read to be hashed.
        package var unread: Int { lock.withLock { unreadFiles } }
    }
}
