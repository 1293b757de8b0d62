import Foundation
import Reports

/// Where commands write: results to standard output, problems to standard error, each with
/// colour decided for its own stream (`TerminalStyle.forStream`: FORCE_COLOR, NO_COLOR, a terminal).
enum Console {
    /// The style of lines on standard output.
    static var style: TerminalStyle {
        TerminalStyle.forStream(
            isTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
    }

    /// The style of lines on standard error.
    static var errorStyle: TerminalStyle {
        TerminalStyle.forStream(
            isTerminal: isatty(STDERR_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
    }

    static func out(_ text: String) {
        ProgressLine.current.around { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    }

    static func error(_ text: String) {
        ProgressLine.current.around { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// Writes a whole file or nothing: to a temporary file beside it, then renamed over it.
    static func writeFile(_ path: String, _ text: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BadInput("cannot write \(path): \((error as NSError).localizedDescription)")
        }
    }
}
