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

    public struct Root: Sendable {
        /// Real path, symlinks resolved.
        public var path: String

        /// Refuses `path` unless it, and every file under it, is inside the root.
        func check(_ path: String, named node: YAMLNode) throws(LoadError) {
            let real = PathConfinement.realPath(path)
            guard inside(real) else {
                throw node.error("'\(InputFiles.display(real))' is outside \(InputFiles.display(self.path)), the directory scenario paths must stay in (--root DIR sets it, --allow-outside-root lifts it)")
            }
            // A symlink inside the tree may still point out of it.
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue,
                  let walker = FileManager.default.enumerator(atPath: real) else { return }
            while let relative = walker.nextObject() as? String {
                let target = PathConfinement.realPath((real as NSString).appendingPathComponent(relative))
                guard inside(target) else {
                    throw node.error("'\(InputFiles.display((real as NSString).appendingPathComponent(relative)))' leads outside \(InputFiles.display(self.path)) (a symlink to \(target)); --allow-outside-root lifts this")
                }
            }
        }

        func inside(_ real: String) -> Bool { real == path || real.hasPrefix(path.hasSuffix("/") ? path : path + "/") }

        /// Refuses to read `file` when it resolves outside the root. Nothing of the file is read,
        /// so nothing of it can be echoed.
        func checkRead(_ file: String) throws(LoadError) {
            let real = PathConfinement.realPath(file)
            guard !inside(real) else { return }
            let shown = InputFiles.display(file)
            let link = real == PathConfinement.realPath((file as NSString).deletingLastPathComponent) + "/" + (file as NSString).lastPathComponent
                ? "" : " (it leads to \(real))"
            throw LoadError(file: shown, message: "not read: it is outside \(InputFiles.display(path)), the directory remsim may read in\(link); --root DIR sets it, --allow-outside-root lifts it")
        }
    }

    /// The confinement in force for the files a command reads: set from `--root` and
    /// `--allow-outside-root`, `automatic` otherwise.
    @TaskLocal public static var current: PathConfinement = .automatic

    /// The root a path must stay in, decided from the path as it was named (made absolute, not
    /// resolved: a link inside the working directory is judged by where it points, not by where
    /// it is): the working directory when the path is below it, else the named file's directory
    /// (a directory named stands for itself). nil when paths are not confined.
    public func root(forNamed path: String) -> Root? {
        switch self {
        case .anywhere:
            return nil
        case .directory(let dir):
            return Root(path: Self.realPath(InputFiles.resolve(dir, relativeTo: FileManager.default.currentDirectoryPath)))
        case .automatic:
            let cwd = InputFiles.lexical(FileManager.default.currentDirectoryPath)
            let named = InputFiles.resolve(path, relativeTo: cwd)
            if named == cwd || named.hasPrefix(cwd.hasSuffix("/") ? cwd : cwd + "/") { return Root(path: Self.realPath(cwd)) }
            var isDirectory: ObjCBool = false
            let directory = FileManager.default.fileExists(atPath: named, isDirectory: &isDirectory) && isDirectory.boolValue
            return Root(path: Self.realPath(directory ? named : (named as NSString).deletingLastPathComponent))
        }
    }

    /// The root for one scenario file, or nil when paths are not confined.
    public func root(forScenario file: String) -> Root? { root(forNamed: file) }

    /// The path with every symlink resolved; for a path that does not exist, its longest existing
    /// prefix resolved and the rest appended.
    static func realPath(_ path: String) -> String {
        var missing: [String] = []
        var current = InputFiles.lexical(path)
        while !current.isEmpty && current != "/" {
            if let resolved = realpath(current, nil) {
                defer { free(resolved) }
                return ([String(cString: resolved)] + missing.reversed()).joined(separator: "/").replacingOccurrences(of: "//", with: "/")
            }
            missing.append((current as NSString).lastPathComponent)
            current = (current as NSString).deletingLastPathComponent
        }
        return "/" + missing.reversed().joined(separator: "/")
    }
}
