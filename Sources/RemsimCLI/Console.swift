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

    /// Writes a whole file or nothing: to a temporary file beside it, then renamed over it.
    static func writeFile(_ path: String, _ text: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BadInput("cannot write \(path): \((error as NSError).localizedDescription)")
        }
    }
}
