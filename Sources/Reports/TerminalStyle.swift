/// Colour on a terminal, plain text when piped (or when NO_COLOR is set).
package struct TerminalStyle: Sendable {
    package var colour: Bool
    package init(colour: Bool) { self.colour = colour }

    /// The style for lines written to a stream: colour when `FORCE_COLOR` asks for it (set, and
    /// not `0` or `false`), else when the stream is a terminal and `NO_COLOR` is not set
    /// (no-color.org). Each stream is decided on its own: a report piped to a file keeps its
    /// colourless text while the lines on the terminal beside it are coloured.
    package static func forStream(isTerminal: Bool, environment: [String: String]) -> TerminalStyle {
        if let force = environment["FORCE_COLOR"], !force.isEmpty, !["0", "false"].contains(force.lowercased()) {
            return TerminalStyle(colour: true)
        }
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return TerminalStyle(colour: isTerminal && !noColor)
    }

    package func green(_ s: String) -> String { wrap(s, "32") }
    package func red(_ s: String) -> String { wrap(s, "31") }
    package func yellow(_ s: String) -> String { wrap(s, "33") }
    package func bold(_ s: String) -> String { wrap(s, "1") }
    package func dim(_ s: String) -> String { wrap(s, "2") }

    private func wrap(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
}
