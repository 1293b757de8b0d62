import CloudModel
import CloudOperations
import RemediationEngine

/// The fake cloud: applies API operations to the inventory the way the real API would, with the
/// real API's error codes when a call cannot succeed.
///
/// What each operation does is declared in `OperationCatalog`; this type locates the target and
/// carries out the declared effect. An operation the catalog does not hold fails with
/// `UnsupportedOperation`, so a remediation is never silently a no-op.
package struct SimulatedCloud: Sendable {
    package internal(set) var inventory: Inventory
    /// Operations modelled otherwise than the catalog has them, by name: how a test gives the
    /// simulator a deliberately wrong model of one operation.
    package var models: [String: OperationSpec] = [:]
    private var createdCount = 0
    /// The time a call lands, for what it makes (a final snapshot's `SnapshotCreateTime`); the
    /// driver sets it before each call.
    package var now: Timestamp?
    /// Resource ids by (type, account, name), for the types operations address by name (buckets,
    /// users, trails, functions): a scan of the account for each call made large simulations
    /// quadratic. A name can be in several regions (a Lambda function in each); the call's region
    /// picks one, unless the type's names span regions.
    private var idsByName: [NameKey: [String]] = [:]
    /// Azure resource ids are case-insensitive: lowercased id → id as the inventory holds it.
    private var azureIds: [String: String] = [:]

    private struct NameKey: Hashable {
        var type: String
        var account: String
        var name: String
    }

    /// Types some operation addresses by name, as its target, a resource it refers to or the
    /// name in an ARN.
    private static let typesAddressedByName: Set<String> = Set(
        OperationCatalog.all.compactMap { spec in
            if case .name = spec.target { spec.resourceType } else { nil }
        } + OperationCatalog.all.flatMap { $0.references.map(\.resourceType) } + ["aws.log-group"]
            + AWSResourceARN.types)

    package init(inventory: Inventory) {
        self.inventory = inventory
        for type in Self.typesAddressedByName {
            inventory.forEach(ofType: type) { r in
                idsByName[NameKey(type: r.type, account: r.account, name: r.name), default: []].append(r.id)
            }
        }
        for type in inventory.types where type.hasPrefix("azure.") {
            inventory.forEach(ofType: type) { r in azureIds[r.id.lowercased()] = r.id }
        }
    }

    /// The operations this cloud models.
    package static var supportedOperations: [String] { OperationCatalog.names }

    package struct Result: Sendable {
        package var outcome: OperationOutcome
        /// Resources the call created or changed, in order.
        package var changed: [String]
        /// Each changed resource as it was before the call; nil for one the call created.
        package var previous: [String: Resource?] = [:]
    }

    /// What the current call changed, as it was before.
    private var previous: [String: Resource?] = [:]

    /// Carries out `operation` against the inventory.
    package mutating func apply(_ operation: CloudOperation) -> Result {
        previous = [:]
        do {
            let changed = try perform(operation)
            return Result(outcome: .succeeded, changed: changed, previous: previous)
        } catch {
            return Result(outcome: .failed(code: error.code, message: error.message), changed: [])
        }
    }

    struct APIError: Error {
        var code: String
        var message: String

        init(code: String, message: String) {
            self.code = code
            self.message = message
        }

        init(_ template: APIErrorTemplate, target: String) {
            self.init(code: template.code, message: template.message(target: target))
        }
    }

    private mutating func perform(_ op: CloudOperation) throws(APIError) -> [String] {
        guard let spec = (models.isEmpty ? nil : models[op.name]) ?? OperationCatalog.spec(named: op.name) else {
            throw APIError(code: "UnsupportedOperation", message: "the simulated cloud does not model \(op.name)")
        }
        let p = op.parameters
        try Self.validate(p, against: spec)
        switch spec.target {
        case .creates:
            return [try create(spec, op)]
        case .ids(let parameter), .arns(let parameter):
            guard let ids = p[parameter]?.arrayValue?.compactMap(\.stringValue), !ids.isEmpty else {
                throw Self.missing(parameter, spec.cloud)
            }
            // Every target must exist before any changes, as the API checks the request first.
            let byARN = if case .arns = spec.target { true } else { false }
            let targets = try ids.map { (id) throws(APIError) in
                try byARN ? locate(arn: id, spec, op) : locate(id: id, spec, op)
            }
            for target in targets { try Self.checkRefusals(of: spec, target) }
            var changed: [String] = []
            for target in targets { changed += try change(target, spec, op) }
            return changed
        default:
            let target = try locateTarget(spec, op)
            try checkReferences(of: spec, op, from: target)
            try Self.checkRefusals(of: spec, target)
            return try change(target, spec, op)
        }
    }

    /// The error the cloud gives when the target is in a state the call cannot act on.
    static func checkRefusals(of spec: OperationSpec, _ target: Resource) throws(APIError) {
        guard !spec.refusals.isEmpty else { return }
        let properties = target.properties
        for refusal in spec.refusals where refusal.refuses(properties) {
            throw APIError(
                code: refusal.error.code, message: refusal.error.message(target: target.id, properties: properties))
        }
    }

    // MARK: - Requests

    static func validate(_ p: Value, against spec: OperationSpec) throws(APIError) {
        for key in spec.required {
            guard let path = try? ValuePath(parsing: key), let v = path.resolve(in: p), !v.isNull, v != "" else {
                throw missing(key, spec.cloud)
            }
        }
        for (key, values) in spec.allowed.sorted(by: { $0.key < $1.key }) {
            guard let path = try? ValuePath(parsing: key), let v = path.resolve(in: p), !v.isNull else { continue }
            guard values.contains(v) else {
                let shown = values.map { $0.stringValue ?? $0.jsonText }.joined(separator: ", ")
                throw APIError(
                    code: spec.cloud == .aws
                        ? "InvalidParameterValue" : spec.cloud == .azure ? "InvalidParameter" : "invalid",
                    message: "\(key) must be one of \(shown), not \(v.stringValue ?? v.jsonText)")
            }
        }
    }

    static func missing(_ key: String, _ cloud: Cloud) -> APIError {
        switch cloud {
        case .aws: APIError(code: "MissingParameter", message: "The request must contain the parameter \(key)")
        case .azure:
            APIError(
                code: "MissingRequiredParameter", message: "The request is missing the required parameter '\(key)'.")
        case .gcp: APIError(code: "required", message: "Required field '\(key)' not specified")
        }
    }

    // MARK: - Targets

    private func locateTarget(_ spec: OperationSpec, _ op: CloudOperation) throws(APIError) -> Resource {
        let p = op.parameters
        switch spec.target {
        case .id(let template, let alternative):
            let chosen =
                alternative.flatMap { alt in
                    Self.placeholders(in: template).allSatisfy { p[$0] != nil || $0 == "account" || $0 == "project" }
                        ? nil : alt
                } ?? template
            return try locate(id: fill(chosen, p, op), spec, op)
        case .name(let parameter):
            guard let name = p[parameter]?.stringValue else { throw Self.missing(parameter, spec.cloud) }
            let spansRegions = ResourceTypeRegistry.type(named: spec.resourceType)?.namesSpanRegions ?? false
            guard
                let r = resources(named: name, type: spec.resourceType, account: op.account).first(where: {
                    spansRegions || $0.region == op.region
                })
            else {
                throw APIError(spec.notFound, target: name)
            }
            return r
        case .account:
            var found: Resource?
            inventory.forEach(ofType: spec.resourceType) { r in
                if found == nil, r.account == op.account { found = copy r }
            }
            guard let found else { throw APIError(spec.notFound, target: op.account) }
            return found
        case .ids, .arns, .creates:
            throw APIError(code: "InternalFailure", message: "\(spec.name) names its targets by list")
        }
    }

    /// The resources of `type` in `account` with this name (or this id), in every region.
    private func resources(named name: String, type: String, account: String) -> [Resource] {
        ([name] + idsByName[NameKey(type: type, account: account, name: name), default: []])
            .compactMap { inventory[$0] }
            .filter { $0.type == type && $0.account == account }
    }

    /// The other resources the call names exist, in the target's region where the cloud requires it.
    private func checkReferences(of spec: OperationSpec, _ op: CloudOperation, from target: Resource) throws(APIError) {
        for reference in spec.references {
            guard let name = reference.name(in: op.parameters) else { continue }
            let found = resources(named: name, type: reference.resourceType, account: op.account)
            guard !found.isEmpty else { throw APIError(reference.missing, target: name) }
            if let otherRegion = reference.otherRegion, !found.contains(where: { $0.region == target.region }) {
                throw APIError(otherRegion, target: name)
            }
        }
    }

    /// The resource an ARN names, among the call's types, in the caller's account and region.
    private func locate(arn: String, _ spec: OperationSpec, _ op: CloudOperation) throws(APIError) -> Resource {
        let types = [spec.resourceType] + spec.otherResourceTypes
        if let name = AWSResourceARN.name(in: arn) {
            // By the name the ARN ends with: the resource's id, or its name.
            let candidates = types.flatMap { resources(named: name, type: $0, account: op.account) }
            if let r = candidates.first(where: {
                types.contains($0.type) && $0.account == op.account && $0.region == op.region
                    && AWSResourceARN.of($0) == arn
            }) {
                return r
            }
        }
        throw APIError(spec.notFound, target: arn)
    }

    private func locate(id: String, _ spec: OperationSpec, _ op: CloudOperation) throws(APIError) -> Resource {
        let resolved = spec.cloud == .azure ? azureIds[id.lowercased()] ?? id : id
        guard let r = inventory[resolved], r.type == spec.resourceType || spec.otherResourceTypes.contains(r.type),
            r.account == op.account
        else {
            if !spec.otherResourceTypes.isEmpty, let kind = OperationCatalog.ec2NotFound(forId: id) {
                throw APIError(kind, target: id)
            }
            throw APIError(spec.notFound, target: id)
        }
        // AWS ids are regional: a call in another region does not see the resource.
        if spec.cloud == .aws, !(ResourceTypeRegistry.type(named: r.type)?.isGlobal ?? false), r.region != op.region {
            throw APIError(spec.notFound, target: id)
        }
        return r
    }

    static func placeholders(in template: String) -> [String] {
        template.split(separator: "{").dropFirst().compactMap {
            $0.split(separator: "}", maxSplits: 1).first.map(String.init)
        }
    }

    /// `{GroupId}` → the parameter's value; `{account}` → the caller's account; `{project}` → the
    /// parameter, or the caller's project when the call leaves it out.
    private func fill(_ template: String, _ p: Value, _ op: CloudOperation) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            switch name {
            case "account": out += op.account
            case "project": out += p["project"]?.stringValue ?? op.account
            default: out += p[name].map { $0.stringValue ?? $0.jsonText } ?? ""
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    // MARK: - Effects

    /// Changes (or deletes) the target as the operation declares; the ids of what changed, the
    /// target first, then anything the call made (RDS's final snapshot).
    private mutating func change(_ target: Resource, _ spec: OperationSpec, _ op: CloudOperation) throws(APIError)
        -> [String]
    {
        if case .builtin(let deletion) = spec.effect, deletion.deletes {
            var made: [String] = []
            if deletion == .deleteDBInstance, let snapshot = try finalSnapshot(of: target, op) {
                try insert(snapshot)
                made.append(snapshot.id)
            }
            if previous[target.id] == nil { previous[target.id] = .some(target) }
            forget(target)
            return [target.id] + made
        }
        if case .builtin(let tagging) = spec.effect, tagging.changesTags {
            if previous[target.id] == nil { previous[target.id] = .some(target) }
            let tags = try Self.tags(tagging, op.parameters, on: target.tags)
            guard inventory.modify(id: target.id, { $0.tags = tags }) else {
                throw APIError(code: "InternalFailure", message: "resource \(target.id) vanished")
            }
            return [target.id]
        }
        var props = target.properties
        try apply(spec.effect, to: &props, op, spec)
        if previous[target.id] == nil { previous[target.id] = .some(target) }
        guard inventory.modify(id: target.id, { $0.properties = props }) else {
            throw APIError(code: "InternalFailure", message: "resource \(target.id) vanished")
        }
        return [target.id]
    }

    /// RDS's delete-db-instance: the manual snapshot `FinalDBSnapshotIdentifier` names, made of
    /// the instance before it goes; nil when `SkipFinalSnapshot` is true. The API refuses both or
    /// neither, a final snapshot of a read replica, and a name already taken.
    private func finalSnapshot(of db: Resource, _ op: CloudOperation) throws(APIError) -> Resource? {
        let skip = op.parameters["SkipFinalSnapshot"]?.boolValue ?? false
        let name = op.parameters["FinalDBSnapshotIdentifier"]?.stringValue
        func invalid(_ message: String) -> APIError { APIError(code: "InvalidParameterCombination", message: message) }
        guard let name else {
            if skip { return nil }
            throw invalid("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
        }
        if skip { throw invalid("FinalDBSnapshotIdentifier can not be specified when SkipFinalSnapshot is true.") }
        if db.property("ReadReplicaSourceDBInstanceIdentifier")?.stringValue.map({ !$0.isEmpty }) == true {
            throw invalid("FinalDBSnapshotIdentifier can not be specified when deleting a replica instance")
        }
        if !resources(named: name, type: "aws.rds-snapshot", account: db.account).isEmpty
            || inventory[name] != nil
        {
            throw APIError(
                code: "DBSnapshotAlreadyExists",
                message: "Cannot create the snapshot because a snapshot with the identifier \(name) already exists.")
        }
        var props = Fields()
        props["DBSnapshotIdentifier"] = .string(name)
        props["DBInstanceIdentifier"] = .string(db.name)
        props["DBSnapshotArn"] = .string("arn:aws:rds:\(db.region):\(db.account):snapshot:\(name)")
        props["SnapshotType"] = "manual"
        props["Status"] = "available"
        if let now { props["SnapshotCreateTime"] = .string(now.iso8601) }
        for key in ["Engine", "EngineVersion", "AllocatedStorage", "Encrypted", "KmsKeyId", "StorageType"] {
            if let v = db.property(key) { props[key] = v }
        }
        if let vpc = db.property("DBSubnetGroup")?["VpcId"] { props["VpcId"] = vpc }
        props["DBSnapshotAttributes"] = [["AttributeName": "restore", "AttributeValues": []]]
        return Resource(
            id: name, type: "aws.rds-snapshot", account: db.account, region: db.region, name: name,
            tags: db.property("CopyTagsToSnapshot")?.boolValue == true ? db.tags : [:], properties: .object(props))
    }

    /// Adds a resource a call made, findable by name like those the inventory began with.
    private mutating func insert(_ resource: Resource) throws(APIError) {
        do { try inventory.insert(resource) } catch {
            throw APIError(code: "InternalFailure", message: "\(resource.id) exists already")
        }
        if Self.typesAddressedByName.contains(resource.type) {
            idsByName[NameKey(type: resource.type, account: resource.account, name: resource.name), default: []]
                .append(resource.id)
        }
        if resource.type.hasPrefix("azure.") { azureIds[resource.id.lowercased()] = resource.id }
        previous[resource.id] = .some(nil)
    }

    /// Removes a resource a call deleted, and what finds it by name.
    private mutating func forget(_ resource: Resource) {
        inventory.remove(id: resource.id)
        let key = NameKey(type: resource.type, account: resource.account, name: resource.name)
        idsByName[key]?.removeAll { $0 == resource.id }
        if idsByName[key]?.isEmpty == true { idsByName[key] = nil }
        if resource.type.hasPrefix("azure.") { azureIds[resource.id.lowercased()] = nil }
    }

    private mutating func apply(
        _ effect: OperationEffect, to props: inout Value, _ op: CloudOperation, _ spec: OperationSpec
    ) throws(APIError) {
        let p = op.parameters
        switch effect {
        case .set(let property, let parameter):
            guard let value = try Self.read(parameter, in: p) else { return }
            try Self.write(value, at: property, in: &props)
        case .setValue(let property, let value):
            try Self.write(value, at: property, in: &props)
        case .merge(let parameter, let property):
            guard let patch = try Self.read(parameter, in: p) else { return }
            let current = try Self.read(property, in: props) ?? .null
            try Self.write(current.merging(patch: patch), at: property, in: &props)
        case .upsert(let parameter, let property, let key):
            guard let items = try Self.read(parameter, in: p)?.arrayValue else { return }
            var list = try Self.read(property, in: props)?.arrayValue ?? []
            for item in items {
                if let i = list.firstIndex(where: { $0[key] == item[key] }) {
                    list[i] = item
                } else {
                    list.append(item)
                }
            }
            try Self.write(.array(list), at: property, in: &props)
        case .remove(let property, let field, let parameter):
            guard let given = try Self.read(parameter, in: p) else { return }
            let values = given.arrayValue ?? [given]
            let list = try Self.read(property, in: props)?.arrayValue ?? []
            try Self.write(.array(list.filter { !values.contains($0[field] ?? .null) }), at: property, in: &props)
        case .element(let property, let matching, let elementChange, let notFound):
            var list = try Self.read(property, in: props)?.arrayValue ?? []
            let wanted = matching.sorted { $0.key < $1.key }
            let target = wanted.map { "\($0.key)=\(p[$0.value].map { $0.stringValue ?? $0.jsonText } ?? "")" }
                .joined(separator: ",")
            guard
                let i = list.firstIndex(where: { element in
                    wanted.allSatisfy { field, parameter in element[field] == p[parameter] }
                })
            else {
                if case .mergeOrCreate(let parameter, let creation)? = elementChange,
                    let body = try Self.created(from: Self.read(parameter, in: p), creation)
                {
                    var element = Value.emptyObject
                    for (field, parameter) in wanted {
                        if let v = p[parameter] { element = element.setting(field, to: v) }
                    }
                    list.append(element.merging(patch: body))
                    try Self.write(.array(list), at: property, in: &props)
                    return
                }
                throw APIError(notFound, target: target)
            }
            switch elementChange {
            case nil:
                list.remove(at: i)
            case .set(let fields)?:
                for (field, parameter) in fields.sorted(by: { $0.key < $1.key }) {
                    if let v = p[parameter] { list[i] = list[i].setting(field, to: v) }
                }
            case .merge(let parameter)?, .mergeOrCreate(let parameter, _)?:
                if let patch = try Self.read(parameter, in: p) { list[i] = list[i].merging(patch: patch) }
            }
            try Self.write(.array(list), at: property, in: &props)
        case .replace(let property, let fields):
            var out = Fields()
            for field in fields {
                if let v = p[field.parameter] ?? field.defaultValue { out[field.property] = v }
            }
            try Self.write(.object(out), at: property, in: &props)
        case .all(let effects):
            for e in effects { try apply(e, to: &props, op, spec) }
        case .builtin(let builtin):
            try apply(builtin, to: &props, op)
        }
    }

    /// The tags after EC2's create-tags or delete-tags.
    static func tags(_ effect: BuiltinEffect, _ p: Value, on tags: [String: String]) throws(APIError) -> [String:
        String]
    {
        switch effect {
        case .untagUser, .untagResources:
            guard let keys = p["TagKeys"]?.arrayValue else { throw missing("TagKeys", .aws) }
            var out = tags
            for key in keys.compactMap(\.stringValue) { out[key] = nil }
            return out
        case .tagResources:
            guard let map = p["Tags"]?.objectValue else { throw missing("Tags", .aws) }
            var out = tags
            for entry in map.entries { out[entry.key] = entry.value.stringValue ?? "" }
            return out
        case .putBucketTagging:
            guard let set = p["Tagging"]?["TagSet"]?.arrayValue else { throw missing("Tagging.TagSet", .aws) }
            var out: [String: String] = [:]
            for tag in set {
                guard let key = tag["Key"]?.stringValue else { throw missing("Tagging.TagSet.Key", .aws) }
                out[key] = tag["Value"]?.stringValue ?? ""
            }
            return out
        default: break
        }
        guard let requested = p["Tags"]?.arrayValue else { throw missing("Tags", .aws) }
        var out = tags
        for tag in requested {
            guard let key = tag["Key"]?.stringValue else { throw missing("Tags.Key", .aws) }
            let value = tag["Value"]?.stringValue
            if effect == .createTags || effect == .tagUser {
                out[key] = value ?? ""
            } else if value == nil || out[key] == value {
                out[key] = nil
            }
        }
        return out
    }

    private mutating func apply(_ builtin: BuiltinEffect, to props: inout Value, _ op: CloudOperation) throws(APIError)
    {
        let p = op.parameters
        switch builtin {
        case .revokeIngress, .revokeEgress, .authorizeIngress:
            let key = builtin == .revokeEgress ? "IpPermissionsEgress" : "IpPermissions"
            guard let requested = p["IpPermissions"]?.arrayValue else { throw Self.missing("IpPermissions", .aws) }
            var perms = props[key]?.arrayValue ?? []
            if builtin == .authorizeIngress {
                Self.authorize(requested, into: &perms)
            } else {
                try Self.revoke(requested, from: &perms)
            }
            props = props.setting(key, to: .array(perms))
        case .createFlowLogs:
            // EC2 answers a flow log like one the resource has (same traffic, same destination)
            // with FlowLogAlreadyExists among the call's unsuccessful items; here, as the call's error.
            let destination = p["LogGroupName"] ?? p["LogDestination"]
            if (props["FlowLogs"]?.arrayValue ?? []).contains(where: {
                ($0["TrafficType"] ?? "ALL") == (p["TrafficType"] ?? "ALL")
                    && ($0["LogGroupName"] ?? $0["LogDestination"]) == destination
            }) {
                throw APIError(
                    code: "FlowLogAlreadyExists",
                    message: "There is an existing Flow Log with the same configuration and log destination.")
            }
            createdCount += 1
            var log = Fields()
            log["FlowLogId"] = .string("fl-\(String(createdCount, radix: 16).leftPadded(to: 17))")
            log["FlowLogStatus"] = "ACTIVE"
            log["ResourceId"] = props["VpcId"] ?? .null
            log["TrafficType"] = p["TrafficType"] ?? "ALL"
            log["LogDestinationType"] = p["LogDestinationType"] ?? "cloud-watch-logs"
            if let group = p["LogGroupName"] { log["LogGroupName"] = group }
            if let arn = p["DeliverLogsPermissionArn"] { log["DeliverLogsPermissionArn"] = arn }
            for key in ["LogDestination", "LogFormat", "MaxAggregationInterval"] {
                if let v = p[key] { log[key] = v }
            }
            props = props.setting("FlowLogs", to: .array((props["FlowLogs"]?.arrayValue ?? []) + [.object(log)]))
        case .removeSnapshotAttributeValues:
            let name = p["AttributeName"] ?? .null
            let remove = p["ValuesToRemove"]?.arrayValue ?? []
            var attributes = props["DBSnapshotAttributes"]?.arrayValue ?? []
            for i in attributes.indices where attributes[i]["AttributeName"] == name {
                let values = (attributes[i]["AttributeValues"]?.arrayValue ?? []).filter { !remove.contains($0) }
                attributes[i] = attributes[i].setting("AttributeValues", to: .array(values))
            }
            props = props.setting("DBSnapshotAttributes", to: .array(attributes))
        case .removeIamMembers:
            let remove = p["removeMembers"]?.arrayValue ?? []
            var policy = props["iamPolicy"] ?? .emptyObject
            let bindings = (policy["bindings"]?.arrayValue ?? []).compactMap { binding -> Value? in
                let members = (binding["members"]?.arrayValue ?? []).filter { !remove.contains($0) }
                return members.isEmpty ? nil : binding.setting("members", to: .array(members))
            }
            policy = policy.setting("bindings", to: .array(bindings))
            props = props.setting("iamPolicy", to: policy)
        case .createLogGroup:
            throw APIError(code: "InternalFailure", message: "a log group is created, not changed")
        case .createTags, .deleteTags, .tagUser, .untagUser, .putBucketTagging, .tagResources, .untagResources:
            throw APIError(code: "InternalFailure", message: "tags are changed on the resource, not its properties")
        case .delete, .deleteDBInstance:
            throw APIError(code: "InternalFailure", message: "a deleted resource is removed, not changed")
        }
    }

    private mutating func create(_ spec: OperationSpec, _ op: CloudOperation) throws(APIError) -> String {
        // logs:CreateLogGroup is the one operation that creates its resource.
        let name = op.parameters["logGroupName"]?.stringValue ?? ""
        let arn = "arn:aws:logs:\(op.region):\(op.account):log-group:\(name)"
        let group = Resource(
            id: arn, type: spec.resourceType, account: op.account, region: op.region, name: name,
            properties: ["logGroupName": .string(name), "arn": .string(arn)])
        do { try inventory.insert(group) } catch {
            throw APIError(code: "ResourceAlreadyExistsException", message: "The specified log group already exists")
        }
        idsByName[NameKey(type: group.type, account: group.account, name: name), default: []].append(arn)
        previous[arn] = .some(nil)
        return arn
    }

    /// The body of an element a create-or-update call makes, nil when it lacks what a new
    /// element needs (the call then reads as an update of a missing element).
    private static func created(from body: Value?, _ creation: ElementCreation) throws(APIError) -> Value? {
        guard let body, body.objectValue != nil else { return nil }
        for path in creation.required where try read(path, in: body) == nil { return nil }
        for check in creation.ranges {
            guard let value = try read(check.path, in: body) else { continue }
            guard let number = value.numberValue, check.range.contains(Int(number)), Double(Int(number)) == number
            else {
                throw APIError(
                    code: check.error.code,
                    message: check.error.message.replacingOccurrences(
                        of: "{value}", with: value.stringValue ?? value.jsonText))
            }
        }
        return body
    }

    private static func read(_ path: String, in value: Value) throws(APIError) -> Value? {
        if path.isEmpty { return value }
        do { return try ValuePath(parsing: path).resolve(in: value) } catch {
            throw APIError(code: "InternalFailure", message: error.description)
        }
    }

    private static func write(_ newValue: Value, at path: String, in value: inout Value) throws(APIError) {
        if path.isEmpty {
            value = newValue
            return
        }
        do { try ValuePath(parsing: path).assign(newValue, in: &value) } catch {
            throw APIError(code: "InternalFailure", message: error.description)
        }
    }

    // MARK: - Security group rules

    /// Removes exactly the requested ranges; a permission left with no ranges goes. As in EC2, a
    /// requested range that is not there fails the whole call and changes nothing.
    static func revoke(_ requested: [Value], from perms: inout [Value]) throws(APIError) {
        var result = perms
        for req in requested {
            guard let i = result.firstIndex(where: { samePorts($0, req) }), case .object(var fields) = result[i] else {
                throw APIError(
                    code: "InvalidPermission.NotFound",
                    message: "The specified rule does not exist in this security group.")
            }
            for key in rangeKeys {
                guard let remove = req[key]?.arrayValue, !remove.isEmpty else { continue }
                var ranges = fields[key]?.arrayValue ?? []
                for range in remove {
                    guard let j = ranges.firstIndex(where: { sameRange($0, range) }) else {
                        throw APIError(
                            code: "InvalidPermission.NotFound",
                            message: "The specified rule does not exist in this security group.")
                    }
                    ranges.remove(at: j)
                }
                fields[key] = ranges.isEmpty ? nil : .array(ranges)
            }
            let left = rangeKeys.contains { !(fields[$0]?.arrayValue?.isEmpty ?? true) }
            if left { result[i] = .object(fields) } else { result.remove(at: i) }
        }
        perms = result
    }

    static func authorize(_ requested: [Value], into perms: inout [Value]) {
        for req in requested {
            if let i = perms.firstIndex(where: { samePorts($0, req) }), case .object(var fields) = perms[i] {
                for key in rangeKeys {
                    var ranges = fields[key]?.arrayValue ?? []
                    for range in req[key]?.arrayValue ?? [] where !ranges.contains(where: { sameRange($0, range) }) {
                        ranges.append(range)
                    }
                    if !ranges.isEmpty { fields[key] = .array(ranges) }
                }
                perms[i] = .object(fields)
            } else {
                perms.append(req)
            }
        }
    }

    static let rangeKeys = ["IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"]

    static func samePorts(_ a: Value, _ b: Value) -> Bool {
        a["IpProtocol"] == b["IpProtocol"] && a["FromPort"] == b["FromPort"] && a["ToPort"] == b["ToPort"]
    }

    /// Ranges are the same when their address (or group id) is; descriptions do not count.
    static func sameRange(_ a: Value, _ b: Value) -> Bool {
        for key in ["CidrIp", "CidrIpv6", "GroupId", "PrefixListId"] where b[key] != nil { return a[key] == b[key] }
        return a == b
    }
}
