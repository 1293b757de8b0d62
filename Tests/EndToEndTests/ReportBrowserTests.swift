import CloudModel
import Foundation
import RunStore
import TestSupport
import Testing

/// `remsim report` opened in a real browser: headless Chromium from the system packages runs the
/// page's script, and the test reads the page as the browser laid it out. The charts must have
/// drawn (every chart, no script error, marks with a size on screen) and every number must be the
/// database's.
struct ReportBrowserTests {
    /// Chromium, from `REMSIM_CHROMIUM` or the PATH (Debian's `chromium` package).
    static let browser: String? = {
        let env = ProcessInfo.processInfo.environment
        if let path = env["REMSIM_CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return path }
        let dirs = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
                return dir + "/" + name
            }
        }
        return nil
    }()

    /// CI installs Chromium and sets REMSIM_REQUIRE_BROWSER, so the browser tests cannot be
    /// skipped there unnoticed.
    @Test func aBrowserIsThereWhenRequired() {
        if ProcessInfo.processInfo.environment["REMSIM_REQUIRE_BROWSER"] == "1" {
            #expect(
                Self.browser != nil, "REMSIM_REQUIRE_BROWSER=1 but no chromium on the PATH (apt-get install chromium)")
        }
    }

    /// The page after the browser ran its script.
    func render(_ file: String) throws -> String {
        let browser = try #require(Self.browser)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
            "--virtual-time-budget=5000", "--dump-dom", URL(fileURLWithPath: file).absoluteString,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    /// The attributes of every element with class `mark` inside the chart with this id.
    func marks(_ dom: String, chart id: String) -> [[String: String]] {
        guard let start = dom.range(of: "id=\"\(id)\""),
            let end = dom.range(of: "</figure>", range: start.upperBound..<dom.endIndex)
        else { return [] }
        let figure = String(dom[start.upperBound..<end.lowerBound])
        return figure.matches(of: /<(rect|circle)([^>]*)>/).compactMap { m -> [String: String]? in
            var attrs: [String: String] = [:]
            for a in String(m.output.2).matches(of: /([a-z-]+)="([^"]*)"/) {
                attrs[String(a.output.1)] = String(a.output.2)
            }
            return attrs["class"] == "mark" ? attrs : nil
        }
    }

    /// Width and height on screen, from `data-px` ("WxH@x,y").
    func size(_ mark: [String: String]) -> (width: Int, height: Int) {
        let parts =
            (mark["data-px"] ?? "").split(separator: "@").first?.split(separator: "x").compactMap { Int($0) } ?? []
        return parts.count == 2 ? (parts[0], parts[1]) : (0, 0)
    }

    func rootAttribute(_ dom: String, _ name: String) -> String? {
        guard let html = dom.firstMatch(of: /<html[^>]*>/) else { return nil }
        return String(html.output).firstMatch(of: try! Regex<(Substring, Substring)>("\(name)=\"([^\"]*)\""))
            .map { String($0.output.1) }
    }

    @Test(.enabled(if: browser != nil, "no chromium on the PATH (apt-get install chromium)"))
    func theReportRendersInABrowserWithTheDatabasesNumbers() throws {
        let cli = CommandLineTests()
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ssh = "Scenarios/ssh-opened-to-world-is-closed.yaml"
        let flowLogs = "Scenarios/vpc-flow-logs-restored.yaml"
        #expect(try cli.run(["run", ssh, flowLogs, "--label", "main"], in: dir).status == 0)
        // The API slows down to 4 minutes a call: SSH's MTTR p95 expectation (≤ 5m) now fails.
        let path = dir + "/" + ssh
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "api-latency: 300ms", with: "api-latency: 4m"
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try cli.run(["run", ssh, flowLogs, "--label", "feature"], in: dir).status == 1)

        let made = try cli.run(["report", "--output", "report.html"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let dom = try render(dir + "/report.html")
        #expect(
            rootAttribute(dom, "data-chart-error") == nil,
            "the page's script failed: \(rootAttribute(dom, "data-chart-error") ?? "")")
        let charts = try #require(rootAttribute(dom, "data-charts").flatMap { Int($0) })
        #expect(charts == 4, "MTTR per policy, the trend, and a timeline per scenario")
        #expect(rootAttribute(dom, "data-charts-rendered") == String(charts), "every chart was drawn")

        let db = try RunDatabase(path: dir + "/.remsim/runs.sqlite")
        let run = try db.snapshot(runId: 2)
        let earlier = try db.snapshot(runId: 1)

        // MTTR p95 per policy: one bar per policy with the database's value and its text, and
        // bar lengths in the order of the values.
        let bars = marks(dom, chart: "mttr-by-policy")
        #expect(
            Dictionary(uniqueKeysWithValues: bars.map { ($0["data-label"] ?? "", Int64($0["data-value"] ?? "") ?? -1) })
                == run.mttrP95ByPolicy.compactMapValues { $0 })
        #expect(bars.allSatisfy { size($0).width > 0 && size($0).height > 0 }, "\(bars)")
        let byValue = bars.sorted { Int($0["data-value"] ?? "")! < Int($1["data-value"] ?? "")! }
        #expect(byValue.map { size($0).width } == byValue.map { size($0).width }.sorted())
        for (policy, p95) in run.mttrP95ByPolicy {
            let text = SimDuration(milliseconds: try #require(p95)).description
            #expect(dom.contains("data-label=\"\(policy)\">\(text)</text>"), "the bar of \(policy) is labelled \(text)")
        }
        #expect(
            run.mttrP95ByPolicy["aws-sg-ssh-open-to-world"] == 240_000 + 90_000,
            "a 4 min call, then 90 s until the change event confirms the fix")

        // The trend: one point per run, in order, at the database's overall p95.
        let points = marks(dom, chart: "mttr-trend")
        #expect(points.map { $0["data-label"] } == ["run 1", "run 2"])
        #expect(points.map { Int64($0["data-value"] ?? "") } == [earlier.mttrP95Ms, run.mttrP95Ms])
        #expect(points.allSatisfy { size($0).width > 0 })

        // The summary and the scenario table.
        #expect(dom.contains(#"<div class="card" data-field="failed"><b class="fail">1</b>"#))
        #expect(dom.contains(#"<div class="card" data-field="passed"><b class="pass">1</b>"#))
        for scenario in run.scenarios {
            let text = scenario.mttrP95Ms.map { SimDuration(milliseconds: $0).description } ?? "unresolved"
            #expect(
                dom.contains(
                    "data-scenario=\"\(scenario.name)\"\(scenario.mttrP95Ms.map { " data-ms=\"\($0)\"" } ?? "")>\(text)</td>"
                ))
        }
        // The failing scenario is open, with the failed assertion and its timeline drawn: one
        // mark per recorded event, each on screen.
        #expect(dom.contains(#"<details id="scenario-ssh-opened-to-world-is-closed" open="">"#))
        #expect(dom.contains("mttr p95 for aws-sg-ssh-open-to-world ≤ 5m"))
        let sid = try #require(
            try db.scenarioResults(runId: 2).first { $0.name == "ssh-opened-to-world-is-closed" }?.id)
        let story = try db.timeline(scenarioResultId: sid)
        let ticks = marks(dom, chart: "timeline-ssh-opened-to-world-is-closed")
        #expect(ticks.map { $0["data-kind"] ?? "" } == story.map(\.kind.rawValue))
        #expect(ticks.allSatisfy { size($0).width > 0 && size($0).height > 0 })
        #expect(
            story.contains { $0.kind == .injection } && story.contains { $0.kind == .call }
                && story.contains { $0.kind == .detection })

        // The comparison: before and after bars per policy, and the flipped assertion.
        #expect(try cli.run(["report", "main", "feature", "-o", "compare.html"], in: dir).status == 0)
        let compared = try render(dir + "/compare.html")
        #expect(rootAttribute(compared, "data-chart-error") == nil)
        #expect(rootAttribute(compared, "data-charts-rendered") == rootAttribute(compared, "data-charts"))
        let pairs = marks(compared, chart: "mttr-by-policy-change").filter {
            $0["data-label"] == "aws-sg-ssh-open-to-world"
        }
        #expect(pairs.map { $0["data-series"] ?? "" } == ["before", "after"])
        #expect(
            pairs.map { Int64($0["data-value"] ?? "") } == [
                earlier.mttrP95ByPolicy["aws-sg-ssh-open-to-world"] ?? nil,
                run.mttrP95ByPolicy["aws-sg-ssh-open-to-world"] ?? nil,
            ])
        #expect(size(pairs[1]).width > size(pairs[0]).width)
        #expect(
            compared.contains(#"<table id="flips">"#) && compared.contains("mttr p95 for aws-sg-ssh-open-to-world ≤ 5m")
        )

        // No network: nothing on the page is fetched from anywhere.
        let html = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        #expect(
            !html.contains("http://") || html.components(separatedBy: "http://").count == 2, "only the SVG namespace")
        #expect(!html.contains("https://") && !html.contains(" src=") && !html.contains("<link"))
    }

    /// `remsim impact --format html`: the same preview as the JSON, drawn.
    @Test(.enabled(if: browser != nil, "no chromium on the PATH (apt-get install chromium)"))
    func theImpactPageRendersThePreview() throws {
        let cli = CommandLineTests()
        let dir = try cli.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let scenario = "Scenarios/staging-backlog-cleared.yaml"
        let json = try cli.run(["impact", scenario, "--format", "json"], in: dir)
        #expect(json.status == 0, "\(json.stderr)")
        let preview = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let made = try cli.run(["impact", scenario, "--format", "html"], in: dir)
        #expect(
            made.status == 0 && made.stdout.isEmpty && made.stderr.contains("wrote remsim-impact.html"),
            "\(made.stderr)")
        let dom = try render(dir + "/remsim-impact.html")
        #expect(rootAttribute(dom, "data-chart-error") == nil)
        #expect(rootAttribute(dom, "data-charts-rendered") == "1")
        let series = try #require(preview["openOverTime"] as? [[String: Int]])
        let points = marks(dom, chart: "open-over-time")
        #expect(points.map { Int($0["data-value"] ?? "") } == series.map { $0["open"] })
        #expect(series.first?["open"] == 4 && series.last?["open"] == 0, "the four staging alerts, then none")
        #expect(points.allSatisfy { size($0).width > 0 })
        let changes = try #require(preview["changes"] as? [[String: Any]])
        let rows = changes.map { c in (c["created"] as? Bool == true) ? 1 : ((c["properties"] as? [Any])?.count ?? 0) }
            .reduce(0, +)
        let table = try #require(dom.firstMatch(of: /<table id="changes-table">.*?<\/table>/.dotMatchesNewlines()))
        #expect(String(table.output).components(separatedBy: "<tr>").count - 2 == rows, "one row per changed property")
        #expect(dom.contains(#"<div class="card" data-field="resources changed"><b class="">\#(changes.count)</b>"#))
        for command in try #require(preview["commands"] as? [String]) {
            // As the browser serializes text: only &, < and > escaped.
            #expect(
                dom.contains(
                    "$ "
                        + command.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
                            of: "<", with: "&lt;"
                        )
                        .replacingOccurrences(of: ">", with: "&gt;")), "\(command)")
        }
    }

    @Test func aMissingDatabaseOrRunIsAClearError() throws {
        let cli = CommandLineTests()
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let none = try cli.run(["report"], in: dir)
        // As history and compare: a database that cannot be opened is exit 3, and none is made.
        #expect(none.status == 3)
        #expect(none.stderr.contains("cannot open the run database .remsim/runs.sqlite: no such file"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/.remsim"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/remsim-report.html"))
    }
}
