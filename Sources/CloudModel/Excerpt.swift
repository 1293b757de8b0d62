extension String {
    /// The text in single quotes for an error message, on one line and cut at 40 characters: a
    /// message names what it refused without echoing a whole file.
    package var quotedExcerpt: String {
        let line = split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 40 ? "'\(line.prefix(40))…' (\(count) characters)" : "'\(line)'"
    }
}
