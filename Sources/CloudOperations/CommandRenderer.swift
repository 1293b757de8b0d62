import CloudModel
import Foundation

/// Renders a call as the command a person would type, so every remediation remsim simulates can
/// be read, reviewed and run by hand.
///
/// AWS: `aws [--region R] SERVICE kebab-action --kebab-param VALUE …`, as the AWS CLI maps API
/// names: `s3` calls live under `s3api`; booleans become `--flag` / `--no-flag`; lists of plain
/// values are written space-separated; structures are written as JSON in single quotes.
package enum CommandRenderer {
    /// Services whose API has no region (`aws iam …`).
    static let globalServices: Set<String> = ["iam", "organizations", "sts"]
    /// API service prefix → AWS CLI command name, where they differ.
    static let awsCLIServices: [String: String] = [
        "s3": "s3api", "elasticloadbalancing": "elbv2", "tag": "resourcegroupstaggingapi",
    ]
    /// Booleans whose false form the AWS CLI names on its own (`--egress | --ingress`).
    package static let awsFalseFlags: [String: String] = ["Egress": "--ingress"]
    /// Services whose API parameters are camelCase (`logGroupName`) rather than PascalCase.
    static let camelCaseServices: Set<String> = ["logs"]

    /// The API service of an AWS CLI command name: `s3api` → `s3`, `ec2` → `ec2`.
    package static func apiService(forCLI name: String) -> String {
        awsCLIServices.first { $0.value == name }?.key ?? name
    }

    /// The API name of a kebab-case CLI word: `revoke-security-group-ingress` →
    /// `RevokeSecurityGroupIngress`; for parameters of camelCase services, `log-group-name` →
    /// `logGroupName`. The inverse of `kebab(_:)` for the names the AWS CLI uses.
    package static func apiName(fromKebab word: String, camelCase: Bool = false) -> String {
        let parts = word.split(separator: "-").map(String.init)
        let joined = parts.map { part in
            // The CLI writes Ipv6 as ipv6 and VPCId as vpc-id; the API capitalises only the first letter.
            part.prefix(1).uppercased() + part.dropFirst()
        }.joined()
        guard camelCase, let first = joined.first else { return joined }
        return first.lowercased() + joined.dropFirst()
    }

    /// Whether parameters of `service` are camelCase.
    package static func usesCamelCaseParameters(_ service: String) -> Bool { camelCaseServices.contains(service) }

    package static func render(operation: String, parameters: Value, resource: Resource) -> ShellCommand {
        if resource.cloud == .azure || resource.cloud == .gcp {
            // The first command whose arguments carry every parameter; the loader refuses steps
            // that none can carry, so the fallback shows only for calls made outside a policy.
            for shape in OperationCatalog.spec(named: operation)?.commands ?? [] {
                if let command = shape.render(parameters) { return command }
            }
            return ShellCommand([operation, parameters.jsonText])
        }
        let parts = operation.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return ShellCommand([operation]) }
        return renderAWS(service: parts[0], action: parts[1], parameters: parameters, region: resource.region)
    }

    static func renderAWS(service: String, action: String, parameters: Value, region: String) -> ShellCommand {
        var words = ["aws"]
        if !globalServices.contains(service), region != "global", !region.isEmpty { words += ["--region", region] }
        words += awsWords(service: service, action: action, parameters: parameters)
        return ShellCommand(words)
    }

    /// The AWS CLI's words for a call, after `aws [--region R]` and unquoted, as a program hands
    /// them to the CLI: `ec2 revoke-security-group-ingress --group-id sg-1 --ip-permissions [...]`.
    package static func awsWords(service: String, action: String, parameters: Value) -> [String] {
        var words = [awsCLIServices[service] ?? service, kebab(action)]
        for entry in parameters.objectValue?.entries ?? [] {
            let flag = "--" + kebab(entry.key)
            switch entry.value {
            case .bool(let b):
                words.append(b ? flag : awsFalseFlags[entry.key] ?? "--no-" + kebab(entry.key))
            case .array(let items) where items.allSatisfy(isScalar):
                words.append(flag)
                words += items.map(CLIArgument.word)
            case .array, .object:
                words += [flag, entry.value.jsonText]
            case .null:
                continue
            default:
                words += [flag, CLIArgument.word(entry.value)]
            }
        }
        return words
    }

    /// `RevokeSecurityGroupIngress` → `revoke-security-group-ingress`, `VPCId` → `vpc-id`,
    /// `logGroupName` → `log-group-name`.
    package static func kebab(_ name: String) -> String {
        let chars = Array(name)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c.isUppercase, i > 0 {
                let prev = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if prev.isLowercase || prev.isNumber || (prev.isUppercase && nextIsLower) { out.append("-") }
            }
            out += c.lowercased()
        }
        return out
    }

    static func isScalar(_ value: Value) -> Bool {
        switch value {
        case .array, .object, .null: false
        default: true
        }
    }
}
