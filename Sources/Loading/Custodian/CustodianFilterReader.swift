import CloudModel
import Policies

/// Reads a Custodian policy's `filters`: value filters (in full, or as `{KEY: VALUE}`),
/// `and`/`or`/`not`, and the type filters remsim models for the policy's resource type.
struct CustodianFilterReader {
    let type: ResourceType

    /// The type filters remsim reads, by resource type.
    static let typeFilters: [String: [String]] = [
        "aws.security-group": ["ingress", "egress"],
        "aws.s3": [
            "check-public-block", "bucket-encryption", "global-grants", "has-statement", "missing-policy-statement",
            "missing-statement",
        ],
        "aws.iam-user": ["access-key", "credential", "mfa-device"],
        "aws.kms-key": ["key-rotation-status"],
        "aws.vpc": ["flow-logs"],
        "azure.networksecuritygroup": ["ingress", "egress"],
    ]

    static let valueKeys = ["type", "key", "value", "op", "value_type", "value_regex", "value_path", "value_from"]

    var supported: [String] {
        ["value", "and", "or", "not"] + (Self.typeFilters[type.name] ?? [])
            + (type.cloud == .aws ? ["marked-for-op"] : [])
    }

    /// A list of filters, all of which must hold. Consecutive `access-key` filters are read as
    /// one, as Custodian merges what they match.
    func filters(_ node: YAMLNode) throws(LoadError) -> [Filter] {
        var out: [Filter] = []
        var keyFilters: [(YAMLNode, YAMLMapping)] = []
        func flushKeys() throws(LoadError) {
            guard !keyFilters.isEmpty else { return }
            out.append(try accessKey(keyFilters))
            keyFilters = []
        }
        for item in try node.list() {
            if item.isMapping, item.mappingKeys.contains("type"),
                let m = try? item.mapping(allowing: item.mappingKeys), (try? m["type"]?.string()) == "access-key"
            {
                keyFilters.append((item, m))
                continue
            }
            try flushKeys()
            out.append(try filter(item))
        }
        try flushKeys()
        return out
    }

    func filter(_ node: YAMLNode) throws(LoadError) -> Filter {
        if !node.isMapping {
            // A bare name stands for a type filter with no options.
            guard let name = try? node.string() else {
                throw node.error("expected a filter (a mapping, or the name of a type filter), found \(node.kindName)")
            }
            return try typeFilter(name, node: node, options: YAMLMapping(owner: node, entries: []))
        }
        let keys = node.mappingKeys
        if keys.count == 1, let combinator = ["and", "or", "not"].first(where: { keys.contains($0) }) {
            let m = try node.mapping(allowing: [combinator])
            let inner = try filters(try m.required(combinator))
            switch combinator {
            case "and": return .and(inner)
            case "or": return .or(inner)
            default: return .not(inner)
            }
        }
        if keys.contains("type") {
            let m = try node.mapping(allowing: keys)
            let typeNode = try m.required("type")
            let name = try typeNode.string()
            if name == "value" { return try valueFilter(node) }
            return try typeFilter(name, node: typeNode, options: m)
        }
        guard keys.count == 1, let key = keys.first else {
            throw node.error(
                "a Custodian filter needs a 'type', or is a single KEY: VALUE pair (found \(keys.count) keys without a type)"
            )
        }
        // `{"tag:env": prod}`: the value filter's short form, compared with ==.
        let m = try node.mapping(allowing: keys)
        let valueNode = try m.required(key)
        let check = try make(key: key, keyNode: node, op: nil, value: try valueNode.value(), valueType: nil, at: node)
        return .check(CustodianValueCheck(check, written: [key: try valueNode.value()], resourceType: type.name))
    }

    func valueFilter(_ node: YAMLNode) throws(LoadError) -> Filter {
        let m = try mapping(node, allowing: Self.valueKeys, filter: "value")
        return .check(
            CustodianValueCheck(try valueFilter(m, node: node), written: try node.value(), resourceType: type.name))
    }

    /// The mapping of a filter, its keys checked: Custodian's own keys that remsim does not read
    /// are named as such.
    func mapping(_ node: YAMLNode, allowing allowed: [String], filter: String) throws(LoadError) -> YAMLMapping {
        let notRead: [String: String] = [
            "tag_key_transforms": "write the tag key as the resource has it",
            "default": "give the resource the value in its fixture",
        ]
        let m = try node.mapping(allowing: node.mappingKeys)
        for (key, at) in m.entries where !allowed.contains(key) {
            if let advice = notRead[key] {
                throw at.error("remsim does not read '\(key)' in a '\(filter)' filter: \(advice)")
            }
        }
        return try node.mapping(allowing: allowed)
    }

    /// A value filter from its keys (`key`, `op`, `value`, `value_type`, …).
    func valueFilter(_ m: YAMLMapping, node: YAMLNode, key fixedKey: String? = nil, datetimes: Bool? = nil)
        throws(LoadError) -> CustodianValueFilter
    {
        let op = try m["op"].map { n throws(LoadError) in
            try n.oneOf(CustodianValueFilter.Op.self, CustodianValueFilter.Op.allCases)
        }
        let valueType = try m["value_type"].map { n throws(LoadError) -> CustodianValueFilter.ValueType in
            let text = try n.string()
            switch text {
            case "resource_count":
                throw n.error(
                    "remsim does not read 'value_type: \(text)' (it reads: "
                        + CustodianValueFilter.ValueType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            default: return try n.oneOf(CustodianValueFilter.ValueType.self, CustodianValueFilter.ValueType.allCases)
            }
        }
        let keyText: String
        let keyNode: YAMLNode
        if let fixedKey {
            keyText = fixedKey
            keyNode = node
        } else {
            keyNode = try m.required("key")
            keyText = try keyNode.string()
        }
        if m["value"] == nil, m["value_path"] == nil, m["value_from"] == nil {
            throw node.error("a value filter needs a 'value' (or 'value_from', 'value_path')")
        }
        var value = try m["value"]?.value() ?? .null
        var valueIsSet = false
        if let from = m["value_from"] {
            let read = try CustodianValuesFrom.read(from)
            value = read.value
            valueIsSet = read.isSet
        }
        if valueType == .swap, op == .regex || op == .regexCase {
            throw (m["op"] ?? node).error("remsim does not read a regex compared with 'value_type: swap'")
        }
        let valuePath = try m["value_path"].map { n throws(LoadError) -> JMESPath in
            let text = try n.string()
            do {
                return try JMESPath(parsing: text)
            } catch {
                throw n.error("\(YAMLNode.quoted(text)) is not a JMESPath expression: \(error)")
            }
        }
        let regex = try m["value_regex"]?.string()
        return try make(
            key: keyText, keyNode: keyNode, op: op, value: value, valueType: valueType, valueRegex: regex,
            valuePath: valuePath, valueIsSet: valueIsSet, datetimes: datetimes,
            at: m["value"] ?? m["value_from"] ?? m["op"] ?? node)
    }

    func make(
        key: String, keyNode: YAMLNode, op: CustodianValueFilter.Op?, value: Value,
        valueType: CustodianValueFilter.ValueType?, valueRegex: String? = nil, valuePath: JMESPath? = nil,
        valueIsSet: Bool = false, datetimes: Bool? = nil, at node: YAMLNode
    ) throws(LoadError) -> CustodianValueFilter {
        let parsedKey: CustodianValueFilter.Key
        do {
            parsedKey = try CustodianValueFilter.key(key)
        } catch {
            throw keyNode.error(error.message)
        }
        do {
            return try CustodianValueFilter(
                key: parsedKey, op: op, value: value, valueType: valueType, valueRegex: valueRegex,
                valuePath: valuePath, datetimes: datetimes ?? (type.cloud == .aws), valueIsSet: valueIsSet)
        } catch {
            throw node.error(error.message)
        }
    }

    // MARK: - Type filters

    func typeFilter(_ name: String, node: YAMLNode, options m: YAMLMapping) throws(LoadError) -> Filter {
        guard supported.contains(name), !["value", "and", "or", "not"].contains(name) else {
            throw node.error(
                "remsim does not read Custodian's '\(name)' filter on \(type.name) (it reads here: "
                    + supported.joined(separator: ", ") + ")")
        }
        switch name {
        case "ingress", "egress":
            if type.cloud == .azure { return .check(try networkSecurityGroupPorts(name, m)) }
            return .check(try securityGroupPermission(name, m))
        case "check-public-block": return .check(try publicBlock(m))
        case "bucket-encryption": return .check(try bucketEncryption(m))
        case "global-grants": return .check(try globalGrants(m))
        case "key-rotation-status":
            let options = try mapping(m.owner, allowing: Self.valueKeys, filter: name)
            return .check(
                KeyRotationStatusCheck(filter: try valueFilter(options, node: m.owner), written: try m.owner.value()))
        case "flow-logs": return .check(try flowLogs(m))
        case "credential": return .check(try credential(m))
        case "has-statement": return .check(try hasStatement(m))
        case "missing-policy-statement", "missing-statement":
            try m.checkCustodianKeys(["statement_ids"], in: "a '\(name)' filter")
            return .check(
                MissingPolicyStatementCheck(
                    statementIds: try m["statement_ids"]?.strings() ?? [], written: try m.owner.value()))
        case "mfa-device":
            // Custodian sets the key to MFADevices whatever the policy gives.
            let options = try mapping(m.owner, allowing: Self.valueKeys, filter: name)
            return .check(
                MFADeviceCheck(
                    filter: try valueFilter(options, node: m.owner, key: "MFADevices"), written: try m.owner.value()))
        case "marked-for-op": return .check(try markedForOp(m))
        default: return try accessKey([(node, m)])
        }
    }

    /// `marked-for-op`: `op` (default stop), `tag`, `skew` days, `skew_hours`, `tz` (UTC only).
    func markedForOp(_ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        try m.checkCustodianKeys(["op", "tag", "skew", "skew_hours", "tz"], in: "a 'marked-for-op' filter")
        try m.checkUTC()
        let skew = try m.nonNegative("skew") * 86_400_000 + m.nonNegative("skew_hours") * 3_600_000
        return MarkedForOpCheck(
            tag: try m["tag"]?.string() ?? "maid_status", op: try m["op"]?.string() ?? "stop",
            skew: try m.span(skew, of: "'skew' and 'skew_hours'"),
            written: m.owner.isMapping ? try m.owner.value() : "marked-for-op",
            resourceType: type.name)
    }

    /// `credential`: a value filter over the user's row of the credential report, or over its
    /// access keys for `access_keys.FIELD`. `report_generate`, `report_delay` and
    /// `report_max_age` say how Custodian fetches the report and change nothing here.
    func credential(_ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        let options = try mapping(
            m.owner, allowing: Self.valueKeys + ["report_generate", "report_delay", "report_max_age"],
            filter: "credential")
        let keyNode = try options.required("key")
        let key = try keyNode.string()
        if let why = CredentialReport.unmodelled[key] {
            throw keyNode.error(
                "remsim does not read the credential report's '\(key)' (\(why)); it reads: "
                    + CredentialReport.keys.joined(separator: ", "))
        }
        guard CredentialReport.keys.contains(key) else {
            throw keyNode.error(
                "'\(key)' is not a column of the credential report (Custodian's keys: "
                    + CredentialReport.keys.joined(separator: ", ") + ")")
        }
        let overKeys = key.hasPrefix("access_keys.")
        let field = overKeys ? String(key.dropFirst("access_keys.".count)) : key
        // The report is text: its dates are not datetimes to the value filter.
        return CredentialReportCheck(
            filter: try valueFilter(options, node: m.owner, key: field, datetimes: false), overKeys: overKeys,
            written: try m.owner.value())
    }

    /// `has-statement`: `statement_ids`, and `statements` as Custodian's schema gives them (each
    /// with an `Effect`; `PartialMatch` naming elements of the statement).
    func hasStatement(_ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        try m.checkCustodianKeys(["statement_ids", "statements"], in: "a 'has-statement' filter")
        var statements: [Value] = []
        for item in try m["statements"]?.list() ?? [] {
            let s = try item.mapping(allowing: item.mappingKeys)
            _ = try s.required("Effect").oneOf(["Allow", "Deny"])
            if let partial = s["PartialMatch"] {
                let names: [String]
                if let list = try? partial.strings() { names = list } else { names = [try partial.string()] }
                for name in names where !StatementMatch.partialElements.contains(name) {
                    throw partial.error(
                        "'PartialMatch' names one of " + StatementMatch.partialElements.joined(separator: ", "))
                }
            }
            let value = try item.value()
            // Custodian formats every string of the statement with Python's str.format.
            func check(_ v: Value) throws(LoadError) {
                switch v {
                case .string(let text):
                    if BucketPolicy.format(
                        text, ["account_id": "", "region": "", "bucket_name": "", "bucket_region": ""])
                        == nil
                    {
                        throw item.error(
                            "Custodian cannot format \(YAMLNode.quoted(text)) (a lone brace, or more than a name in "
                                + "{account_id}, {region}, {bucket_name} or {bucket_region}): write '{{' for a brace")
                    }
                case .array(let items): for i in items { try check(i) }
                case .object(let f): for e in f.entries { try check(e.value) }
                default: break
                }
            }
            try check(value)
            statements.append(value)
        }
        return HasStatementCheck(
            statementIds: try m["statement_ids"]?.strings() ?? [], statements: statements,
            written: try m.owner.value())
    }

    func bucketEncryption(_ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        if let key = m["key"] {
            throw key.error("remsim does not read 'key' in 'bucket-encryption' (it needs KMS aliases resolved)")
        }
        try m.checkCustodianKeys(["state", "crypto", "bucket_key_enabled"], in: "a 'bucket-encryption' filter")
        let crypto = try m["crypto"].map { n throws(LoadError) -> String in
            let c = try n.string()
            guard c == "AES256" || c == "aws:kms" else { throw n.error("'crypto' is AES256 or aws:kms") }
            return c
        }
        return BucketEncryptionCheck(
            state: try m["state"]?.bool() ?? true, crypto: crypto,
            bucketKeyEnabled: try m["bucket_key_enabled"]?.bool(),
            written: try m.owner.value())
    }

    /// `global-grants` (`allow_website`, `permissions`; `operator`, which Custodian accepts and
    /// never reads, likewise has no effect).
    func globalGrants(_ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        try m.checkCustodianKeys(["allow_website", "operator", "permissions"], in: "a 'global-grants' filter")
        if let op = m["operator"], !["or", "and"].contains(try op.string()) {
            throw op.error("'operator' is 'or' or 'and'")
        }
        var permissions: [String] = []
        if let list = m["permissions"] {
            for item in try list.list() {
                let p = try item.string()
                guard GlobalGrantees.permissions.contains(p) else {
                    throw item.error("a permission is one of " + GlobalGrantees.permissions.joined(separator: ", "))
                }
                permissions.append(p)
            }
        }
        return GlobalGrantsCheck(
            allowWebsite: try m["allow_website"]?.bool() ?? true, permissions: permissions,
            written: try m.owner.isMapping ? m.owner.value() : ["type": "global-grants"])
    }

    /// `flow-logs`, in its legacy form (`enabled`, `status`, `traffic-type`, …, `op`, `set-op`)
    /// or its list-item form (`attrs`, `count`, `count_op`).
    func flowLogs(_ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        let legacy: [(key: String, attribute: String, values: [String: String]?)] = [
            ("status", "FlowLogStatus", ["active": "ACTIVE"]),
            ("deliver-status", "DeliverLogsStatus", ["success": "SUCCESS", "failure": "FAILED"]),
            ("destination", "LogDestination", nil), ("destination-type", "LogDestinationType", nil),
            ("traffic-type", "TrafficType", ["all": "ALL", "reject": "REJECT", "accept": "ACCEPT"]),
            ("log-format", "LogFormat", nil), ("log-group", "LogGroupName", nil),
        ]
        try m.checkCustodianKeys(
            ["enabled", "op", "set-op", "attrs", "count", "count_op"] + legacy.map(\.key), in: "a 'flow-logs' filter")
        func attribute(_ key: String, _ value: Value, op: CustodianValueFilter.Op?, at n: YAMLNode) throws(LoadError)
            -> CustodianValueFilter
        {
            try make(key: key, keyNode: n, op: op, value: value, valueType: nil, at: n)
        }
        var attributes: [CustodianValueFilter] = []
        let count: (op: CustodianValueFilter.Op, value: Value)?
        var countAll = false
        if let attrs = m["attrs"] {
            if let legacyKey = legacy.first(where: { m[$0.key] != nil }) {
                throw m[legacyKey.key]!.error("a 'flow-logs' filter takes 'attrs' or the legacy keys, not both")
            }
            for item in try attrs.list() {
                guard case .check(let check) = try filter(item), let value = check as? CustodianValueCheck else {
                    throw item.error("remsim reads value filters in 'attrs'")
                }
                attributes.append(value.filter)
            }
            if let c = m["count"] {
                let op = try m["count_op"]?.oneOf(CustodianValueFilter.Op.self, CustodianValueFilter.Op.allCases) ?? .eq
                count = (op, try c.value())
            } else {
                count = nil
            }
        } else {
            let notEqual =
                try m["op"].map { n throws(LoadError) -> Bool in
                    let op = try n.string()
                    guard op == "equal" || op == "not-equal" else { throw n.error("'op' is equal or not-equal") }
                    return op == "not-equal"
                } ?? false
            for entry in legacy {
                guard let n = m[entry.key] else { continue }
                var value = try n.value()
                if let values = entry.values {
                    guard let mapped = value.stringValue.flatMap({ values[$0] }) else {
                        throw n.error("'\(entry.key)' is one of \(values.keys.sorted().joined(separator: ", "))")
                    }
                    value = .string(mapped)
                }
                attributes.append(try attribute(entry.attribute, value, op: notEqual ? .notEqual : nil, at: n))
            }
            let enabled = try m["enabled"]?.bool() ?? false
            count = enabled ? (.gte, 1) : (.eq, 0)
            if let setOp = m["set-op"] {
                let t = try setOp.string()
                guard t == "or" || t == "and" else { throw setOp.error("'set-op' is or or and") }
                countAll = t == "and"
            }
        }
        return ListItemCheck(
            listKey: "FlowLogs", attributes: attributes, count: count, countAll: countAll, written: try m.owner.value(),
            resourceType: type.name)
    }

    func securityGroupPermission(_ name: String, _ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        let permissionAttributes = [
            "FromPort", "IpProtocol", "IpRanges", "PrefixListIds", "ToPort", "UserIdGroupPairs",
        ]
        let allowed =
            ["type", "match-operator", "Ports", "OnlyPorts", "Cidr", "CidrV6", "SelfReference", "Description"]
            + permissionAttributes
        if let references = m["SGReferences"] {
            throw references.error(
                "remsim does not read 'SGReferences' (it compares other groups' values); filter on 'UserIdGroupPairs' instead"
            )
        }
        try m.checkCustodianKeys(allowed, in: "an '\(name)' filter")
        /// A criterion given as a value, or as a value filter's mapping (its key set to `key`).
        func criterion(_ field: String, key: String) throws(LoadError) -> CustodianValueFilter? {
            guard let n = m[field] else { return nil }
            if n.isMapping {
                let inner = try mapping(n, allowing: Self.valueKeys.filter { $0 != "key" }, filter: field)
                // Custodian's schema takes a permission attribute's mapping only as a value filter.
                if permissionAttributes.contains(field), (try? inner["type"]?.string()) != "value" {
                    throw n.error(
                        "'\(field)' takes a value, or a value filter with 'type: value' (as Custodian's schema says)")
                }
                if let t = inner["type"], try t.string() != "value" { throw t.error("only 'type: value' goes here") }
                return try valueFilter(inner, node: n, key: key)
            }
            return try make(key: key, keyNode: n, op: nil, value: try n.value(), valueType: nil, at: n)
        }
        func ports(_ field: String) throws(LoadError) -> [Int] {
            guard let n = m[field] else { return [] }
            var out: [Int] = []
            for p in try n.list() { out.append(try p.int()) }
            return out
        }
        var attributes: [CustodianValueFilter] = []
        for a in permissionAttributes {
            if let f = try criterion(a, key: a) { attributes.append(f) }
        }
        let matchOperator = try m["match-operator"].map { n throws(LoadError) in
            let t = try n.string()
            guard t == "and" || t == "or" else { throw n.error("'match-operator' is 'and' or 'or'") }
            return t
        }
        if let d = m["Description"], !d.isMapping {
            throw d.error("'Description' takes a value filter's mapping (value, op, …)")
        }
        return SecurityGroupPermissionCheck(
            egress: name == "egress", attributes: attributes, ports: try ports("Ports"),
            onlyPorts: try ports("OnlyPorts"), cidr: try criterion("Cidr", key: "CidrIp"),
            cidrV6: try criterion("CidrV6", key: "CidrIpv6"),
            description: try criterion("Description", key: "Description"),
            selfReference: try m["SelfReference"]?.bool(), matchAny: matchOperator == "or",
            written: try m.owner.isMapping ? m.owner.value() : ["type": .string(name)])
    }

    /// `ingress`/`egress` on an Azure network security group: `access` (required), `ports`,
    /// `exceptPorts`, `match`, `ipProtocol`, `source`, `destination`, `Cidr`.
    func networkSecurityGroupPorts(_ name: String, _ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        try m.checkCustodianKeys(
            ["access", "ports", "exceptPorts", "match", "ipProtocol", "source", "destination", "Cidr"],
            in: "an '\(name)' filter on azure.networksecuritygroup")
        let access = try m.required("access").oneOf(["Allow", "Deny"])
        let match = try m["match"]?.oneOf(["all", "any"]) ?? "all"
        let ipProtocol = try m["ipProtocol"]?.oneOf(["ICMP", "TCP", "UDP", "*"]) ?? "*"
        var cidr: (type: String, filter: CustodianValueFilter)?
        if let c = m["Cidr"] {
            // Custodian reads `Cidr` as a value filter on the rule's address prefix of `ipType`.
            guard c.isMapping else {
                throw c.error("'Cidr' is a value filter's mapping with 'ipType' (source or destination)")
            }
            let options = try mapping(
                c, allowing: ["ipType", "value", "op", "value_type", "value_regex", "value_from"], filter: "Cidr")
            let ipType = try options.required("ipType").string()
            guard ["source", "destination"].contains(ipType.lowercased()) else {
                throw options["ipType"]!.error("'ipType' is source or destination")
            }
            cidr = (ipType, try valueFilter(options, node: c, key: "CidrIp"))
        }
        let ports: PortSet?
        if m["ports"] != nil || cidr == nil {
            ports = NetworkSecurityGroupPorts.ports(
                try portRanges(m["ports"]) ?? [0...65_535], except: try portRanges(m["exceptPorts"]) ?? [])
        } else {
            ports = nil
        }
        return NetworkSecurityGroupPortsCheck(
            egress: name == "egress", access: access, ports: ports, matchAll: match == "all", ipProtocol: ipProtocol,
            source: try m["source"]?.string(), destination: try m["destination"]?.string(), cidr: cidr,
            written: try m.owner.value())
    }

    /// A `ports` or `exceptPorts` text (`22,80-90`), checked as Custodian checks it.
    func portRanges(_ node: YAMLNode?) throws(LoadError) -> [ClosedRange<Int>]? {
        guard let node else { return nil }
        if (try? node.int()) != nil {
            throw node.error("Custodian's schema takes ports as a string: write it in quotes ('22')")
        }
        guard let ranges = NetworkSecurityGroupPorts.parse(try node.string()) else {
            throw node.error("expected ports and ranges separated by commas (22,80-90), each within 0-65535")
        }
        return ranges
    }

    func publicBlock(_ m: YAMLMapping) throws(LoadError) -> ResourceCheck {
        let keys = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
        try m.checkCustodianKeys(keys, in: "a 'check-public-block' filter")
        var wanted: [(String, Bool)] = []
        for key in keys {
            if let n = m[key] { wanted.append((key, try n.bool())) }
        }
        return PublicAccessBlockCheck(
            wanted: wanted, written: try m.owner.isMapping ? m.owner.value() : ["type": "check-public-block"])
    }

    /// One or more consecutive `access-key` filters: value filters over the user's keys.
    func accessKey(_ items: [(YAMLNode, YAMLMapping)]) throws(LoadError) -> Filter {
        var filters: [CustodianValueFilter] = []
        var everyOnOne = false
        var written: [Value] = []
        for (index, (node, m)) in items.enumerated() {
            let options = try mapping(node, allowing: Self.valueKeys + ["match-operator"], filter: "access-key")
            if let op = options["match-operator"] {
                let t = try op.string()
                guard t == "and" || t == "or" else { throw op.error("'match-operator' is 'and' or 'or'") }
                if t == "and", index > 0 { everyOnOne = true }
            }
            if m.keys.contains("key") || m.keys.contains("value") {
                filters.append(try valueFilter(options, node: node))
            }
            written.append(try node.value())
        }
        return .check(
            ElementListCheck(
                listKey: "AccessKeys", name: "c7n:matched-keys", filters: filters, everyFilterOnOneElement: everyOnOne,
                inherited: ["UserName"], written: .array(written), resourceType: type.name))
    }
}
