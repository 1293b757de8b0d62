import CloudModel

/// Systems Manager on the wire (JSON 1.1): AWS-owned Automation runbooks that remediation
/// frameworks and AWS Config's remediation start (`StartAutomationExecution`), run step by step as
/// the calls each step makes, and their executions read back (`GetAutomationExecution`).
///
/// A runbook is served when every step is an API call remsim models; the table below says which
/// calls, from the runbook's documented steps. Another runbook is refused as not modelled.
package enum SSMService {
    /// One parameter of a runbook, as its document declares it.
    struct Parameter: Sendable {
        var name: String
        var required: Bool
        var defaultValue: String?
        var allowed: [String]?

        init(_ name: String, required: Bool = false, default defaultValue: String? = nil, allowed: [String]? = nil) {
            self.name = name
            self.required = required
            self.defaultValue = defaultValue
            self.allowed = allowed
        }
    }

    /// An AWS-owned runbook: its parameters, and the steps it takes given their values.
    struct Runbook: Sendable {
        var name: String
        var parameters: [Parameter]
        var steps: @Sendable ([String: String], AWSCall, Inventory) -> [RunbookStep]
    }

    /// Every document takes the role it runs as; remsim runs the steps as the caller.
    static let role = Parameter("AutomationAssumeRole")

    static func step(
        _ name: String, _ operation: String, resource: String, region: String? = nil, _ parameters: Value
    ) -> RunbookStep {
        RunbookStep(
            name: name,
            call: PlannedCall(
                operation: operation, resourceId: resource, parameters: parameters, answer: .emptyObject,
                region: region))
    }

    /// The bucket's region when the caller has it (a bucket is reached from any region).
    static func bucketRegion(_ name: String, _ call: AWSCall, _ inventory: Inventory) -> String? {
        inventory.resources(ofType: "aws.s3").first { $0.name == name && $0.account == call.account }?.region
    }

    static func flag(_ text: String?) -> Bool { text?.lowercased() != "false" }

    static let runbooks: [String: Runbook] = Dictionary(
        uniqueKeysWithValues: [
            Runbook(
                name: "AWS-DisablePublicAccessForSecurityGroup",
                parameters: [Parameter("GroupId", required: true), Parameter("IpAddressToBlock", default: ""), role]
            ) { p, _, _ in
                // SSH and RDP from everywhere, both families, in one call: a group that lacks one
                // of the four fails as EC2 fails it (`InvalidPermission.NotFound`), which AWS
                // documents for groups outside a default VPC.
                let group = p["GroupId"] ?? ""
                let address = p["IpAddressToBlock"] ?? ""
                let ports = [22, 3389]
                let permissions: [Value]
                let name: String
                if address.isEmpty {
                    name = "DisableFromAllIp"
                    permissions = ports.flatMap { port -> [Value] in
                        [
                            [
                                "IpProtocol": "tcp", "FromPort": .int(port), "ToPort": .int(port),
                                "IpRanges": [["CidrIp": "0.0.0.0/0"]],
                            ],
                            [
                                "IpProtocol": "tcp", "FromPort": .int(port), "ToPort": .int(port),
                                "Ipv6Ranges": [["CidrIpv6": "::/0"]],
                            ],
                        ]
                    }
                } else {
                    let v6 = address.contains(":")
                    name = v6 ? "DisableFromCustomIpV6" : "DisableFromCustomIpV4"
                    permissions = ports.map { port in
                        [
                            "IpProtocol": "tcp", "FromPort": .int(port), "ToPort": .int(port),
                            v6 ? "Ipv6Ranges" : "IpRanges": [[v6 ? "CidrIpv6" : "CidrIp": .string(address)]],
                        ]
                    }
                }
                return [
                    step(
                        name, "ec2:RevokeSecurityGroupIngress", resource: group,
                        ["GroupId": .string(group), "IpPermissions": .array(permissions)])
                ]
            },
            Runbook(
                name: "AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules",
                parameters: [Parameter("SecurityGroupId", required: true), role]
            ) { p, call, inventory in
                // Every ingress range open to all addresses, as the group holds them when it runs.
                let id = p["SecurityGroupId"] ?? ""
                let group = call.own("aws.security-group", id, in: inventory)
                var open: [Value] = []
                for permission in group?.properties["IpPermissions"]?.arrayValue ?? [] {
                    let v4 = (permission["IpRanges"]?.arrayValue ?? []).filter { $0["CidrIp"] == "0.0.0.0/0" }
                    let v6 = (permission["Ipv6Ranges"]?.arrayValue ?? []).filter { $0["CidrIpv6"] == "::/0" }
                    guard !v4.isEmpty || !v6.isEmpty else { continue }
                    var revoke = Fields()
                    for key in ["IpProtocol", "FromPort", "ToPort"] { revoke[key] = permission[key] }
                    if !v4.isEmpty { revoke["IpRanges"] = .array(v4.map { ["CidrIp": $0["CidrIp"] ?? .null] }) }
                    if !v6.isEmpty { revoke["Ipv6Ranges"] = .array(v6.map { ["CidrIpv6": $0["CidrIpv6"] ?? .null] }) }
                    open.append(.object(revoke))
                }
                // A group that is not there fails the step as EC2 fails the call.
                guard group == nil || !open.isEmpty else { return [] }
                return [
                    step(
                        "RemoveUnrestrictedIngressRulesAndVerify", "ec2:RevokeSecurityGroupIngress", resource: id,
                        ["GroupId": .string(id), "IpPermissions": .array(open.isEmpty ? [["IpProtocol": "-1"]] : open)])
                ]
            },
            Runbook(
                name: "AWSConfigRemediation-EnforceEC2InstanceIMDSv2",
                parameters: [Parameter("InstanceId", required: true), Parameter("HttpPutResponseHopLimit"), role]
            ) { p, _, _ in
                var parameters: Value = [
                    "InstanceId": .string(p["InstanceId"] ?? ""), "HttpTokens": "required", "HttpEndpoint": "enabled",
                ]
                if let limit = p["HttpPutResponseHopLimit"].flatMap(Int.init) {
                    parameters = parameters.setting("HttpPutResponseHopLimit", to: .int(limit))
                }
                return [
                    step(
                        "ModifyInstanceMetadataOptions", "ec2:ModifyInstanceMetadataOptions",
                        resource: p["InstanceId"] ?? "", parameters)
                ]
            },
            Runbook(name: "AWS-StopEC2Instance", parameters: [Parameter("InstanceId", required: true), role]) {
                p, _, _ in
                let id = p["InstanceId"] ?? ""
                return [step("stopInstances", "ec2:StopInstances", resource: id, ["InstanceIds": [.string(id)]])]
            },
            Runbook(
                name: "AWS-ConfigureS3BucketVersioning",
                parameters: [
                    Parameter("BucketName", required: true),
                    Parameter("VersioningState", default: "Enabled", allowed: ["Enabled", "Suspended"]), role,
                ]
            ) { p, call, inventory in
                let bucket = p["BucketName"] ?? ""
                return [
                    step(
                        "ConfigureVersioning", "s3:PutBucketVersioning", resource: bucket,
                        region: bucketRegion(bucket, call, inventory),
                        [
                            "Bucket": .string(bucket),
                            "VersioningConfiguration": ["Status": .string(p["VersioningState"] ?? "Enabled")],
                        ])
                ]
            },
            Runbook(
                name: "AWS-EnableS3BucketEncryption",
                parameters: [
                    Parameter("BucketName", required: true), Parameter("SSEAlgorithm", default: "AES256"), role,
                ]
            ) { p, call, inventory in
                let bucket = p["BucketName"] ?? ""
                return [
                    step(
                        "PutBucketEncryption", "s3:PutBucketEncryption", resource: bucket,
                        region: bucketRegion(bucket, call, inventory),
                        [
                            "Bucket": .string(bucket),
                            "ServerSideEncryptionConfiguration": [
                                "Rules": [
                                    [
                                        "ApplyServerSideEncryptionByDefault": [
                                            "SSEAlgorithm": .string(p["SSEAlgorithm"] ?? "AES256")
                                        ]
                                    ]
                                ]
                            ],
                        ])
                ]
            },
            Runbook(
                name: "AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock",
                parameters: [
                    Parameter("BucketName", required: true), Parameter("RestrictPublicBuckets", default: "true"),
                    Parameter("BlockPublicAcls", default: "true"), Parameter("IgnorePublicAcls", default: "true"),
                    Parameter("BlockPublicPolicy", default: "true"), role,
                ]
            ) { p, call, inventory in
                let bucket = p["BucketName"] ?? ""
                var block = Fields()
                for key in ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"] {
                    block[key] = .bool(flag(p[key]))
                }
                return [
                    step(
                        "PutBucketPublicAccessBlock", "s3:PutPublicAccessBlock", resource: bucket,
                        region: bucketRegion(bucket, call, inventory),
                        ["Bucket": .string(bucket), "PublicAccessBlockConfiguration": .object(block)])
                ]
            },
            Runbook(
                name: "AWSConfigRemediation-EnableCloudTrailLogFileValidation",
                parameters: [Parameter("TrailName", required: true), role]
            ) { p, _, _ in
                // The trail by name or ARN: the catalog's operation names it by name.
                let given = p["TrailName"] ?? ""
                let name = given.hasPrefix("arn:") ? String(given.split(separator: "/").last ?? "") : given
                return [
                    step(
                        "EnableLogFileValidation", "cloudtrail:UpdateTrail", resource: name,
                        ["Name": .string(name), "EnableLogFileValidation": true])
                ]
            },
        ].map { ($0.name, $0) })

    static func invalid(_ message: String) -> AWSError {
        AWSError(code: "InvalidAutomationExecutionParametersException", message: message)
    }

    /// The runbook's parameter values: SSM's lists of one string each, defaults filled in.
    static func values(of runbook: Runbook, _ given: Value) throws(AWSError) -> [String: String] {
        var values: [String: String] = [:]
        for entry in given.objectValue?.entries ?? [] {
            guard let parameter = runbook.parameters.first(where: { $0.name == entry.key }) else {
                throw invalid("Parameter \(entry.key) is not defined in the document \(runbook.name)")
            }
            let items = entry.value.arrayValue?.compactMap(\.stringValue) ?? []
            guard items.count <= 1 else { throw invalid("Parameter \(entry.key) takes one value, not \(items.count)") }
            if let value = items.first {
                if let allowed = parameter.allowed, !allowed.contains(value) {
                    throw invalid(
                        "Parameter \(entry.key) must be one of \(allowed.joined(separator: ", ")), not \(value)")
                }
                values[parameter.name] = value
            }
        }
        for parameter in runbook.parameters where values[parameter.name] == nil {
            if let value = parameter.defaultValue {
                values[parameter.name] = value
            } else if parameter.required {
                throw invalid("Parameter \(parameter.name) is required by the document \(runbook.name)")
            }
        }
        return values
    }

    static let targets: Shape = .list(.structure([Member("Key", .string), Member("Values", .list(.string))]))
    static let parameterMap: Shape = .map(.list(.string))

    package static let operations: [AWSOperation] = [
        AWSOperation(
            service: "ssm", action: "StartAutomationExecution",
            input: .structure([
                Member("DocumentName", .string), Member("DocumentVersion", .string),
                Member("Parameters", parameterMap), Member("ClientToken", .string), Member("Mode", .string),
                Member("TargetParameterName", .string), Member("Targets", targets),
                Member("MaxConcurrency", .string), Member("MaxErrors", .string),
                Member("Tags", .list(.structure([Member("Key", .string), Member("Value", .string)]))),
            ]),
            output: .structure([Member("AutomationExecutionId", .string)]),
            handling: .startAutomation { call, inventory throws(AWSError) in
                let document = call.string("DocumentName") ?? ""
                guard let runbook = runbooks[document] else {
                    throw AWSError(
                        code: "NotImplemented",
                        message: "remsim's endpoint does not model the Automation runbook \(document)", status: 501)
                }
                // Rate control (targets, concurrency) and interactive mode run a runbook otherwise.
                for key in ["Targets", "TargetParameterName", "MaxConcurrency", "MaxErrors"]
                where call.parameters[key] != nil {
                    throw AWSError(
                        code: "NotImplemented",
                        message: "remsim's endpoint runs a runbook on one resource, without \(key)", status: 501)
                }
                if let mode = call.string("Mode"), mode != "Auto" {
                    throw AWSError(
                        code: "NotImplemented", message: "remsim's endpoint runs runbooks in Auto mode, not \(mode)",
                        status: 501)
                }
                if let version = call.string("DocumentVersion"), !["1", "$DEFAULT", "$LATEST"].contains(version) {
                    throw AWSError(
                        code: "NotImplemented",
                        message: "remsim's endpoint models version 1 of \(document), not \(version)", status: 501)
                }
                let values = try values(of: runbook, call.parameters["Parameters"] ?? .emptyObject)
                return runbook.steps(values, call, inventory)
            }),
        AWSOperation(
            service: "ssm", action: "GetAutomationExecution",
            input: .structure([Member("AutomationExecutionId", .string)]),
            output: .structure([
                Member(
                    "AutomationExecution",
                    .structure([
                        Member("AutomationExecutionId", .string), Member("DocumentName", .string),
                        Member("DocumentVersion", .string), Member("ExecutionStartTime", .timestamp),
                        Member("ExecutionEndTime", .timestamp), Member("AutomationExecutionStatus", .string),
                        Member(
                            "StepExecutions",
                            .list(
                                .structure([
                                    Member("StepName", .string), Member("Action", .string),
                                    Member("StepStatus", .string), Member("FailureMessage", .string),
                                ]))),
                        Member("Parameters", parameterMap), Member("FailureMessage", .string),
                        Member("Mode", .string),
                    ]))
            ]),
            handling: .readAutomations { call, executions throws(AWSError) in
                let id = call.string("AutomationExecutionId") ?? ""
                guard let execution = executions[id], execution.account == call.account,
                    execution.region == call.region
                else {
                    throw AWSError(
                        code: "AutomationExecutionNotFoundException",
                        message: "Automation execution \(id) does not exist")
                }
                var described = Fields()
                described["AutomationExecutionId"] = .string(execution.id)
                described["DocumentName"] = .string(execution.document)
                described["DocumentVersion"] = "1"
                described["ExecutionStartTime"] = .string(execution.started.iso8601)
                described["AutomationExecutionStatus"] = .string(execution.status)
                described["Parameters"] = execution.parameters
                described["Mode"] = "Auto"
                described["StepExecutions"] = .array(
                    execution.steps.map { step in
                        let fields: Value = [
                            "StepName": .string(step.name), "Action": "aws:executeAwsApi",
                            "StepStatus": .string(step.status),
                        ]
                        return step.failure.map { fields.setting("FailureMessage", to: .string($0)) } ?? fields
                    })
                if let ended = execution.ended { described["ExecutionEndTime"] = .string(ended.iso8601) }
                if let failure = execution.failure { described["FailureMessage"] = .string(failure) }
                return ["AutomationExecution": .object(described)]
            }),
    ]
}
