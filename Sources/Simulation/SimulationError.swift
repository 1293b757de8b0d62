/// What can go wrong while running a scenario that loading could not catch.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownResource(String, origin: String)
    case injectionFailed(resource: String, injection: String, reason: String)
    case injectionNotApplicable(resource: String, type: String, injection: String, origin: String)

    public var description: String {
        switch self {
        case .unknownResource(let id, let origin):
            "\(origin.isEmpty ? "" : origin + ": ")the timeline names resource '\(id)', which is not in the inventory at that time"
        case .injectionFailed(let resource, let injection, let reason):
            "injection '\(injection)' on '\(resource)' failed: \(reason)"
        case .injectionNotApplicable(let resource, let type, let injection, let origin):
            "\(origin.isEmpty ? "" : origin + ": ")injection '\(injection)' does not apply to '\(resource)', a \(type)"
        }
    }
}
