import Foundation

/// A Prisma Cloud RQL config query, as a policy's `searchModel.query` holds it, read into what
/// remsim can use:
///
/// ```
/// config from cloud.resource where cloud.type = 'aws' AND api.name = 'aws-ec2-describe-security-groups'
///   AND json.rule = ipPermissions[?any(toPort equals 22)] exists
/// ```
///
/// The clauses read are `api.name` (one), `json.rule` (see `JSONRule`), and the scope clauses
/// `cloud.type`, `cloud.account`, `cloud.region` and `resource.status` (`=` or `IN (…)`).
/// Anything else (a join of two queries with `as X` and `filter`, `addcolumn`, network and IAM
/// queries, another clause) is refused with where it is.
package struct RQLConfigQuery: Sendable, Equatable {
    package var apiName: String
    package var cloudTypes: [String] = []
    package var accounts: [String] = []
    package var regions: [String] = []
    package var resourceStatus: [String] = []
    /// Where the api.name's value starts in the query.
    package var apiNameOffset: Int = 0
    package var rule: JSONRule?
    /// Where the rule's text starts in the query (0-based, in characters), for messages about it.
    package var ruleOffset: Int = 0

    package init(parsing query: String) throws(JSONRule.Problem) {
        var reader = RQLReader(Array(query))
        try reader.expectWords(["config", "from", "cloud.resource", "where"])
        var apiName: String?
        var apiNameOffset = 0
        var scope: [String: [String]] = [:]
        var rule: (JSONRule, Int)?
        repeat {
            let (key, keyOffset) = reader.key()
            switch key.lowercased() {
            case "json.rule":
                try reader.expectEquals(after: key)
                guard rule == nil else {
                    throw JSONRule.Problem(message: "json.rule is given twice", offset: keyOffset)
                }
                let (text, offset) = try reader.ruleText()
                do {
                    rule = (try JSONRule(parsing: text), offset)
                } catch {
                    throw JSONRule.Problem(message: "json.rule: \(error.message)", offset: offset + error.offset)
                }
            case "api.name":
                try reader.expectEquals(after: key)
                guard apiName == nil else {
                    throw JSONRule.Problem(
                        message: "a second api.name: a query over two APIs is a join, which remsim does not read",
                        offset: keyOffset)
                }
                reader.skipSpaces()
                apiNameOffset = reader.position
                apiName = try reader.value()
            case "cloud.type", "cloud.account", "cloud.region", "resource.status":
                scope[key.lowercased(), default: []] += try reader.values(after: key)
            case "":
                throw JSONRule.Problem(message: "expected a clause, found \(reader.rest)", offset: keyOffset)
            default:
                throw JSONRule.Problem(
                    message: "the clause \(key) is not read (remsim reads api.name, json.rule, cloud.type, "
                        + "cloud.account, cloud.region, resource.status)",
                    offset: keyOffset)
            }
        } while try reader.and()
        try reader.expectEnd()
        guard let apiName else { throw JSONRule.Problem(message: "the query names no api.name", offset: 0) }
        self.apiName = apiName
        self.apiNameOffset = apiNameOffset
        cloudTypes = scope["cloud.type"] ?? []
        accounts = scope["cloud.account"] ?? []
        regions = scope["cloud.region"] ?? []
        resourceStatus = scope["resource.status"] ?? []
        self.rule = rule?.0
        ruleOffset = rule?.1 ?? 0
    }
}

/// The characters of a query, read clause by clause.
struct RQLReader {
    let characters: [Character]
    var position = 0

    init(_ characters: [Character]) {
        self.characters = characters
    }

    var rest: String {
        let text = String(characters[position...])
        return text.count > 40 ? "'\(text.prefix(40))…'" : "'\(text)'"
    }

    mutating func skipSpaces() {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
    }

    /// The next run of characters that are not spaces, `=`, `(`, `)`, `,` or quotes.
    mutating func word() -> (String, Int) {
        skipSpaces()
        let start = position
        while position < characters.count, !characters[position].isWhitespace,
            !"=(),'\";".contains(characters[position])
        {
            position += 1
        }
        return (String(characters[start..<position]), start)
    }

    mutating func key() -> (String, Int) { word() }

    mutating func expectWords(_ words: [String]) throws(JSONRule.Problem) {
        for expected in words {
            let (found, at) = word()
            guard found.lowercased() == expected else {
                throw JSONRule.Problem(
                    message:
                        "expected `config from cloud.resource where …` (a config query), found \(found.isEmpty ? "the end" : "'\(found)'")",
                    offset: at)
            }
        }
    }

    mutating func expectEquals(after key: String) throws(JSONRule.Problem) {
        skipSpaces()
        guard position < characters.count, characters[position] == "=" else {
            throw JSONRule.Problem(message: "expected = after \(key)", offset: position)
        }
        position += 1
    }

    /// A value: quoted, or a bare word.
    mutating func value() throws(JSONRule.Problem) -> String {
        skipSpaces()
        guard position < characters.count else { throw JSONRule.Problem(message: "expected a value", offset: position) }
        let quote = characters[position]
        guard quote == "'" || quote == "\"" else {
            let (w, at) = word()
            guard !w.isEmpty else { throw JSONRule.Problem(message: "expected a value, found \(rest)", offset: at) }
            return w
        }
        let start = position
        position += 1
        var out = ""
        while position < characters.count, characters[position] != quote {
            out.append(characters[position])
            position += 1
        }
        guard position < characters.count else {
            throw JSONRule.Problem(message: "a string opened with \(quote) is never closed", offset: start)
        }
        position += 1
        return out
    }

    /// `= VALUE` or `IN (VALUE, …)`.
    mutating func values(after key: String) throws(JSONRule.Problem) -> [String] {
        skipSpaces()
        if position < characters.count, characters[position] == "=" {
            position += 1
            return [try value()]
        }
        let (word, at) = self.word()
        guard word.lowercased() == "in" else {
            throw JSONRule.Problem(message: "expected = or IN after \(key)", offset: at)
        }
        skipSpaces()
        guard position < characters.count, characters[position] == "(" else {
            throw JSONRule.Problem(message: "expected ( after IN", offset: position)
        }
        position += 1
        var out: [String] = []
        while true {
            out.append(try value())
            skipSpaces()
            guard position < characters.count else {
                throw JSONRule.Problem(message: "the list after IN is never closed", offset: position)
            }
            let c = characters[position]
            position += 1
            if c == ")" { return out }
            guard c == "," else { throw JSONRule.Problem(message: "expected , or ) in the list", offset: position - 1) }
        }
    }

    /// The rule's text and where it starts: quoted (up to the quote that ends the clause) or bare
    /// (to the end of the query).
    mutating func ruleText() throws(JSONRule.Problem) -> (String, Int) {
        skipSpaces()
        guard position < characters.count else {
            throw JSONRule.Problem(message: "json.rule is empty", offset: position)
        }
        let quote = characters[position]
        guard quote == "'" || quote == "\"" else {
            let start = position
            var end = characters.count
            // A bare rule runs to the end of the query, or to a join's `as X` or a `;`.
            if let stop = Self.tail(in: characters, from: start) { end = stop }
            position = end
            return (String(characters[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines), start)
        }
        // The closing quote is the last one before what may follow a clause.
        let start = position + 1
        var close: Int?
        var i = start
        while i < characters.count {
            if characters[i] == quote {
                let after = String(characters[(i + 1)...]).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                if after.isEmpty || after.hasPrefix("and ") || after.hasPrefix("as ") || after.hasPrefix(";")
                    || after.hasPrefix("addcolumn")
                {
                    close = i
                    break
                }
            }
            i += 1
        }
        guard let close else {
            throw JSONRule.Problem(message: "the json.rule opened with \(quote) is never closed", offset: position)
        }
        position = close + 1
        return (String(characters[start..<close]), start)
    }

    /// Where a bare rule stops: ` as X`, `;` or ` addcolumn` outside quotes and brackets.
    static func tail(in characters: [Character], from start: Int) -> Int? {
        var nesting = Nesting()
        for i in start..<characters.count {
            let c = characters[i]
            if nesting.atTop {
                if c == ";" { return i }
                if c.isWhitespace {
                    let after = String(characters[i...].dropFirst().prefix(10)).lowercased()
                    if after.hasPrefix("as ") || after.hasPrefix("addcolumn") { return i }
                }
            }
            nesting.take(c)
        }
        return nil
    }

    /// Takes an `AND` between clauses; false at the end of the query.
    mutating func and() throws(JSONRule.Problem) -> Bool {
        skipSpaces()
        guard position < characters.count else { return false }
        let save = position
        let (w, _) = word()
        if w.lowercased() == "and" { return true }
        position = save
        return false
    }

    mutating func expectEnd() throws(JSONRule.Problem) {
        skipSpaces()
        guard position < characters.count else { return }
        if characters[position] == ";" {
            throw JSONRule.Problem(
                message: "a second query after ';' (a join) is not read: remsim reads one resource's config query",
                offset: position)
        }
        let (w, at) = word()
        switch w.lowercased() {
        case "as":
            throw JSONRule.Problem(
                message: "a join (`as X; … filter …`) is not read: remsim reads one resource's config query",
                offset: at)
        case "addcolumn":
            throw JSONRule.Problem(message: "addcolumn is not read: it shows columns, it does not select", offset: at)
        default:
            throw JSONRule.Problem(message: "expected AND or the end of the query, found \(rest)", offset: at)
        }
    }
}
