/// One HTTP request as the endpoint's core sees it: no socket, no event loop, so every protocol
/// is tested by handing it bytes, and a transport (the server, a test) only moves them.
package struct WireRequest: Sendable {
    package var method: String
    /// The path without the query string, percent-encoded as it arrived.
    package var path: String
    /// The query string's pairs, decoded, in order.
    package var query: [(name: String, value: String)]
    /// Header names lowercased; a repeated header's values joined with commas, as HTTP allows.
    package var headers: [String: String]
    package var body: [UInt8]

    package init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { a, b in "\(a),\(b)" }
        self.body = body
    }

    /// A target such as `/path?a=1&b=2`, split and decoded.
    package init(method: String, target: String, headers: [String: String] = [:], body: [UInt8] = []) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(
            method: method, path: String(parts.first ?? "/"),
            query: parts.count > 1 ? FormEncoding.decode(String(parts[1])) : [], headers: headers, body: body)
    }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// What the endpoint answers.
package struct WireResponse: Sendable, Equatable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// `application/x-www-form-urlencoded`, as AWS's query protocol sends its parameters.
package enum FormEncoding {
    /// The pairs of `text`; `+` is a space, `%XX` a byte; a pair without `=` has an empty value.
    package static func decode(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (unescape(parts[0]), parts.count > 1 ? unescape(parts[1]) : "")
        }
    }

    /// `text` with its `%XX` escapes decoded, and `+` read as a space where `plusIsSpace` (a
    /// form's value; in a URL's path `+` is itself).
    static func unescape(_ text: Substring, plusIsSpace: Bool = true) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), let h = utf8.index(i, offsetBy: 1, limitedBy: utf8.endIndex),
                h < utf8.endIndex, let l = utf8.index(h, offsetBy: 1, limitedBy: utf8.endIndex), l < utf8.endIndex,
                let hi = hex(utf8[h]), let lo = hex(utf8[l])
            {
                bytes.append(hi << 4 | lo)
                i = l
            } else {
                bytes.append(b)
            }
            i = utf8.index(after: i)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
