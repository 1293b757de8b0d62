import Foundation

/// Where the paths a scenario names may lead. A scenario from a pull request must not read
/// `../../../etc` or a symlink out of the repository: by default every fixture and policy path
/// must resolve, symlinks followed, inside the directory `remsim` runs in (normally the
/// repository), or, when the scenario itself is elsewhere, inside the scenario's own directory
/// or the directory `remsim` runs in.
public enum PathConfinement: Sendable, Hashable {
    /// The working directory when the scenario is inside it, else the scenario's directory and
    /// the working directory.
    case automatic
    /// A given directory (`--root DIR`).
    case directory(String)
    /// Several given directories (`--root DIR` repeated): a path may lead into any of them.
    case directories([String])
    /// Anywhere (`--allow-outside-root`).
    case anywhere

    package struct Root: Sendable, Hashable {
        /// Real paths, symlinks resolved: the first is the named file's own root.
        package var paths: [String]

        package init(paths: [String]) {
            var unique: [String] = []
            for p in paths where !unique.contains(p) { unique.append(p) }
            self.paths = unique
        }

        /// The root that messages name first.
        package var path: String { paths[0] }

        func inside(_ real: String) -> Bool {
            paths.contains { path in real == path || real.hasPrefix(path.hasSuffix("/") ? path : path + "/") }
        }

        /// The roots as messages name them: `A` or `A and B`.
        var named: String {
            let shown = paths.map { InputFiles.display($0) }
            return shown.count == 1 ? shown[0] : shown.dropLast().joined(separator: ", ") + " and " + shown.last!
        }

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
                    ? "'\(named)' leads outside \(self.named) (a symlink to \(real)); nothing of "
                        + "it was read (--root DIR sets the root, --allow-outside-root lifts this)"
                    : "'\(named)' is outside \(self.named), \(paths.count == 1 ? "the directory" : "the directories") remsim may read in "
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
    /// (a directory named stands for itself) and the working directory. nil when paths are not
    /// confined.
    package func root(forNamed path: String) -> Root? {
        switch self {
        case .anywhere:
            return nil
        case .directory(let dir):
            return PathConfinement.directories([dir]).root(forNamed: path)
        case .directories(let dirs):
            return Root(
                paths: dirs.map {
                    Self.realPath(InputFiles.resolve($0, relativeTo: FileManager.default.currentDirectoryPath))
                })
        case .automatic:
            let cwd = InputFiles.lexical(FileManager.default.currentDirectoryPath)
            let named = InputFiles.resolve(path, relativeTo: cwd)
            if named == cwd || named.hasPrefix(cwd.hasSuffix("/") ? cwd : cwd + "/") {
                return Root(paths: [Self.realPath(cwd)])
            }
            var isDirectory: ObjCBool = false
            let directory =
                FileManager.default.fileExists(atPath: named, isDirectory: &isDirectory) && isDirectory.boolValue
            return Root(
                paths: [
                    Self.realPath(directory ? named : (named as NSString).deletingLastPathComponent),
                    Self.realPath(cwd),
                ])
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
