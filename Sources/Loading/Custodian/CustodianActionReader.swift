import CloudModel
import CloudOperations
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
        "aws.s3": [
            "set-public-block", "toggle-versioning", "toggle-logging", "set-bucket-encryption", "delete-global-grants",
        ],
        "aws.iam-user": ["remove-keys"],
        "aws.ec2": ["set-metadata-access", "stop", "terminate"],
        "aws.rds": ["set-public-access", "modify-db", "delete"],
        "aws.kms-key": ["set-rotation"],
        "aws.vpc": ["set-flow-log"],
        "aws.ebs": ["delete"],
        "aws.ebs-snapshot": ["delete"],
        "aws.rds-snapshot": ["delete"],
        "gcp.firewall": ["delete"],
        "gcp.bucket": ["set-uniform-access"],
        "azure.storage": ["require-secure-transfer", "set-firewall-rules"],
        "azure.networksecuritygroup": ["close", "open"],
    ]

    /// Custodian's tag actions, as each type registers them: on the EC2 resources (through
    /// `ec2:CreateTags` and `ec2:DeleteTags`), buckets (`s3:PutBucketTagging`, the whole set),
    /// IAM users (`iam:TagUser`, `iam:UntagUser`), and RDS instances and snapshots and Lambda
    /// functions (the Resource Groups Tagging API, `tag:TagResources` and `tag:UntagResources`,
    /// by ARN).
    var tagActions: [String] {
        if type.name == "aws.ec2" || OperationCatalog.ec2Taggable.contains(type.name) {
            return ["tag", "mark", "remove-tag", "unmark", "untag", "mark-for-op"]
        }
        switch type.name {
        case "aws.s3": return ["tag", "remove-tag", "unmark", "mark-for-op"]
        case "aws.iam-user", "aws.lambda": return ["tag", "remove-tag", "mark-for-op"]
        // Custodian's universal tag actions, with the old names where the type keeps them.
        case "aws.rds", "aws.rds-snapshot": return ["tag", "mark", "remove-tag", "unmark", "untag", "mark-for-op"]
        default: return []
        }
    }

    var supported: [String] { (Self.actions[type.name] ?? []) + tagActions + ["notify"] }

    func actions(_ node: YAMLNode) throws(LoadError) -> Read {
        var read = Read()
        // The tag changes of the policy's actions so far, for S3, whose tag actions each put the
        // whole set as the ones before left it.
        var bucketTagChanges: [(add: [(String, String)], remove: [String])] = []
        for (index, item) in try node.list().enumerated() {
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
            case "set-flow-log": read.steps += try setFlowLog(m)
            case "delete-global-grants":
                let (step, selection) = try deleteGlobalGrants(m, selection: "c7n:action-\(index + 1)")
                read.steps.append(step)
                read.selections.append(selection)
            case "tag", "mark", "remove-tag", "unmark", "untag", "mark-for-op":
                let change: TagChange =
                    switch name {
                    case "tag", "mark": try tag(m, action: name)
                    case "mark-for-op": try markForOp(m)
                    default: try removeTags(m, action: name)
                    }
                bucketTagChanges.append((change.add, change.remove))
                let (step, selection) = tagStep(
                    change, action: name, selection: "c7n:action-\(index + 1)", before: bucketTagChanges)
                read.steps.append(step)
                if let selection { read.selections.append(selection) }
            case "remove-keys":
                let (step, selection) = try removeKeys(m)
                read.steps.append(step)
                if let selection { read.selections.append(selection) }
            case "delete":
                for (step, selection) in try delete(m, condition: "c7n:action-\(index + 1)") {
                    read.steps.append(step)
                    if let selection { read.selections.append(selection) }
                }
            case "close", "open":
                let (step, selection) = try networkSecurityGroupPorts(name, m, selection: "c7n:action-\(index + 1)")
                read.steps.append(step)
                read.selections.append(selection)
            case "set-firewall-rules":
                let (step, selection) = try setFirewallRules(m, selection: "c7n:action-\(index + 1)")
                read.steps.append(step)
                read.selections.append(selection)
            case "stop":
                for (step, selection) in try stop(m, condition: "c7n:action-\(index + 1)") {
                    read.steps.append(step)
                    read.selections.append(selection)
                }
            case "set-uniform-access": read.steps.append(try setUniformAccess(m))
            case "require-secure-transfer": read.steps.append(try requireSecureTransfer(m))
            default:
                let (step, selection) = try conditional(name, m, condition: "c7n:action-\(index + 1)")
                read.steps.append(step)
                read.selections.append(selection)
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
        try m.checkCustodianKeys(allowed, in: "a '\(action)' action")
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
            if let given = m[label], (try? given.list()) != nil || given.isMapping {
                // Custodian's code has a branch for a list, but its schema refuses one.
                throw given.error(
                    "Custodian's schema takes '\(label): matched' or '\(label): all' here (custodian validate refuses a list)"
                )
            }
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

    /// `set-flow-log` on a VPC, its settings in `attrs`:
    /// the log group created first for CloudWatch Logs (one already there is no error, as in
    /// Custodian), then the flow log, on every matched VPC (one with the same flow log already
    /// gets none, as EC2 answers).
    func setFlowLog(_ m: YAMLMapping) throws(LoadError) -> [RemediationStep] {
        let keys = [
            "DeliverLogsPermissionArn", "LogGroupName", "LogDestination", "LogFormat", "MaxAggregationInterval",
            "LogDestinationType", "TrafficType",
        ]
        try checkKeys(m, ["state", "attrs"] + keys, action: "set-flow-log")
        if let state = m["state"], try !state.bool() {
            throw state.error("remsim does not model ec2:DeleteFlowLogs, which 'state: false' calls")
        }
        // Custodian's legacy form, the settings beside `attrs`, passes `custodian validate` but
        // stops `custodian run` ("legacy top level keys aren't compatible with `attrs` mapping":
        // its own conversion adds the `attrs` it then refuses).
        if let legacy = keys.lazy.compactMap({ m[$0] }).first {
            throw legacy.error(
                "Custodian stops on 'set-flow-log' settings written beside 'attrs' when it runs (it validates them as "
                    + "deprecated): put them under 'attrs'")
        }
        var given: [(key: String, node: YAMLNode)] = []
        if let attrs = m["attrs"] {
            let a = try attrs.mapping(allowing: attrs.mappingKeys)
            try a.checkCustodianKeys(keys, in: "a 'set-flow-log' action's attrs")
            given = keys.compactMap { k in a[k].map { (k, $0) } }
        }
        var parameters = Fields()
        parameters["ResourceIds"] = ["${resourceId}"]
        parameters["ResourceType"] = "VPC"
        var settings: [String: String] = [:]
        for (key, node) in given {
            if key == "MaxAggregationInterval" {
                let seconds = try node.int()
                guard seconds == 60 || seconds == 600 else { throw node.error("'MaxAggregationInterval' is 60 or 600") }
                parameters[key] = .int(seconds)
                continue
            }
            let text =
                key == "TrafficType"
                ? try oneOf(node, key, operation: "ec2:CreateFlowLogs", parameter: "TrafficType") : try node.string()
            if text.contains("${") {
                throw node.error(
                    "remsim fills ${…} in a call's parameters, so it does not read '\(key)' with AWS's ${field} names")
            }
            settings[key] = text
            parameters[key] = .string(text)
        }
        func need(_ key: String, _ why: String) throws(LoadError) {
            if settings[key] == nil { throw (m["attrs"] ?? m.owner).error("'set-flow-log' needs '\(key)' \(why)") }
        }
        try need("TrafficType", "(EC2 requires it for a VPC)")
        let destinationType = settings["LogDestinationType"] ?? "cloud-watch-logs"
        guard ["cloud-watch-logs", "s3"].contains(destinationType) else {
            throw given.first { $0.key == "LogDestinationType" }!.node.error(
                "remsim reads 'LogDestinationType' cloud-watch-logs or s3")
        }
        var steps: [RemediationStep] = []
        if destinationType == "cloud-watch-logs" {
            try need("LogGroupName", "(Custodian creates that log group for CloudWatch Logs)")
            var group = RemediationStep(
                operation: "logs:CreateLogGroup", parameters: ["logGroupName": .string(settings["LogGroupName"]!)],
                description: "set-flow-log")
            group.alreadyDone = ["ResourceAlreadyExistsException"]
            steps.append(group)
        } else {
            try need("LogDestination", "(the bucket's ARN, for s3)")
        }
        var flowLog = RemediationStep(
            operation: "ec2:CreateFlowLogs", parameters: .object(parameters), description: "set-flow-log")
        flowLog.alreadyDone = ["FlowLogAlreadyExists"]
        steps.append(flowLog)
        return steps
    }

    /// `delete-global-grants`: the bucket's ACL put back without its grants to `grantees`
    /// (everyone and every AWS account by default), on every matched bucket that has grants.
    func deleteGlobalGrants(_ m: YAMLMapping, selection: String) throws(LoadError) -> (RemediationStep, ResourceCheck) {
        try checkKeys(m, ["grantees"], action: "delete-global-grants")
        let grantees =
            try m["grantees"]?.strings() ?? [S3Access.authenticatedUsers, S3Access.allUsers]
        let step = RemediationStep.perItem(
            operation: "s3:PutBucketAcl", parameters: ["Bucket": "${resourceName}"],
            description: "delete-global-grants", over: selection)
        return (step, GlobalGrantsRemoval(name: selection, grantees: grantees))
    }

    /// `close` and `open` on an Azure network security group: one new rule denying (allowing) the
    /// action's ports that the group allows (denies) now, worked out per group
    /// (`NetworkSecurityGroupPortsChange`); nothing when there are none.
    func networkSecurityGroupPorts(_ name: String, _ m: YAMLMapping, selection: String) throws(LoadError) -> (
        RemediationStep, ResourceCheck
    ) {
        try checkKeys(m, ["direction", "ports", "exceptPorts", "ipProtocol", "prefix"], action: name)
        let filters = CustodianFilterReader(type: type)
        let ports = NetworkSecurityGroupPorts.ports(
            try filters.portRanges(m["ports"]) ?? [0...65_535], except: try filters.portRanges(m["exceptPorts"]) ?? [])
        guard let direction = m["direction"] else {
            // Custodian's schema lets it out (its own documentation's `open` example does), but
            // the action reads it unconditionally and stops the run without it.
            throw m.owner.error(
                "'\(name)' needs 'direction' (Inbound or Outbound): custodian validate accepts it left out, but "
                    + "Custodian stops when it runs the action")
        }
        let prefix = try m["prefix"]?.string() ?? "c7n-policy-"
        if prefix.count > 44 {
            throw m["prefix"]!.error("'prefix' is at most 44 characters, as Custodian's schema says")
        }
        let step = RemediationStep.perItem(
            operation: "Microsoft.Network/networkSecurityGroups/securityRules/write", description: name,
            over: selection)
        return (
            step,
            NetworkSecurityGroupPortsChange(
                name: selection, access: name == "close" ? "Deny" : "Allow",
                direction: try direction.oneOf(["Inbound", "Outbound"]), ports: ports,
                ipProtocol: try m["ipProtocol"]?.oneOf(["ICMP", "TCP", "UDP", "*"]) ?? "*", prefix: prefix)
        )
    }

    /// `set-firewall-rules` on a storage account: one update of its network rules, worked out per
    /// account (`StorageFirewallChange`). Service tag names in `ip-rules` are refused: Custodian
    /// downloads Microsoft's list of their ranges.
    func setFirewallRules(_ m: YAMLMapping, selection: String) throws(LoadError) -> (RemediationStep, ResourceCheck) {
        let name = "set-firewall-rules"
        try checkKeys(
            m, ["append", "default-action", "bypass-rules", "ip-rules", "virtual-network-rules"], action: name)
        let ipRules = try m["ip-rules"].map { n throws(LoadError) -> [String] in
            var out: [String] = []
            for item in try n.list() {
                let rule = try item.string()
                if rule.hasPrefix("ServiceTags.") {
                    throw item.error(
                        "remsim does not read service tags in 'ip-rules' (Custodian downloads their ranges from Microsoft): write the ranges"
                    )
                }
                out.append(rule)
            }
            return out
        }
        let bypass = try m["bypass-rules"].map { n throws(LoadError) -> [String] in
            var out: [String] = []
            for item in try n.list() { out.append(try item.oneOf(["AzureServices", "Logging", "Metrics"])) }
            return out
        }
        let step = RemediationStep.perItem(
            operation: "Microsoft.Storage/storageAccounts/write", description: name, over: selection)
        return (
            step,
            StorageFirewallChange(
                name: selection,
                defaultAction: try m["default-action"].map { n throws(LoadError) in
                    try oneOf(
                        n, "default-action", operation: "Microsoft.Storage/storageAccounts/write",
                        parameter: "body.properties.networkAcls.defaultAction")
                } ?? "Deny",
                ipRules: ipRules, virtualNetworkRules: try m["virtual-network-rules"]?.strings(), bypass: bypass,
                append: try m["append"]?.bool() ?? true)
        )
    }

    /// A value filter an action's own condition uses (`State.Name` is `running`), any error at
    /// the action.
    func actionFilter(_ key: String, _ op: CustodianValueFilter.Op?, _ value: Value, _ m: YAMLMapping)
        throws(LoadError) -> CustodianValueFilter
    {
        do {
            return try CustodianValueFilter(
                key: try CustodianValueFilter.key(key), op: op, value: value, valueType: nil)
        } catch {
            throw m.owner.error(error.message)
        }
    }

    func refuseForce(_ m: YAMLMapping, _ name: String) throws(LoadError) {
        if let n = m["force"], try n.bool() {
            throw n.error(
                "remsim does not read 'force: true' on '\(name)' (it lifts stop and termination protection with "
                    + "ec2:ModifyInstanceAttribute, which remsim does not model)")
        }
    }

    /// `stop`, as Custodian splits the running instances: one whose first root device mapping
    /// (`/dev/sda1`, `/dev/xvda`, `xvda`) is an EBS volume is stopped, with `Hibernate` where
    /// `hibernate: true` and the instance is configured for it; any other cannot be stopped, and
    /// is terminated with `terminate-ephemeral: true`, left alone otherwise (an instance that
    /// lists no such mapping counts as one of those, as in Custodian).
    func stop(_ m: YAMLMapping, condition: String) throws(LoadError) -> [(RemediationStep, ResourceCheck)] {
        try checkKeys(m, ["hibernate", "terminate-ephemeral", "force"], action: "stop")
        try refuseForce(m, "stop")
        func filter(_ key: String, _ op: CustodianValueFilter.Op?, _ value: Value) throws(LoadError)
            -> CustodianValueFilter
        { try actionFilter(key, op, value, m) }
        let running = try filter("State.Name", .eq, "running")
        let persistent = try filter(
            "BlockDeviceMappings[?contains(`[\"/dev/sda1\", \"/dev/xvda\", \"xvda\"]`, DeviceName)] | [0].Ebs", nil,
            "present")
        let hibernates = try filter("HibernationOptions.Configured", .eq, true)
        var out: [(RemediationStep, ResourceCheck)] = []
        func add(
            _ operation: String, _ parameters: Value, _ suffix: String, _ filters: [CustodianValueFilter],
            unless: [CustodianValueFilter] = []
        ) {
            var step = RemediationStep(operation: operation, parameters: parameters, description: "stop")
            step.forEach = .matched
            step.over = condition + suffix
            step.optional = true
            out.append(
                (
                    step,
                    ActionCondition(name: condition + suffix, filters: filters, unless: unless, resourceType: type.name)
                ))
        }
        if try m["terminate-ephemeral"]?.bool() ?? false {
            add(
                "ec2:TerminateInstances", ["InstanceIds": ["${resourceId}"]], "-ephemeral", [running],
                unless: [persistent])
        }
        if try m["hibernate"]?.bool() ?? false {
            add(
                "ec2:StopInstances", ["InstanceIds": ["${resourceId}"], "Hibernate": true], "-hibernate",
                [running, persistent, hibernates])
            add(
                "ec2:StopInstances", ["InstanceIds": ["${resourceId}"]], "", [running, persistent], unless: [hibernates]
            )
        } else {
            add("ec2:StopInstances", ["InstanceIds": ["${resourceId}"]], "", [running, persistent])
        }
        return out
    }

    /// `remove-keys`: the matched keys (`matched: true`), those older than `age` days, or all of
    /// the user's keys; disabled with `disable: true`, deleted otherwise.
    func removeKeys(_ m: YAMLMapping) throws(LoadError) -> (RemediationStep, ResourceCheck?) {
        try checkKeys(m, ["matched", "age", "disable"], action: "remove-keys")
        let matched = try m["matched"]?.bool() ?? false
        let age: Value? = try m["age"]?.value()
        if matched, age != nil {
            throw m.owner.error("'remove-keys' cannot take both 'matched' and 'age', as in Custodian")
        }
        // Custodian refuses a policy that mixes the two, for it could not tell whose keys to remove.
        func checks(_ filters: [Filter]) -> [ResourceCheck] {
            filters.flatMap { f -> [ResourceCheck] in
                switch f {
                case .and(let inner), .or(let inner), .not(let inner): checks(inner)
                case .check(let c): [c]
                default: []
                }
            }
        }
        let used = checks(filters)
        if used.contains(where: { $0 is CredentialReportCheck }),
            used.contains(where: { ($0 as? ElementListCheck)?.listKey == "AccessKeys" })
        {
            throw m.owner.error(
                "'remove-keys' cannot follow both 'credential' and 'access-key' filters, as Custodian refuses")
        }
        let disable = try m["disable"]?.bool() ?? false
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
                inherited: ["UserName"], written: .null, resourceType: type.name)
        }
        // Disabled with `disable: true`, deleted otherwise.
        var parameters = Fields()
        parameters["UserName"] = "${resourceName}"
        parameters["AccessKeyId"] = "${item.AccessKeyId}"
        if disable { parameters["Status"] = "Inactive" }
        let step = RemediationStep(
            operation: disable ? "iam:UpdateAccessKey" : "iam:DeleteAccessKey", parameters: .object(parameters),
            forEach: .matched, description: "remove-keys", over: over, optional: true)
        return (step, selection)
    }

    // MARK: - Actions that call only when there is something to change

    /// An action Custodian carries out only on resources where it changes something: one step,
    /// repeated over a selection that holds one element when the call is to be made.
    func conditional(_ name: String, _ m: YAMLMapping, condition: String) throws(LoadError)
        -> (RemediationStep, ResourceCheck)
    {
        var step: RemediationStep
        var filters: [CustodianValueFilter] = []
        func when(_ key: String, _ op: CustodianValueFilter.Op, _ value: Value) throws(LoadError) {
            filters.append(try actionFilter(key, op, value, m))
        }
        var selection: ResourceCheck?
        switch name {
        case "toggle-versioning":
            // A bucket never versioned counts as Suspended.
            try checkKeys(m, ["enabled"], action: name)
            let enabled = try m["enabled"]?.bool() ?? true
            try when("Versioning.Status", enabled ? .ne : .eq, "Enabled")
            step = RemediationStep(
                operation: "s3:PutBucketVersioning",
                parameters: [
                    "Bucket": "${resourceName}",
                    "VersioningConfiguration": ["Status": enabled ? "Enabled" : "Suspended"],
                ], description: name)
        case "toggle-logging":
            try checkKeys(m, ["enabled", "target_bucket", "target_prefix"], action: name)
            let enabled = try m["enabled"]?.bool() ?? true
            if enabled {
                guard let bucketNode = m["target_bucket"] else {
                    throw m.owner.error("'toggle-logging' needs 'target_bucket', as in Custodian")
                }
                let bucket = try template(bucketNode)
                let prefix = try m["target_prefix"].map(template) ?? "${resourceName}/"
                step = RemediationStep(
                    operation: "s3:PutBucketLogging",
                    parameters: [
                        "Bucket": "${resourceName}",
                        "BucketLoggingStatus": [
                            "LoggingEnabled": ["TargetBucket": .string(bucket), "TargetPrefix": .string(prefix)]
                        ],
                    ], description: name)
                selection = LoggingCondition(
                    name: condition, targetBucket: bucket, targetPrefix: prefix, resourceType: type.name)
            } else {
                try when("Logging", .ne, .emptyObject)
                step = RemediationStep(
                    operation: "s3:PutBucketLogging",
                    parameters: ["Bucket": "${resourceName}", "BucketLoggingStatus": .emptyObject], description: name)
            }
        case "set-bucket-encryption":
            try checkKeys(m, ["enabled", "crypto", "key", "bucket-key"], action: name)
            guard try m["enabled"]?.bool() ?? true else {
                throw m["enabled"]!.error(
                    "remsim does not model s3:DeleteBucketEncryption, which 'enabled: false' calls")
            }
            let crypto = try m["crypto"]?.string() ?? "AES256"
            guard crypto == "AES256" || crypto == "aws:kms" else {
                throw m["crypto"]!.error("'crypto' is AES256 or aws:kms")
            }
            var byDefault = Fields()
            byDefault["SSEAlgorithm"] = .string(crypto)
            if crypto == "aws:kms" {
                // Custodian looks the key up with kms:DescribeKey in the bucket's region and
                // puts its ARN; a key it cannot find fails the bucket (an error, no change).
                guard let key = m["key"] else {
                    throw m["crypto"]!.error(
                        "'crypto: aws:kms' needs 'key' (a key id, key ARN, alias name or alias ARN): without one "
                            + "custodian validate accepts the policy, but Custodian stops on every bucket with "
                            + "'Valid KMS Key required but does not exist'")
                }
                byDefault["KMSMasterKeyID"] = .string("${kmsKeyArn:\(try key.string())}")
            } else if let key = m["key"] {
                throw key.error("'key' goes with 'crypto: aws:kms' (Custodian's schema refuses it with AES256)")
            }
            let bucketKey = try m["bucket-key"]?.bool() ?? true
            // Custodian puts the configuration whatever the bucket has.
            step = RemediationStep(
                operation: "s3:PutBucketEncryption",
                parameters: [
                    "Bucket": "${resourceName}",
                    "ServerSideEncryptionConfiguration": [
                        "Rules": [
                            [
                                "ApplyServerSideEncryptionByDefault": .object(byDefault),
                                "BucketKeyEnabled": .bool(bucketKey),
                            ]
                        ]
                    ],
                ], description: name)
        case "set-metadata-access":
            let options: [(key: String, parameter: String, allowed: [Value])] = [
                ("endpoint", "HttpEndpoint", ["enabled", "disabled"]),
                ("tokens", "HttpTokens", ["required", "optional"]),
                ("hop-limit", "HttpPutResponseHopLimit", (1...64).map { Value.int($0) }),
            ]
            if let tags = m["metadata-tags"] {
                throw tags.error("remsim does not model the instance metadata tags option")
            }
            try checkKeys(m, options.map(\.key), action: name)
            var parameters = Fields()
            parameters["InstanceId"] = "${resourceId}"
            for option in options {
                guard let n = m[option.key] else { continue }
                let value = try n.value()
                guard option.allowed.contains(value) else {
                    throw n.error("'\(option.key)' is one of \(option.allowed.map(\.jsonText).joined(separator: ", "))")
                }
                parameters[option.parameter] = value
                // Custodian calls only for instances where each option given has another value.
                try when("MetadataOptions.\(option.parameter)", .in, .array(option.allowed.filter { $0 != value }))
            }
            guard parameters.count > 1 else {
                throw m.owner.error("'set-metadata-access' needs 'endpoint', 'tokens' or 'hop-limit'")
            }
            step = RemediationStep(
                operation: "ec2:ModifyInstanceMetadataOptions", parameters: .object(parameters), description: name)
        case "terminate":
            // Custodian terminates any instance not already gone.
            try checkKeys(m, ["force"], action: name)
            try refuseForce(m, name)
            try when("State.Name", .in, ["pending", "running", "shutting-down", "stopping", "stopped"])
            step = RemediationStep(
                operation: "ec2:TerminateInstances", parameters: ["InstanceIds": ["${resourceId}"]], description: name)
        case "set-public-access":
            try checkKeys(m, ["state"], action: name)
            let state = try m["state"]?.bool() ?? false
            step = RemediationStep(
                operation: "rds:ModifyDBInstance",
                parameters: ["DBInstanceIdentifier": "${resourceId}", "PubliclyAccessible": .bool(state)],
                description: name)
        case "modify-db":
            try checkKeys(m, ["update", "immediate"], action: name)
            let modelled = [
                "PubliclyAccessible", "MultiAZ", "AutoMinorVersionUpgrade", "BackupRetentionPeriod",
                "DeletionProtection",
            ]
            var update: [(String, Value)] = []
            for u in try m.required("update").list() {
                let um = try u.mapping(allowing: ["property", "value"])
                let propertyNode = try um.required("property")
                let property = try propertyNode.string()
                guard modelled.contains(property) else {
                    throw propertyNode.error(
                        "remsim models rds:ModifyDBInstance's \(modelled.joined(separator: ", ")); not '\(property)'")
                }
                update.append((property, try um.required("value").value()))
            }
            step = RemediationStep.perItem(
                operation: "rds:ModifyDBInstance",
                parameters: [
                    "DBInstanceIdentifier": "${resourceId}",
                    "ApplyImmediately": .bool(try m["immediate"]?.bool() ?? false),
                ], description: name, over: condition)
            return (step, ChangedProperties(name: condition, update: update, resourceType: type.name))
        default:  // set-rotation
            try checkKeys(m, ["state"], action: name)
            guard try m["state"]?.bool() ?? true else {
                throw m["state"]!.error("remsim does not model kms:DisableKeyRotation, which 'state: false' calls")
            }
            step = RemediationStep(
                operation: "kms:EnableKeyRotation", parameters: ["KeyId": "${resourceId}"], description: name)
        }
        step.forEach = .matched
        step.over = condition
        step.optional = true
        return (step, selection ?? ActionCondition(name: condition, filters: filters, resourceType: type.name))
    }

    /// `delete`, as each type's Custodian action deletes: a volume (`force` detaching it first is
    /// not read), an EBS snapshot, an RDS snapshot (manual ones only), a firewall rule, and an
    /// RDS instance (not one in a cluster), with a final snapshot named `Final-ID-YYYY-MM-DD-HH-MM`
    /// on the simulated clock unless `skip-snapshot` is true or the instance cannot have one.
    func delete(_ m: YAMLMapping, condition: String) throws(LoadError) -> [(RemediationStep, ResourceCheck?)] {
        func filter(_ key: String, _ op: CustodianValueFilter.Op, _ value: Value) throws(LoadError)
            -> CustodianValueFilter
        { try actionFilter(key, op, value, m) }
        func conditional(
            _ step: RemediationStep, _ name: String, _ filters: [CustodianValueFilter],
            unless: [CustodianValueFilter] = []
        ) -> (RemediationStep, ResourceCheck?) {
            var step = step
            step.forEach = .matched
            step.over = name
            step.optional = true
            return (step, ActionCondition(name: name, filters: filters, unless: unless, resourceType: type.name))
        }
        switch type.name {
        case "aws.ebs":
            try checkKeys(m, ["force"], action: "delete")
            if let force = m["force"], try force.bool() {
                throw force.error(
                    "remsim does not read 'force: true' on 'delete' (it detaches the volume with ec2:DetachVolume, "
                        + "which remsim does not model)")
            }
            return [
                (
                    RemediationStep(
                        operation: "ec2:DeleteVolume", parameters: ["VolumeId": "${resourceId}"], description: "delete"),
                    nil
                )
            ]
        case "aws.ebs-snapshot":
            // Custodian leaves out snapshots an AMI uses; remsim models no AMIs, so there are none.
            try checkKeys(m, ["skip-ami-snapshots"], action: "delete")
            return [
                (
                    RemediationStep(
                        operation: "ec2:DeleteSnapshot", parameters: ["SnapshotId": "${resourceId}"],
                        description: "delete"), nil
                )
            ]
        case "aws.rds-snapshot":
            try checkKeys(m, [], action: "delete")
            return [
                conditional(
                    RemediationStep(
                        operation: "rds:DeleteDBSnapshot", parameters: ["DBSnapshotIdentifier": "${resourceId}"],
                        description: "delete"), condition, [try filter("SnapshotType", .eq, "manual")])
            ]
        case "gcp.firewall":
            try checkKeys(m, [], action: "delete")
            return [
                (
                    RemediationStep(
                        operation: "compute.firewalls.delete",
                        parameters: ["project": "${account}", "firewall": "${resourceName}"], description: "delete"),
                    nil
                )
            ]
        default:  // aws.rds
            try checkKeys(m, ["skip-snapshot", "copy-restore-info"], action: "delete")
            let skip = try m["skip-snapshot"]?.bool() ?? false
            if let copy = m["copy-restore-info"], try copy.bool() {
                if skip {
                    throw copy.error("'skip-snapshot' cannot be given with 'copy-restore-info', as in Custodian")
                }
                throw copy.error(
                    "remsim does not read 'copy-restore-info: true' (it tags the instance through "
                        + "rds:AddTagsToResource, which remsim does not model)")
            }
            // Not an instance of an Aurora cluster: Custodian leaves those to a cluster policy.
            let inNoCluster = try filter("DBClusterIdentifier", .eq, "absent")
            let skipped = RemediationStep(
                operation: "rds:DeleteDBInstance",
                parameters: ["DBInstanceIdentifier": "${resourceId}", "SkipFinalSnapshot": true],
                description: "delete")
            if skip { return [conditional(skipped, condition, [inNoCluster])] }
            // An instance being created, failed or a replica, or in a cluster, cannot have a final
            // snapshot: Custodian skips it there.
            let ineligible: [Value] = ["creating", "failed", "incompatible-restore", "incompatible-network"]
            let withSnapshot = RemediationStep(
                operation: "rds:DeleteDBInstance",
                parameters: [
                    "DBInstanceIdentifier": "${resourceId}",
                    "FinalDBSnapshotIdentifier": "Final-${resourceId}-${time:+0ms:%Y-%m-%d-%H-%M}",
                ], description: "delete")
            let eligible = [
                try filter("DBInstanceStatus", .notIn, .array(ineligible)),
                try filter("ReadReplicaSourceDBInstanceIdentifier", .eq, "empty"),
            ]
            return [
                conditional(withSnapshot, condition, [inNoCluster] + eligible),
                conditional(skipped, condition + "-no-snapshot", [inNoCluster], unless: eligible),
            ]
        }
    }

    /// GCP's `set-uniform-access` (`state`, true by default): the bucket patched, whatever it has.
    func setUniformAccess(_ m: YAMLMapping) throws(LoadError) -> RemediationStep {
        try checkKeys(m, ["state"], action: "set-uniform-access")
        let state = try m["state"]?.bool() ?? true
        return RemediationStep(
            operation: "storage.buckets.patch",
            parameters: [
                "bucket": "${resourceName}",
                "body": ["iamConfiguration": ["uniformBucketLevelAccess": ["enabled": .bool(state)]]],
            ], description: "set-uniform-access")
    }

    /// Azure's `require-secure-transfer` (`value` and `minimum_tls_version`, each sent only when
    /// given): the storage account updated, whatever it has.
    func requireSecureTransfer(_ m: YAMLMapping) throws(LoadError) -> RemediationStep {
        let name = "require-secure-transfer"
        try checkKeys(m, ["value", "minimum_tls_version"], action: name)
        // Custodian sends `value` only when the policy gives it (its schema's default of true is
        // never applied): without it, only the TLS version changes, and with neither its update
        // carries nothing, which is refused rather than simulated as a fix.
        var properties = Fields()
        if let value = m["value"] { properties["supportsHttpsTrafficOnly"] = .bool(try value.bool()) }
        if let tls = m["minimum_tls_version"] {
            properties["minimumTlsVersion"] = .string(
                try oneOf(
                    tls, "minimum_tls_version", operation: "Microsoft.Storage/storageAccounts/write",
                    parameter: "body.properties.minimumTlsVersion"))
        }
        if properties.isEmpty {
            throw m.owner.error(
                "'require-secure-transfer' without 'value' or 'minimum_tls_version' changes nothing in Custodian (its default of value: true is never sent): give 'value: true'"
            )
        }
        return RemediationStep(
            operation: "Microsoft.Storage/storageAccounts/write",
            parameters: [
                "resourceGroup": "${resourceGroup}", "name": "${resourceName}",
                "body": ["properties": .object(properties)],
            ], description: name)
    }

    /// A value the operation takes only from a fixed set (the catalog's `allowed`), refused where
    /// it is written otherwise.
    func oneOf(_ node: YAMLNode, _ key: String, operation: String, parameter: String) throws(LoadError) -> String {
        let text = try node.string()
        let allowed = (OperationCatalog.spec(named: operation)?.allowed[parameter] ?? []).compactMap(\.stringValue)
        guard allowed.contains(text) else {
            throw node.error("'\(key)' is one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// A Custodian format string (`{account_id}-{region}-s3-logs`) as a step template.
    func template(_ node: YAMLNode) throws(LoadError) -> String {
        var text = try node.string()
        let known = [
            "account_id": "${account}", "region": "${region}", "source_bucket_name": "${resourceName}",
            "source_bucket_region": "${region}",
        ]
        for (name, variable) in known { text = text.replacingOccurrences(of: "{\(name)}", with: variable) }
        if let unknown = text.firstMatch(of: /\{([a-z_]+)\}/) {
            throw node.error(
                "remsim does not fill '{\(unknown.1)}' (it fills {account_id}, {region}, {source_bucket_name}, "
                    + "{source_bucket_region})")
        }
        return text
    }

    // MARK: - Tags

    /// `tag` (`mark`): `tags`, and `key` (or `tag`, else Custodian's `maid_status`) with `value`,
    /// set in one call; `{account_id}` and `{region}` in a value are filled in. A value may be
    /// looked up from each resource (`{type: resource, key: JMESPATH, default-value: X}`), or
    /// written only where the tag is absent (`{type: resource, default-value: X}`).
    func tag(_ m: YAMLMapping, action: String) throws(LoadError) -> TagChange {
        try checkKeys(m, ["key", "value", "tag", "tags"], action: action)
        if m["key"] != nil, let t = m["tag"] {
            throw t.error("'\(action)' takes 'key' or 'tag', not both, as in Custodian")
        }
        var specs: [(String, ResolvedTags.Spec)] = []
        func placeholders(_ text: String, _ n: YAMLNode) throws(LoadError) -> String {
            if text.contains("{now") { throw n.error("remsim does not fill '{now}' in a tag value") }
            return text.replacingOccurrences(of: "{account_id}", with: "${account}").replacingOccurrences(
                of: "{region}", with: "${region}")
        }
        func value(_ n: YAMLNode) throws(LoadError) -> ResolvedTags.Spec {
            guard n.isMapping else { return .fixed(try placeholders(try n.string(), n)) }
            let lookup = try n.mapping(allowing: ["type", "key", "default-value"])
            let type = try lookup.required("type")
            guard try type.string() == "resource" else {
                throw type.error("a tag value looked up is 'type: resource', as in Custodian")
            }
            let fallback = try lookup["default-value"].map { d throws(LoadError) in try placeholders(try d.string(), d)
            }
            guard let keyNode = lookup["key"] else {
                guard let fallback else {
                    throw n.error("a tag value looked up needs 'key' (a JMESPath), 'default-value', or both")
                }
                return .unlessTagged(fallback)
            }
            let key = try keyNode.string()
            let path: JMESPath
            do { path = try JMESPath(parsing: key) } catch { throw keyNode.error("\(error)") }
            return .lookup(path, key: key, default: fallback)
        }
        if let t = m["tags"] {
            for (key, v) in try t.mapping(allowing: t.mappingKeys).entries { specs.append((key, try value(v))) }
        }
        // A key with no value sets nothing, as in Custodian.
        if let v = m["value"] {
            let spec = try value(v)
            if case .fixed("") = spec {
            } else {
                let key = try (m["key"] ?? m["tag"])?.string() ?? "maid_status"
                specs.removeAll { $0.0 == key }
                specs.append((key, spec))
            }
        }
        guard !specs.isEmpty else { throw m.owner.error("'\(action)' needs 'tags', or a 'value' (with 'key')") }
        let fixed = specs.compactMap { key, spec -> (String, String)? in
            if case .fixed(let text) = spec { (key, text) } else { nil }
        }
        if fixed.count == specs.count { return TagChange(add: fixed, remove: []) }
        guard type.name != "aws.s3" else {
            throw m.owner.error(
                "remsim reads a tag value looked up from the resource on EC2 resources, IAM users, RDS and Lambda, "
                    + "not on buckets yet (S3 puts the whole tag set); give the value")
        }
        return TagChange(add: [], remove: [], lookedUp: specs)
    }

    /// `mark-for-op`: the marker tag (`maid_status` unless `tag` says), its message (`msg`, by
    /// default `Resource does not meet policy: {op}@{action_date}`) naming the action and when it
    /// falls due on the simulated clock: `days` and `hours` from the remediation, written
    /// `YYYY/MM/DD` (`YYYY/MM/DD HHMM UTC` with hours), as Custodian writes it.
    func markForOp(_ m: YAMLMapping) throws(LoadError) -> TagChange {
        try checkKeys(m, ["tag", "msg", "days", "hours", "tz", "op"], action: "mark-for-op")
        try m.checkUTC()
        let days = try m.nonNegative("days")
        let hours = try m.nonNegative("hours")
        let op = try m["op"]?.string() ?? "stop"
        let offset = try m.span((days * 24 + hours) * 3_600_000, of: "'days' and 'hours'").milliseconds
        let format = hours > 0 ? "%Y/%m/%d %H%M %Z" : "%Y/%m/%d"
        let template = try m["msg"]?.string() ?? "Resource does not meet policy: {op}@{action_date}"
        let message = template.replacingOccurrences(of: "{op}", with: op).replacingOccurrences(
            of: "{action_date}", with: "${time:+\(offset)ms:\(format)}")
        return TagChange(add: [(try m["tag"]?.string() ?? "maid_status", message)], remove: [])
    }

    /// `remove-tag` (`unmark`, `untag`): the `tags` keys (Custodian's `maid_status` when none
    /// are given), removed in one call.
    func removeTags(_ m: YAMLMapping, action: String) throws(LoadError) -> TagChange {
        try checkKeys(m, ["tags"], action: action)
        return TagChange(add: [], remove: try m["tags"]?.strings() ?? ["maid_status"])
    }

    /// Tags a tag action sets (values as step templates: `${account}`, `${region}`,
    /// `${time:+…}`) and removes.
    struct TagChange {
        var add: [(String, String)]
        var remove: [String]
        /// Every tag of a `tag` action with a value looked up from the resource, in order.
        var lookedUp: [(String, ResolvedTags.Spec)] = []
    }

    /// The call that makes `change` on this type: EC2's and IAM's add or remove the tags named;
    /// S3's puts the whole set, worked out for each bucket from the tags it has (a selection).
    func tagStep(
        _ change: TagChange, action: String, selection: String, before: [(add: [(String, String)], remove: [String])]
    ) -> (RemediationStep, ResourceCheck?) {
        if !change.lookedUp.isEmpty {
            // The tags are worked out for each resource: one call with what they come to, none
            // where nothing is left to write.
            let (operation, parameters, asMap): (String, Value, Bool) =
                switch type.name {
                case "aws.iam-user": ("iam:TagUser", ["UserName": "${resourceName}"], false)
                case "aws.rds", "aws.rds-snapshot", "aws.lambda":
                    ("tag:TagResources", ["ResourceARNList": ["${arn}"]], true)
                default: ("ec2:CreateTags", ["Resources": ["${resourceId}"]], false)
                }
            return (
                RemediationStep.perItem(
                    operation: operation, parameters: parameters, description: action, over: selection),
                ResolvedTags(name: selection, specs: change.lookedUp, asMap: asMap, resourceType: type.name)
            )
        }
        let pairs = Value.array(change.add.map { ["Key": .string($0.0), "Value": .string($0.1)] })
        switch type.name {
        case "aws.s3":
            let step = RemediationStep.perItem(
                operation: "s3:PutBucketTagging", parameters: ["Bucket": "${resourceName}"], description: action,
                over: selection)
            return (step, BucketTagSet(name: selection, changes: before))
        case "aws.rds", "aws.rds-snapshot", "aws.lambda":
            if change.add.isEmpty {
                return (
                    RemediationStep(
                        operation: "tag:UntagResources",
                        parameters: [
                            "ResourceARNList": ["${arn}"], "TagKeys": .array(change.remove.map(Value.string)),
                        ],
                        description: action), nil
                )
            }
            return (
                RemediationStep(
                    operation: "tag:TagResources",
                    parameters: [
                        "ResourceARNList": ["${arn}"],
                        "Tags": .object(Fields(change.add.map { .init(key: $0.0, value: .string($0.1)) })),
                    ], description: action), nil
            )
        case "aws.iam-user":
            if change.add.isEmpty {
                return (
                    RemediationStep(
                        operation: "iam:UntagUser",
                        parameters: [
                            "UserName": "${resourceName}", "TagKeys": .array(change.remove.map(Value.string)),
                        ],
                        description: action), nil
                )
            }
            return (
                RemediationStep(
                    operation: "iam:TagUser", parameters: ["UserName": "${resourceName}", "Tags": pairs],
                    description: action), nil
            )
        default:
            if change.add.isEmpty {
                return (
                    RemediationStep(
                        operation: "ec2:DeleteTags",
                        parameters: [
                            "Resources": ["${resourceId}"], "Tags": .array(change.remove.map { ["Key": .string($0)] }),
                        ], description: action), nil
                )
            }
            return (
                RemediationStep(
                    operation: "ec2:CreateTags", parameters: ["Resources": ["${resourceId}"], "Tags": pairs],
                    description: action), nil
            )
        }
    }
}
