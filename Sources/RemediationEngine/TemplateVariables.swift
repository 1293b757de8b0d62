import CloudModel
import CloudOperations
import Foundation
import Policies

/// The values `${…}` stands for in a step's parameters, Prisma Cloud's variable names included.
package struct TemplateVariables {
    /// Every name a template may use; `item.Field` and `matched` forms are checked separately.
    static let names: Set<String> = [
        "resourceId", "resourceName", "region", "account", "arn", "matched", "item",
        "protocol", "fromPort", "toPort", "cidr", "ipV4/6",
        // Prisma Cloud's Azure and GCP variables: they have no value for AWS resources.
        "resourceGroup", "azureScope", "gcpZoneId", "ruleName",
    ]

    /// The names for messages, in the order a person reads them.
    package static let documentedNames =
        "resourceId, resourceName, region, account, arn, matched, matched.NAME, item, item.FIELD, param.NAME, property.PATH, "
        + "property.PATH|DEFAULT, kmsKeyArn:KEY, protocol, fromPort, toPort, cidr, ipV4/6, resourceGroup, azureScope, gcpZoneId, "
        + "ruleName"

    let resource: Resource
    let finding: Finding
    /// When the plan is made: `${time:+4d:%Y/%m/%d}` is that time moved on and formatted.
    var now = Timestamp(milliseconds: 0)
    /// The inventory, for the variables that name another resource (`${kmsKeyArn:alias/data}`);
    /// without it (a plan shown as an example) such a variable stands for the reference as written.
    var view: (any InventoryView)?
    /// The values of the remediation's parameters (`${param.NAME}`), as the alert rule or scenario
    /// set them over the defaults; nil (a plan shown as an example) leaves them as written.
    var parameters: [String: Value]?

    /// Checks a template without a resource, for `remsim validate` and policy loading.
    static func unknownNames(in value: Value) -> [String] {
        var unknown: [String] = []
        visitStrings(value) { text in
            for name in references(in: text) {
                let head = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
                if head == "property" || head == "matched" || head == "param", name.contains(".") { continue }
                if name.hasPrefix("time:") || name.hasPrefix("kmsKeyArn:") { continue }
                if !names.contains(head) || (name.contains(".") && head != "item") { unknown.append(name) }
            }
        }
        return unknown
    }

    func substitute(_ value: Value, item: Value?, step: Int) throws(PlanError) -> Value {
        switch value {
        case .string(let text):
            return try substitute(text, item: item, step: step)
        case .array(let items):
            var out: [Value] = []
            for element in items { out.append(try substitute(element, item: item, step: step)) }
            return .array(out)
        case .object(let fields):
            // A key may hold a variable too: Prisma's `"Ip${ipV4/6}Ranges"`.
            var out = Fields()
            for entry in fields.entries {
                var key = entry.key
                if key.contains("${") {
                    let filled = try substitute(key, item: item, step: step)
                    key = filled.stringValue ?? filled.jsonText
                }
                out[key] = try substitute(entry.value, item: item, step: step)
            }
            return .object(out)
        default:
            return value
        }
    }

    private func substitute(_ text: String, item: Value?, step: Int) throws(PlanError) -> Value {
        let refs = Self.references(in: text)
        guard !refs.isEmpty else { return .string(text) }
        if refs.count == 1, text == "${\(refs[0])}" { return try lookup(refs[0], item: item, step: step) }
        var out = text
        for name in refs {
            let v = try lookup(name, item: item, step: step)
            let piece: String =
                switch v {
                case .string(let s): s
                case .int(let i): String(i)
                case .double(let d): String(d)
                case .bool(let b): String(b)
                default: v.jsonText
                }
            out = out.replacingOccurrences(of: "${\(name)}", with: piece)
        }
        return .string(out)
    }

    private func lookup(_ name: String, item: Value?, step: Int) throws(PlanError) -> Value {
        let firstMatch = finding.primaryMatch.first
        let result: Value?
        switch name {
        case "resourceId": result = .string(resource.id)
        case "resourceName": result = .string(resource.name)
        case "region": result = .string(resource.region)
        case "account": result = .string(resource.account)
        // The ARN the Resource Groups Tagging API names the resource by.
        case "arn": result = AWSResourceARN.of(resource).map(Value.string)
        case "matched": result = finding.primaryMatch.isEmpty ? nil : .array(finding.primaryMatch)
        case "item": result = item
        case "protocol": result = firstMatch?["IpProtocol"]
        case "fromPort": result = firstMatch?["FromPort"]
        case "toPort": result = firstMatch?["ToPort"]
        case "cidr": result = Self.cidr(of: firstMatch)
        // Prisma's family infix: `Ip${ipV4/6}Ranges` is `IpRanges` or `Ipv6Ranges` as the matched
        // range is IPv4 or IPv6.
        case "ipV4/6": result = Self.cidr(of: firstMatch).map { $0.stringValue?.contains(":") == true ? "v6" : "" }
        case "resourceGroup": result = resource.azureResourceGroup.map(Value.string)
        // The resource's ARM id: the scope `az` takes with `--scope` or `--ids`.
        case "azureScope": result = resource.cloud == .azure ? .string(resource.id) : nil
        // The zone, or the region of a regional resource.
        case "gcpZoneId": result = resource.cloud == .gcp ? .string(resource.region) : nil
        // The rule a finding is about: the matched NSG security rule, or the GCP firewall rule itself.
        case "ruleName":
            result = firstMatch?["name"] ?? (resource.type == "gcp.firewall" ? .string(resource.name) : nil)
        default:
            if name.hasPrefix("kmsKeyArn:") {
                let reference = String(name.dropFirst(10))
                guard let view else {
                    result = .string(reference)
                    break
                }
                guard
                    let key = KMSKeyReference.resolve(
                        reference, account: resource.account, region: resource.region, in: view)
                else {
                    throw .unresolved(
                        "no KMS key '\(reference)' in \(resource.account) \(resource.region) (by key id, key ARN, alias "
                            + "name or alias ARN)", step: step)
                }
                result = .string(KMSKeyReference.arn(of: key))
            } else if name.hasPrefix("time:") {
                // `time:+DURATION:FORMAT`, the format in strftime's %Y %m %d %H %M %Z, in UTC.
                guard let formatted = StepTemplate.time(name, now: now) else {
                    throw .unknownVariable(name: name, step: step)
                }
                result = .string(formatted)
            } else if name.hasPrefix("param.") {
                let parameter = String(name.dropFirst(6))
                guard let parameters else {
                    result = .string("${\(name)}")
                    break
                }
                guard let value = parameters[parameter] else {
                    throw .unresolved(
                        "the remediation's parameter '\(parameter)' is not set (set it in the scenario's or the alert "
                            + "rule's parameters)", step: step)
                }
                // A value may use the resource's variables (`acme-logs-${account}-${region}`), not parameters.
                if case .string(let text) = value, !text.contains("${param.") {
                    result = try substitute(text, item: item, step: step)
                } else {
                    result = value
                }
            } else if name.hasPrefix("matched.") {
                let elements = finding.elements(named: String(name.dropFirst(8)))
                result = elements.isEmpty ? nil : .array(elements)
            } else if name.hasPrefix("property.") {
                // `property.PATH|DEFAULT`: the resource's property, or the JSON default when it has none.
                let body = name.dropFirst(9)
                let parts = body.split(separator: "|", maxSplits: 1)
                let path = try? ValuePath(parsing: String(parts.first ?? ""))
                let found = path.flatMap { $0.resolve(in: resource.properties) }
                if let found, !found.isNull {
                    result = found
                } else if parts.count == 2 {
                    result = try? Value(json: String(parts[1]))
                } else {
                    result = nil
                }
            } else if name.hasPrefix("item."), let item {
                let path = try? ValuePath(parsing: String(name.dropFirst(5)))
                result = path.flatMap { $0.resolve(in: item) }
            } else if name.hasPrefix("item.") {
                result = nil
            } else {
                throw .unknownVariable(name: name, step: step)
            }
        }
        guard let result, !result.isNull else { throw .missingValue(name: name, step: step) }
        return result
    }

    /// The permissions the variables in `parameters` need beyond the step's own operation:
    /// `${kmsKeyArn:…}` looks the key up with `kms:DescribeKey`.
    package static func lookupPermissions(in parameters: Value) -> [String] {
        var needsKey = false
        visitStrings(parameters) { text in
            if references(in: text).contains(where: { $0.hasPrefix("kmsKeyArn:") }) { needsKey = true }
        }
        return needsKey ? ["kms:DescribeKey"] : []
    }

    /// The parameters `${param.NAME}` names in a step's parameters.
    package static func parameterNames(in value: Value) -> [String] {
        var names: [String] = []
        visitStrings(value) { text in
            for name in references(in: text) where name.hasPrefix("param.") {
                names.append(String(name.dropFirst(6)))
            }
        }
        return names
    }

    /// Letters, digits and `-`, starting with a letter: what `${param.NAME}` can name.
    package static func isParameterName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    static func references(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            names.append(String(rest[start.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return names
    }

    private static func visitStrings(_ value: Value, _ body: (String) -> Void) {
        switch value {
        case .string(let s): body(s)
        case .array(let items): for item in items { visitStrings(item, body) }
        case .object(let fields):
            for entry in fields.entries {
                if entry.key.contains("${") { body(entry.key) }
                visitStrings(entry.value, body)
            }
        default: break
        }
    }

    /// The first range of a matched rule: its IPv4 range, or else its IPv6 one.
    static func cidr(of rule: Value?) -> Value? {
        guard let rule else { return nil }
        return ValuePath.cidrPath.resolve(in: rule)?.arrayValue?.first
            ?? ValuePath.cidrV6Path.resolve(in: rule)?.arrayValue?.first
    }
}

extension ValuePath {
    static let cidrPath = ValuePath(
        components: [.key("IpRanges"), .each, .key("CidrIp")], description: "IpRanges[].CidrIp")
    static let cidrV6Path = ValuePath(
        components: [.key("Ipv6Ranges"), .each, .key("CidrIpv6")], description: "Ipv6Ranges[].CidrIpv6")
}

extension Policy {
    /// Variables in the remediation steps that no resource could fill (`${resorceId}`), for
    /// load-time checks.
    package var unknownTemplateVariables: [String] {
        (remediation?.steps ?? []).flatMap { TemplateVariables.unknownNames(in: $0.parameters) }
    }
}
