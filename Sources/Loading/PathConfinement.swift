import Foundation

/// Where the paths a scenario names may lead. A scenario from a pull request must not read
/// `../../../etc` or a symlink out of the repository: by default every fixture and policy path
/// must resolve, symlinks followed, inside the directory `remsim` runs in (normally the
/// repository), or inside the scenario's own directory when the scenario itself is elsewhere.
public enum PathConfinement: Sendable, Hashable {
    /// The working directory when the scenario is inside it, else the scenario's directory.
    case automatic
    /// A given directory (`--root DIR`).
    case directory(String)
    /// Anywhere (`--allow-outside-root`).
    case anywhere

    package struct Root: Sendable {
        /// Real path, symlinks resolved.
        package var path: String

        func inside(_ real: String) -> Bool { real == path || real.hasPrefix(path.hasSuffix("/") ? path : path + "/") }

        /// Refuses to read `file` when it resolves outside the root. Nothing of the file is read,
        /// so nothing of it can be echoed; the message says where a link leads.
        func checkRead(_ file: String) throws(LoadError) {
            let real = PathConfinement.realPath(file)
            guard !inside(real) else { return }
            let named = InputFiles.display(
                InputFiles.resolve(file, relativeTo: FileManager.default.currentDirectoryPath))
            let isLink =
                real != PathConfinement.realPath((file as NSString).deletingLastPathComponent) + "/"
                + (file as NSString).lastPathComponent
            throw LoadError(
                file: InputFiles.display(file),
                message: isLink
                    ? "'\(named)' leads outside \(InputFiles.display(path)) (a symlink to \(real)); nothing of "
                        + "it was read (--root DIR sets the root, --allow-outside-root lifts this)"
                    : "'\(named)' is outside \(InputFiles.display(path)), the directory remsim may read in "
                        + "(--root DIR sets it, --allow-outside-root lifts it)"
            )
        }
    }

    /// The confinement in force for the files a command reads: set from `--root` and
    /// `--allow-outside-root`, `automatic` otherwise.
    @TaskLocal public static var current: PathConfinement = .automatic

    /// The root a path must stay in, decided from the path as it was named (made absolute, not
    /// resolved: a link inside the working directory is judged by where it points, not by where
    /// it is): the working directory when the path is below it, else the named file's directory
    /// (a directory named stands for itself). nil when paths are not confined.
    package func root(forNamed path: String) -> Root? {
        switch self {
        case .anywhere:
            return nil
        case .directory(let dir):
            return Root(
                path: Self.realPath(InputFiles.resolve(dir, relativeTo: FileManager.default.currentDirectoryPath)))
        case .automatic:
            let cwd = InputFiles.lexical(FileManager.default.currentDirectoryPath)
            let named = InputFiles.resolve(path, relativeTo: cwd)
            if named == cwd || named.hasPrefix(cwd.hasSuffix("/") ? cwd : cwd + "/") {
                return Root(path: Self.realPath(cwd))
            }
            var isDirectory: ObjCBool = false
            let directory =
                FileManager.default.fileExists(atPath: named, isDirectory: &isDirectory) && isDirectory.boolValue
            return Root(path: Self.realPath(directory ? named : (named as NSString).deletingLastPathComponent))
        }
    }

    /// The root for one scenario file, or nil when paths are not confined.
    package func root(forScenario file: String) -> Root? { root(forNamed: file) }

    /// The path with every symlink resolved; for a path that does not exist, its longest existing
    /// prefix resolved and the rest appended.
    static func realPath(_ path: String) -> String {
        var missing: [String] = []
        var current = InputFiles.lexical(path)
        while !current.isEmpty && current != "/" {
            if let resolved = realpath(current, nil) {
                defer { free(resolved) }
                return ([String(cString: resolved)] + missing.reversed()).joined(separator: "/").replacingOccurrences(
                    of: "//", with: "/")
            }
            missing.append((current as NSString).lastPathComponent)
            current = (current as NSString).deletingLastPathComponent
        }
        return "/" + missing.reversed().joined(separator: "/")
    }
}
