/// A place in a file as expectations record their origin: `FILE:LINE:COL`, or a bare file.
/// Annotations and SARIF results both point there.
package struct SourcePlace: Sendable, Hashable {
    package var file: String?
    package var line: Int?
    package var column: Int?

    package init(origin: String) {
        let parts = origin.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) {
            file = parts.dropLast(2).joined(separator: ":")
            self.line = line
            self.column = column
        } else {
            file = origin.isEmpty ? nil : origin
        }
    }
}
