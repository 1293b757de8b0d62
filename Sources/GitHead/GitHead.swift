import Foundation

/// Reads the commit a git repository's `HEAD` names, straight from its `.git` folder: no program
/// is started. Used for the commit a run ran at (RemsimKit's `GitCommit`) and for the commit a
/// remsim binary was built from (`remsim --version`).
///
/// `.git` comes with the pull request being tested, so it is read as hostile input: only a
/// `ref: refs/…` of plain names is followed, every file read must resolve inside `.git` (no link
/// or `..` out of it), and only a commit id (40 or 64 hex digits) is ever taken from a file, so
/// nothing else of any file goes further.
package enum GitHead {
    /// The commit `HEAD` of the repository at `directory` names, or nil (no `.git` folder, or
    /// nothing in it that is taken).
    package static func commit(inRepository directory: String) -> String? {
        let git = (directory as NSString).appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: git, isDirectory: &isDirectory), isDirectory.boolValue,
            let root = realPath(git)
        else { return nil }
        /// A file of `.git` (at most `limit` bytes) whose real path stays inside it.
        func read(_ relative: String, limit: Int = 4096) -> String? {
            guard let real = realPath(git + "/" + relative), real.hasPrefix(root + "/"),
                let handle = FileHandle(forReadingAtPath: real)
            else { return nil }
            defer { try? handle.close() }
            guard let data = try? handle.read(upToCount: limit + 1), data.count <= limit else { return nil }
            return String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = read("HEAD") else { return nil }
        guard head.hasPrefix("ref: ") else { return isCommitId(head) ? head.lowercased() : nil }
        let ref = String(head.dropFirst(5))
        guard isPlainRef(ref) else { return nil }
        if let sha = read(ref), isCommitId(sha) { return sha.lowercased() }
        for line in (read("packed-refs", limit: 64 << 20) ?? "").split(separator: "\n") where line.hasSuffix(" " + ref)
        {
            let sha = String(line.prefix { $0 != " " })
            return isCommitId(sha) ? sha.lowercased() : nil
        }
        return nil
    }

    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `refs/heads/main`: under `refs/`, plain names only (no `..`, no empty or hidden part).
    package static func isPlainRef(_ ref: String) -> Bool {
        guard ref.hasPrefix("refs/") else { return false }
        return ref.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && !part.hasPrefix(".")
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.+@".contains($0)) }
        }
    }

    package static func isCommitId(_ s: String) -> Bool {
        (s.count == 40 || s.count == 64) && s.allSatisfy(\.isHexDigit)
    }
}
