import CloudModel

/// One self-contained HTML file: styles, data and the script that draws the charts are inline,
/// so the file opens anywhere with no network. Every number is also in a table, so the page reads
/// without script; charts are drawn from JSON embedded in the page.
package struct HTMLPage: Sendable {
    package var title: String
    var body: [String] = []
    var charts = 0

    package init(title: String) {
        self.title = title
    }

    /// Text made safe for element content and attribute values.
    package static func escape(_ text: String) -> String { Markup.escape(text) }

    mutating func raw(_ html: String) { body.append(html) }

    mutating func heading(_ text: String, level: Int = 2, id: String? = nil) {
        body.append("<h\(level)\(id.map { " id=\"\(Self.escape($0))\"" } ?? "")>\(Self.escape(text))</h\(level)>")
    }

    mutating func paragraph(_ text: String, class name: String? = nil) {
        body.append("<p\(name.map { " class=\"\($0)\"" } ?? "")>\(Self.escape(text))</p>")
    }

    /// A table cell: its text, and attributes that name what it holds (`data-field`, `data-ms`),
    /// so a test or a script can read the number behind the text.
    struct Cell {
        var text: String
        var attributes: [(String, String)] = []
        var html = false

        init(_ text: String, _ attributes: [(String, String)] = []) {
            self.text = text
            self.attributes = attributes
        }

        static func markup(_ html: String) -> Cell {
            var c = Cell(html)
            c.html = true
            return c
        }

        var rendered: String {
            let attrs = attributes.map { " \($0.0)=\"\(HTMLPage.escape($0.1))\"" }.joined()
            return "<td\(attrs)>\(html ? text : HTMLPage.escape(text))</td>"
        }
    }

    mutating func table(_ header: [String], _ rows: [[Cell]], id: String? = nil, class name: String? = nil) {
        var html =
            "<table\(id.map { " id=\"\(Self.escape($0))\"" } ?? "")\(name.map { " class=\"\($0)\"" } ?? "")><thead><tr>"
        html += header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { html += "<tr>" + row.map(\.rendered).joined() + "</tr>" }
        body.append(html + "</tbody></table>")
    }

    /// A chart the page's script draws from `data`: `bars` (a value per label), `pairs` (before
    /// and after per label), `line` (a value per point, in order) or `strip` (events on a time axis).
    mutating func chart(_ kind: String, id: String, title: String, data: Value) {
        charts += 1
        // `</script` or `<!--` inside a script element would end or change it: in JSON these
        // characters only occur inside strings, where \u escapes mean the same.
        let json = data.jsonText.replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(
            of: "<", with: "\\u003c"
        )
        .replacingOccurrences(of: ">", with: "\\u003e")
        body.append(
            """
            <figure class="chart" id="\(Self.escape(id))" data-chart="\(kind)"><figcaption>\(Self.escape(title))</figcaption>\
            <script type="application/json">\(json)</script></figure>
            """)
    }

    package func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en" data-charts="\(charts)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        <script>\(ChartScript.source)</script>
        </body>
        </html>

        """
    }

    static let style = """
        :root{--fg:#1d2330;--muted:#5f6b7a;--line:#d8dee6;--pass:#1f7a3f;--fail:#b42318;--warn:#b54708;--bar:#3568d4;--before:#9aa6b6;--bg:#fff}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0}
        main{max-width:1180px;margin:0 auto;padding:24px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
        .meta{color:var(--muted);margin:0 0 12px}
        .cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
        .card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
        .card b{display:block;font-size:20px}.card span{color:var(--muted);font-size:12px}
        table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
        th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
        th{color:var(--muted);font-weight:600}
        td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .pass{color:var(--pass);font-weight:600}.fail{color:var(--fail);font-weight:600}
        .sev-high{color:var(--fail);font-weight:600}.sev-medium{color:var(--warn);font-weight:600}.sev-low,.sev-none{color:var(--muted)}
        code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
        pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;border-radius:6px;padding:8px 10px}
        details{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:6px 10px}
        summary{cursor:pointer;font-weight:600}
        figure.chart{margin:10px 0 16px}figure.chart figcaption{font-weight:600;margin-bottom:4px}
        figure.chart svg{display:block;max-width:100%}
        svg text{font:12px system-ui,sans-serif;fill:var(--fg)}svg .axis{stroke:var(--line)}svg .muted{fill:var(--muted)}
        .legend{display:flex;gap:12px;flex-wrap:wrap;font-size:12px;color:var(--muted);margin:2px 0}
        .legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
        .note{background:#fff8e6;border:1px solid #f3d9a4;border-radius:6px;padding:6px 10px}
        """
}
