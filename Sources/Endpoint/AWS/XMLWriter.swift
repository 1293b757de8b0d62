import CloudModel

/// Writes an answer in the XML AWS's query and EC2 protocols return, from a value tree in the
/// API's names and the operation's output shape. A value the shape does not declare is left out,
/// as the API leaves out what it does not return.
package struct XMLWriter {
    package private(set) var text: String

    /// Starts a document with its XML declaration.
    package init() { text = #"<?xml version="1.0" encoding="UTF-8"?>"# }

    package mutating func open(_ name: String, namespace: String? = nil) {
        text += namespace.map { "<\(name) xmlns=\"\($0)\">" } ?? "<\(name)>"
    }

    package mutating func close(_ name: String) { text += "</\(name)>" }

    package mutating func element(_ name: String, _ content: String) {
        text += "<\(name)>\(Self.escape(content))</\(name)>"
    }

    /// The members of `value` that `members` declares, each as its element.
    package mutating func members(_ value: Value, _ members: [Member]) {
        for member in members {
            guard let v = value[member.name], !v.isNull else { continue }
            write(v, member.shape, as: member.xmlName)
        }
    }

    private mutating func write(_ value: Value, _ shape: Shape, as name: String) {
        switch shape {
        case .structure(let members):
            open(name)
            self.members(value, members)
            close(name)
        case .list(let element, let member):
            open(name)
            for item in value.arrayValue ?? [value] { write(item, element, as: member) }
            close(name)
        default:
            switch value {
            case .string(let s): element(name, s)
            case .bool(let b): element(name, b ? "true" : "false")
            case .int(let i): element(name, String(i))
            case .double(let d): element(name, String(d))
            default: element(name, value.jsonText)
            }
        }
    }

    /// Text as element content: the three characters XML reserves there, escaped.
    package static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}
