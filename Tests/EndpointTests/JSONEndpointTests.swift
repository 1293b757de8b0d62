import CloudModel
import Testing

@testable import Endpoint

/// The JSON 1.1 services (KMS, CloudTrail, CloudWatch Logs) on the endpoint's core, handed
/// requests as botocore builds them.
struct JSONEndpointTests {
    static let account = "111111111111"
    static let keyId = "0a06fb00-68a0-4873-ac7c-f3722e4e382c"

    static func live() throws -> LiveCloud {
        var inventory = Inventory()
        try inventory.insert(
            Resource(
                id: keyId, type: "aws.kms-key", account: account, region: "us-east-1", name: "alias/prod-data",
                properties: [
                    "KeyId": .string(keyId), "Arn": .string("arn:aws:kms:us-east-1:\(account):key/\(keyId)"),
                    "KeyState": "Enabled", "KeyRotationEnabled": false, "CreationDate": "2025-01-01T00:00:00Z",
                ]))
        try inventory.insert(
            Resource(
                id: "trail", type: "aws.cloudtrail", account: account, region: "us-east-1", name: "org-trail",
                properties: ["Name": "org-trail", "IsMultiRegionTrail": true, "HomeRegion": "us-east-1"]))
        return try LiveCloud(inventory: inventory, now: TestEndpoint.start)
    }

    static let endpoint = AWSEndpoint(defaultAccount: account, actor: "test-engine")

    static func request(_ service: String, _ target: String, _ body: String, region: String = "us-east-1")
        -> WireRequest
    {
        var headers = TestEndpoint.signed(service, region: region)
        headers["Content-Type"] = "application/x-amz-json-1.1"
        headers["X-Amz-Target"] = target
        return WireRequest(method: "POST", target: "/", headers: headers, body: Array(body.utf8))
    }

    @Test func aKeyIsFoundByItsAliasAndItsTimesAreEpochSeconds() throws {
        let live = try Self.live()
        let answer = live.respond(
            to: Self.request(
                "kms", "TrentService.DescribeKey", #"{"KeyId": "arn:aws:kms:us-east-1:111111111111:alias/prod-data"}"#),
            with: Self.endpoint)
        #expect(answer.status == 200, "\(answer.text)")
        let meta = try Value(json: answer.text)["KeyMetadata"]
        #expect(meta?["KeyId"] == .string(Self.keyId))
        #expect(meta?["CreationDate"]?.numberValue == 1_735_689_600)
        #expect(meta?["Enabled"] == true)
        // A key of another region is not there.
        let elsewhere = live.respond(
            to: Self.request("kms", "TrentService.DescribeKey", #"{"KeyId": "alias/prod-data"}"#, region: "eu-west-1"),
            with: Self.endpoint)
        #expect(elsewhere.status == 400)  // as KMS answers it
        #expect(try Value(json: elsewhere.text)["__type"] == "NotFoundException")
    }

    @Test func enablingRotationLandsAsTheCatalogsOperation() throws {
        let live = try Self.live()
        let answer = live.respond(
            to: Self.request("kms", "TrentService.EnableKeyRotation", #"{"KeyId": "alias/prod-data"}"#),
            with: Self.endpoint)
        #expect(answer.status == 200, "\(answer.text)")
        try live.withState { state in
            let call = try #require(state.calls.last)
            #expect(call.operation.name == "kms:EnableKeyRotation")
            #expect(call.operation.parameters == ["KeyId": .string(Self.keyId)])
            #expect(call.operation.actor == "test-engine")
            #expect(state.inventory[Self.keyId]?.properties["KeyRotationEnabled"] == true)
        }
    }

    @Test(arguments: [
        ("{", "SerializationException"),
        (#"{"KeyId": 7}"#, "ValidationException"),
        (#"{"KeyId": "alias/prod-data", "Colour": "red"}"#, "ValidationException"),
        ("[]", "ValidationException"),
    ])
    func aBodyTheOperationDoesNotTakeChangesNothing(_ body: String, _ code: String) throws {
        let live = try Self.live()
        let answer = live.respond(to: Self.request("kms", "TrentService.EnableKeyRotation", body), with: Self.endpoint)
        #expect(answer.status == 400)
        #expect(try Value(json: answer.text)["__type"] == .string(code))
        #expect(live.withState { $0.calls.isEmpty })
    }

    @Test func whatIsNotServedOrNotModelledIsRefusedAndReported() throws {
        let live = try Self.live()
        let unserved = live.respond(
            to: Self.request("kms", "TrentService.ScheduleKeyDeletion", #"{"KeyId": "alias/prod-data"}"#),
            with: Self.endpoint)
        #expect(unserved.status == 400)
        #expect(try Value(json: unserved.text)["__type"] == "UnknownOperationException")
        // A setting of a served call that remsim's model does not change is not pretended to.
        let unmodelled = live.respond(
            to: Self.request(
                "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.UpdateTrail",
                #"{"Name": "org-trail", "S3KeyPrefix": "logs"}"#),
            with: Self.endpoint)
        #expect(unmodelled.status == 501)
        #expect(live.withState { $0.refusals.map(\.operation) } == ["ScheduleKeyDeletion", "UpdateTrail"])
        #expect(live.withState { $0.calls.isEmpty })
        // A multi-region trail is seen from every region, as a shadow trail.
        let trails = live.respond(
            to: Self.request(
                "cloudtrail", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails", "{}",
                region: "eu-west-1"),
            with: Self.endpoint)
        #expect(try Value(json: trails.text)["trailList"]?.arrayValue?.count == 1)
    }
}
