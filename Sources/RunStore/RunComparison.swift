import Foundation

/// What changed between two runs: the answer to "did this change make things worse?".
package struct RunComparison: Sendable, Codable {
    package struct RunRef: Sendable, Codable {
        package var id: Int64
        package var labels: [String]
        package var remsimVersion: String
        package var gitCommit: String?
        package var fixturesDigest: String?
        package var policiesDigest: String?
    }

    /// An assertion whose verdict changed.
    package struct Flip: Sendable, Codable, Hashable {
        package var scenario: String
        package var assertion: String
        package var before: Bool
        package var after: Bool
    }

    /// A figure before and after; `relative` is the change as a fraction of before.
    package struct Delta: Sendable, Codable, Hashable {
        package var name: String
        package var beforeMs: Int64?
        package var afterMs: Int64?
        package var changeMs: Int64?
        package var relative: Double?
    }

    package struct CountChange: Sendable, Codable, Hashable {
        package var scenario: String
        package var what: String
        package var before: Int
        package var after: Int
    }

    package var before: RunRef
    package var after: RunRef
    /// Why the two may not be comparable: another remsim version, other fixtures or policies.
    package var caveats: [String]
    package var flips: [Flip]
    package var scenariosAdded: [String]
    package var scenariosRemoved: [String]
    /// MTTR p95 per policy that had violations in both runs.
    package var mttrByPolicy: [Delta]
    package var mttrByScenario: [Delta]
    /// Policies with violations in one run only: removed from the other, or nothing violated
    /// them there. Neither is a regression of MTTR.
    package var policiesOnlyBefore: [String]
    package var policiesOnlyAfter: [String]
    package var warningsAdded: [RunSnapshot.Warning]
    package var warningsRemoved: [RunSnapshot.Warning]
    package var loopsAdded: [RunSnapshot.Loop]
    package var loopsRemoved: [RunSnapshot.Loop]
    package var countsChanged: [CountChange]

    package init(_ a: RunSnapshot, _ b: RunSnapshot) {
        func ref(_ s: RunSnapshot) -> RunRef {
            RunRef(
                id: s.run.id ?? 0, labels: s.labels, remsimVersion: s.run.remsimVersion, gitCommit: s.run.gitCommit,
                fixturesDigest: s.run.fixturesDigest, policiesDigest: s.run.policiesDigest)
        }
        before = ref(a)
        after = ref(b)
        var caveats: [String] = []
        if a.run.remsimVersion != b.run.remsimVersion {
            caveats.append(
                "the runs were made by different remsim versions (\(a.run.remsimVersion), \(b.run.remsimVersion))")
        }
        if a.run.fixturesDigest != b.run.fixturesDigest { caveats.append("the runs used different fixtures") }
        if a.run.policiesDigest != b.run.policiesDigest { caveats.append("the runs used different policies") }
        self.caveats = caveats

        let oldScenarios = Dictionary(a.scenarios.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        let newScenarios = Dictionary(b.scenarios.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        scenariosAdded = newScenarios.keys.filter { oldScenarios[$0] == nil }.sorted()
        scenariosRemoved = oldScenarios.keys.filter { newScenarios[$0] == nil }.sorted()
        var flips: [Flip] = []
        var counts: [CountChange] = []
        var byScenario: [Delta] = []
        for name in newScenarios.keys.sorted() {
            guard let old = oldScenarios[name], let new = newScenarios[name] else { continue }
            for (position, verdict) in new.assertions.sorted(by: { $0.key < $1.key }) {
                guard let was = old.assertions[position], was != verdict else { continue }
                let text = "\(position). \(new.expected[position] ?? "")"
                flips.append(Flip(scenario: name, assertion: text, before: was, after: verdict))
            }
            if old.calls != new.calls {
                counts.append(CountChange(scenario: name, what: "calls", before: old.calls, after: new.calls))
            }
            for actor in Set(old.outsideCalls.keys).union(new.outsideCalls.keys).sorted() {
                let (x, y) = (old.outsideCalls[actor] ?? 0, new.outsideCalls[actor] ?? 0)
                if x != y { counts.append(CountChange(scenario: name, what: "calls by \(actor)", before: x, after: y)) }
            }
            if old.remediated != new.remediated {
                counts.append(
                    CountChange(scenario: name, what: "remediated", before: old.remediated, after: new.remediated))
            }
            if old.mttrP95Ms != new.mttrP95Ms { byScenario.append(Self.delta(name, old.mttrP95Ms, new.mttrP95Ms)) }
        }
        self.flips = flips
        countsChanged = counts
        mttrByScenario = byScenario
        policiesOnlyBefore = Set(a.mttrP95ByPolicy.keys).subtracting(b.mttrP95ByPolicy.keys).sorted()
        policiesOnlyAfter = Set(b.mttrP95ByPolicy.keys).subtracting(a.mttrP95ByPolicy.keys).sorted()
        mttrByPolicy = Set(a.mttrP95ByPolicy.keys).intersection(b.mttrP95ByPolicy.keys).sorted().compactMap { policy in
            let x = a.mttrP95ByPolicy[policy] ?? nil
            let y = b.mttrP95ByPolicy[policy] ?? nil
            return x == y ? nil : Self.delta(policy, x, y)
        }
        warningsAdded = Set(b.warnings).subtracting(a.warnings).sorted()
        warningsRemoved = Set(a.warnings).subtracting(b.warnings).sorted()
        loopsAdded = Set(b.loops).subtracting(a.loops).sorted()
        loopsRemoved = Set(a.loops).subtracting(b.loops).sorted()
    }

    static func delta(_ name: String, _ x: Int64?, _ y: Int64?) -> Delta {
        let change = x.flatMap { x in y.map { $0 - x } }
        let relative = x.flatMap { x in change.map { x == 0 ? ($0 == 0 ? 0 : .infinity) : Double($0) / Double(x) } }
        return Delta(name: name, beforeMs: x, afterMs: y, changeMs: change, relative: relative)
    }

    package var isUnchanged: Bool {
        flips.isEmpty && scenariosAdded.isEmpty && scenariosRemoved.isEmpty && mttrByPolicy.isEmpty
            && policiesOnlyBefore.isEmpty && policiesOnlyAfter.isEmpty
            && mttrByScenario.isEmpty
            && warningsAdded.isEmpty && warningsRemoved.isEmpty && loopsAdded.isEmpty && loopsRemoved.isEmpty
            && countsChanged.isEmpty
    }
}

/// Regressions that make `remsim compare` exit 1, so CI can gate on them:
/// `assertion-flip`, `mttr-p95-increase=20%`, `new-warning`, `new-high-warning`, `new-loop`,
/// `scenario-removed`, `unresolved` (a policy gained unresolved violations).
package struct RegressionGate: Sendable, Equatable {
    package var assertionFlip = false
    package var mttrIncreasePercent: Double?
    package var newWarning = false
    package var newHighWarning = false
    package var newLoop = false
    package var scenarioRemoved = false

    package static let names = [
        "assertion-flip", "mttr-p95-increase=PERCENT%", "new-warning", "new-high-warning", "new-loop",
        "scenario-removed",
    ]

    package init() {}

    /// Parses `assertion-flip,mttr-p95-increase=20%`; an error names what it could not read.
    package init(parsing text: String) throws(GateError) {
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            switch item {
            case "assertion-flip": assertionFlip = true
            case "new-warning": newWarning = true
            case "new-high-warning": newHighWarning = true
            case "new-loop": newLoop = true
            case "scenario-removed": scenarioRemoved = true
            default:
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, parts[0] == "mttr-p95-increase",
                    let pct = Double(parts[1].replacingOccurrences(of: "%", with: "")), pct >= 0
                else {
                    throw GateError(
                        message:
                            "unknown --fail-on condition '\(item)'; conditions: \(Self.names.joined(separator: ", "))")
                }
                mttrIncreasePercent = pct
            }
        }
    }

    package struct GateError: Error, Sendable, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    /// The regressions the comparison shows, in words; empty when the gate passes.
    package func failures(_ c: RunComparison) -> [String] {
        var out: [String] = []
        if assertionFlip {
            for f in c.flips where f.before && !f.after {
                out.append("assertion flipped to failing in \(f.scenario): \(f.assertion)")
            }
        }
        if let limit = mttrIncreasePercent {
            for d in c.mttrByPolicy + c.mttrByScenario {
                guard let rel = d.relative, rel * 100 > limit else { continue }
                out.append(
                    "MTTR p95 of \(d.name) rose "
                        + "\(rel.isInfinite ? "from 0" : String(format: "%.0f%%", rel * 100)) (limit \(String(format: "%.0f", limit))%)"
                )
            }
            for d in c.mttrByPolicy where d.beforeMs != nil && d.afterMs == nil {
                out.append("\(d.name) no longer resolves any violation")
            }
        }
        if newWarning || newHighWarning {
            for w in c.warningsAdded where newWarning || w.severity == .high {
                out.append("new \(w.severity) warning in \(w.scenario): \(w.kind) on \(w.resourceId) (\(w.policyId))")
            }
        }
        if newLoop {
            for l in c.loopsAdded {
                out.append("new loop in \(l.scenario): \(l.policyId) on \(l.resourceId), cause \(l.cause)")
            }
        }
        if scenarioRemoved { for s in c.scenariosRemoved { out.append("scenario removed: \(s)") } }
        return out
    }
}
