import Foundation

// Writes the Swift file that carries the built-in policy pack inside the binary (see the
// EmbedPolicyPack plugin): `PolicyPackEmbedder OUTPUT ROOT FILE…`. Each file's text becomes a raw
// multi-line string literal, with as many `#` as it takes for no line of the text to end it.

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: PolicyPackEmbedder OUTPUT ROOT FILE…\n".utf8))
    exit(64)
}
let output = arguments[1]
let root = arguments[2].hasSuffix("/") ? arguments[2] : arguments[2] + "/"

/// A plain string literal for a path.
func quoted(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

var source = """
    // Generated at build time by the EmbedPolicyPack plugin from Sources/PolicyPack/Policies.

    /// Each built-in policy file: its path under `Policies/`, and its text.
    let embeddedPolicyFiles: [(path: String, text: String)] = [

    """
for file in arguments.dropFirst(3) {
    guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
        FileHandle.standardError.write(Data("error: \(file): cannot be read as UTF-8 text\n".utf8))
        exit(1)
    }
    let path = file.hasPrefix(root) ? String(file.dropFirst(root.count)) : file
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
    source += "    (\(quoted(path)), \(hashes)\"\"\"\n\(body)\n\"\"\"\(hashes)),\n"
}
source += "]\n"
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("error: \(output): \(error)\n".utf8))
    exit(1)
}
