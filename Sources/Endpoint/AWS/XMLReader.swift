import CloudModel
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the XML body of a REST-XML request (S3's `PutBucketAcl`, `PutPublicAccessBlock`, …)
/// into the value tree the API's names give it, typed by the payload's shape: the mirror of
/// `XMLWriter`. The XML itself is parsed by Foundation's `XMLParser`; a body with a document
/// type declaration (and so any entity) is refused.
package enum XMLReader {
    /// An element: its name (without a namespace prefix), attributes, children and text.
    struct Element {
        var name: String
        var attributes: [String: String]
        var children: [Element] = []
        var text = ""
    }

    /// `MalformedXML`, as S3 answers a body it cannot read.
    static func malformed(_ why: String) -> AWSError {
        AWSError(
            code: "MalformedXML",
            message: "The XML you provided was not well-formed or did not validate against our published schema: \(why)"
        )
    }

    /// The body as the member `root` of `shape`: its root element must be `rootName`.
    package static func decode(_ body: [UInt8], shape: Shape, rootName: String) throws(AWSError) -> Value {
        let root = try parse(body)
        guard root.name == rootName else { throw malformed("the root element is <\(root.name)>, not <\(rootName)>") }
        return try value(root, shape, path: rootName)
    }

    static func parse(_ body: [UInt8]) throws(AWSError) -> Element {
        // No API document declares a type or entities: a body that does is refused before it is
        // parsed, so no entity is ever expanded (or left out, changing what the call says).
        if String(decoding: body, as: UTF8.self).range(of: "<!DOCTYPE", options: .caseInsensitive) != nil {
            throw malformed("a document type declaration is not allowed")
        }
        let parser = XMLParser(data: Data(body))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw malformed(builder.problem ?? "it is not XML")
        }
        return root
    }

    private static func value(_ element: Element, _ shape: Shape, path: String) throws(AWSError) -> Value {
        switch shape {
        case .structure(let members):
            var fields = Fields()
            for member in members {
                switch member.placement {
                case .attribute:
                    if let v = element.attributes[member.xmlName] { fields[member.name] = .string(v) }
                case .element:
                    let named = element.children.filter { $0.name == member.xmlName }
                    if case .flattened(let item) = member.shape {
                        guard !named.isEmpty else { continue }
                        var items: [Value] = []
                        for child in named {
                            items.append(try value(child, item, path: "\(path).\(member.xmlName)"))
                        }
                        fields[member.name] = .array(items)
                    } else if let child = named.first {
                        guard named.count == 1 else { throw malformed("<\(member.xmlName)> appears twice in \(path)") }
                        fields[member.name] = try value(child, member.shape, path: "\(path).\(member.xmlName)")
                    }
                default:
                    continue
                }
            }
            let known = Set(members.filter { $0.placement == .element }.map(\.xmlName))
            if let unknown = element.children.first(where: { !known.contains($0.name) }) {
                throw malformed("<\(unknown.name)> is not part of \(path)")
            }
            return .object(fields)
        case .list(let item, let member):
            var items: [Value] = []
            for child in element.children {
                guard child.name == member else { throw malformed("<\(child.name)> in \(path) is not a <\(member)>") }
                items.append(try value(child, item, path: "\(path).\(member)"))
            }
            return .array(items)
        case .flattened(let item):
            return .array([try value(element, item, path: path)])
        case .map(let item):
            var fields = Fields()
            for entry in element.children {
                guard entry.name == "entry", let key = entry.children.first(where: { $0.name == "key" }),
                    let held = entry.children.first(where: { $0.name == "value" })
                else { throw malformed("<\(entry.name)> in \(path) is not an <entry> of <key> and <value>") }
                fields[key.text] = try value(held, item, path: "\(path).\(key.text)")
            }
            return .object(fields)
        case .integer, .long:
            guard let i = Int(element.text.trimmed) else { throw malformed("\(path) is not an integer") }
            return .int(i)
        case .boolean:
            switch element.text.trimmed {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw malformed("\(path) is not true or false")
            }
        case .double:
            guard let d = Double(element.text.trimmed) else { throw malformed("\(path) is not a number") }
            return .double(d)
        case .string, .timestamp, .blob:
            return .string(element.text)
        }
    }

    /// Builds the element tree as the parser reports it.
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?
        var problem: String?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            // A prefixed element (`s3:Tag`) is read by its local name.
            let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
            stack.append(Element(name: local, attributes: attributes))
            if stack.count > 64 {
                problem = "it nests deeper than any of the API's documents"
                parser.abortParsing()
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
        ) {
            guard let done = stack.popLast() else { return }
            if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if problem == nil { problem = "line \(parser.lineNumber), column \(parser.columnNumber)" }
        }
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
