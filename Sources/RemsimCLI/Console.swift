import Foundation
import Reports

/// Where commands write: results to standard output, problems to standard error, with colour
/// only when standard output is a terminal and NO_COLOR is not set.
enum Console {
    static var style: TerminalStyle {
        TerminalStyle(colour: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
