import Foundation

/// The commit checked out in the working directory, read from `.git` directly (remsim runs no
/// other program), or nil outside a repository.
enum GitCommit {
    static func current(directory: String = FileManager.default.currentDirectoryPath) -> String? {
        let git = (directory as NSString).appendingPathComponent(".git")
        guard let head = try? String(contentsOfFile: git + "/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
            return nil
        }
        guard head.hasPrefix("ref: ") else { return head.isEmpty ? nil : head }
        let ref = String(head.dropFirst(5))
        if let sha = try? String(contentsOfFile: git + "/" + ref, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) {
            return sha
        }
        let packed = (try? String(contentsOfFile: git + "/packed-refs", encoding: .utf8)) ?? ""
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
            return String(line.prefix { $0 != " " })
        }
        return nil
    }
}
