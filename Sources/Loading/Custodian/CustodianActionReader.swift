import CloudModel
import Policies

/// Reads a Custodian policy's `actions` as steps of the operation catalog, each doing what the
/// Custodian action does: the same calls, with the same parameters, for the same elements.
struct CustodianActionReader {
    let type: ResourceType
    let filters: [Filter]

    struct Read {
        var steps: [RemediationStep] = []
        var selections: [ResourceCheck] = []
        var notifications: [PolicyNotification] = []
    }

    /// The actions remsim reads, by resource type; `notify` goes with any.
    static let actions: [String: [String]] = [
        "aws.security-group": ["remove-permissions"],
        "aws.s3": ["set-public-block"],
        "aws.iam-user": ["remove-keys"],
    ]

    var supported: [String] { (Self.actions[type.name] ?? []) + ["notify"] }

    func actions(_ node: YAMLNode) throws(LoadError) -> Read {
        var read = Read()
        for item in try node.list() {
            let name: String
            let m: YAMLMapping
            if item.isMapping {
                m = try item.mapping(allowing: item.mappingKeys)
                name = try m.required("type").string()
            } else {
                name = try item.string()
                m = YAMLMapping(owner: item, entries: [])
            }
            let at = m["type"] ?? item
            guard supported.contains(name) else {
                throw at.error(
                    "remsim does not read Custodian's '\(name)' action on \(type.name) (it reads here: "
                        + supported.joined(separator: ", ") + ")")
            }
            switch name {
            case "notify": read.notifications.append(try notify(m))
            case "remove-permissions": read.steps += try removePermissions(m)
            case "set-public-block": read.steps.append(try setPublicBlock(m))
            default:
                let (step, selection) = try removeKeys(m)
                read.steps.append(step)
                if let selection { read.selections.append(selection) }
            }
            for step in read.steps {
                if let problem = StepCheck.problem(step) { throw at.error(problem) }
            }
        }
        guard read.steps.count <= Remediation.maximumSteps else {
            throw node.error(
                "these actions make \(read.steps.count) calls per resource; a remediation has at most \(Remediation.maximumSteps)"
            )
        }
        return read
    }

    func checkKeys(_ m: YAMLMapping, _ allowed: [String], action: String) throws(LoadError) {
        for (key, at) in m.entries where key != "type" && !allowed.contains(key) {
            throw at.error(
                "unknown key \(YAMLNode.quoted(key)) in a '\(action)' action\(Suggest.didYouMean(key, in: allowed)) "
                    + "(allowed: \(allowed.joined(separator: ", ")))")
        }
    }

    /// `notify`: recorded with its recipients and transport, never sent.
    func notify(_ m: YAMLMapping) throws(LoadError) -> PolicyNotification {
        let recipients = try m["to"]?.strings() ?? []
        let transport = try m["transport"].map { n throws(LoadError) -> String in
            let t = try n.mapping(allowing: n.mappingKeys)
            return try t["type"]?.string() ?? "sqs"
        }
        return PolicyNotification(
            recipients: recipients, transport: transport ?? "sqs", subject: try m["subject"]?.string() ?? "")
    }

    /// `remove-permissions`: revokes the matched (or all) ingress and egress permissions, each
    /// only when there are some; an absent `ingress` or `egress` means `matched`, as in Custodian.
    func removePermissions(_ m: YAMLMapping) throws(LoadError) -> [RemediationStep] {
        try checkKeys(m, ["ingress", "egress"], action: "remove-permissions")
        var steps: [RemediationStep] = []
        for (label, op, list) in [
            ("ingress", "ec2:RevokeSecurityGroupIngress", "IpPermissions"),
            ("egress", "ec2:RevokeSecurityGroupEgress", "IpPermissionsEgress"),
        ] {
            let choice = try m[label]?.string() ?? "matched"
            let source: String
            switch choice {
            case "matched":
                // Nothing can be matched without the filter that matches it.
                guard uses(list) else { continue }
                source = "${matched.Matched\(list)}"
            case "all": source = "${property.\(list)}"
            default:
                throw (m[label] ?? m.owner).error(
                    "remsim reads '\(label): matched' or '\(label): all' (a list of permissions is not read)")
            }
            steps.append(
                RemediationStep(
                    operation: op, parameters: ["GroupId": "${resourceId}", "IpPermissions": .string(source)],
                    description: "remove-permissions \(label): \(choice)", optional: true))
        }
        return steps
    }

    /// Whether the filters hold an `ingress` (`egress`) filter, which reads `list`.
    func uses(_ list: String) -> Bool {
        func walk(_ filters: [Filter]) -> Bool {
            filters.contains { f in
                switch f {
                case .and(let inner), .or(let inner), .not(let inner): walk(inner)
                case .check(let c): (c as? SecurityGroupPermissionCheck)?.listKey == list
                default: false
                }
            }
        }
        return walk(filters)
    }

    /// `set-public-block`: with no setting given, all four to `state` (default true); with some
    /// given, those, the others kept as the bucket has them (off when it has no block).
    func setPublicBlock(_ m: YAMLMapping) throws(LoadError) -> RemediationStep {
        let keys = PublicAccessBlockCheck.keys
        try checkKeys(m, ["state"] + keys, action: "set-public-block")
        let state = try m["state"]?.bool() ?? true
        let given = keys.filter { m[$0] != nil }
        var config = Fields()
        for key in keys {
            if given.isEmpty {
                config[key] = .bool(state)
            } else if let n = m[key] {
                config[key] = .bool(try n.bool())
            } else {
                config[key] = .string("${property.PublicAccessBlockConfiguration.\(key)|false}")
            }
        }
        return RemediationStep(
            operation: "s3:PutPublicAccessBlock",
            parameters: ["Bucket": "${resourceName}", "PublicAccessBlockConfiguration": .object(config)],
            description: "set-public-block")
    }

    /// `remove-keys`: the matched keys (`matched: true`), those older than `age` days, or all of
    /// the user's keys; disabled with `disable: true`.
    func removeKeys(_ m: YAMLMapping) throws(LoadError) -> (RemediationStep, ResourceCheck?) {
        try checkKeys(m, ["matched", "age", "disable"], action: "remove-keys")
        let matched = try m["matched"]?.bool() ?? false
        let age: Value? = try m["age"]?.value()
        if matched, age != nil {
            throw m.owner.error("'remove-keys' cannot take both 'matched' and 'age', as in Custodian")
        }
        guard try m["disable"]?.bool() == true else {
            throw (m["disable"] ?? m.owner).error(
                "remsim reads 'remove-keys' with 'disable: true' (iam:UpdateAccessKey); deleting keys "
                    + "(iam:DeleteAccessKey) is not an operation remsim models")
        }
        var over = "c7n:matched-keys"
        var selection: ResourceCheck?
        if !matched {
            var filters: [CustodianValueFilter] = []
            if let age {
                guard Python.number(age) != nil else { throw (m["age"] ?? m.owner).error("'age' is a number of days") }
                do {
                    filters.append(
                        try CustodianValueFilter(
                            key: .path("CreateDate", .field("CreateDate")), op: .gt, value: age, valueType: .age,
                            datetimes: true))
                } catch {
                    throw (m["age"] ?? m.owner).error(error.message)
                }
            }
            over = age.map { "c7n:keys-older-than-\($0.jsonText)-days" } ?? "c7n:AccessKeys"
            selection = ElementListCheck(
                listKey: "AccessKeys", name: over, filters: filters, everyFilterOnOneElement: true,
                inherited: ["UserName"], written: .null, tagShape: .aws)
        }
        let step = RemediationStep(
            operation: "iam:UpdateAccessKey",
            parameters: [
                "UserName": "${resourceName}", "AccessKeyId": "${item.AccessKeyId}", "Status": "Inactive",
            ], forEach: .matched, description: "remove-keys", over: over, optional: true)
        return (step, selection)
    }
}
