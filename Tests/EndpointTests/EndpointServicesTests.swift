import CloudModel
import Testing

@testable import Endpoint

/// What the boto3 conformance sequence cannot compare with moto, on remsim alone: SSM Automation
/// runbooks (moto has none), Lambda's REST-JSON routes, and the SDK's form of an EBS snapshot's
/// permission change (moto ignores it).
struct EndpointServicesTests {
    static let account = "111111111111"
    static let endpoint = AWSEndpoint(defaultAccount: account, actor: "ssm-engine")
    static let function = "arn:aws:lambda:us-east-1:111111111111:function:prod-fn"

    static func live(ssh: [Value]) throws -> LiveCloud {
        var inventory = Inventory()
        try inventory.insert(
            Resource(
                id: "sg-0000000000000aaaa", type: "aws.security-group", account: account, region: "us-east-1",
                name: "web",
                properties: [
                    "GroupId": "sg-0000000000000aaaa", "GroupName": "web", "VpcId": "vpc-0000000000000aaaa",
                    "IpPermissions": .array(ssh),
                ]))
        try inventory.insert(
            Resource(
                id: function, type: "aws.lambda", account: account, region: "us-east-1", name: "prod-fn",
                properties: [
                    "FunctionName": "prod-fn", "FunctionArn": .string(function), "Runtime": "python3.9",
                    "TracingConfig": ["Mode": "PassThrough"],
                ]))
        try inventory.insert(
            Resource(
                id: "snap-0000000000000aaaa", type: "aws.ebs-snapshot", account: account, region: "us-east-1",
                name: "",
                properties: ["CreateVolumePermissions": [["Group": "all"], ["UserId": "222222222222"]]]))
        return try LiveCloud(inventory: inventory, now: TestEndpoint.start)
    }

    static func open(_ port: Int, v6: Bool = true) -> Value {
        let rule = TestEndpoint.permission(port, cidrs: ["0.0.0.0/0"])
        return v6 ? rule.setting("Ipv6Ranges", to: [["CidrIpv6": "::/0"]]) : rule
    }

    static func ssm(_ live: LiveCloud, _ action: String, _ body: String) throws -> (status: Int, body: Value) {
        let answer = live.respond(
            to: JSONEndpointTests.request("ssm", "AmazonSSM.\(action)", body), with: endpoint)
        return (answer.status, try Value(json: answer.text))
    }

    static func lambda(_ live: LiveCloud, _ method: String, _ path: String, _ body: String = "") -> WireResponse {
        var headers = TestEndpoint.signed("lambda")
        headers["Content-Type"] = "application/json"
        return live.respond(
            to: WireRequest(method: method, target: path, headers: headers, body: Array(body.utf8)), with: endpoint)
    }

    @Test func aRunbookRunsItsStepsAsTheCallsTheyMakeAndIsReadBack() throws {
        let live = try Self.live(ssh: [Self.open(22), Self.open(3389), Self.open(443)])
        let started = try Self.ssm(
            live, "StartAutomationExecution",
            #"{"DocumentName": "AWS-DisablePublicAccessForSecurityGroup", "Parameters": {"GroupId": ["sg-0000000000000aaaa"], "AutomationAssumeRole": ["arn:aws:iam::111111111111:role/fixer"]}}"#
        )
        #expect(started.status == 200, "\(started.body)")
        let id = try #require(started.body["AutomationExecutionId"]?.stringValue)
        try live.withState { state in
            let call = try #require(state.calls.last)
            #expect(call.operation.name == "ec2:RevokeSecurityGroupIngress")
            #expect(call.operation.actor == "ssm-engine")
            let left = state.inventory["sg-0000000000000aaaa"]?.properties["IpPermissions"]?.arrayValue ?? []
            #expect(left.map { $0["FromPort"] } == [443])
        }
        let read = try Self.ssm(live, "GetAutomationExecution", #"{"AutomationExecutionId": "\#(id)"}"#)
        #expect(read.status == 200)
        let execution = read.body["AutomationExecution"]
        #expect(execution?["AutomationExecutionStatus"] == "Success")
        #expect(execution?["DocumentName"] == "AWS-DisablePublicAccessForSecurityGroup")
        #expect(execution?["StepExecutions"]?.arrayValue?.map { $0["StepName"] } == ["DisableFromAllIp"])
        #expect(execution?["Parameters"]?["GroupId"] == ["sg-0000000000000aaaa"])
    }

    @Test func aStepEC2FailsFailsTheExecutionAndChangesNothing() throws {
        // Only IPv4 rules: revoking the four SSH and RDP ranges fails in a non-default VPC.
        let live = try Self.live(ssh: [Self.open(22, v6: false), Self.open(3389, v6: false)])
        let rules = { live.withState { $0.inventory["sg-0000000000000aaaa"]?.properties["IpPermissions"] } }
        let before = rules()
        let started = try Self.ssm(
            live, "StartAutomationExecution",
            #"{"DocumentName": "AWS-DisablePublicAccessForSecurityGroup", "Parameters": {"GroupId": ["sg-0000000000000aaaa"]}}"#
        )
        // Starting succeeds; the execution fails, as SSM reports it.
        #expect(started.status == 200)
        let id = try #require(started.body["AutomationExecutionId"]?.stringValue)
        #expect(rules() == before)
        let execution = try Self.ssm(live, "GetAutomationExecution", #"{"AutomationExecutionId": "\#(id)"}"#).body[
            "AutomationExecution"]
        #expect(execution?["AutomationExecutionStatus"] == "Failed")
        #expect(execution?["StepExecutions"]?.arrayValue?.first?["StepStatus"] == "Failed")
        #expect(execution?["FailureMessage"]?.stringValue?.contains("InvalidPermission.NotFound") == true)
    }

    @Test(arguments: [
        (#"{"DocumentName": "Acme-CustomFix", "Parameters": {}}"#, 501, "NotImplemented"),
        (
            #"{"DocumentName": "AWS-StopEC2Instance", "Parameters": {"InstanceId": ["i-1"]}, "Targets": [{"Key": "ParameterValues", "Values": ["i-1"]}]}"#,
            501, "NotImplemented"
        ),
        (
            #"{"DocumentName": "AWS-ConfigureS3BucketVersioning", "Parameters": {"BucketName": ["b"], "VersioningState": ["Off"]}}"#,
            400, "InvalidAutomationExecutionParametersException"
        ),
        (
            #"{"DocumentName": "AWS-StopEC2Instance", "Parameters": {}}"#, 400,
            "InvalidAutomationExecutionParametersException"
        ),
        (
            #"{"DocumentName": "AWS-StopEC2Instance", "Parameters": {"InstanceId": ["i-1"], "Colour": ["red"]}}"#, 400,
            "InvalidAutomationExecutionParametersException"
        ),
    ])
    func aRunbookRemsimDoesNotRunIsRefusedNotFaked(_ body: String, _ status: Int, _ code: String) throws {
        let live = try Self.live(ssh: [Self.open(22)])
        let answer = try Self.ssm(live, "StartAutomationExecution", body)
        #expect(answer.status == status)
        #expect(answer.body["__type"]?.stringValue == code)
        live.withState { state in
            #expect(state.calls.isEmpty)
            #expect(state.automations.isEmpty)
            // Not modelled is reported with the run; a bad parameter is the engine's error.
            #expect(state.refusals.count == (status == 501 ? 1 : 0))
        }
        let missing = try Self.ssm(live, "GetAutomationExecution", #"{"AutomationExecutionId": "nope"}"#)
        #expect(missing.body["__type"] == "AutomationExecutionNotFoundException")
    }

    @Test func lambdasRoutesTakeTheFunctionByNameOrARNAndAnUnknownRouteIsRefused() throws {
        let live = try Self.live(ssh: [])
        let byName = Self.lambda(live, "GET", "/2015-03-31/functions/prod-fn/configuration")
        #expect(byName.status == 200, "\(byName.text)")
        #expect(try Value(json: byName.text)["FunctionArn"] == .string(Self.function))
        let byARN = Self.lambda(
            live, "GET",
            "/2015-03-31/functions/\(Self.function.replacingOccurrences(of: ":", with: "%3A"))/configuration/")
        #expect(byARN.status == 200, "\(byARN.text)")
        let partial = Self.lambda(live, "GET", "/2015-03-31/functions/111111111111%3Afunction%3Aprod-fn/configuration")
        #expect(partial.status == 200, "\(partial.text)")
        let otherAccount = Self.lambda(
            live, "GET", "/2015-03-31/functions/222222222222%3Afunction%3Aprod-fn/configuration")
        #expect(otherAccount.status == 404)
        let missing = Self.lambda(live, "GET", "/2015-03-31/functions/other/configuration")
        #expect(missing.status == 404)
        #expect(missing.headers["x-amzn-ErrorType"]?.hasPrefix("ResourceNotFoundException") == true)
        let unknown = Self.lambda(live, "POST", "/2015-03-31/functions/prod-fn/invocations", "{}")
        #expect(unknown.status != 200)
        #expect(live.withState { $0.refusals.map(\.service) } == ["lambda"])
    }

    @Test func aLambdaSettingRemsimDoesNotModelIsRefusedAndNothingChanges() throws {
        let live = try Self.live(ssh: [])
        let settings = { live.withState { $0.inventory[Self.function]?.properties } }
        let before = settings()
        let answer = Self.lambda(
            live, "PUT", "/2015-03-31/functions/prod-fn/configuration",
            #"{"Environment": {"Variables": {"DEBUG": "1"}}}"#)
        #expect(answer.status == 501, "\(answer.text)")
        #expect(settings() == before)
        let traced = Self.lambda(
            live, "PUT", "/2015-03-31/functions/prod-fn/configuration", #"{"TracingConfig": {"Mode": "Active"}}"#)
        #expect(traced.status == 200, "\(traced.text)")
        #expect(try Value(json: traced.text)["TracingConfig"]?["Mode"] == "Active")
        try live.withState { state in
            let call = try #require(state.calls.last)
            #expect(call.operation.name == "lambda:UpdateFunctionConfiguration")
            #expect(call.operation.parameters["FunctionName"] == "prod-fn")
        }
    }

    @Test(arguments: [
        ("Owner.1=self", 200), ("Owner.1=111111111111", 200), ("Owner.1=amazon", 501), ("ImageId.1=ami-0abc", 501),
        ("", 501),
    ])
    func theCallersOwnImagesAreNoneAndOthersAreNotModelled(_ form: String, _ status: Int) throws {
        let live = try Self.live(ssh: [])
        let answer = live.respond(
            to: TestEndpoint.ec2("Action=DescribeImages&Version=2016-11-15&\(form)"), with: Self.endpoint)
        #expect(answer.status == status, "\(answer.text)")
        #expect(live.withState { $0.refusals.count } == (status == 501 ? 1 : 0))
        if status == 200 { #expect(TestEndpoint.all("imageId", in: answer.text).isEmpty) }
    }

    @Test func theSDKsFormOfASnapshotPermissionChangeTakesThePermissionAway() throws {
        let live = try Self.live(ssh: [])
        let removed = live.respond(
            to: TestEndpoint.ec2(
                "Action=ModifySnapshotAttribute&Version=2016-11-15&SnapshotId=snap-0000000000000aaaa"
                    + "&Attribute=createVolumePermission&CreateVolumePermission.Remove.1.Group=all"),
            with: Self.endpoint)
        #expect(removed.status == 200, "\(removed.text)")
        #expect(
            live.withState { $0.inventory["snap-0000000000000aaaa"]?.properties["CreateVolumePermissions"] }
                == [["UserId": "222222222222"]])
        let granted = live.respond(
            to: TestEndpoint.ec2(
                "Action=ModifySnapshotAttribute&Version=2016-11-15&SnapshotId=snap-0000000000000aaaa"
                    + "&Attribute=createVolumePermission&CreateVolumePermission.Add.1.Group=all"),
            with: Self.endpoint)
        #expect(granted.status == 501)
        #expect(
            live.withState { $0.inventory["snap-0000000000000aaaa"]?.properties["CreateVolumePermissions"] }
                == [["UserId": "222222222222"]])
    }
}
