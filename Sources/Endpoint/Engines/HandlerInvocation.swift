import CloudModel
import Foundation
import Policies
import RemediationEngine
import Simulation

/// How a Python handler (`file.py:function`) is invoked, as Lambda invokes it: the events of each
/// kind in the shape AWS (or Prisma Cloud, through SQS) delivers them, and the small program that
/// imports the handler's file and calls it with the event and a context.
enum HandlerInvocation {
    /// Imports the file as a module (its folder first on `sys.path`, as Lambda's task root is),
    /// calls the function with the event (read from the file named third) and a context of
    /// Lambda's shape, and prints what it returns. An exception ends it with Python's traceback
    /// and exit status 1: a failed invocation.
    static let bootstrap = """
        import importlib.util, json, os, sys, time
        path, function, event_file, name, arn, deadline = sys.argv[1:7]
        sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
        spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        class Context:
            function_name = name
            function_version = "$LATEST"
            invoked_function_arn = arn
            memory_limit_in_mb = "128"
            aws_request_id = os.environ.get("REMSIM_INVOCATION_ID", "")
            log_group_name = "/aws/lambda/" + name
            log_stream_name = "remsim"
            def get_remaining_time_in_millis(self):
                return max(0, int((float(deadline) - time.time()) * 1000))
        with open(event_file) as f:
            event = json.load(f)
        result = getattr(module, function)(event, Context())
        print(json.dumps(result, default=str))
        """

    /// The command that invokes `handler` with the event in `eventFile`.
    static func command(
        _ engine: ExternalEngine, _ handler: ExternalEngine.Handler, eventFile: String, account: String,
        region: String, deadline: Double
    ) -> [String] {
        [
            handler.python, "-c", bootstrap, handler.file, handler.function, eventFile, engine.name,
            "arn:aws:lambda:\(region):\(account):function:\(engine.name)", String(deadline),
        ]
    }

    /// A deterministic id of UUID form for the `number`th event of an engine.
    static func id(_ engine: String, _ number: Int) -> String {
        let hash = engine.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        let a = String(hash >> 32, radix: 16)
        let b = String(UInt64(number), radix: 16)
        return String(repeating: "0", count: max(0, 8 - a.count)) + a + "-0000-4000-8000-"
            + String(repeating: "0", count: max(0, 12 - b.count)) + b
    }

    /// EventBridge's scheduled event, as a rule with a schedule sends it.
    static func scheduled(_ engine: ExternalEngine, number: Int, at: Timestamp, account: String, region: String)
        -> Value
    {
        [
            "version": "0", "id": .string(id(engine.name, number)), "detail-type": "Scheduled Event",
            "source": "aws.events", "account": .string(account), "time": .string(seconds(at)),
            "region": .string(region),
            "resources": [.string("arn:aws:events:\(region):\(account):rule/\(engine.name)")], "detail": .emptyObject,
        ]
    }

    /// An SQS event of one record per alert, each body a Prisma Cloud alert payload (the fields
    /// its SQS integration sends: the alert, the policy, and the resource with its configuration).
    static func prismaAlerts(
        _ alerts: [(alert: Alert, openedAt: Timestamp)], engine: ExternalEngine, number: Int, inventory: Inventory,
        policies: [Policy], account: String, region: String
    ) -> Value {
        let queue = "arn:aws:sqs:\(region):\(account):remsim-\(engine.name)"
        var records: [Value] = []
        for (offset, entry) in alerts.enumerated() {
            let alert = entry.alert
            let resource = inventory[alert.resourceId]
            let policy = policies.first { $0.id == alert.policyId }
            let cloud = String(resource?.type.split(separator: ".").first ?? "aws")
            let payload: Value = [
                "alertId": .string("P-\(alert.id)"), "alertRuleName": .string(alert.ruleName), "alertStatus": "open",
                "alertTs": .int(Int(entry.openedAt.milliseconds)),
                "accountId": .string(resource?.account ?? ""), "accountName": .string(resource?.account ?? ""),
                "cloudType": .string(cloud), "policyId": .string(alert.policyId),
                "policyName": .string(policy?.title ?? alert.policyId),
                "policyDescription": .string(policy?.description ?? ""),
                "severity": .string(policy?.severity.rawValue ?? ""), "policyLabels": [],
                "resourceId": .string(alert.resourceId), "resourceName": .string(resource?.name ?? ""),
                "resourceRegionId": .string(resource?.region ?? ""), "resourceRegion": .string(resource?.region ?? ""),
                "resourceType": .string(resource?.type ?? ""), "resourceConfig": resource?.properties ?? .null,
                "source": "remsim",
            ]
            let sent = String(entry.openedAt.milliseconds)
            records.append([
                "messageId": .string(id(engine.name, number * 1000 + offset)),
                "receiptHandle": .string("remsim-\(engine.name)-\(number)-\(offset)"),
                "body": .string(payload.jsonText),
                "attributes": [
                    "ApproximateReceiveCount": "1", "SentTimestamp": .string(sent), "SenderId": .string(account),
                    "ApproximateFirstReceiveTimestamp": .string(sent),
                ],
                "messageAttributes": .emptyObject, "eventSource": "aws:sqs", "eventSourceARN": .string(queue),
                "awsRegion": .string(region),
            ])
        }
        return ["Records": .array(records)]
    }

    /// AWS Config's configuration item change notification, as EventBridge delivers it
    /// (`Config Configuration Item Change`): the resource as it now is, in Config's shape
    /// (camelCase, an S3 bucket's settings in its supplementary configuration), and the top-level
    /// properties the change touched. Config's item diff carries each property's previous value
    /// too; remsim keeps no earlier state to give, so only the updated values are there.
    static func configChange(
        resource: Resource?, was: Resource?, touched: Set<String>, changeType: String, at: Timestamp,
        engine: ExternalEngine, number: Int, region: String
    ) -> Value? {
        guard let shown = resource ?? was, let mapping = ResourceTypeRegistry.type(named: shown.type)?.awsConfig else {
            return nil
        }
        let status = changeType == "DELETE" ? "ResourceDeleted" : changeType == "CREATE" ? "ResourceDiscovered" : "OK"
        var item = configurationItem(shown, mapping: mapping, at: at)
        item["configurationItemStatus"] = .string(status)
        if resource == nil {
            item["configuration"] = .null
            item["supplementaryConfiguration"] = .emptyObject
        }
        var changed = Fields()
        for key in touched.sorted() where key != "tags" {
            let camel = camelKey(key)
            let updated =
                item["configuration"]?[camel] ?? item["supplementaryConfiguration"]?[supplementaryKey(key) ?? ""]
            changed["Configuration.\(camel)"] = ["updatedValue": updated ?? .null, "changeType": "UPDATE"]
        }
        let resourceRegion = shown.region == "global" ? region : shown.region
        return [
            "version": "0", "id": .string(id(engine.name, number)), "detail-type": "Config Configuration Item Change",
            "source": "aws.config", "account": .string(shown.account), "time": .string(seconds(at)),
            "region": .string(resourceRegion), "resources": [item["ARN"] ?? .null],
            "detail": [
                "recordVersion": "1.3", "messageType": "ConfigurationItemChangeNotification",
                "notificationCreationTime": .string(at.iso8601),
                "configurationItemDiff": ["changedProperties": .object(changed), "changeType": .string(changeType)],
                "configurationItem": .object(item),
            ],
        ]
    }

    /// A resource as a Config configuration item: the mirror of remsim's Config import.
    static func configurationItem(_ r: Resource, mapping: AWSConfigMapping, at: Timestamp) -> Fields {
        var item = Fields()
        item["configurationItemVersion"] = "1.3"
        item["configurationItemCaptureTime"] = .string(at.iso8601)
        item["configurationStateId"] = .int(Int(at.milliseconds))
        item["awsAccountId"] = .string(r.account)
        item["resourceType"] = .string(mapping.type)
        let arn = r.properties["Arn"]?.stringValue ?? r.properties["ARN"]?.stringValue ?? arnOf(r, mapping)
        switch mapping.id {
        case .resourceName: item["resourceId"] = .string(r.name)
        case .arn: item["resourceId"] = .string(arn)
        case .iamPath: item["resourceId"] = .string(r.properties["UserId"]?.stringValue ?? r.name)
        case .resourceId: item["resourceId"] = .string(r.id)
        }
        item["resourceName"] = .string(r.name)
        item["ARN"] = .string(arn)
        item["awsRegion"] = .string(r.region)
        item["availabilityZone"] = "Not Applicable"
        var configuration = r.properties.objectValue ?? Fields()
        var supplementary = Fields()
        if mapping.type == "AWS::S3::Bucket" {
            for key in ["PublicAccessBlockConfiguration", "Versioning", "ServerSideEncryptionConfiguration", "Logging"]
            {
                guard let v = configuration[key] else { continue }
                configuration[key] = nil
                switch key {
                case "Versioning":
                    supplementary["BucketVersioningConfiguration"] = [
                        "status": v["Status"] ?? "Off", "isMfaDeleteEnabled": .null,
                    ]
                case "Logging":
                    let enabled = v["LoggingEnabled"]
                    supplementary["BucketLoggingConfiguration"] = [
                        "destinationBucketName": enabled?["TargetBucket"] ?? .null,
                        "logFilePrefix": enabled?["TargetPrefix"] ?? .null,
                    ]
                default:
                    supplementary[key] = camelCased(v)
                }
            }
        }
        item["configuration"] = camelCased(.object(configuration))
        item["supplementaryConfiguration"] = .object(supplementary)
        item["tags"] = .object(
            Fields(r.tags.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .string($0.value)) }))
        item["relationships"] = []
        return item
    }

    static func supplementaryKey(_ property: String) -> String? {
        [
            "PublicAccessBlockConfiguration": "PublicAccessBlockConfiguration",
            "Versioning": "BucketVersioningConfiguration",
            "ServerSideEncryptionConfiguration": "ServerSideEncryptionConfiguration",
            "Logging": "BucketLoggingConfiguration",
        ][property]
    }

    static func arnOf(_ r: Resource, _ mapping: AWSConfigMapping) -> String {
        switch mapping.type {
        case "AWS::S3::Bucket": "arn:aws:s3:::\(r.name)"
        case "AWS::EC2::SecurityGroup": "arn:aws:ec2:\(r.region):\(r.account):security-group/\(r.id)"
        case "AWS::EC2::Instance": "arn:aws:ec2:\(r.region):\(r.account):instance/\(r.id)"
        case "AWS::EC2::VPC": "arn:aws:ec2:\(r.region):\(r.account):vpc/\(r.id)"
        case "AWS::EC2::Volume": "arn:aws:ec2:\(r.region):\(r.account):volume/\(r.id)"
        case "AWS::EC2::NetworkAcl": "arn:aws:ec2:\(r.region):\(r.account):network-acl/\(r.id)"
        case "AWS::IAM::User": "arn:aws:iam::\(r.account):user/\(r.name)"
        case "AWS::IAM::Role": "arn:aws:iam::\(r.account):role/\(r.name)"
        case "AWS::RDS::DBInstance": "arn:aws:rds:\(r.region):\(r.account):db:\(r.name)"
        default: r.id
        }
    }

    /// Config's spellings of the describe APIs' keys: `GroupId` → `groupId`, `IpRanges` →
    /// `ipv4Ranges`, `DBInstanceIdentifier` → `dBInstanceIdentifier`.
    static func camelCased(_ value: Value) -> Value {
        switch value {
        case .object(let fields):
            return .object(Fields(fields.entries.map { .init(key: camelKey($0.key), value: camelCased($0.value)) }))
        case .array(let items): return .array(items.map(camelCased))
        default: return value
        }
    }

    static func camelKey(_ key: String) -> String { AWSConfigMapping.configKey(key) }

    /// The open alerts as a CSV report, one row per alert, as CSPM frameworks export findings.
    static let csvColumns = [
        "alert_id", "policy_id", "policy_name", "severity", "cloud", "account_id", "region", "resource_type",
        "resource_id", "resource_name", "opened_at",
    ]

    static func violationsCSV(_ alerts: [Alert], inventory: Inventory, policies: [Policy]) -> String {
        var lines = [csvColumns.joined(separator: ",")]
        for alert in alerts.sorted(by: { $0.id < $1.id }) {
            let resource = inventory[alert.resourceId]
            let policy = policies.first { $0.id == alert.policyId }
            let opened = alert.transitions.last { $0.to == .open }?.at
            let type = resource?.type ?? ""
            let severity = policy?.severity.rawValue ?? ""
            let cloud = String(type.split(separator: ".").first ?? "")
            let when = opened.map(seconds) ?? ""
            let row: [String] = [
                "P-\(alert.id)", alert.policyId, policy?.title ?? "", severity, cloud, resource?.account ?? "",
                resource?.region ?? "", type, alert.resourceId, resource?.name ?? "", when,
            ]
            lines.append(row.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// S3's event notification for an object put, as S3 invokes a function with it.
    static func objectCreated(
        bucket: String, key: String, object: StoredObject, engine: ExternalEngine, number: Int, region: String
    ) -> Value {
        let bucketField: Value = [
            "name": .string(bucket), "ownerIdentity": ["principalId": "remsim"],
            "arn": .string("arn:aws:s3:::\(bucket)"),
        ]
        // S3 gives the key form-encoded; remsim's keys need no escaping.
        var objectField = Fields()
        objectField["key"] = .string(key)
        objectField["size"] = .int(object.body.count)
        objectField["eTag"] = .string(object.etag.replacingOccurrences(of: "\"", with: ""))
        objectField["sequencer"] = .string(String(format: "%016X", number))
        var s3 = Fields()
        s3["s3SchemaVersion"] = "1.0"
        s3["configurationId"] = .string("remsim-\(engine.name)")
        s3["bucket"] = bucketField
        s3["object"] = .object(objectField)
        var record = Fields()
        record["eventVersion"] = "2.1"
        record["eventSource"] = "aws:s3"
        record["awsRegion"] = .string(region)
        record["eventTime"] = .string(object.lastModified.iso8601)
        record["eventName"] = "ObjectCreated:Put"
        record["userIdentity"] = ["principalId": "remsim"]
        record["requestParameters"] = ["sourceIPAddress": "127.0.0.1"]
        record["responseElements"] = ["x-amz-request-id": .string(id(engine.name, number))]
        record["s3"] = .object(s3)
        return ["Records": [.object(record)]]
    }

    /// `2026-01-01T00:15:00Z`: EventBridge's times are to the second.
    static func seconds(_ t: Timestamp) -> String {
        let text = t.iso8601
        guard let dot = text.firstIndex(of: ".") else { return text }
        return String(text[..<dot]) + "Z"
    }
}
