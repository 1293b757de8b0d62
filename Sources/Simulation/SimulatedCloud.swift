import CloudModel
import RemediationEngine

/// The fake cloud: applies API operations to the inventory the way the real API would, with the
/// real API's error codes when a call cannot succeed.
public struct SimulatedCloud: Sendable {
    public internal(set) var inventory: Inventory
    private var createdCount = 0
    /// Resource ids by (type, account, name): APIs name buckets, users and trails by name, and a
    /// scan of the account for each call made large simulations quadratic.
    private var idsByName: [NameKey: String] = [:]

    private struct NameKey: Hashable {
        var type: String
        var account: String
        var name: String
    }

    public init(inventory: Inventory) {
        self.inventory = inventory
        for type in ["aws.s3", "aws.iam-user", "aws.cloudtrail", "aws.log-group"] {
            inventory.forEach(ofType: type) { r in idsByName[NameKey(type: r.type, account: r.account, name: r.name)] = r.id }
        }
    }

    /// The operations this cloud models. A call to any other fails with `UnsupportedOperation`,
    /// so a policy using one is caught, never silently passed.
    public static let supportedOperations: [String] = [
        "ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress", "s3:PutPublicAccessBlock",
        "iam:UpdateAccessKey", "logs:CreateLogGroup", "ec2:CreateFlowLogs", "cloudtrail:UpdateTrail",
    ]

    public struct Result: Sendable {
        public var outcome: OperationOutcome
        /// Resources the call created or changed, in order.
        public var changed: [String]
    }

    /// Carries out `operation` against the inventory.
    public mutating func apply(_ operation: CloudOperation) -> Result {
        do {
            let changed = try perform(operation)
            return Result(outcome: .succeeded, changed: changed)
        } catch {
            return Result(outcome: .failed(code: error.code, message: error.message), changed: [])
        }
    }

    struct APIError: Error {
        var code: String
        var message: String
    }

    private mutating func perform(_ op: CloudOperation) throws(APIError) -> [String] {
        let p = op.parameters
        switch op.name {
        case "ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress":
            let groupId = try string(p, "GroupId")
            let group = try find(type: "aws.security-group", account: op.account, region: op.region, id: groupId,
                                 notFound: APIError(code: "InvalidGroup.NotFound", message: "The security group '\(groupId)' does not exist"))
            guard let requested = p["IpPermissions"]?.arrayValue else { throw missing("IpPermissions") }
            var perms = group.properties["IpPermissions"]?.arrayValue ?? []
            if op.name == "ec2:RevokeSecurityGroupIngress" {
                try Self.revoke(requested, from: &perms)
            } else {
                Self.authorize(requested, into: &perms)
            }
            try update(group.id) { $0.properties = $0.properties.setting("IpPermissions", to: .array(perms)) }
            return [group.id]
        case "s3:PutPublicAccessBlock":
            let bucket = try string(p, "Bucket")
            let resource = try findByName(type: "aws.s3", account: op.account, name: bucket,
                                          notFound: APIError(code: "NoSuchBucket", message: "The specified bucket does not exist"))
            guard let config = p["PublicAccessBlockConfiguration"], config.objectValue != nil else { throw missing("PublicAccessBlockConfiguration") }
            try update(resource.id) { $0.properties = $0.properties.setting("PublicAccessBlockConfiguration", to: config) }
            return [resource.id]
        case "iam:UpdateAccessKey":
            let userName = try string(p, "UserName")
            let keyId = try string(p, "AccessKeyId")
            let status = try string(p, "Status")
            guard status == "Active" || status == "Inactive" else {
                throw APIError(code: "ValidationError", message: "Status must be Active or Inactive, not '\(status)'")
            }
            let user = try findByName(type: "aws.iam-user", account: op.account, name: userName,
                                      notFound: APIError(code: "NoSuchEntity", message: "The user with name \(userName) cannot be found."))
            var keys = user.properties["AccessKeys"]?.arrayValue ?? []
            guard let i = keys.firstIndex(where: { $0["AccessKeyId"] == .string(keyId) }), case .object(var key) = keys[i] else {
                throw APIError(code: "NoSuchEntity", message: "The Access Key with id \(keyId) cannot be found.")
            }
            key["Status"] = .string(status)
            keys[i] = .object(key)
            try update(user.id) { $0.properties = $0.properties.setting("AccessKeys", to: .array(keys)) }
            return [user.id]
        case "logs:CreateLogGroup":
            let name = try string(p, "logGroupName")
            let arn = "arn:aws:logs:\(op.region):\(op.account):log-group:\(name)"
            let group = Resource(id: arn, type: "aws.log-group", account: op.account, region: op.region, name: name,
                                 properties: ["logGroupName": .string(name), "arn": .string(arn)])
            do { try inventory.insert(group) } catch {
                throw APIError(code: "ResourceAlreadyExistsException", message: "The specified log group already exists")
            }
            idsByName[NameKey(type: group.type, account: group.account, name: name)] = arn
            return [arn]
        case "ec2:CreateFlowLogs":
            guard let ids = p["ResourceIds"]?.arrayValue?.compactMap(\.stringValue), !ids.isEmpty else { throw missing("ResourceIds") }
            let trafficType = try string(p, "TrafficType")
            let destinationType = p["LogDestinationType"]?.stringValue ?? "cloud-watch-logs"
            var changed: [String] = []
            for vpcId in ids {
                let vpc = try find(type: "aws.vpc", account: op.account, region: op.region, id: vpcId,
                                   notFound: APIError(code: "InvalidVpcID.NotFound", message: "The vpc ID '\(vpcId)' does not exist"))
                createdCount += 1
                var log = Fields()
                log["FlowLogId"] = .string("fl-\(String(createdCount, radix: 16).leftPadded(to: 17))")
                log["FlowLogStatus"] = "ACTIVE"
                log["ResourceId"] = .string(vpcId)
                log["TrafficType"] = .string(trafficType)
                log["LogDestinationType"] = .string(destinationType)
                if let group = p["LogGroupName"] { log["LogGroupName"] = group }
                if let arn = p["DeliverLogsPermissionArn"] { log["DeliverLogsPermissionArn"] = arn }
                let existing = vpc.properties["FlowLogs"]?.arrayValue ?? []
                try update(vpc.id) { $0.properties = $0.properties.setting("FlowLogs", to: .array(existing + [.object(log)])) }
                changed.append(vpc.id)
            }
            return changed
        case "cloudtrail:UpdateTrail":
            let name = try string(p, "Name")
            let trail = try findByName(type: "aws.cloudtrail", account: op.account, name: name,
                                       notFound: APIError(code: "TrailNotFoundException", message: "Unknown trail: \(name) for the user: \(op.account)"))
            // The request says EnableLogFileValidation; describe-trails reports LogFileValidationEnabled.
            if let enable = p["EnableLogFileValidation"] {
                try update(trail.id) { $0.properties = $0.properties.setting("LogFileValidationEnabled", to: enable) }
            }
            return [trail.id]
        default:
            throw APIError(code: "UnsupportedOperation", message: "the simulated cloud does not model \(op.name)")
        }
    }

    // MARK: - Security group rules

    /// Removes exactly the requested ranges; a permission left with no ranges goes. As in EC2, a
    /// requested range that is not there fails the whole call and changes nothing.
    static func revoke(_ requested: [Value], from perms: inout [Value]) throws(APIError) {
        var result = perms
        for req in requested {
            guard let i = result.firstIndex(where: { samePorts($0, req) }), case .object(var fields) = result[i] else {
                throw APIError(code: "InvalidPermission.NotFound", message: "The specified rule does not exist in this security group.")
            }
            for key in ["IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"] {
                guard let remove = req[key]?.arrayValue, !remove.isEmpty else { continue }
                var ranges = fields[key]?.arrayValue ?? []
                for range in remove {
                    guard let j = ranges.firstIndex(where: { sameRange($0, range) }) else {
                        throw APIError(code: "InvalidPermission.NotFound", message: "The specified rule does not exist in this security group.")
                    }
                    ranges.remove(at: j)
                }
                fields[key] = ranges.isEmpty ? nil : .array(ranges)
            }
            let left = ["IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"].contains { !(fields[$0]?.arrayValue?.isEmpty ?? true) }
            if left { result[i] = .object(fields) } else { result.remove(at: i) }
        }
        perms = result
    }

    static func authorize(_ requested: [Value], into perms: inout [Value]) {
        for req in requested {
            if let i = perms.firstIndex(where: { samePorts($0, req) }), case .object(var fields) = perms[i] {
                for key in ["IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"] {
                    var ranges = fields[key]?.arrayValue ?? []
                    for range in req[key]?.arrayValue ?? [] where !ranges.contains(where: { sameRange($0, range) }) { ranges.append(range) }
                    if !ranges.isEmpty { fields[key] = .array(ranges) }
                }
                perms[i] = .object(fields)
            } else {
                perms.append(req)
            }
        }
    }

    static func samePorts(_ a: Value, _ b: Value) -> Bool {
        a["IpProtocol"] == b["IpProtocol"] && a["FromPort"] == b["FromPort"] && a["ToPort"] == b["ToPort"]
    }

    /// Ranges are the same when their address (or group id) is; descriptions do not count.
    static func sameRange(_ a: Value, _ b: Value) -> Bool {
        for key in ["CidrIp", "CidrIpv6", "GroupId", "PrefixListId"] where b[key] != nil { return a[key] == b[key] }
        return a == b
    }

    // MARK: - Lookup

    private func find(type: String, account: String, region: String, id: String, notFound: APIError) throws(APIError) -> Resource {
        guard let r = inventory[id], r.type == type, r.account == account, r.region == region else { throw notFound }
        return r
    }

    private func findByName(type: String, account: String, name: String, notFound: APIError) throws(APIError) -> Resource {
        if let r = inventory[name], r.type == type, r.account == account { return r }
        guard let id = idsByName[NameKey(type: type, account: account, name: name)], let r = inventory[id] else { throw notFound }
        return r
    }

    private mutating func update(_ id: String, _ change: (inout Resource) -> Void) throws(APIError) {
        guard inventory.modify(id: id, change) else { throw APIError(code: "InternalFailure", message: "resource \(id) vanished") }
    }

    private func string(_ p: Value, _ key: String) throws(APIError) -> String {
        guard let s = p[key]?.stringValue, !s.isEmpty else { throw missing(key) }
        return s
    }

    private func missing(_ key: String) -> APIError {
        APIError(code: "MissingParameter", message: "The request must contain the parameter \(key)")
    }
}
