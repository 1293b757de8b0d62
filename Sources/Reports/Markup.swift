/// Text for XML and HTML, in element content or attribute values: `& < > " '` escaped, and the
/// control characters XML 1.0 cannot hold at all (any below U+0020 but tab, LF and CR, and
/// U+FFFE, U+FFFF) replaced by U+FFFD, so a name from a file can never break the document.
package enum Markup {
    package static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
