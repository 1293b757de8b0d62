import CloudModel

/// A change made to a resource from outside the engine: a person, a pipeline, drift. Named
/// injections produce the misconfigurations the built-in policies catch; `patch` does anything.
package enum Injection: Sendable, Equatable {
    /// Adds an ingress permission to a security group (`{port: 22, cidr: 0.0.0.0/0}`); an IPv6
    /// CIDR goes to `Ipv6Ranges`.
    case openIngress(protocol: String, fromPort: Int, toPort: Int, cidr: String)
    /// Removes the bucket's public access block, or sets the named flags to false.
    case removePublicAccessBlock
    /// Makes an access key (the first, or the named one) `days` old and active.
    case ageAccessKey(days: Int, keyId: String?)
    case disableLogFileValidation
    case deleteFlowLogs
    /// Sets and removes properties by path.
    case patch(set: [PathAssignment], remove: [ValuePath])
    /// Removes the resource from the inventory.
    case deleteResource
    /// Puts a resource in the inventory that is not there: a new one, or one deleted earlier and
    /// made again under the same id (a bucket name reused, a group Terraform recreates).
    case createResource(Resource)

    package var name: String {
        switch self {
        case .openIngress: "open-ingress"
        case .removePublicAccessBlock: "remove-public-access-block"
        case .ageAccessKey: "age-access-key"
        case .disableLogFileValidation: "disable-log-file-validation"
        case .deleteFlowLogs: "delete-flow-logs"
        case .patch: "patch"
        case .deleteResource: "delete-resource"
        case .createResource: "create-resource"
        }
    }

    /// The resource types each named injection applies to; nil for any type.
    package var resourceTypes: [String]? {
        switch self {
        case .openIngress: ["aws.security-group"]
        case .removePublicAccessBlock: ["aws.s3"]
        case .ageAccessKey: ["aws.iam-user"]
        case .disableLogFileValidation: ["aws.cloudtrail"]
        case .deleteFlowLogs: ["aws.vpc"]
        case .patch, .deleteResource, .createResource: nil
        }
    }

    package static let names = [
        "open-ingress", "remove-public-access-block", "age-access-key", "disable-log-file-validation",
        "delete-flow-logs", "patch", "delete-resource",
        "create-resource",
    ]
}

package struct PathAssignment: Sendable, Equatable {
    package var path: ValuePath
    package var value: Value
    package init(path: ValuePath, value: Value) {
        self.path = path
        self.value = value
    }
}

extension Injection {
    /// Applies the injection to `resource` at `now`; throws when the resource's shape does not allow it.
    func apply(to resource: inout Resource, now: Timestamp) throws(SimulationError) {
        var props = resource.properties
        switch self {
        case .openIngress(let proto, let from, let to, let cidr):
            var perms = props["IpPermissions"]?.arrayValue ?? []
            let isV6 = cidr.contains(":")
            let range: Value = isV6 ? ["CidrIpv6": .string(cidr)] : ["CidrIp": .string(cidr)]
            let rangesKey = isV6 ? "Ipv6Ranges" : "IpRanges"
            if let i = perms.firstIndex(where: {
                $0["IpProtocol"] == .string(proto) && $0["FromPort"] == .int(from) && $0["ToPort"] == .int(to)
            }), case .object(var fields) = perms[i] {
                var ranges = fields[rangesKey]?.arrayValue ?? []
                if !ranges.contains(range) { ranges.append(range) }
                fields[rangesKey] = .array(ranges)
                perms[i] = .object(fields)
            } else {
                var fields = Fields()
                fields["IpProtocol"] = .string(proto)
                fields["FromPort"] = .int(from)
                fields["ToPort"] = .int(to)
                fields[rangesKey] = .array([range])
                perms.append(.object(fields))
            }
            props = props.setting("IpPermissions", to: .array(perms))
        case .removePublicAccessBlock:
            props = props.setting("PublicAccessBlockConfiguration", to: nil)
        case .ageAccessKey(let days, let keyId):
            var keys = props["AccessKeys"]?.arrayValue ?? []
            let index =
                keyId.flatMap { id in keys.firstIndex { $0["AccessKeyId"] == .string(id) } }
                ?? (keyId == nil && !keys.isEmpty ? 0 : nil)
            guard let index, case .object(var key) = keys[index] else {
                throw .injectionFailed(
                    resource: resource.id, injection: name,
                    reason: keyId.map { "the user has no access key '\($0)'" } ?? "the user has no access keys")
            }
            key["CreateDate"] = .string((now - .days(Int64(days))).iso8601)
            key["Status"] = "Active"
            keys[index] = .object(key)
            props = props.setting("AccessKeys", to: .array(keys))
        case .disableLogFileValidation:
            props = props.setting("LogFileValidationEnabled", to: false)
        case .deleteFlowLogs:
            props = props.setting("FlowLogs", to: .array([]))
        case .patch(let assignments, let removals):
            do {
                for a in assignments { try a.path.assign(a.value, in: &props) }
                for path in removals { try path.assign(nil, in: &props) }
            } catch {
                throw .injectionFailed(resource: resource.id, injection: name, reason: error.description)
            }
        case .deleteResource, .createResource:
            break  // handled by the simulator, which removes or adds the resource
        }
        resource.properties = props
    }
}
