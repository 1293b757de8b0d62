import CloudModel
import Foundation
import Loading
import Policies

/// Shared helpers for the test targets.
package enum TestSupport {
    /// The package's root directory (the one holding Package.swift).
    package static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The built `remsim` executable, beside the test bundle or in `.build/debug`.
    package static let remsimBinary: String? = {
        var candidates = [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        return candidates.map { $0.appendingPathComponent("remsim").path }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    /// The python beside REMSIM_CUSTODIAN, the one Cloud Custodian (and its Azure and GCP
    /// providers) is installed for; nil when it is not set.
    package static let custodianPython: String? = {
        guard let custodian = ProcessInfo.processInfo.environment["REMSIM_CUSTODIAN"] else { return nil }
        let python = URL(fileURLWithPath: custodian).deletingLastPathComponent().appendingPathComponent("python").path
        return FileManager.default.isExecutableFile(atPath: python) ? python : nil
    }()

    package static var scenariosDirectory: String { packageRoot.appendingPathComponent("Scenarios").path }
    package static var fixturesDirectory: String { packageRoot.appendingPathComponent("Fixtures/acme").path }

    package static let start = Timestamp(iso8601: "2026-01-01T00:00:00Z") ?? Timestamp(milliseconds: 0)

    /// Runs `executable` to its end in `directory`, with `environment` as its whole environment,
    /// and returns its exit status and what it wrote.
    package static func runProgram(
        _ executable: String, _ arguments: [String], in directory: String, environment: [String: String],
        input: Data? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            try stdin.fileHandleForWriting.write(contentsOf: input)
            try stdin.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller when it is done.
    package static func temporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("remsim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to `name` inside `directory`; returns the path.
    @discardableResult
    package static func write(_ text: String, to name: String, in directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A security group in EC2's shape.
    package static func securityGroup(
        _ id: String, account: String = "111111111111", region: String = "us-east-1",
        tags: [String: String] = [:], permissions: [Value]
    ) -> Resource {
        Resource(
            id: id, type: "aws.security-group", account: account, region: region, name: id, tags: tags,
            properties: ["GroupId": .string(id), "IpPermissions": .array(permissions)])
    }

    /// `{IpProtocol: tcp, FromPort: from, ToPort: to, IpRanges: [{CidrIp: …}…]}`.
    package static func permission(
        _ from: Int, _ to: Int? = nil, protocol proto: String = "tcp", cidrs: [String], ipv6: [String] = []
    ) -> Value {
        var f = Fields()
        f["IpProtocol"] = .string(proto)
        if proto != "-1" {
            f["FromPort"] = .int(from)
            f["ToPort"] = .int(to ?? from)
        }
        if !cidrs.isEmpty { f["IpRanges"] = .array(cidrs.map { ["CidrIp": .string($0)] }) }
        if !ipv6.isEmpty { f["Ipv6Ranges"] = .array(ipv6.map { ["CidrIpv6": .string($0)] }) }
        return .object(f)
    }

    /// Loads a policy from YAML text.
    package static func policy(_ yaml: String) throws -> Policy {
        let loaded = try PolicyLoader.load(file: "inline.yaml", data: Data(yaml.utf8), source: "inline")
        guard let first = loaded.first else { throw LoadError(file: "inline.yaml", message: "no policy") }
        return first
    }

    /// The SSH-to-the-world policy as the built-in pack writes it, for modules below PolicyPack.
    /// A user's policy whose examples misbehave: `enabled-by-mistake` (line 11) and `enabled`
    /// (line 14) are each on the wrong side.
    package static let versioningPolicyYAML = """
        version: 1
        id: buckets-versioned
        title: Buckets keep versions
        resource: aws.s3
        severity: low
        filters: [{key: Versioning.Status, op: ne, value: Enabled}]
        examples:
          match:
            - name: suspended
              properties: {Versioning: {Status: Suspended}}
            - name: enabled-by-mistake
              properties: {Versioning: {Status: Enabled}}
          no-match:
            - name: enabled
              properties: {Versioning: {Status: Enabled}}
            - name: never-set
              properties: {}
        """

    package static let sshPolicyYAML = """
        version: 1
        id: ssh-world
        title: SSH open to the world
        resource: aws.security-group
        severity: high
        filters:
          - any: IpPermissions
            where:
              - or:
                  - {key: IpProtocol, op: eq, value: "-1"}
                  - and:
                      - {key: IpProtocol, op: in, value: [tcp, "6"]}
                      - {key: FromPort, op: le, value: 22}
                      - {key: ToPort, op: ge, value: 22}
              - or:
                  - any: IpRanges
                    where: [{key: CidrIp, op: eq, value: 0.0.0.0/0}]
                  - any: Ipv6Ranges
                    where: [{key: CidrIpv6, op: eq, value: "::/0"}]
        remediation:
          steps:
            - operation: ec2:RevokeSecurityGroupIngress
              parameters: {GroupId: "${resourceId}", IpPermissions: "${matched}"}
        """
}

extension TestSupport {
    /// `POLICY-ID LABEL` for every violation of `policies` in `inventory`, sorted: what a scan
    /// would find, in a form a test compares whole.
    package static func violations(
        of policies: [Policy], in inventory: Inventory, at now: Timestamp = start,
        label: (Resource) -> String = { $0.id }
    ) -> [String] {
        let evaluator = Evaluator(now: now)
        var found: [String] = []
        for policy in policies {
            inventory.forEach(ofType: policy.resourceType) { r in
                if evaluator.violates(policy, r) { found.append("\(policy.id) \(label(copy r))") }
            }
        }
        return found.sorted()
    }
}
