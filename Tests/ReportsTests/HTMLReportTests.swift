import CloudModel
import Foundation
import Loading
import PolicyPack
import RunStore
import Simulation
import TestSupport
import Testing

@testable import Reports

/// The HTML report is built from text people wrote (labels, scenario names, resource ids,
/// commands): none of it can become markup or end the page's data early.
struct HTMLReportTests {
    static let hostile = #"</script><script>alert("x")</script><img src=x onerror=alert(1)> & 'q'"#

    @Test func textIsEscapedInContentAttributesAndChartData() {
        #expect(
            HTMLPage.escape(Self.hostile)
                == "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x "
                + "onerror=alert(1)&gt; &amp; &#39;q&#39;"
        )
        var page = HTMLPage(title: Self.hostile)
        page.heading(Self.hostile, id: Self.hostile)
        page.table([Self.hostile], [[HTMLPage.Cell(Self.hostile, [("data-x", Self.hostile)])]])
        page.chart(
            "bars", id: "c", title: Self.hostile,
            data: ["items": [["label": .string(Self.hostile), "value": 1, "text": .string(Self.hostile)]]])
        let html = page.render()
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        // The page's own scripts: the chart's data and the drawing script, nothing else.
        #expect(html.components(separatedBy: "<script").count - 1 == 2)
        #expect(html.components(separatedBy: "</script>").count - 1 == 2)
        #expect(html.contains(#"data-charts="1""#))
    }

    @Test func aRunLabelledWithMarkupReportsItAsText() throws {
        let db = try RunDatabase.inMemory()
        let scenario = try ScenarioLoader(builtins: try BuiltinPolicies.load()).load(
            file: TestSupport.scenariosDirectory + "/ssh-opened-to-world-is-closed.yaml")
        let runId = try db.recordRun(
            RunMetadata(
                startedAt: Date(timeIntervalSince1970: 1_767_225_600), remsimVersion: "test", gitCommit: nil,
                labels: [Self.hostile]),
            results: [try Simulator(scenario: scenario).run()], finishedAt: Date(timeIntervalSince1970: 1_767_225_660))
        let html = try RunHTMLReport.run(db, runId: runId)
        #expect(!html.contains("<script>alert") && !html.contains("<img"))
        #expect(html.contains("labels &lt;/script&gt;"))
        #expect(html.contains(#"data-charts="3""#), "MTTR per policy, the trend, one timeline")
        #expect(html.contains(#"data-policy="aws-sg-ssh-open-to-world" data-ms="90300">1m30.3s</td>"#))
    }
}
