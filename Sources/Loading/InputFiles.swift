import Foundation

/// Finds input files: a file stands for itself, a directory for every `.yaml`, `.yml` and
/// `.json` file below it, in sorted order so that every machine loads them the same way.
public enum InputFiles {
    public static let extensions: Set<String> = ["yaml", "yml", "json"]

    public static func collect(_ paths: [String], relativeTo base: String? = nil) throws(LoadError) -> [String] {
        var files: [String] = []
        for path in paths {
            let full = resolve(path, relativeTo: base)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
                throw LoadError(file: full, message: "no such file or directory")
            }
            if isDirectory.boolValue {
                guard let walker = FileManager.default.enumerator(atPath: full) else {
                    throw LoadError(file: full, message: "cannot list the directory")
                }
                var found: [String] = []
                while let relative = walker.nextObject() as? String {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") { continue }
                    if extensions.contains((relative as NSString).pathExtension.lowercased()) {
                        found.append((full as NSString).appendingPathComponent(relative))
                    }
                }
                files += found.sorted()
            } else {
                files.append(full)
            }
        }
        return files
    }

    /// `path` as written in a file, made absolute against the directory of that file.
    public static func resolve(_ path: String, relativeTo base: String?) -> String {
        if path.hasPrefix("/") { return (path as NSString).standardizingPath }
        guard let base else { return path }
        return ((base as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// A path shown to a person: relative to the working directory when it is below it.
    public static func display(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }
}
