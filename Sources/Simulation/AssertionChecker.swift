import CloudModel
import Policies
import RemediationEngine

/// Checks a scenario's `expect:` entries against what the run produced. Each verdict says what
/// was expected and what was found, so a failing scenario explains itself.
struct AssertionChecker {
    let result: ScenarioResult
    let policies: [Policy]
    /// The fixtures as the run began, for `unchanged`.
    let initialInventory: Inventory

    func check(_ expectations: [Expectation]) -> [AssertionResult] {
        expectations.enumerated().map { i, e in
            let (passed, expected, found) = verdict(e.check)
            return AssertionResult(index: i, passed: passed, expected: expected, found: found, origin: e.origin)
        }
    }

    /// Why a resource an expectation names is not there: gone, or never made (a name the run
    /// did not make, with the nearest one it did).
    private func missing(_ id: String) -> String {
        if initialInventory[id] != nil { return "\(id) no longer exists" }
        let made = result.finalInventory.all.map(\.id).filter { initialInventory[$0] == nil }
        return "\(id) was never made\(Suggest.didYouMean(id, in: made))"
    }

    private func verdict(_ check: Expectation.Check) -> (Bool, String, String) {
        let inventory = result.finalInventory
        let evaluator = Evaluator(now: result.end)
        switch check {
        case .exists(let id, let shouldExist):
            let exists = inventory[id] != nil
            return (
                exists == shouldExist, "\(id) \(shouldExist ? "exists" : "does not exist")",
                exists ? "it exists" : "it does not exist"
            )

        case .compliant(let id, let ids), .violates(let id, let ids):
            let wantViolation: Bool = if case .violates = check { true } else { false }
            let expected = "\(id) \(wantViolation ? "violates" : "complies with") \(ids.joined(separator: ", "))"
            guard let resource = inventory[id] else { return (false, expected, missing(id)) }
            var wrong: [String] = []
            for pid in ids {
                guard let policy = policies.first(where: { $0.id == pid }) else {
                    wrong.append("\(pid) is not loaded")
                    continue
                }
                let violates = evaluator.violates(policy, resource)
                if violates != wantViolation {
                    let detail =
                        evaluator.finding(policy, resource).map { f in
                            f.primaryMatch.isEmpty ? "" : " (matched \(Value.array(f.primaryMatch).jsonText))"
                        } ?? ""
                    wrong.append("\(violates ? "violates" : "complies with") \(pid)\(detail)")
                }
            }
            return (wrong.isEmpty, expected, wrong.isEmpty ? "as expected" : wrong.joined(separator: "; "))

        case .matches(let id, let filters, let text):
            let expected = "\(id) where \(text)"
            guard let resource = inventory[id] else { return (false, expected, missing(id)) }
            let ok = evaluator.holdsAll(filters, resource: resource)
            return (ok, expected, ok ? "it does" : "it does not; properties are \(resource.properties.jsonText)")

        case .alert(let pid, let rid, let status, let reason):
            var wanted: [String] = []
            if let status { wanted.append("status \(status.rawValue)") }
            if let reason { wanted.append("reason \(reason.rawValue)") }
            let expected = "alert \(pid) on \(rid): \(wanted.joined(separator: ", "))"
            guard let alert = result.alerts.first(where: { $0.policyId == pid && $0.resourceId == rid }) else {
                return (false, expected, "no alert was raised")
            }
            let ok = (status.map { $0 == alert.status } ?? true) && (reason.map { $0 == alert.reason } ?? true)
            let detail = alert.transitions.last.map { $0.detail.isEmpty ? "" : " (\($0.detail))" } ?? ""
            return (
                ok, expected, "status \(alert.status.rawValue), reason \(alert.reason?.rawValue ?? "none")\(detail)"
            )

        case .metric(let kind, let pid, let statistic, let bound):
            let summary = result.summary(kind, policy: pid)
            let expected = "\(kind.rawValue) \(statistic.rawValue)\(pid.map { " for \($0)" } ?? "") \(bound)"
            guard let value = summary.statistic(statistic) else {
                return (
                    false, expected,
                    "no violation\(pid.map { " of \($0)" } ?? "") has a \(kind.rawValue) (\(summary.unresolved) "
                        + "unresolved)"
                )
            }
            let note = summary.unresolved > 0 ? ", and \(summary.unresolved) unresolved" : ""
            return (bound.holds(value.milliseconds), expected, "\(value) over \(summary.count) violation(s)\(note)")

        case .unresolved(let pid, let bound):
            let count = result.violations.filter { (pid == nil || $0.policyId == pid) && !$0.isResolved }.count
            return (
                bound.holds(Int64(count)), "unresolved violations\(pid.map { " of \($0)" } ?? "") \(bound)", "\(count)"
            )

        case .remediations(let pid, let rid, let code, let what, let bound):
            let attempts = result.attempts.filter { a in
                guard (pid == nil || a.policyId == pid) && (rid == nil || a.resourceId == rid) else { return false }
                guard let code else { return true }
                if case .failed(let c, _)? = a.outcome { return c == code }
                return false
            }
            let alerts = result.alerts.filter {
                (pid == nil || $0.policyId == pid) && (rid == nil || $0.resourceId == rid)
            }
            let count: Int =
                switch what {
                case .calls: attempts.count
                // A moot call (it failed with "not found" because the work was done) is no failure;
                // with `code:` every call answered with that code counts, as the cloud answered.
                case .failed: attempts.filter { !($0.outcome?.isSuccess ?? true) && (code != nil || !$0.moot) }.count
                case .started:
                    alerts.reduce(0) { $0 + $1.transitions.filter { $0.reason == .remediationStarted }.count }
                case .succeeded: alerts.reduce(0) { $0 + $1.transitions.filter { $0.reason == .remediated }.count }
                case .retries: attempts.filter(\.isRetry).count
                }
            var scope: [String] = []
            if let pid { scope.append(pid) }
            if let rid { scope.append("on \(rid)") }
            if let code { scope.append("failing with \(code)") }
            let expected =
                "remediations \(what.rawValue)\(scope.isEmpty ? "" : " (" + scope.joined(separator: " ") + ")") "
                + "\(bound)"
            return (bound.holds(Int64(count)), expected, "\(count)")

        case .engineRecords(let kind, let pid, let rid, let rule, let cause, let bound):
            let matching = result.records.filter {
                $0.kind == kind && (pid == nil || $0.policyId == pid) && (rid == nil || $0.resourceId == rid)
                    && (rule == nil || $0.rule == rule) && (cause == nil || $0.cause == cause)
            }
            var scope: [String] = []
            if let pid { scope.append(pid) }
            if let rid { scope.append("on \(rid)") }
            if let rule { scope.append("rule \(rule)") }
            if let cause { scope.append("caused by \(cause)") }
            let found =
                matching.isEmpty
                ? "0"
                : "\(matching.count): "
                    + matching.prefix(3).map { "\($0.detail)\($0.cause.map { " (cause: \($0))" } ?? "")" }.joined(
                        separator: "; ")
            return (
                bound.holds(Int64(matching.count)),
                "\(kind.rawValue) records\(scope.isEmpty ? "" : " (" + scope.joined(separator: ", ") + ")") \(bound)",
                found
            )

        case .warning(let rid, let kind, let severity, let bound):
            let matching = result.warnings.filter {
                (rid == nil || $0.resourceId == rid) && (kind == nil || $0.kind == kind) && $0.severity >= severity
            }
            var scope: [String] = []
            if let kind { scope.append(kind) }
            if let rid { scope.append("on \(rid)") }
            let expected =
                "warnings of at least "
                + "\(severity.rawValue)\(scope.isEmpty ? "" : " (" + scope.joined(separator: ", ") + ")") \(bound)"
            let shown = result.warnings.filter { rid == nil || $0.resourceId == rid }.prefix(4)
                .map { "\($0.severity.rawValue) \($0.kind) on \($0.resourceId): \($0.explanation)" }.joined(
                    separator: "; ")
            return (
                bound.holds(Int64(matching.count)), expected,
                "\(matching.count)\(shown.isEmpty ? "" : " (" + shown + ")")"
            )

        case .violationStates(let pid, let state, let bound):
            let scoped = result.violations.filter { pid == nil || $0.policyId == pid }
            let count = scoped.filter { $0.finalState == state }.count
            let all = Violation.FinalState.allCases.map { s in (s, scoped.filter { $0.finalState == s }.count) }.filter
            { $0.1 > 0 }
            let breakdown = all.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")
            return (
                bound.holds(Int64(count)),
                "violations\(pid.map { " of \($0)" } ?? "") ending \(state.rawValue) \(bound)",
                "\(count) (of \(scoped.count): \(breakdown.isEmpty ? "none" : breakdown))"
            )

        case .unchanged(let except):
            let expected =
                except.isEmpty ? "no resource changed" : "no resource changed but \(except.joined(separator: ", "))"
            let skip = Set(except)
            var changed: [String] = []
            for before in initialInventory.all where !skip.contains(before.id) {
                guard let after = inventory[before.id] else {
                    changed.append("\(before.id) (deleted)")
                    continue
                }
                if after.properties != before.properties || after.tags != before.tags {
                    changed.append("\(before.id) (\(Self.difference(before.properties, after.properties)))")
                }
            }
            for after in inventory.all where initialInventory[after.id] == nil && !skip.contains(after.id) {
                changed.append("\(after.id) (created)")
            }
            let shown =
                changed.prefix(5).joined(separator: "; ") + (changed.count > 5 ? "; and \(changed.count - 5) more" : "")
            return (
                changed.isEmpty, expected,
                changed.isEmpty ? "nothing else changed" : "\(changed.count) changed: \(shown)"
            )
        }
    }

    /// The top-level properties that differ, for the message: `IpPermissions changed`.
    static func difference(_ a: Value, _ b: Value) -> String {
        let keys =
            (a.objectValue?.keys ?? [])
            + (b.objectValue?.keys ?? []).filter { !(a.objectValue?.keys ?? []).contains($0) }
        let differing = keys.filter { a[$0] != b[$0] }
        return differing.isEmpty ? "tags changed" : differing.joined(separator: ", ") + " changed"
    }
}
