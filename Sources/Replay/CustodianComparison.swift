import CloudModel
import CloudOperations
import Foundation
import Policies
import RemediationEngine
import Simulation

/// Runs Cloud Custodian's policies and remsim's reading of the same file over the same
/// resources, and says where they differ: which resources each policy matched, and how every
/// resource ended after the actions.
///
/// The resources are made on an AWS endpoint (moto) as a replay makes them; remsim evaluates
/// its policies on them as the endpoint describes them, at the current time, and carries out
/// its remediations on its simulated cloud; Custodian (run by `custodian`, which the caller
/// provides, since the caller is what may start programs) acts on the endpoint. Then every
/// resource is read back and compared, as a replay compares.
package struct CustodianComparison {
    package var resources: [Resource]
    package var policies: [Policy]
    package var cli: AWSCLI
    package var replayId: String

    package init(resources: [Resource], policies: [Policy], cli: AWSCLI, replayId: String) {
        self.resources = resources
        self.policies = policies
        self.cli = cli
        self.replayId = replayId
    }

    package struct Outcome: Sendable {
        /// Per policy, the ids (the endpoint's) each side matched, of the resources made here.
        package var matchedByRemsim: [String: [String]] = [:]
        package var matchedByCustodian: [String: [String]] = [:]
        package var differences: [Replay.Difference] = []
        /// Calls remsim's simulated cloud refused.
        package var failedCalls: [String] = []
        /// Remediations remsim could not plan because a resource they name is not there (a
        /// KMS key), as Custodian fails such a resource: no call, the resource unchanged.
        package var unplanned: [String] = []
        package var cleanup: [String] = []

        package var agrees: Bool {
            matchedByRemsim == matchedByCustodian && differences.isEmpty && failedCalls.isEmpty
        }
    }

    /// What remsim's reading of the policies does to `inventory`, as Custodian runs them: the
    /// policies in the file's order, each on what the ones before it left, over the resources in
    /// `order`; per policy, the ids it matched, and the cloud the remediations leave.
    package static func remsimSide(policies: [Policy], inventory: Inventory, order: [String], now: Timestamp) throws
        -> (matched: [String: [String]], cloud: SimulatedCloud, failedCalls: [String], unplanned: [String])
    {
        var cloud = SimulatedCloud(inventory: inventory)
        cloud.now = now
        let evaluator = Evaluator(now: now)
        var matchedByPolicy: [String: [String]] = [:]
        var failedCalls: [String] = []
        var unplanned: [String] = []
        var callId = 0
        for policy in policies {
            var matched: [String] = []
            for id in order {
                guard let resource = cloud.inventory[id], let finding = evaluator.finding(policy, resource) else {
                    continue
                }
                matched.append(id)
                guard policy.remediation != nil else { continue }
                let planned = Result { () throws(PlanError) in
                    try RemediationPlan(
                        policy: policy, finding: finding, resource: resource, now: now, view: cloud.inventory)
                }
                if case .failure(let error) = planned, case .unresolved = error {
                    unplanned.append("\(policy.id) on \(id): \(error)")
                    continue
                }
                let plan = try planned.get()
                for call in plan.calls {
                    callId += 1
                    let result = cloud.apply(
                        CloudOperation(
                            callId: callId, name: call.operation, cloud: .aws, account: resource.account,
                            region: resource.region, resourceId: id, parameters: call.parameters,
                            command: call.command))
                    if case .failed(let code, let message) = result.outcome, !call.alreadyDone.contains(code) {
                        failedCalls.append("\(policy.id): \(call.operation) on \(id): \(code): \(message)")
                    }
                }
            }
            matchedByPolicy[policy.id] = matched.sorted()
        }
        return (matchedByPolicy, cloud, failedCalls, unplanned)
    }

    /// The key of Custodian's resource that is remsim's id for a made resource.
    package static let idKeys = [
        "aws.security-group": "GroupId", "aws.s3": "Name", "aws.iam-user": "UserName", "aws.ec2": "InstanceId",
        "aws.rds": "DBInstanceIdentifier", "aws.kms-key": "KeyId", "aws.vpc": "VpcId", "aws.ebs": "VolumeId",
        "aws.ebs-snapshot": "SnapshotId", "aws.rds-snapshot": "DBSnapshotIdentifier", "aws.lambda": "FunctionName",
    ]

    /// Makes the resources, runs both sides and compares. `custodian` runs Custodian against the
    /// endpoint and returns, per policy name, the resources it matched (its `resources.json`).
    package func run(custodian: () throws -> [String: [Value]]) throws -> Outcome {
        var outcome = Outcome()
        let context = ReplayContext(cli: cli, replayId: replayId)
        let identity = try context.aws("us-east-1", ["sts", "get-caller-identity"])
        if let account = identity["Account"]?.stringValue {
            for fixtureAccount in Set(resources.map(\.account)) { context.account(fixtureAccount, is: account) }
        }
        var order: [Resource] = []
        func visit(_ r: Resource) {
            guard !order.contains(where: { $0.id == r.id }), let adapter = Replay.adapters[r.type] else { return }
            for dep in adapter.dependencies(of: r) { if let d = resources.first(where: { $0.id == dep }) { visit(d) } }
            order.append(r)
        }
        for r in resources { visit(r) }
        context.planned = order
        var created: [(Resource, String)] = []
        defer {
            for (resource, id) in created.reversed() {
                do throws(ReplayError) {
                    try Replay.adapters[resource.type]?.delete(resource, id: id, in: context)
                } catch {
                    outcome.cleanup.append("\(resource.id) (\(id)): \(error)")
                }
            }
        }
        for resource in order {
            guard let adapter = Replay.adapters[resource.type] else { continue }
            let id = try adapter.create(resource, properties: resource.properties, in: context)
            context.created(resource.id, as: id)
            created.append((resource, id))
            try adapter.configure(resource, id: id, properties: resource.properties, in: context)
            try tag(resource, id: id, in: context)
        }
        // remsim's side: each resource as the endpoint describes it, under the endpoint's id,
        // the policies run in the file's order, each on what the ones before it left.
        var inventory = Inventory()
        for (resource, id) in created {
            guard let adapter = Replay.adapters[resource.type] else { continue }
            var properties = resource.properties.objectValue ?? Fields()
            for entry in (try adapter.read(resource, id: id, in: context)).objectValue?.entries ?? [] {
                properties[entry.key] = entry.value
            }
            let named = ["aws.s3", "aws.iam-user", "aws.rds", "aws.rds-snapshot"].contains(resource.type)
            try inventory.insert(
                Resource(
                    id: id, type: resource.type, account: context.translate(resource.account), region: resource.region,
                    name: named ? id : resource.name,
                    tags: resource.tags.merging([context.tagKey: replayId]) { a, _ in a },
                    properties: .object(properties)))
        }
        let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        let remsim = try Self.remsimSide(policies: policies, inventory: inventory, order: created.map(\.1), now: now)
        let cloud = remsim.cloud
        outcome.matchedByRemsim = remsim.matched
        outcome.failedCalls = remsim.failedCalls
        outcome.unplanned = remsim.unplanned
        // Custodian's side, on the endpoint.
        let madeIds = Set(created.map(\.1))
        for (name, found) in try custodian() {
            guard let policy = policies.first(where: { $0.id == name }), let key = Self.idKeys[policy.resourceType]
            else {
                continue
            }
            outcome.matchedByCustodian[name] = found.compactMap { $0[key]?.stringValue }.filter(madeIds.contains)
                .sorted()
        }
        for policy in policies where outcome.matchedByCustodian[policy.id] == nil {
            outcome.matchedByCustodian[policy.id] = []
        }
        // What each side still has: a `delete` leaves nothing to compare but that it is gone.
        var gone: Set<String> = []
        for (resource, id) in created {
            guard let adapter = Replay.adapters[resource.type] else { continue }
            let there = try adapter.readIfThere(resource, id: id, in: context) != nil
            let simulated = cloud.inventory[id] != nil
            if there != simulated {
                outcome.differences.append(
                    Replay.Difference(
                        resourceId: resource.id, property: "exists", simulated: .bool(simulated), endpoint: .bool(there)
                    ))
            }
            if !there || !simulated { gone.insert(id) }
        }
        for (resource, id) in created where !gone.contains(id) {
            // Tags, for the types whose tag actions remsim reads.
            var found: [String: String] = [:]
            let listed: [Value]
            switch resource.type {
            case "aws.s3":
                let answer = try context.optional(resource.region, ["s3api", "get-bucket-tagging", "--bucket", id])
                listed = answer?["TagSet"]?.arrayValue ?? []
            case "aws.iam-user":
                listed =
                    try context.aws(resource.region, ["iam", "list-user-tags", "--user-name", id])["Tags"]?
                    .arrayValue ?? []
            case let t where t == "aws.ec2" || OperationCatalog.ec2Taggable.contains(t):
                listed =
                    try context.aws(
                        resource.region, ["ec2", "describe-tags", "--filters", "Name=resource-id,Values=\(id)"])[
                        "Tags"]?
                    .arrayValue ?? []
            case "aws.rds", "aws.rds-snapshot":
                guard let arn = Self.arn(of: resource, id: id) else { continue }
                listed =
                    try context.aws(resource.region, ["rds", "list-tags-for-resource", "--resource-name", arn])[
                        "TagList"]?.arrayValue ?? []
            case "aws.lambda":
                guard let arn = Self.arn(of: resource, id: id) else { continue }
                let map = try context.aws(resource.region, ["lambda", "list-tags", "--resource", arn])["Tags"]
                listed = (map?.objectValue?.entries ?? []).map { ["Key": .string($0.key), "Value": $0.value] }
            default: continue
            }
            for tag in listed {
                if let key = tag["Key"]?.stringValue, key != context.tagKey {
                    found[key] = tag["Value"]?.stringValue ?? ""
                }
            }
            var expected = cloud.inventory[id]?.tags ?? [:]
            expected[context.tagKey] = nil
            if expected != found {
                outcome.differences.append(
                    Replay.Difference(
                        resourceId: resource.id, property: "tags",
                        simulated: .object(
                            Fields(
                                expected.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .string($0.value)) }
                            )),
                        endpoint: .object(
                            Fields(
                                found.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .string($0.value)) })))
                )
            }
        }
        for (resource, id) in created where !gone.contains(id) {
            guard let adapter = Replay.adapters[resource.type] else { continue }
            let expected = adapter.project(cloud.inventory[id]?.properties ?? .null, in: context)
            let found = adapter.project(try adapter.read(resource, id: id, in: context), in: context)
            for key in Set((expected.objectValue?.keys ?? []) + (found.objectValue?.keys ?? [])).sorted()
            where expected[key] != found[key] {
                outcome.differences.append(
                    Replay.Difference(
                        resourceId: resource.id, property: key, simulated: expected[key] ?? .null,
                        endpoint: found[key] ?? .null))
            }
        }
        return outcome
    }

    /// Gives the made resource its fixture's tags besides the replay's, for `tag:` filters.
    func tag(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        guard !resource.tags.isEmpty else { return }
        let tags = resource.tags.sorted { $0.key < $1.key }
        switch resource.type {
        case let t where t == "aws.ec2" || OperationCatalog.ec2Taggable.contains(t):
            try context.aws(
                resource.region,
                ["ec2", "create-tags", "--resources", id, "--tags"] + tags.map { "Key=\($0.key),Value=\($0.value)" })
        case "aws.s3":
            let all = tags + [(key: context.tagKey, value: replayId)]
            try context.aws(
                resource.region,
                [
                    "s3api", "put-bucket-tagging", "--bucket", id, "--tagging",
                    "TagSet=[" + all.map { "{Key=\($0.key),Value=\($0.value)}" }.joined(separator: ",") + "]",
                ])
        case "aws.iam-user":
            try context.aws(
                resource.region,
                ["iam", "tag-user", "--user-name", id, "--tags"] + tags.map { "Key=\($0.key),Value=\($0.value)" })
        case "aws.rds", "aws.rds-snapshot":
            guard let arn = Self.arn(of: resource, id: id) else { return }
            try context.aws(
                resource.region,
                ["rds", "add-tags-to-resource", "--resource-name", arn, "--tags"]
                    + tags.map { "Key=\($0.key),Value=\($0.value)" })
        case "aws.lambda":
            guard let arn = Self.arn(of: resource, id: id) else { return }
            try context.aws(
                resource.region,
                [
                    "lambda", "tag-resource", "--resource", arn, "--tags",
                    tags.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                ])
        default:
            break
        }
    }

    /// The ARN of the made resource, which the endpoint names by `id`.
    static func arn(of resource: Resource, id: String) -> String? {
        AWSResourceARN.of(
            Resource(id: id, type: resource.type, account: resource.account, region: resource.region, name: id))
    }
}
