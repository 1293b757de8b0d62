import CloudModel
import CloudOperations
import Foundation
import Simulation
import TestSupport
import Testing

@testable import Loading

/// README's recipe for adding a resource type with one operation, followed in code: the type's
/// registry entry and the operation's catalog entry are all remsim needs (the schemas' lists are
/// regenerated from them). Everything else reads the registry and the catalog.
struct AddingAResourceTypeTests {
    /// What `Sources/CloudModel/ResourceType.swift` would gain.
    static let queue = ResourceType(
        name: "aws.sqs", cloud: .aws, title: "SQS queue", idProperty: "QueueUrl",
        awsConfig: AWSConfigMapping("AWS::SQS::Queue", id: .resourceId))

    /// What `Sources/CloudOperations/OperationCatalog+AWS.swift` would gain.
    static let setAttributes = OperationSpec(
        "sqs:SetQueueAttributes", cloud: .aws, resourceType: "aws.sqs", target: .id("{QueueUrl}"),
        required: ["QueueUrl", "Attributes"],
        effect: .merge(from: "Attributes", into: "Attributes"),
        notFound: APIErrorTemplate("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."))

    static let url = "https://sqs.us-east-1.amazonaws.com/111111111111/orders"

    func write(_ files: [String: String]) throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        for (name, text) in files {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func aTypeAndOperationDeclaredOnceAreLoadedSimulatedRenderedAndListed() throws {
        let dir = try write([
            "fixtures/queues.yaml": """
            version: 1
            account: "111111111111"
            region: us-east-1
            resources:
              - id: \(Self.url)
                type: aws.sqs
                name: orders
                properties:
                  QueueUrl: \(Self.url)
                  Attributes: {SqsManagedSseEnabled: "false", VisibilityTimeout: "30"}
            """,
            "policies/sqs-sse.yaml": """
            version: 1
            id: sqs-sse
            title: SQS queues encrypt at rest
            resource: aws.sqs
            severity: medium
            filters: [{key: Attributes.SqsManagedSseEnabled, op: ne, value: "true"}]
            remediation:
              cli: >-
                aws sqs set-queue-attributes --queue-url ${resourceId}
                --attributes '{"SqsManagedSseEnabled": "true"}'
            """,
            "scenario.yaml": """
            version: 1
            name: sqs-sse-is-enabled
            fixtures: [fixtures]
            policies: [policies]
            engine:
              alert-rules:
                - {name: auto, auto-remediate: true, detection: {mode: event, delivery-delay: 1m}}
            run-for: 1h
            expect:
              - resource: \(Self.url)
                compliant-with: [sqs-sse]
              - resource: \(Self.url)
                where: {key: Attributes.VisibilityTimeout, op: eq, value: "30"}
            """,
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Without the declarations the type is refused where it is named.
        #expect(throws: LoadError.self) {
            try ScenarioLoader(builtins: [], paths: .anywhere).load(file: dir + "/scenario.yaml")
        }

        try OperationCatalog.withAdded(types: [Self.queue], operations: [Self.setAttributes]) {
            let scenario = try ScenarioLoader(builtins: [], paths: .anywhere).load(file: dir + "/scenario.yaml")
            let result = try Simulator(scenario: scenario).run()
            #expect(result.passed, "\(result.assertions.filter { !$0.passed })")
            let call = try #require(result.attempts.first)
            #expect(call.operation == "sqs:SetQueueAttributes")
            #expect(
                call.command.text
                    == "aws --region us-east-1 sqs set-queue-attributes --queue-url \(Self.url) --attributes "
                    + "'{\"SqsManagedSseEnabled\":\"true\"}'"
            )
            #expect(try CommandReader.call(call.command.words).operation == "sqs:SetQueueAttributes")

            // The schemas' lists, regenerated, name them.
            let policySchema = try String(
                contentsOf: TestSupport.packageRoot.appendingPathComponent("Schemas/policy.schema.json"),
                encoding: .utf8)
            let regenerated = try SchemaLists.regenerated(policySchema)
            #expect(regenerated.contains("\"aws.sqs\"") && regenerated.contains("\"sqs:SetQueueAttributes\""))

            // An AWS Config export of the type imports as the type.
            try
                #"{"configurationItems": [{"resourceType": "AWS::SQS::Queue", "resourceId": "\#(Self.url)", "resourceName": "orders", "awsAccountId": "111111111111", "awsRegion": "us-east-1", "configuration": {"queueUrl": "\#(Self.url)"}}]}"#
                .write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
            let imported = try AWSConfigImporter.load(files: [dir + "/config.json"])
            #expect(imported.resources.map(\.type) == ["aws.sqs"])
        }
        // And only for the task that declared them.
        #expect(
            ResourceTypeRegistry.type(named: "aws.sqs") == nil
                && OperationCatalog.spec(named: "sqs:SetQueueAttributes") == nil)
    }
}
