import Foundation

/// Finds input files: a file stands for itself, a directory for every `.yaml`, `.yml` and
/// `.json` file below it, in sorted order so that every machine loads them the same way.
package enum InputFiles {
    package static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Every file `paths` stand for, each confined by `PathConfinement.current`: a file named, or
    /// found by walking a directory named, whose real path (symlinks followed) leaves its root is
    /// refused before a byte of it is read. This is where every path remsim reads from comes in.
    package static func collect(
        _ paths: [String], relativeTo base: String? = nil, extensions: Set<String> = extensions
    ) throws(LoadError) -> [String] {
        var files: [String] = []
        for path in paths {
            let full = resolve(path, relativeTo: base)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
                throw LoadError(file: full, message: "no such file or directory")
            }
            let root = PathConfinement.current.root(forNamed: full)
            try root?.checkRead(full)
            if isDirectory.boolValue {
                guard let walker = FileManager.default.enumerator(atPath: full) else {
                    throw LoadError(file: full, message: "cannot list the directory")
                }
                var found: [String] = []
                while let relative = walker.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") { continue }
                    // Any entry that leads out of the tree is refused, read or not: a folder
                    // named as input holds nothing that points outside it.
                    let file = (full as NSString).appendingPathComponent(relative)
                    try root?.checkRead(file)
                    if extensions.contains((relative as NSString).pathExtension.lowercased()) { found.append(file) }
                }
                files += found.sorted()
            } else {
                files.append(full)
            }
        }
        return files
    }

    /// One file `path` names (not a directory: nil), confined as `collect` confines it.
    package static func collectFile(_ path: String, relativeTo base: String?) throws(LoadError) -> String? {
        let full = resolve(path, relativeTo: base)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
            throw LoadError(file: full, message: "no such file or directory")
        }
        try PathConfinement.current.root(forNamed: full)?.checkRead(full)
        return isDirectory.boolValue ? nil : full
    }

    /// `path` as written in a file, made absolute against the directory of that file. Only the
    /// text is tidied (`.`, `..`, doubled slashes): no link is followed, so that where a path
    /// leads is judged on its real path, and what it was named stays what it was named.
    package static func resolve(_ path: String, relativeTo base: String?) -> String {
        if path.hasPrefix("/") { return lexical(path) }
        guard let base else { return path }
        return lexical((base as NSString).appendingPathComponent(path))
    }

    /// The path with `.`, `..` and empty components taken out as text, links untouched
    /// (`NSString.standardizingPath` also resolves links on Linux).
    static func lexical(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !path.hasPrefix("/") {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// A path shown to a person: relative to the working directory when it is below it.
    package static func display(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }
}
