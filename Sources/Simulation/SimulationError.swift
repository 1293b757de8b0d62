import CloudModel

/// What can go wrong while running a scenario that loading could not catch.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownResource(String, origin: String)
    /// A `create-resource` names an id that exists at that time.
    case resourceExists(String, origin: String)
    /// An entry names a resource an earlier entry (written at `deletedBy`) deleted.
    case resourceDeleted(String, at: SimDuration, deletedBy: String, origin: String)
    case injectionFailed(resource: String, injection: String, reason: String)
    case injectionNotApplicable(resource: String, type: String, injection: String, origin: String)
    /// The scenario asked for more simulated events than `Limits.maxEvents`.
    case tooManyEvents(limit: Int, after: SimDuration)
    /// An external engine could not be run at all (the endpoint could not listen).
    case engineFailed(engine: String, reason: String)

    public var description: String {
        switch self {
        case .unknownResource(_, let origin), .resourceExists(_, let origin), .resourceDeleted(_, _, _, let origin),
            .injectionNotApplicable(_, _, _, let origin):
            "\(origin.isEmpty ? "" : origin + ": ")\(message)"
        case .injectionFailed, .tooManyEvents, .engineFailed:
            message
        }
    }

    /// What went wrong, without where it was written.
    package var message: String {
        switch self {
        case .unknownResource(let id, _):
            "the timeline names resource '\(id)', which is not in the inventory at that time (not in the "
                + "fixtures, or deleted by an earlier entry)"
        case .resourceDeleted(let id, let at, let by, _):
            "the timeline names resource '\(id)', which the entry at \(by) deleted at \(at) (a 'create-resource' "
                + "entry in between makes it again)"
        case .resourceExists(let id, _):
            "'create-resource' makes '\(id)', which already exists at that time (delete it first, or pick another id)"
        case .injectionFailed(let resource, let injection, let reason):
            "injection '\(injection)' on '\(resource)' failed: \(reason)"
        case .injectionNotApplicable(let resource, let type, let injection, _):
            "injection '\(injection)' does not apply to '\(resource)', a \(type)"
        case .engineFailed(let engine, let reason):
            "external engine '\(engine)' could not run: \(reason)"
        case .tooManyEvents(let limit, let after):
            "stopped after \(limit) simulated events, \(after) into the run: a drift or poll interval too short "
                + "for the run's length? (raise the limit with --max-events)"
        }
    }
}
