import CloudModel
import Foundation
import Policies

/// Custodian's `value_from` for a file in the tree: `url` (a `file:` URL or a path, relative to
/// the policy file's directory), `format` (`json`, `csv`, `csv2dict`, `txt`; from the file's
/// extension when not given) and `expr` (JMESPath, or a column number for `csv`), read once when
/// the policy is loaded, as Custodian's `ValuesFrom` reads it: a list an `expr` selects, and every
/// `csv`/`txt` read, is a set.
enum CustodianValuesFrom {
    struct Read {
        var value: Value
        var isSet: Bool
    }

    static func read(_ node: YAMLNode) throws(LoadError) -> Read {
        let m = try node.mapping(allowing: ["url", "format", "expr", "headers", "query"])
        if let remote = m["headers"] ?? m["query"] {
            throw remote.error(
                "remsim reads 'value_from' from a file in the tree; 'headers' and 'query' are for remote sources")
        }
        let urlNode = try m.required("url")
        let url = try urlNode.string()
        var path = url
        if url.hasPrefix("file://") {
            path = String(url.dropFirst(7))
        } else if url.hasPrefix("file:") {
            path = String(url.dropFirst(5))
        } else if let scheme = url.firstMatch(of: /^([a-z][a-z0-9+.-]*):\/\//) {
            throw urlNode.error(
                "remsim reads 'value_from' from a file in the tree, not from \(scheme.1):// (copy the data into a file)"
            )
        }
        let base = (node.file as NSString).deletingLastPathComponent
        let found: String?
        do throws(LoadError) {
            found = try InputFiles.collectFile(path, relativeTo: base)
        } catch {
            throw urlNode.error(error.message)
        }
        guard let file = found else { throw urlNode.error("'\(url)' names a directory, not a file") }
        let ext = (file as NSString).pathExtension.lowercased()
        let format = try m["format"]?.string() ?? ext
        let formats = ["json", "csv", "csv2dict", "txt"]
        guard formats.contains(format) else {
            throw (m["format"] ?? urlNode).error(
                "'value_from' reads the formats \(formats.joined(separator: ", ")), not \(YAMLNode.quoted(format))")
        }
        let data = try YAMLNode.readData(file: file)
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: file, message: "the file is not UTF-8 text")
        }
        let exprNode = m["expr"]
        var column: Int?
        var expression: JMESPath?
        if let exprNode {
            if format == "csv", let n = try? exprNode.int() {
                column = n
            } else {
                let e = try exprNode.string()
                do {
                    expression = try JMESPath(parsing: e)
                } catch {
                    throw exprNode.error("\(YAMLNode.quoted(e)) is not a JMESPath expression: \(error)")
                }
            }
        }
        func selected(_ data: Value) -> Read {
            guard let expression else { return Read(value: data, isSet: false) }
            let found = expression.search(data) ?? .null
            if case .array(let items) = found { return Read(value: .array(unique(items)), isSet: true) }
            return Read(value: found, isSet: false)
        }
        switch format {
        case "json":
            do {
                return selected(try Value(json: text))
            } catch {
                throw LoadError(file: file, message: "not JSON: \(error.message)")
            }
        case "txt":
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            // `readlines()` gives no line after a final newline.
            let read = text.hasSuffix("\n") ? lines.dropLast() : lines[...]
            return Read(
                value: .array(unique(read.map { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) })),
                isSet: true)
        default:
            let rows = CSV.rows(text)
            if format == "csv2dict" {
                var columns = Fields()
                if let header = rows.first {
                    for (i, name) in header.enumerated() {
                        columns[name] = .array(rows.dropFirst().compactMap { i < $0.count ? .string($0[i]) : nil })
                    }
                }
                if expression != nil { return selected(.object(columns)) }
                return Read(value: .array(unique(columns.entries.flatMap { $0.value.arrayValue ?? [] })), isSet: true)
            }
            if let column {
                var out: [Value] = []
                for row in rows where !row.isEmpty {
                    guard column < row.count else {
                        throw exprNode!.error("a row of \(file) has no column \(column)")
                    }
                    out.append(.string(row[column]))
                }
                return Read(value: .array(unique(out)), isSet: true)
            }
            let table = Value.array(rows.map { .array($0.map(Value.string)) })
            if expression != nil { return selected(table) }
            return Read(value: .array(unique(rows.flatMap { $0.map(Value.string) })), isSet: true)
        }
    }

    /// A set's members, deduplicated as Python does, in a fixed order.
    static func unique(_ values: [Value]) -> [Value] {
        var out: [Value] = []
        for v in values where !out.contains(where: { Python.equal($0, v) }) { out.append(v) }
        return out.sorted { $0.jsonText < $1.jsonText }
    }
}

/// Python's `csv.reader` with its default dialect: commas, double quotes, a doubled quote for
/// a quote.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        var sawAny = false
        while let c = chars.popFirst() {
            sawAny = true
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.unicodeScalars.append("\"")
                        chars = chars.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\r":
                if chars.first == "\n" { chars = chars.dropFirst() }
                fallthrough
            case "\n":
                row.append(field)
                rows.append(row.count == 1 && row[0].isEmpty ? [] : row)
                row = []
                field = ""
                sawAny = false
            default: field.unicodeScalars.append(c)
            }
        }
        if sawAny {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
