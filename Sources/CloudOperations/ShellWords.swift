/// A command as the words a program receives: what the engine renders, what a replay hands to
/// the CLI, and, shell-quoted, what a person reads and types. Words are never parsed back out of
/// the text.
public struct ShellCommand: Sendable, Hashable, CustomStringConvertible {
    public let words: [String]

    public init(_ words: [String]) { self.words = words }

    /// The words shell-quoted where they need it, joined by spaces: `aws ec2 … --ip-permissions '[…]'`.
    public var text: String { words.map(ShellWords.quote).joined(separator: " ") }

    public var description: String { text }
}

/// Splits command text into commands (at `;`) and words, as a POSIX shell would for the forms
/// templates use: single quotes keep everything, double quotes allow `\"` and `\\`, a backslash
/// outside quotes escapes the next character. `${…}` is kept as written.
package enum ShellWords {
    private static let safeMarks = Set("-_./:=@,+%".utf8)

    /// Single-quotes a word for a POSIX shell when it holds anything but safe characters.
    package static func quote(_ word: String) -> String {
        // Byte by byte: only ASCII letters, digits and these marks are safe, and reading the
        // word as characters (grapheme breaking, Unicode properties) was most of recording a run.
        let safe = word.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || safeMarks.contains(b)
        }
        if safe, !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    package struct Problem: Error {
        package var message: String
    }

    package static func commands(_ text: String) throws(Problem) -> [[String]] {
        var commands: [[String]] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var chars = Array(text)[...]
        func endWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        while let c = chars.popFirst() {
            switch c {
            case "'":
                inWord = true
                guard let close = chars.firstIndex(of: "'") else {
                    throw Problem(message: "a single quote is never closed")
                }
                word += String(chars[chars.startIndex..<close])
                chars = chars[(close + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\"" {
                        closed = true
                        break
                    }
                    if d == "\\", let next = chars.first, next == "\"" || next == "\\" {
                        word.append(next)
                        chars = chars.dropFirst()
                    } else {
                        word.append(d)
                    }
                }
                guard closed else { throw Problem(message: "a double quote is never closed") }
            case "\\":
                inWord = true
                if let next = chars.popFirst(), next != "\n" { word.append(next) }
            case ";":
                endWord()
                if !words.isEmpty { commands.append(words) }
                words = []
            default:
                if c.isWhitespace {
                    endWord()
                } else {
                    inWord = true
                    word.append(c)
                }
            }
        }
        endWord()
        if !words.isEmpty { commands.append(words) }
        return commands
    }
}
