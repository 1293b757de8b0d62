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

    package mutating func element(_ name: String, _ content: String, namespace: String? = nil) {
        open(name, namespace: namespace)
        text += Self.escape(content)
        close(name)
    }

    /// The members of `value` that `members` declares as elements, each as its element.
    package mutating func members(_ value: Value, _ members: [Member]) {
        for member in members where member.placement == .element {
            guard let v = value[member.name], !v.isNull else { continue }
            write(v, member.shape, as: member.xmlName)
        }
    }

    /// `value` as the element `name` of `shape`: a structure's attribute members in its tag
    /// (`xsi:type` with the namespace it needs), its element members inside.
    package mutating func write(_ value: Value, _ shape: Shape, as name: String, namespace: String? = nil) {
        switch shape {
        case .structure(let members):
            var tag = "<\(name)"
            if let namespace { tag += " xmlns=\"\(namespace)\"" }
            let attributes = members.filter { $0.placement == .attribute }
            if attributes.contains(where: { $0.xmlName.hasPrefix("xsi:") }) {
                tag += #" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#
            }
            for member in attributes {
                guard let v = value[member.name]?.stringValue else { continue }
                tag += " \(member.xmlName)=\"\(Self.escape(v, quotes: true))\""
            }
            text += tag + ">"
            self.members(value, members)
            close(name)
        case .list(let element, let member):
            open(name)
            for item in value.arrayValue ?? [value] { write(item, element, as: member) }
            close(name)
        case .flattened(let element):
            for item in value.arrayValue ?? [value] { write(item, element, as: name) }
        case .map(let item):
            open(name)
            for entry in value.objectValue?.entries ?? [] {
                open("entry")
                element("key", entry.key)
                write(entry.value, item, as: "value")
                close("entry")
            }
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

    /// Text as element content: the three characters XML reserves there, escaped (and the
    /// double quote, for an attribute's value).
    package static func escape(_ s: String, quotes: Bool = false) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || (quotes && $0 == "\"") }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
