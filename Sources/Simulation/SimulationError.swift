import CloudModel
/// What can go wrong while running a scenario that loading could not catch.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownResource(String, origin: String)
    case injectionFailed(resource: String, injection: String, reason: String)
    case injectionNotApplicable(resource: String, type: String, injection: String, origin: String)
    /// The scenario asked for more simulated events than `Limits.maxEvents`.
    case tooManyEvents(limit: Int, after: SimDuration)

    public var description: String {
        switch self {
        case .unknownResource(let id, let origin):
            "\(origin.isEmpty ? "" : origin + ": ")the timeline names resource '\(id)', which is not in the inventory at that time"
        case .injectionFailed(let resource, let injection, let reason):
            "injection '\(injection)' on '\(resource)' failed: \(reason)"
        case .injectionNotApplicable(let resource, let type, let injection, let origin):
            "\(origin.isEmpty ? "" : origin + ": ")injection '\(injection)' does not apply to '\(resource)', a \(type)"
        case .tooManyEvents(let limit, let after):
            "stopped after \(limit) simulated events, \(after) into the run: a drift or poll interval too short for the run's length? (raise the limit with --max-events)"
        }
    }
}
