import CloudModel
import Foundation
import Simulation

/// SARIF 2.1.0, the format code-scanning dashboards (GitHub code scanning, Azure DevOps, GitLab)
/// read: remsim's findings as results of rules, each at a file, line and column.
package enum SARIFReport {
    /// One thing remsim reports, located where it can be.
    package struct Finding: Sendable, Hashable {
        package var rule: Rule
        package var message: String
        package var file: String?
        package var line: Int?
        package var column: Int?

        package init(_ rule: Rule, message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
            self.rule = rule
            self.message = message
            self.file = file
            self.line = line
            self.column = column
        }

        /// A finding at `origin`, a `FILE:LINE:COL` place as expectations record it.
        package init(_ rule: Rule, message: String, origin: String) {
            let place = SourcePlace(origin: origin)
            self.init(rule, message: message, file: place.file, line: place.line, column: place.column)
        }
    }

    /// The rules remsim's results belong to.
    package enum Rule: String, CaseIterable, Sendable {
        case assertionFailed = "remsim/assertion-failed"
        case scenarioStopped = "remsim/scenario-stopped"
        case disruptionWarning = "remsim/high-disruption-warning"
        case invalidFile = "remsim/invalid-file"
        case policyConflict = "remsim/policy-conflict"
        case unknownFilterKey = "remsim/unknown-filter-key"

        var level: String {
            switch self {
            case .assertionFailed, .scenarioStopped, .invalidFile: "error"
            case .disruptionWarning, .policyConflict, .unknownFilterKey: "warning"
            }
        }

        var summary: String {
            switch self {
            case .assertionFailed: "A scenario's expectation does not hold"
            case .scenarioStopped: "A scenario stopped before its end"
            case .disruptionWarning: "A remediation could disrupt something that is in use"
            case .invalidFile: "A scenario, fixture or policy file cannot be loaded"
            case .policyConflict: "Two policies' remediations undo each other"
            case .unknownFilterKey: "A filter key no known resource of the type has, close to one it has: likely a typo"
            }
        }
    }

    /// What `remsim run` found: failed assertions at their lines, stopped scenarios and
    /// high-severity disruption warnings on their scenario files.
    package static func findings(results: [ScenarioResult]) -> [Finding] {
        results.flatMap { r -> [Finding] in
            (r.error.map { [Finding(.scenarioStopped, message: "\(r.name): \($0)", file: r.file)] } ?? [])
                + r.assertions.filter { !$0.passed }.map {
                    Finding(
                        .assertionFailed, message: "\(r.name): expected \($0.expected); found \($0.found)",
                        origin: $0.origin)
                }
                + r.warnings.filter { $0.severity == .high }.map {
                    Finding(
                        .disruptionWarning,
                        message: "\(r.name): \($0.source) on \($0.resourceId) (\($0.operation)): \($0.explanation)",
                        file: r.file)
                }
        }
    }

    /// The SARIF 2.1.0 log: one run of the tool `remsim`, every rule described once, the results.
    package static func log(_ findings: [Finding], version: String) -> String {
        let rules: [Value] = Rule.allCases.map { rule in
            [
                "id": .string(rule.rawValue), "shortDescription": ["text": .string(rule.summary)],
                "defaultConfiguration": ["level": .string(rule.level)],
            ]
        }
        let results: [Value] = findings.map { f in
            var result: Fields = Fields()
            result["ruleId"] = .string(f.rule.rawValue)
            result["ruleIndex"] = .int(Rule.allCases.firstIndex(of: f.rule) ?? 0)
            result["level"] = .string(f.rule.level)
            result["message"] = ["text": .string(f.message)]
            if let file = f.file {
                var physical = Fields()
                physical["artifactLocation"] = ["uri": .string(uri(file))]
                if let line = f.line, line > 0 {
                    var region = Fields()
                    region["startLine"] = .int(line)
                    if let column = f.column, column > 0 { region["startColumn"] = .int(column) }
                    physical["region"] = .object(region)
                }
                result["locations"] = .array([["physicalLocation": .object(physical)]])
            }
            return .object(result)
        }
        let driver: Value = [
            "name": "remsim", "version": .string(version), "rules": .array(rules),
        ]
        let log: Value = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [["tool": ["driver": driver], "results": .array(results)]],
        ]
        return log.jsonText
    }

    /// A relative path as a URI reference: each segment percent-encoded where it must be.
    package static func uri(_ path: String) -> String {
        var allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/".unicodeScalars)
        allowed.insert(":")
        var out = ""
        for byte in path.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, allowed.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
