/// A workflow command that GitHub Actions shows as an annotation on a file:
/// `::error file=Scenarios/a.yaml,line=14,col=7,title=remsim scenario failed::message`.
///
/// Escaped as GitHub's own toolkit escapes them: in the message `%`, CR and LF; in a property
/// also `:` and `,`, which would otherwise end the property or the command. Unescaped, a file
/// name or message holding one of them cuts the annotation short or drops it.
package struct GitHubAnnotation: Sendable, Hashable, CustomStringConvertible {
    package enum Level: String, Sendable {
        case error, warning, notice
    }

    package var level: Level
    package var file: String?
    package var line: Int?
    package var column: Int?
    package var title: String
    package var message: String

    package init(
        _ level: Level, file: String? = nil, line: Int? = nil, column: Int? = nil, title: String, message: String
    ) {
        self.level = level
        self.file = file
        self.line = line
        self.column = column
        self.title = title
        self.message = message
    }

    /// An annotation at `origin`, a `FILE:LINE:COL` place as expectations record it.
    package init(_ level: Level, origin: String, title: String, message: String) {
        let place = SourcePlace(origin: origin)
        self.init(level, file: place.file, line: place.line, column: place.column, title: title, message: message)
    }

    package var description: String {
        var properties: [String] = []
        if let file { properties.append("file=" + Self.escapeProperty(file)) }
        if let line { properties.append("line=\(line)") }
        if let column { properties.append("col=\(column)") }
        properties.append("title=" + Self.escapeProperty(title))
        return "::\(level.rawValue) \(properties.joined(separator: ","))::\(Self.escapeData(message))"
    }

    package static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    package static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// Whether the command runs under GitHub Actions, which turns these lines into annotations.
    package static func enabled(environment: [String: String]) -> Bool { environment["GITHUB_ACTIONS"] == "true" }
}
