import CloudModel

/// Everything about a scenario's timeline that can be known before it runs, checked the same way
/// by `remsim validate`, by `remsim run` before any scenario runs, and by `Simulator.run()` for a
/// scenario built in code: entries taken in the order the simulation takes them (by time, then as
/// written), resources deleted and created along the way, and each injection applied to the
/// resource as the timeline alone leaves it (a `patch` to an index that is not there, an access
/// key the user does not have).
///
/// What only the run can tell (a remediation that removed what a later `patch` edits, a fault
/// that deletes a resource) is left to the run, which says which scenario stopped and why and
/// records the others.
package enum Preflight {
    package struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The index of the entry in `Scenario.timeline`.
        package var entry: Int
        package var error: SimulationError
        package var description: String { error.description }
    }

    /// Every problem, in timeline order; empty when the scenario may run.
    package static func problems(in scenario: Scenario) -> [Problem] {
        // The order the simulator schedules them in: by time, ties as written. Entries after the
        // end of the run never run.
        let order = scenario.timeline.indices
            .filter { scenario.timeline[$0].at <= scenario.runFor }
            .sorted { (scenario.timeline[$0].at, $0) < (scenario.timeline[$1].at, $1) }
        /// What the timeline has done to each resource so far: `.some(nil)` for deleted.
        var touched: [String: Resource?] = [:]
        /// Which entry deleted each resource the timeline deleted.
        var deletedBy: [String: Int] = [:]
        func missing(_ id: String, entry: TimelineEntry) -> SimulationError {
            guard let k = deletedBy[id] else { return .unknownResource(id, origin: entry.origin) }
            let deletion = scenario.timeline[k]
            return .resourceDeleted(id, at: deletion.at, deletedBy: deletion.origin, origin: entry.origin)
        }
        func current(_ id: String) -> Resource? {
            if let known = touched[id] { return known }
            return scenario.inventory[id]
        }
        var problems: [Problem] = []
        /// Applies a change to the resource as the timeline has left it, as the run would.
        func change(_ id: String, _ injection: Injection, entry: TimelineEntry, index: Int) {
            guard var resource = current(id) else {
                problems.append(Problem(entry: index, error: missing(id, entry: entry)))
                return
            }
            do {
                try check(injection, on: &resource, now: scenario.start + entry.at, origin: entry.origin)
                touched[id] = .some(resource)
            } catch {
                problems.append(Problem(entry: index, error: error))
            }
        }
        for index in order {
            let entry = scenario.timeline[index]
            switch entry.action {
            case .inject(let id, .createResource(var new), _):
                guard current(id) == nil else {
                    problems.append(Problem(entry: index, error: .resourceExists(id, origin: entry.origin)))
                    continue
                }
                new.id = id
                touched[id] = .some(new)
            case .inject(let id, .deleteResource, _):
                guard current(id) != nil else {
                    problems.append(Problem(entry: index, error: missing(id, entry: entry)))
                    continue
                }
                touched[id] = .some(nil)
                deletedBy[id] = index
            case .inject(let id, let injection, _):
                change(id, injection, entry: entry, index: index)
            case .drift(let id, let injection, _, _, _):
                // Its first application is checked; later ones re-apply the same change, and are
                // skipped by the run if the resource has gone by then.
                change(id, injection, entry: entry, index: index)
            case .fault, .snooze, .dismiss, .setPolicyEnabled, .setRuleEnabled, .setAutoRemediation, .exempt,
                .restartEngine, .approve:
                continue
            }
        }
        return problems
    }

    /// Applies one injection as the run would, throwing what the run would throw.
    static func check(_ injection: Injection, on resource: inout Resource, now: Timestamp, origin: String)
        throws(SimulationError)
    {
        if let types = injection.resourceTypes, !types.contains(resource.type) {
            throw .injectionNotApplicable(
                resource: resource.id, type: resource.type, injection: injection.name, origin: origin)
        }
        try injection.apply(to: &resource, now: now)
    }
}
