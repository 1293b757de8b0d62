/// Colour on a terminal, plain text when piped (or when NO_COLOR is set).
package struct TerminalStyle: Sendable {
    package var colour: Bool
    package init(colour: Bool) { self.colour = colour }

    package func green(_ s: String) -> String { wrap(s, "32") }
    package func red(_ s: String) -> String { wrap(s, "31") }
    package func yellow(_ s: String) -> String { wrap(s, "33") }
    package func bold(_ s: String) -> String { wrap(s, "1") }
    package func dim(_ s: String) -> String { wrap(s, "2") }

    private func wrap(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
}
