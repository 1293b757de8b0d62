import CloudModel
import Foundation
import Policies

/// Reads Cloud Custodian policy files as they are: a `policies:` list of `name`, `resource`,
/// `filters`, `actions`, `mode`, `description` and `metadata`, each becoming the same `Policy`
/// remsim's own format makes, with Custodian's meaning (`CustodianValueFilter`, the type filter
/// checks) and its actions as calls of the operation catalog (`CustodianActionReader`).
///
/// What remsim cannot express is refused where it is written, naming the filter, action or key
/// and what is supported instead: never read with another meaning.
enum CustodianPolicyReader {
    static let policyKeys = [
        "name", "resource", "description", "comment", "comments", "metadata", "tags", "filters", "actions", "mode",
        "title",
    ]
    /// Keys of a Custodian policy that remsim has no counterpart for, with what to do instead.
    static let unsupportedKeys: [String: String] = [
        "conditions": "remsim runs every policy of a scenario; scope it with an alert rule",
        "query": "give the resources as fixtures",
        "source": "remsim reads the resources from its fixtures",
        "region": "scope it with an alert rule's 'regions'",
        "max-resources": "use an alert rule's 'max-changes'",
        "max-resources-percent": "use an alert rule's 'max-changes'",
    ]

    /// A `policies:` file is Custodian's when its policies name themselves with `name` (remsim's
    /// own carry an `id`), or when it has no `version`.
    static func isCustodian(_ root: YAMLNode) -> Bool {
        let keys = root.mappingKeys
        guard keys.contains("policies") else { return false }
        guard let items = try? root.mapping(allowing: keys)["policies"]?.list() else {
            return !keys.contains("version")
        }
        if let first = items.first(where: \.isMapping) {
            return first.mappingKeys.contains("name") && !first.mappingKeys.contains("id")
        }
        return !keys.contains("version")
    }

    static func policies(in root: YAMLNode, source: String, problems: inout ProblemList) -> [Policy] {
        var unknownKeys: [LoadError] = []
        guard
            let doc = problems.attempt({ () throws(LoadError) in
                try root.mapping(allowing: ["policies", "vars"], unknownKeys: &unknownKeys)
            })
        else { return [] }
        problems.record(unknownKeys)
        let items = problems.attempt { () throws(LoadError) in try doc.required("policies").list() } ?? []
        return items.compactMap { policy($0, source: source, problems: &problems) }
    }

    static func policy(_ node: YAMLNode, source: String, problems: inout ProblemList) -> Policy? {
        let before = problems.count
        if node.isMapping {
            for key in node.mappingKeys {
                guard let advice = unsupportedKeys[key], let at = try? node.mapping(allowing: node.mappingKeys)[key]
                else { continue }
                problems.record([at.error("remsim does not read Custodian's '\(key)': \(advice)")])
            }
        }
        var unknownKeys: [LoadError] = []
        guard
            let m = problems.attempt({ () throws(LoadError) in
                try node.mapping(allowing: policyKeys + unsupportedKeys.keys.sorted(), unknownKeys: &unknownKeys)
            })
        else { return nil }
        problems.record(unknownKeys)
        let name = problems.attempt { () throws(LoadError) in
            try PolicyLoader.policyId(try m.required("name"), called: "name")
        }
        let type = problems.attempt { () throws(LoadError) in try resourceType(try m.required("resource")) }
        let metadata = problems.attempt { () throws(LoadError) in try m["metadata"]?.value() ?? .emptyObject }
        let description = problems.attempt { () throws(LoadError) in
            try (m["description"] ?? m["comment"] ?? m["comments"])?.string() ?? ""
        }
        let detection = problems.attempt { () throws(LoadError) in try m["mode"].map(mode) }
        var filters: [Filter]?
        var remediation: Remediation??
        var selections: [ResourceCheck] = []
        var notifications: [PolicyNotification] = []
        if let type {
            let reader = CustodianFilterReader(type: type)
            filters = problems.attempt { () throws(LoadError) in try m["filters"].map(reader.filters) ?? [] }
            remediation = problems.attempt { () throws(LoadError) -> Remediation? in
                guard let actions = m["actions"] else { return nil }
                let read = try CustodianActionReader(type: type, filters: filters ?? []).actions(actions)
                selections = read.selections
                notifications = read.notifications
                return read.steps.isEmpty
                    ? nil : Remediation(steps: read.steps, description: "Cloud Custodian actions of '\(name ?? "")'")
            }
        }
        guard problems.count == before, let name, let type, let filters, let remediation, let metadata, let description,
            let detection
        else { return nil }
        var policy = Policy(
            id: name, title: title(name: name, description: description, m: m), description: description,
            resourceType: type.name, severity: severity(metadata), compliance: compliance(metadata),
            filters: filters, remediation: remediation, source: source)
        policy.detection = detection ?? .poll(every: nil)
        policy.selections = selections
        policy.notifications = notifications
        policy.format = "custodian"
        return policy
    }

    static func title(name: String, description: String, m: YAMLMapping) -> String {
        if let t = try? m["title"]?.string(), !t.isEmpty { return t }
        let firstLine = description.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return firstLine.isEmpty ? name : firstLine
    }

    /// `metadata.severity` when it names one of remsim's severities (any case), else medium.
    static func severity(_ metadata: Value) -> Severity {
        guard let text = metadata["severity"]?.stringValue?.lowercased() else { return .medium }
        return Severity(rawValue: text) ?? (text == "info" ? .informational : .medium)
    }

    /// `metadata.compliance`: a list of control ids, or of texts.
    static func compliance(_ metadata: Value) -> [String] {
        (metadata["compliance"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// `s3`, `aws.s3`, `azure.storage`, `gcp.bucket`: a bare name is an AWS one, as Custodian reads it.
    static func resourceType(_ node: YAMLNode) throws(LoadError) -> ResourceType {
        let text = try node.string()
        let full = text.contains(".") ? text : "aws.\(text)"
        guard let type = ResourceTypeRegistry.type(named: full) else {
            throw node.error(
                "remsim does not model Custodian's resource \(YAMLNode.quoted(text))"
                    + "\(Suggest.didYouMean(full, in: ResourceTypeRegistry.names)) (modelled: "
                    + "\(ResourceTypeRegistry.names.joined(separator: ", ")))")
        }
        return type
    }

    /// Custodian's `mode`: the pull modes poll (at their `schedule` when it is a rate), the event
    /// modes react to each change.
    static func mode(_ node: YAMLNode) throws(LoadError) -> DetectionHint {
        let m = try node.mapping(allowing: node.mappingKeys)
        let typeNode = try m.required("type")
        let type = try typeNode.string()
        switch type {
        case "pull": return .poll(every: nil)
        case "periodic", "config-poll-rule", "azure-periodic", "gcp-periodic", "hub-finding-periodic":
            guard let schedule = m["schedule"] ?? m["schedule-expression"] else { return .poll(every: nil) }
            return .poll(every: try rate(schedule))
        case "cloudtrail", "config-rule", "ec2-instance-state", "guard-duty", "hub-action", "hub-finding",
            "azure-event-grid", "gcp-audit", "asg-instance-state", "phd":
            return .event
        default:
            throw typeNode.error(
                "remsim does not know Custodian's mode \(YAMLNode.quoted(type)) (known: pull, periodic, "
                    + "config-poll-rule, cloudtrail, config-rule, ec2-instance-state, guard-duty, hub-finding, "
                    + "azure-event-grid, gcp-audit)")
        }
    }

    /// `rate(1 hour)`, `rate(15 minutes)`, `rate(2 days)`; a cron schedule is refused.
    static func rate(_ node: YAMLNode) throws(LoadError) -> SimDuration {
        let text = try node.string().trimmingCharacters(in: .whitespaces)
        guard let match = text.wholeMatch(of: /rate\((\d+) +(minute|minutes|hour|hours|day|days)\)/),
            let n = Int(match.1), n > 0
        else {
            throw node.error(
                "remsim reads a schedule written as rate(N minutes|hours|days), found \(YAMLNode.quoted(text))")
        }
        let unit: Int64 =
            switch match.2 {
            case "minute", "minutes": 60_000
            case "hour", "hours": 3_600_000
            default: 86_400_000
            }
        let (milliseconds, overflow) = Int64(n).multipliedReportingOverflow(by: unit)
        guard !overflow, milliseconds <= SimDuration.maximum.milliseconds else {
            throw node.error("the schedule \(YAMLNode.quoted(text)) is longer than \(SimDuration.maximum) (100 years)")
        }
        return SimDuration(milliseconds: milliseconds)
    }
}
