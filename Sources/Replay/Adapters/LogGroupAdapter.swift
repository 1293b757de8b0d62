import CloudModel

/// `aws.log-group`: a CloudWatch Logs group, made by a remediation call (the flow logs' group)
/// or by the fixtures; compared on its name.
struct LogGroupAdapter: ReplayAdapter {
    let type = "aws.log-group"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = context.translate(properties["logGroupName"]?.stringValue ?? resource.name)
        try Self.make(name, region: resource.region, in: context)
        return name
    }

    /// Makes the group `name`, tagged, unless one of that name is there already (someone else's).
    static func make(_ name: String, region: String, in context: ReplayContext) throws(ReplayError) {
        try context.create(
            region,
            ["logs", "create-log-group", "--log-group-name", name, "--tags", "\(context.tagKey)=\(context.replayId)"],
            named: "log group \(name)", alreadyThere: ["ResourceAlreadyExists"])
    }

    var locatesWhatCallsMake: Bool { true }

    func locate(_ resource: Resource, in context: ReplayContext) throws(ReplayError) -> String? {
        let name = context.translate(resource.properties["logGroupName"]?.stringValue ?? resource.name)
        return try Self.find(name, region: resource.region, in: context) == nil ? nil : name
    }

    static func find(_ name: String, region: String, in context: ReplayContext) throws(ReplayError) -> Value? {
        let groups =
            try context.aws(region, ["logs", "describe-log-groups", "--log-group-name-prefix", name])["logGroups"]?
            .arrayValue ?? []
        return groups.first { $0["logGroupName"]?.stringValue == name }
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try Self.find(id, region: resource.region, in: context) ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        ["logGroupName": .string(context.fixture(inText: properties["logGroupName"]?.stringValue ?? ""))]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(resource.region, ["logs", "delete-log-group", "--log-group-name", id])
    }
}
