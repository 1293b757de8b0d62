import CloudModel
import Foundation
import Loading
import PolicyPack
import Simulation
import TestSupport
import Testing

@testable import Endpoint

/// Python handlers (`file.py:function`) as engines: invoked as Lambda invokes them, with the
/// events of each kind in AWS's (or Prisma Cloud's) shape, their boto3 calls landing on the
/// simulated cloud as the handler's.
@Suite(.enabled(if: ServedEndpoint.motoPython != nil, "no python with boto3 (pip install 'moto[server]')"))
struct HandlerEngineTests {
    static let python = ServedEndpoint.motoPython ?? "python3"

    /// A scenario over two security groups whose only engine is the handler `source`.
    static func scenario(
        _ source: String, event: String, extra: String = "", timeline: String = "", every: String = "10m"
    ) throws -> Scenario {
        let dir = try TestSupport.temporaryDirectory()
        try TestSupport.write(
            """
            version: 1
            resources:
              - id: sg-0000000000000001
                type: aws.security-group
                account: "111111111111"
                region: us-east-1
                name: web
                properties:
                  GroupId: sg-0000000000000001
                  GroupName: web
                  IpPermissions: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, IpRanges: [{CidrIp: 0.0.0.0/0}]}]
              - id: sg-0000000000000002
                type: aws.security-group
                account: "111111111111"
                region: us-east-1
                name: db
                properties: {GroupId: sg-0000000000000002, GroupName: db, IpPermissions: []}
              - id: reports-bucket
                type: aws.s3
                account: "111111111111"
                region: eu-west-1
                name: reports-bucket
                properties:
                  Name: reports-bucket
                  PublicAccessBlockConfiguration: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
            """, to: "fixtures.yaml", in: dir)
        try TestSupport.write(source, to: "handlers/engine.py", in: dir)
        let file = try TestSupport.write(
            """
            version: 1
            name: handler
            fixtures: [fixtures.yaml]
            policies: [builtin:aws-sg-ssh-open-to-world]
            engine:
              alert-rules:
                - {name: detect, policies: [aws-sg-ssh-open-to-world], auto-remediate: false, detection: {mode: event, delivery-delay: 30s}}
              external:
                - name: fixer
                  handler: handlers/engine.py:handler
                  event: \(event)
                  python: \(python)
                  every: \(every)
                  \(extra)
            \(timeline)
            run-for: 25m
            """, to: "scenario.yaml", in: dir)
        return try ScenarioLoader(pack: BuiltinPolicies.source).load(file: file)
    }

    static func run(_ scenario: Scenario) throws -> (Simulated, [ExternalEngineRun.RunRecord]) {
        var run = ExternalEngineRun(scenario: scenario)
        run.timeout = .seconds(120)
        return try run.runRecording()
    }

    /// Tags the web group with what the event and the context said: the test reads the tags.
    static let recorder = """
        import boto3, json
        def handler(event, context):
            tags = [{"Key": "source", "Value": event.get("source", "")},
                    {"Key": "time", "Value": event.get("time", "")},
                    {"Key": "detail-type", "Value": event.get("detail-type", "")},
                    {"Key": "function", "Value": context.function_name},
                    {"Key": "arn", "Value": context.invoked_function_arn},
                    {"Key": "has-time", "Value": str(context.get_remaining_time_in_millis() > 0)}]
            boto3.client("ec2").create_tags(Resources=["sg-0000000000000001"], Tags=tags)
            return {"ok": True}
        """

    /// The shipped Prisma runbook example: each alert's bucket fixed in its own account, by
    /// way of the role the handler assumes there.
    @Test func thePrismaRunbookExamplePassesWithItsRealHandler() throws {
        let scenario = try ScenarioLoader(pack: BuiltinPolicies.source).load(
            file: "\(TestSupport.scenariosDirectory)/engines/handler-prisma-alerts-block-public-buckets.yaml")
        var run = ExternalEngineRun(scenario: scenario)
        run.searchPath = [(Self.python as NSString).deletingLastPathComponent]
        let (simulated, runs) = try run.runRecording()
        #expect(runs.allSatisfy { $0.status == 0 }, "\(runs.map(\.lastError))")
        for assertion in simulated.result.assertions where !assertion.passed {
            Issue.record("\(assertion.expected): \(assertion.found)")
        }
        let puts = simulated.result.outsideCalls.filter { $0.operation == "s3:PutPublicAccessBlock" }
        #expect(
            puts.map(\.resourceId) == ["acme-staging-logs-use1", "acme-prod-assets-use1", "acme-staging-assets-euw1"])
        #expect(puts.allSatisfy { $0.actor == "prisma-runbook" && $0.outcome.isSuccess })
        // The staging bucket is another account's: the handler reached it through AssumeRole.
        #expect(simulated.result.finalInventory["acme-staging-assets-euw1"]?.account == "222222222222")
    }

    /// Every shipped handler example passes with its real handler, each run exiting 0.
    @Test(arguments: [
        "handler-prisma-alerts-block-public-buckets", "handler-config-change-closes-ssh",
        "handler-s3-report-closes-ssh", "handler-scheduled-sweep-blocks-public-buckets",
    ])
    func theShippedHandlerExamplesPass(_ name: String) throws {
        let scenario = try ScenarioLoader(pack: BuiltinPolicies.source).load(
            file: "\(TestSupport.scenariosDirectory)/engines/\(name).yaml")
        #expect(scenario.settings.external.allSatisfy { $0.handler != nil })
        var run = ExternalEngineRun(scenario: scenario)
        run.searchPath = [(Self.python as NSString).deletingLastPathComponent]
        let (simulated, runs) = try run.runRecording()
        #expect(!runs.isEmpty)
        #expect(runs.allSatisfy { $0.status == 0 }, "\(runs.map(\.lastError))")
        #expect(simulated.result.passed, "\(simulated.result.assertions.filter { !$0.passed }.map(\.found))")
        #expect(!simulated.result.outsideCalls.isEmpty)
    }

    @Test func aScheduledHandlerGetsEventBridgesEventAndALambdaContext() throws {
        let scenario = try Self.scenario(Self.recorder, event: "scheduled")
        let (simulated, runs) = try Self.run(scenario)
        #expect(runs.map(\.status) == [0, 0], "\(runs.map(\.lastError))")
        #expect(runs.map { $0.at - scenario.start } == [.minutes(10), .minutes(20)])
        let tags = simulated.result.finalInventory["sg-0000000000000001"]?.tags ?? [:]
        #expect(tags["source"] == "aws.events")
        #expect(tags["detail-type"] == "Scheduled Event")
        #expect(tags["time"] == "2026-01-01T00:20:00Z")
        #expect(tags["function"] == "fixer")
        #expect(tags["arn"] == "arn:aws:lambda:us-east-1:111111111111:function:fixer")
        #expect(tags["has-time"] == "True")
        #expect(simulated.result.outsideCalls.map(\.actor) == ["fixer", "fixer"])
        #expect(
            simulated.result.timeline.contains {
                $0.text == "fixer runs: handlers/engine.py:handler invoked with a scheduled event"
            })
    }

    @Test func aHandlerThatRaisesFailsItsScenarioWithPythonsError() throws {
        let scenario = try Self.scenario(
            "def handler(event, context):\n    raise RuntimeError('no runbook for ' + event['source'])\n",
            event: "scheduled")
        let (simulated, runs) = try Self.run(scenario)
        #expect(runs.map(\.status) == [1, 1])
        let failed = simulated.result.assertions.filter { !$0.passed }
        #expect(failed.map(\.expected) == ["fixer exits 0 each time it runs"])
        #expect(failed.first?.found == "it exited 1 at +10m, +20m: RuntimeError: no runbook for aws.events")
    }

    /// Alerts reach the handler in a batch, as SQS delivers them: each record's body a Prisma
    /// Cloud alert payload; no invocation while the queue is empty.
    @Test func prismaAlertsArriveAsAnSQSBatchAndOnlyWhenThereAreAlerts() throws {
        let source = """
            import boto3, json
            def handler(event, context):
                ec2 = boto3.client("ec2")
                for record in event["Records"]:
                    assert record["eventSource"] == "aws:sqs"
                    alert = json.loads(record["body"])
                    config = alert["resourceConfig"]
                    ec2.create_tags(Resources=[alert["resourceId"]], Tags=[
                        {"Key": "alert", "Value": alert["alertId"] + " " + alert["policyId"] + " " + alert["alertStatus"]},
                        {"Key": "where", "Value": alert["accountId"] + " " + alert["resourceRegionId"] + " " + alert["cloudType"]},
                        {"Key": "group", "Value": config["GroupName"]}])
                    ec2.revoke_security_group_ingress(GroupId=alert["resourceId"], IpPermissions=[
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
            """
        let timeline = """
            timeline:
              - {at: 3m, inject: open-ingress, resource: sg-0000000000000001, with: {port: 22, cidr: 0.0.0.0/0}}
              - {at: 3m, inject: open-ingress, resource: sg-0000000000000002, with: {port: 22, cidr: 0.0.0.0/0}}
            """
        let scenario = try Self.scenario(
            source, event: "prisma-alert", extra: "alert-rules: [detect]", timeline: timeline, every: "1m")
        let (simulated, runs) = try Self.run(scenario)
        // Detected at 3m30s: one invocation at 4m with both alerts; none before, none after.
        #expect(runs.map { $0.at - scenario.start } == [.minutes(4)], "\(runs.map(\.lastError))")
        #expect(runs.map(\.status) == [0])
        #expect(
            simulated.result.timeline.contains {
                $0.text == "fixer runs: handlers/engine.py:handler invoked with an SQS event of 2 Prisma Cloud alerts"
            })
        let web = simulated.result.finalInventory["sg-0000000000000001"]
        #expect(web?.tags["alert"]?.hasSuffix(" aws-sg-ssh-open-to-world open") == true)
        #expect(web?.tags["where"] == "111111111111 us-east-1 aws")
        #expect(web?.tags["group"] == "web")
        #expect(simulated.result.assertions.allSatisfy { $0.passed })
        #expect(
            simulated.result.outsideCalls.filter { $0.operation == "ec2:RevokeSecurityGroupIngress" }.map(\.resourceId)
                .sorted() == ["sg-0000000000000001", "sg-0000000000000002"])
    }

    /// The open alerts as a CSV report remsim writes into the bucket, and the object-created
    /// event S3 sends for it: the handler reads the report with `GetObject`.
    @Test func aViolationReportInS3IsReadByTheHandlerItsEventNames() throws {
        let source = """
            import boto3, csv, io
            def handler(event, context):
                record = event["Records"][0]
                assert record["eventName"] == "ObjectCreated:Put" and record["eventSource"] == "aws:s3"
                s3 = boto3.client("s3", region_name=record["awsRegion"])
                got = s3.get_object(Bucket=record["s3"]["bucket"]["name"], Key=record["s3"]["object"]["key"])
                assert got["ContentType"] == "text/csv" and got["ContentLength"] == record["s3"]["object"]["size"]
                rows = list(csv.DictReader(io.StringIO(got["Body"].read().decode())))
                ec2 = boto3.client("ec2", region_name="us-east-1")
                for row in rows:
                    assert row["policy_id"] == "aws-sg-ssh-open-to-world" and row["severity"], row
                    ec2.revoke_security_group_ingress(GroupId=row["resource_id"], IpPermissions=[
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
                    ec2.create_tags(Resources=[row["resource_id"]], Tags=[
                        {"Key": "report", "Value": record["s3"]["object"]["key"]},
                        {"Key": "row", "Value": row["alert_id"] + " " + row["account_id"] + " " + row["resource_name"]}])
            """
        let timeline = """
            timeline:
              - {at: 3m, inject: open-ingress, resource: sg-0000000000000002, with: {port: 22, cidr: 0.0.0.0/0}}
            """
        let scenario = try Self.scenario(
            source, event: "s3-violations-csv", extra: "bucket: reports-bucket", timeline: timeline, every: "5m")
        let (simulated, runs) = try Self.run(scenario)
        // Detected at 3m30s; the report at 5m has it; at 10m, 15m, 20m no alert is open: no report.
        #expect(runs.map { $0.at - scenario.start } == [.minutes(5)], "\(runs.map(\.lastError))")
        #expect(runs.map(\.status) == [0], "\(runs.map(\.lastError))")
        let db = simulated.result.finalInventory["sg-0000000000000002"]
        #expect(db?.tags["report"] == "remsim/violations/2026-01-01T00-05-00Z.csv")
        #expect(db?.tags["row"]?.hasSuffix(" 111111111111 db") == true)
        #expect(db?.properties["IpPermissions"] == [])
        #expect(
            simulated.result.timeline.contains {
                $0.text.hasSuffix(
                    "invoked with an S3 ObjectCreated event for s3://reports-bucket/remsim/violations/2026-01-01T00-05-00Z.csv"
                )
            })
    }

    @Test func aConfigChangeIsDeliveredForEachResourceSomeoneElseChanged() throws {
        let source = """
            import boto3
            def handler(event, context):
                item = event["detail"]["configurationItem"]
                changed = sorted(event["detail"]["configurationItemDiff"]["changedProperties"])
                boto3.client("ec2").create_tags(Resources=[item["resourceId"]], Tags=[
                    {"Key": "seen", "Value": event["detail-type"] + " " + item["resourceType"] + " " + item["configurationItemStatus"]},
                    {"Key": "changed", "Value": ",".join(changed)},
                    {"Key": "ports", "Value": ",".join(str(p.get("fromPort")) for p in item["configuration"]["ipPermissions"])}])
            """
        let timeline = """
            timeline:
              - {at: 3m, inject: open-ingress, resource: sg-0000000000000002, with: {port: 22, cidr: 0.0.0.0/0}}
            """
        let scenario = try Self.scenario(source, event: "config-change", timeline: timeline, every: "5m")
        let (simulated, runs) = try Self.run(scenario)
        // One change, by the timeline: one invocation at 5m; its own tagging is not sent back to it.
        #expect(runs.map { $0.at - scenario.start } == [.minutes(5)], "\(runs.map(\.lastError))")
        let db = simulated.result.finalInventory["sg-0000000000000002"]
        #expect(db?.tags["seen"] == "Config Configuration Item Change AWS::EC2::SecurityGroup OK")
        #expect(db?.tags["ports"] == "22")
        #expect(simulated.result.finalInventory["sg-0000000000000001"]?.tags.isEmpty == true)
    }
}

extension HandlerEngineTests {
    /// An engine's call is assessed by the impact rules remsim's own remediations meet: in warn
    /// mode it lands with a warning; in block mode it is refused with `AccessDenied`, as a
    /// guardrail would refuse it, and the program sees the refusal.
    @Test(arguments: ["warn", "block"])
    func anEnginesDisruptiveCallIsWarnedOfOrBlocked(_ mode: String) throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSupport.write(
            """
            version: 1
            account: "111111111111"
            region: us-east-1
            resources:
              - id: shop-www
                type: aws.s3
                properties: {Name: shop-www, Website: {IndexDocument: {Suffix: index.html}}}
            """, to: "fixtures.yaml", in: dir)
        try TestSupport.write(
            """
            import boto3, botocore.exceptions
            def handler(event, context):
                s3 = boto3.client("s3")
                try:
                    s3.put_public_access_block(Bucket="shop-www", PublicAccessBlockConfiguration={
                        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                        "RestrictPublicBuckets": True})
                    outcome = "done"
                except botocore.exceptions.ClientError as error:
                    outcome = error.response["Error"]["Code"]
                s3.put_bucket_tagging(Bucket="shop-www", Tagging={"TagSet": [{"Key": "outcome", "Value": outcome}]})
            """, to: "close.py", in: dir)
        let file = try TestSupport.write(
            """
            version: 1
            name: website-closed
            fixtures: [fixtures.yaml]
            policies: [builtin:aws-s3-public-access-block]
            engine:
              alert-rules:
                - {name: detect, policies: [aws-s3-public-access-block], auto-remediate: false, detection: {mode: poll, every: 5m}}
              external:
                - name: closer
                  handler: close.py:handler
                  python: \(Self.python)
                  every: 10m
                  disruption: {mode: \(mode), threshold: high}
            run-for: 15m
            """, to: "scenario.yaml", in: dir)
        let scenario = try ScenarioLoader(pack: BuiltinPolicies.source).load(file: file)
        let (simulated, runs) = try Self.run(scenario)
        #expect(runs.map(\.status) == [0], "\(runs.map(\.lastError))")
        let result = simulated.result
        let warning = try #require(result.warnings.first)
        #expect(warning.kind == "website")
        #expect(warning.actor == "closer")
        // Assessed when the call arrived: the run's time plus the request's latency.
        #expect(warning.at == result.outsideCalls.first?.at)
        #expect(result.outsideCalls.first.map { $0.at - scenario.start } == .minutes(10) + scenario.settings.apiLatency)
        #expect(
            result.timeline.contains { $0.kind == .warning && $0.text.contains("(by closer, s3:PutPublicAccessBlock)") }
        )
        let bucket = result.finalInventory["shop-www"]
        if mode == "block" {
            #expect(bucket?.tags["outcome"] == "AccessDenied")
            #expect(bucket?.properties["PublicAccessBlockConfiguration"] == nil)
            #expect(
                result.timeline.contains {
                    $0.kind == .failure && $0.text.hasPrefix("blocked s3:PutPublicAccessBlock by closer")
                })
        } else {
            #expect(bucket?.tags["outcome"] == "done")
            #expect(bucket?.properties["PublicAccessBlockConfiguration"] != nil)
        }
    }
}

/// The events' shapes, without a handler.
struct HandlerEventShapeTests {
    /// A configuration item remsim sends, read back by remsim's own AWS Config import, is the
    /// resource it was made from.
    @Test func aConfigItemReadsBackAsTheResourceItCameFrom() throws {
        let bucket = Resource(
            id: "data-bucket", type: "aws.s3", account: "111111111111", region: "eu-west-1", name: "data-bucket",
            tags: ["env": "prod"],
            properties: [
                "Name": "data-bucket",
                "PublicAccessBlockConfiguration": [
                    "BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false,
                    "RestrictPublicBuckets": true,
                ],
                "Versioning": ["Status": "Enabled"],
                "ServerSideEncryptionConfiguration": [
                    "Rules": [
                        ["ApplyServerSideEncryptionByDefault": ["SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "k"]]
                    ]
                ],
                "Logging": ["LoggingEnabled": ["TargetBucket": "logs", "TargetPrefix": "data/"]],
            ])
        let group = Resource(
            id: "sg-0000000000000001", type: "aws.security-group", account: "111111111111", region: "us-east-1",
            name: "web",
            properties: [
                "GroupId": "sg-0000000000000001", "GroupName": "web",
                "IpPermissions": [
                    ["IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [["CidrIp": "0.0.0.0/0"]]]
                ],
            ])
        let engine = ExternalEngine(name: "h", command: [], first: .minutes(1), every: .minutes(1))
        let items: [Value] = try [bucket, group].map { resource in
            let event = try #require(
                HandlerInvocation.configChange(
                    resource: resource, was: nil, touched: ["Versioning"], changeType: "UPDATE",
                    at: TestEndpoint.start, engine: engine, number: 1, region: "us-east-1"))
            #expect(event["detail-type"] == "Config Configuration Item Change")
            #expect(event["account"] == "111111111111")
            return try #require(event["detail"]?["configurationItem"])
        }
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try TestSupport.write(
            Value.object(Fields([.init(key: "configurationItems", value: .array(items))])).jsonText, to: "items.json",
            in: dir)
        let imported = try AWSConfigImporter.load(files: [file])
        for original in [bucket, group] {
            let back = try #require(imported.resources.first { $0.id == original.id })
            #expect(back.type == original.type)
            #expect(back.region == original.region)
            #expect(back.tags == original.tags)
            #expect(back.properties == original.properties, "\(back.properties.jsonText)")
        }
    }
}
