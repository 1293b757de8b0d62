import CloudModel
import Foundation
import RemediationEngine
import Simulation

/// `remsim run --format json` and `--format junit`, and GitHub Actions annotations: the run as
/// machines read it.
package enum MachineReport {
    /// One JSON document: every scenario with its verdict, figures, failed assertions and warnings.
    package static func json(results: [ScenarioResult], runId: Int64?) -> String {
        func ms(_ d: SimDuration?) -> Value { d.map { .int(Int($0.milliseconds)) } ?? .null }
        let scenarios: [Value] = results.map { r in
            var f = Fields()
            f["name"] = .string(r.name)
            f["file"] = .string(r.file)
            f["passed"] = .bool(r.passed)
            f["error"] = r.error.map(Value.string) ?? .null
            f["seed"] = .int(Int(truncatingIfNeeded: r.seed))
            var metrics = Fields()
            for kind in MetricKind.allCases {
                let s = r.summary(kind)
                metrics[kind.rawValue] = [
                    "p50Ms": ms(s.p50), "p95Ms": ms(s.p95), "maxMs": ms(s.max), "count": .int(s.count),
                    "unresolved": .int(s.unresolved),
                ]
            }
            f["metrics"] = .object(metrics)
            f["calls"] = .int(r.attempts.count)
            f["assertions"] = .array(
                r.assertions.map { a in
                    [
                        "passed": .bool(a.passed), "expected": .string(a.expected), "found": .string(a.found),
                        "origin": .string(a.origin),
                    ]
                })
            f["warnings"] = .array(
                r.warnings.map { w in
                    [
                        "kind": .string(w.kind), "severity": .string(w.severity.rawValue),
                        "policy": .string(w.policyId), "resource": .string(w.resourceId),
                        "explanation": .string(w.explanation), "evidence": .array(w.evidence.map(Value.string)),
                    ]
                })
            f["violations"] = .object(
                Fields(
                    Violation.FinalState.allCases.map { s in
                        Fields.Entry(key: s.rawValue, value: .int(r.violations.filter { $0.finalState == s }.count))
                    }))
            return .object(f)
        }
        var top = Fields()
        top["run"] = runId.map { .int(Int($0)) } ?? .null
        top["passed"] = .bool(results.allSatisfy(\.passed))
        top["scenarios"] = .array(scenarios)
        return Value.object(top).jsonText
    }

    /// JUnit XML as CI systems render it: one test case per scenario, failed assertions as its
    /// failure message.
    package static func junit(results: [ScenarioResult]) -> String {
        let errors = results.filter { $0.error != nil }.count
        let failures = results.filter { !$0.passed }.count - errors
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml +=
            #"<testsuites name="remsim" tests="\#(results.count)" failures="\#(failures)" errors="\#(errors)">"# + "\n"
        xml +=
            #"  <testsuite name="remsim scenarios" tests="\#(results.count)" failures="\#(failures)" errors="\#(errors)">"#
            + "\n"
        for r in results {
            // `time` is wall-clock time in JUnit; a scenario's simulated span is a property instead.
            let open =
                #"    <testcase name="\#(escape(r.name))" classname="\#(escape(r.file))" time="0">"# + "\n"
                + #"      <properties><property name="simulated" value="\#(r.end - r.start)"/><property name="seed" value="\#(r.seed)"/></properties>"#
            let failed = r.assertions.filter { !$0.passed }
            if let error = r.error {
                xml += open + "\n"
                xml += #"      <error message="\#(escape(error))" type="stopped"/>"# + "\n"
                xml += "    </testcase>\n"
                continue
            }
            if failed.isEmpty {
                xml += open + "\n    </testcase>\n"
                continue
            }
            let message = failed.map { "expected \($0.expected); found \($0.found)" }.joined(separator: " | ")
            let body = failed.map { "expected \($0.expected)\nfound \($0.found)\nat \($0.origin)" }.joined(
                separator: "\n\n")
            xml += open + "\n"
            xml += #"      <failure message="\#(escape(message))" type="assertion">\#(escape(body))</failure>"# + "\n"
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// `::error file=F,line=L,col=C::…` for each failed assertion, as GitHub Actions reads them.
    /// What GitHub Actions should show on the scenario files: a scenario that stopped, each failed
    /// assertion at the line that wrote it, and each high-severity disruption warning.
    package static func githubAnnotations(results: [ScenarioResult]) -> [GitHubAnnotation] {
        results.flatMap { r -> [GitHubAnnotation] in
            let stopped =
                r.error.map {
                    [
                        GitHubAnnotation(
                            .error, file: r.file, title: "remsim scenario stopped", message: "\(r.name): \($0)")
                    ]
                } ?? []
            let failed = r.assertions.filter { !$0.passed }.map { a in
                GitHubAnnotation(
                    .error, origin: a.origin, title: "remsim scenario failed",
                    message: "\(r.name): expected \(a.expected); found \(a.found)")
            }
            let warned = r.warnings.filter { $0.severity == .high }.map { w in
                GitHubAnnotation(
                    .warning, file: r.file, title: "remsim disruption warning",
                    message: "\(r.name): \(w.policyId) on \(w.resourceId) (\(w.operation)): \(w.explanation)")
            }
            return stopped + failed + warned
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;"
        )
        .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
