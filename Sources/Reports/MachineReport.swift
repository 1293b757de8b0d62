import CloudModel
import Foundation
import RemediationEngine
import Simulation

/// `remsim run --format json` and `--format junit`, and GitHub Actions annotations: the run as
/// machines read it.
package enum MachineReport {
    /// The version of the JSON report's shape (`Schemas/run-report.schema.json`); it changes
    /// only when a field is removed or changes meaning.
    package static let jsonSchemaVersion = 1

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
            // Calls from external engines, by actor.
            f["outsideCalls"] = .object(
                Fields(
                    Dictionary(grouping: r.outsideCalls, by: \.actor).sorted { $0.key < $1.key }.map {
                        .init(key: $0.key, value: .int($0.value.count))
                    }))
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
                        "policy": .string(w.policyId), "actor": w.actor.map(Value.string) ?? .null,
                        "resource": .string(w.resourceId),
                        "explanation": .string(w.explanation), "evidence": .array(w.evidence.map(Value.string)),
                    ]
                })
            if !r.cannotEvaluate.isEmpty {
                f["cannotEvaluate"] = .object(
                    Fields(
                        r.cannotEvaluate.sorted { $0.key < $1.key }.map {
                            Fields.Entry(key: $0.key, value: .int($0.value))
                        }))
            }
            f["violations"] = .object(
                Fields(
                    Violation.FinalState.allCases.map { s in
                        Fields.Entry(key: s.rawValue, value: .int(r.violations.filter { $0.finalState == s }.count))
                    }))
            return .object(f)
        }
        var top = Fields()
        top["schemaVersion"] = .int(jsonSchemaVersion)
        top["run"] = runId.map { .int(Int($0)) } ?? .null
        top["passed"] = .bool(results.allSatisfy(\.passed))
        top["scenarios"] = .array(scenarios)
        return Value.object(top).jsonText
    }

    /// JUnit XML as CI systems render it: one test case per scenario, failed assertions as its
    /// failure message.
    package static func junit(results: [ScenarioResult], seconds: [Double] = []) -> String {
        let errors = results.filter { $0.error != nil }.count
        let failures = results.filter { !$0.passed }.count - errors
        func time(_ i: Int) -> String { String(format: "%.3f", i < seconds.count ? seconds[i] : 0) }
        let total = String(format: "%.3f", seconds.reduce(0, +))
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml +=
            #"<testsuites name="remsim" tests="\#(results.count)" failures="\#(failures)" errors="\#(errors)" time="\#(total)">"#
        xml += "\n"
        xml +=
            #"  <testsuite name="remsim scenarios" tests="\#(results.count)" failures="\#(failures)" errors="\#(errors)""#
        xml += #" skipped="0" time="\#(total)">"# + "\n"
        // The suite's properties hold what JUnit has no place for on a test case: each
        // scenario's simulated span and seed (a test case's `time` is the wall time it took).
        xml += "    <properties>\n"
        for r in results {
            xml += #"      <property name="\#(escape(r.name)).simulated" value="\#(r.end - r.start)"/>"# + "\n"
            xml += #"      <property name="\#(escape(r.name)).seed" value="\#(r.seed)"/>"# + "\n"
        }
        xml += "    </properties>\n"
        for (i, r) in results.enumerated() {
            let open =
                #"    <testcase name="\#(escape(r.name))" classname="\#(escape(classname(r.file)))" time="\#(time(i))">"#
            let failed = r.assertions.filter { !$0.passed }
            if let error = r.error {
                xml += open + "\n"
                xml += #"      <error message="\#(escape(error))" type="stopped"/>"# + "\n"
                xml += "    </testcase>\n"
                continue
            }
            if failed.isEmpty {
                xml += open.dropLast() + "/>\n"
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

    /// A scenario file as a JUnit class name, which CI systems group by package: its path with
    /// dots for slashes and without its extension (`Scenarios/aws/ssh.yaml` → `Scenarios.aws.ssh`).
    static func classname(_ file: String) -> String {
        let path = file.hasPrefix("./") ? String(file.dropFirst(2)) : file
        let name = (path as NSString).deletingPathExtension
        return name.split(separator: "/", omittingEmptySubsequences: true).joined(separator: ".")
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
                    message: "\(r.name): \(w.source) on \(w.resourceId) (\(w.operation)): \(w.explanation)")
            }
            return stopped + failed + warned
        }
    }

    static func escape(_ s: String) -> String { Markup.escape(s) }
}
