import CloudModel
import Foundation
import Policies
import RemediationEngine

/// A recorded history of an estate as a scenario: "what would auto-remediation have done over the
/// last N days". Two exports record one: AWS Config (`awsConfig`) and Cloud Asset Inventory's
/// `gcloud asset get-history` (`gcpAssets`); both become versions of resources at their times.
///
/// For AWS, it reads what `aws configservice get-resource-config-history` prints (or the history files
/// Config delivers to S3, or any other shape `AWSConfigImporter` reads), every configuration
/// item a version of its resource at its capture time, and optionally
/// `aws cloudtrail lookup-events` output, whose events name who made each change (a Config
/// item's `relatedEvents` are CloudTrail event ids; Config itself records no actor).
///
/// The window ends at the latest capture time (the export's time) and starts `days` before it
/// (or at the earliest item). Each resource's state at the start becomes a fixture; every later
/// version becomes a timeline entry at its real time: a `patch` setting the top-level properties
/// the change set (and removing those it removed), a `create-resource` for a resource that
/// appeared, a `delete-resource` for one deleted, each attributed to the actor CloudTrail names.
/// A version that changed only what policies cannot see (tags, relationships) is counted.
public struct ResourceHistory: Sendable {
    public struct Change: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case patch(set: [String: Value], remove: [String])
            case create(Resource)
            case delete
        }
        public var at: Timestamp
        public var resourceId: String
        public var kind: Kind
        public var actor: String
    }

    public var start: Timestamp
    public var end: Timestamp
    /// The state of each resource at the start.
    public var initial: [Resource]
    /// Every later change, in time order.
    public var changes: [Change]
    public var skipped: [(what: String, count: Int)]
    public var warnings: [String]
    /// The export it was read from, for the scenario's description: "AWS Config".
    public var source: String

    /// One recorded version of a resource: its state (nil when deleted), and who made it.
    struct Version {
        let at: Timestamp
        let resource: Resource?
        let id: String
        let events: [String]
        let order: Int
    }

    /// The actor when CloudTrail does not say.
    public static let unknownActor = "unknown"

    /// An AWS Config history, with CloudTrail's `lookup-events` naming the actors.
    public static func awsConfig(files: [String], days: Int? = nil) throws(LoadError) -> ResourceHistory {
        var versions: [String: [Version]] = [:]
        var actors: [String: String] = [:]
        var order = 0
        let skipped: [String: Int] = [:]
        var uses = AWSConfigImporter.lists
        uses["Events"] = .items
        for key in AWSConfigImporter.pageKeys { uses[key] = .ignore }
        for file in files {
            let summary = try ExportReader.read(
                file: file,
                expecting: "`aws configservice get-resource-config-history` or `aws cloudtrail lookup-events` output",
                topList: true, uses: uses, otherwise: .ignore
            ) { (entry: ExportItem) throws(LoadError) in
                if entry.list == "Events" {
                    // lookup-events: the user name, or the identity the event's own record names.
                    guard let id = entry.value["EventId"]?.stringValue else { throw entry.error("missing 'EventId'") }
                    let record = try entry.value["CloudTrailEvent"]?.decodedJSONString(of: entry, at: "CloudTrailEvent")
                    let identity = record?["userIdentity"]
                    let actor =
                        entry.value["Username"]?.stringValue ?? identity?["userName"]?.stringValue
                        ?? identity?["sessionContext"]?["sessionIssuer"]?["userName"]?.stringValue
                        ?? identity?["arn"]?.stringValue ?? identity?["invokedBy"]?.stringValue
                    if let actor { actors[id] = actor }
                    return
                }
                let item = try entry.value.decodedJSONString(of: entry, at: "")
                guard let text = item["configurationItemCaptureTime"]?.stringValue, let at = Timestamp(iso8601: text)
                else {
                    throw entry.error("missing 'configurationItemCaptureTime': a history places each item at its time")
                }
                let status = item["configurationItemStatus"]?.stringValue ?? "OK"
                let r = try AWSConfigImporter.resource(item, entry)
                let deleted = AWSConfigImporter.deletedStatuses.contains(status)
                versions[r.id, default: []].append(
                    Version(
                        at: at, resource: deleted ? nil : r, id: r.id,
                        events: (item["relatedEvents"]?.arrayValue ?? []).compactMap(\.stringValue), order: order))
                order += 1
            }
            guard summary.keys.contains(where: { uses[$0] != nil }) || summary.top == .list else {
                throw summary.error("no configurationItems or Events: not a Config history or CloudTrail events")
            }
        }
        return try build(
            versions, actors: actors, days: days, skipped: skipped, file: files.first ?? "", source: "AWS Config",
            noActors: "AWS Config records no actor; give `aws cloudtrail lookup-events` output for the window "
                + "beside the history to name who made each change")
    }

    /// A Cloud Asset Inventory history: `gcloud asset get-history --content-type=resource
    /// --format=json` (each asset's versions, with the window each held), as a list or one
    /// version per line. Cloud Asset Inventory records no actor.
    public static func gcpAssets(files: [String], days: Int? = nil) throws(LoadError) -> ResourceHistory {
        var versions: [String: [Version]] = [:]
        var order = 0
        var projectIds: [String: String] = [:]
        for file in files {
            _ = try ExportReader.read(
                file: file, expecting: "the JSON of `gcloud asset get-history`", topList: true, lines: true,
                uses: ["assets": .items], otherwise: .ignore
            ) { (entry: ExportItem) throws(LoadError) in
                let temporal = entry.value
                guard let asset = temporal["asset"], asset.objectValue != nil else {
                    throw entry.error("missing 'asset'")
                }
                guard let text = (temporal["window"]?["startTime"] ?? temporal["window"]?["start_time"])?.stringValue,
                    let at = Timestamp(iso8601: text)
                else { throw entry.error("missing 'window.startTime': a history places each version at its time") }
                guard let name = asset["name"]?.stringValue, !name.isEmpty else {
                    throw entry.error("missing 'name'", at: "asset")
                }
                let ancestor = GCPAssetInventoryImporter.ancestorProject(asset)
                if let ancestor, let named = ResourceAddress.account(ofId: name),
                    !GCPAssetInventoryImporter.isNumber(named)
                {
                    projectIds[ancestor] = named
                }
                let deleted = temporal["deleted"]?.boolValue ?? false
                var resource: Resource? = nil
                if !deleted {
                    guard let data = asset["resource"]?["data"], data.objectValue != nil else {
                        throw entry.error(
                            "a version without its resource's data: get the history with --content-type=resource",
                            at: "asset")
                    }
                    guard let project = ResourceAddress.account(ofId: name) ?? ancestor else {
                        throw entry.error("no project in '\(name)' nor in its ancestors", at: "asset")
                    }
                    resource = GCPAssetInventoryImporter.resource(
                        name: name, assetType: (asset["assetType"] ?? asset["asset_type"])?.stringValue ?? "",
                        data: data, location: asset["resource"]?["location"]?.stringValue, project: project)
                }
                versions[name, default: []].append(
                    Version(at: at, resource: resource, id: name, events: [], order: order))
                order += 1
            }
        }
        // One account per project, as the inventory importer makes it.
        for (id, list) in versions {
            versions[id] = list.map { v in
                guard var r = v.resource, let mapped = projectIds[r.account] else { return v }
                r.account = mapped
                return Version(at: v.at, resource: r, id: v.id, events: v.events, order: v.order)
            }
        }
        var history = try build(
            versions, actors: [:], days: days, skipped: [:], file: files.first ?? "", source: "Cloud Asset Inventory",
            noActors: "Cloud Asset Inventory records no actor (Cloud Audit Logs do, which remsim does not read)")
        let numbers = Set(
            versions.values.flatMap { $0 }.compactMap(\.resource?.account).filter(GCPAssetInventoryImporter.isNumber))
        if !numbers.isEmpty {
            history.warnings.append(
                "project\(numbers.count == 1 ? "" : "s") \(numbers.sorted().joined(separator: ", ")) "
                    + "\(numbers.count == 1 ? "is" : "are") named by number only: no asset of the history names "
                    + "\(numbers.count == 1 ? "its" : "their") id, so \(numbers.count == 1 ? "its" : "their") resources "
                    + "are under the number")
        }
        return history
    }

    /// The scenario's parts from each resource's versions: the state at the window's start, and
    /// every later change attributed to the actor its events name.
    static func build(
        _ versions: [String: [Version]], actors: [String: String], days: Int?, skipped: [String: Int], file: String,
        source: String, noActors: String
    ) throws(LoadError) -> ResourceHistory {
        var skipped = skipped
        let all = versions.values.flatMap { $0 }
        guard let latest = all.map(\.at).max(), let earliest = all.map(\.at).min() else {
            throw LoadError(file: file, message: "the history holds no versions of any resource")
        }
        let start = days.map { max(earliest, latest - .days(Int64($0))) } ?? earliest

        var initial: [Resource] = []
        var changes: [Change] = []
        var unchanged = 0
        var unattributed = 0
        for id in versions.keys.sorted() {
            // Time order; two items at one time keep the order they were read in.
            let list = versions[id]!.sorted { ($0.at, $0.order) < ($1.at, $1.order) }
            var state = list.last { $0.at <= start }?.resource
            if let state { initial.append(state) }
            for version in list where version.at > start {
                let actor = version.events.lazy.compactMap { actors[$0] }.first ?? unknownActor
                let kind: Change.Kind
                switch (state, version.resource) {
                case (nil, nil):
                    continue
                case (nil, let new?):
                    kind = .create(new)
                case (_?, nil):
                    kind = .delete
                case (let old?, let new?):
                    let before = old.properties.objectValue ?? Fields()
                    let after = new.properties.objectValue ?? Fields()
                    var set: [String: Value] = [:]
                    for entry in after.entries where before[entry.key] != entry.value { set[entry.key] = entry.value }
                    let remove = before.keys.filter { after[$0] == nil }
                    guard !set.isEmpty || !remove.isEmpty else {
                        unchanged += 1
                        state = new
                        continue
                    }
                    kind = .patch(set: set, remove: remove)
                }
                if actor == unknownActor { unattributed += 1 }
                changes.append(Change(at: version.at, resourceId: id, kind: kind, actor: actor))
                state = version.resource
            }
        }
        changes.sort { ($0.at, $0.resourceId) < ($1.at, $1.resourceId) }
        if unchanged > 0 { skipped["configuration items that changed no property (tags, relationships)"] = unchanged }
        let before =
            all.filter { $0.at <= start }.count - versions.values.filter { $0.contains { $0.at <= start } }.count
        if before > 0 {
            skipped["configuration items before the window (superseded by the state at its start)"] = before
        }
        var warnings: [String] = []
        if unattributed > 0 {
            warnings.append(
                "\(unattributed) change\(unattributed == 1 ? " is" : "s are") attributed to no one: "
                    + (actors.isEmpty
                        ? noActors
                        : "no CloudTrail event given names \(unattributed == 1 ? "its" : "their") related events"))
        }
        return ResourceHistory(
            start: start, end: latest, initial: initial, changes: changes,
            skipped: skipped.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, warnings: warnings, source: source)
    }

    /// The policies of `pack` whose remediations need a parameter `given` does not set, with
    /// what each needs.
    public static func needing(_ pack: [Policy], given: [String: Value]) -> [(policy: String, parameters: [String])] {
        var rule = AlertRule(name: "history", autoRemediate: true, detection: .event(deliveryDelay: .zero))
        rule.parameters = given
        return pack.compactMap { policy in
            let missing = rule.missingParameters(for: policy).map(\.name)
            return missing.isEmpty || !policy.isRemediable ? nil : (policy.id, missing)
        }
    }

    /// The scenario that replays the history with auto-remediation on for every policy of the
    /// built-in pack: its fixtures are `fixtures` (a path relative to the scenario file), it runs
    /// from the window's start for the whole window and an hour more, and a loop guard names who
    /// keeps putting a change back.
    ///
    /// `parameters` are the values the pack's remediations take (`logBucket`, …), written as the
    /// scenario's; `needing` names the policies (of `pack`, the pack's ids) whose remediations need
    /// a parameter not given, with what they need: they go to a second rule that only detects, so
    /// the scenario runs as it is and says what to set to let them remediate too.
    public func scenario(
        name: String, fixtures: String, parameters: [String: Value] = [:], pack: [String] = [],
        needing: [(policy: String, parameters: [String])] = []
    ) -> String {
        func json(_ v: Value) -> String { v.jsonText }
        func string(_ s: String) -> String { Value.string(s).jsonText }
        func offset(_ t: Timestamp) -> String {
            // Whole seconds, which the timeline reads back exactly.
            SimDuration(milliseconds: (t - start).milliseconds / 1000 * 1000).description
        }
        let span = SimDuration(milliseconds: ((end - start).milliseconds / 1000 + 3600) * 1000)
        var out = """
            version: 1
            name: \(string(name))
            description: >
              What auto-remediation would have done over the \(source) history from \(start) to \(end):
              \(initial.count) resource\(initial.count == 1 ? "" : "s") as at the start, \(changes.count) recorded change\(changes.count == 1 ? "" : "s") replayed
              at their times, each by its actor where the export named one. Every policy of the built-in pack
              remediates; the loop guard names whoever keeps putting a change back.
            fixtures: [\(string(fixtures))]
            policies: [builtin:all]
            start: \(string(start.iso8601))

            """
        if !parameters.isEmpty {
            out +=
                "parameters: \(json(.object(Fields(parameters.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: $0.value) }))))\n"
        }
        let held = Set(needing.map(\.policy))
        let remediating =
            needing.isEmpty ? "all" : json(.array(pack.filter { !held.contains($0) }.map(Value.string)))
        out += """
            engine:
              alert-rules:
                - name: auto-remediate
                  policies: \(remediating)
                  auto-remediate: true
                  detection: {mode: event}
                  loop-guard: {max-remediations: 3, window: 24h}

            """
        if !needing.isEmpty {
            let what = needing.map { "\($0.policy) (\($0.parameters.joined(separator: ", ")))" }.joined(separator: ", ")
            out += """
                    # These remediations take parameters nobody gave (`remsim import aws-config-history --param
                    # NAME=VALUE`, or `parameters:` above): \(what). Until then they only detect.
                    - name: detect-only
                      policies: \(json(.array(needing.map { Value.string($0.policy) })))
                      auto-remediate: false
                      detection: {mode: event}

                """
        }
        out += "run-for: \(span)\n"
        if changes.isEmpty {
            out += "timeline: []\n"
            return out
        }
        out += "timeline:\n"
        for change in changes {
            out += "  - at: \(offset(change.at))\n"
            switch change.kind {
            case .patch(let set, let remove):
                var with = Fields()
                if !set.isEmpty {
                    with["set"] = .object(
                        Fields(set.sorted { $0.key < $1.key }.map { Fields.Entry(key: $0.key, value: $0.value) }))
                }
                if !remove.isEmpty { with["remove"] = .array(remove.sorted().map(Value.string)) }
                out += "    inject: patch\n    resource: \(string(change.resourceId))\n"
                out += "    actor: \(string(change.actor))\n    with: \(json(.object(with)))\n"
            case .create(let resource):
                var with = FixtureWriter.value(of: resource).objectValue ?? Fields()
                with["id"] = nil
                out += "    inject: create-resource\n    resource: \(string(change.resourceId))\n"
                out += "    actor: \(string(change.actor))\n    with: \(json(.object(with)))\n"
            case .delete:
                out += "    inject: delete-resource\n    resource: \(string(change.resourceId))\n"
                out += "    actor: \(string(change.actor))\n"
            }
        }
        return out
    }
}

extension ResourceHistory {
    /// An Azure history: the estate now (`az graph query -q "Resources"` rows, as
    /// `azure-resource-graph` reads them) and the changes Resource Graph recorded before
    /// (`az graph query -q "resourcechanges"` rows: each a resource, a time, who made it, and each
    /// changed property path with its previous and new value). The state at the window's start is
    /// the estate now with every later change undone (newest first); each change is then a `patch`
    /// of exactly the paths it changed, attributed to `changedBy`. A resource created in the
    /// window is made at its creation; one deleted is not in the snapshot, so what it held is
    /// not known: counted. Tag changes are counted (a patch changes properties).
    public static func azureChanges(files: [String], days: Int? = nil) throws(LoadError) -> ResourceHistory {
        struct Change {
            let at: Timestamp
            let resourceId: String
            let kind: String
            let actor: String
            let paths: [(path: String, before: Value?, after: Value?)]
            let order: Int
        }
        var snapshot: [String: Resource] = [:]
        var changes: [Change] = []
        var skipped: [String: Int] = [:]
        var order = 0
        for file in files {
            var rows: [ExportItem] = []
            _ = try ExportReader.read(
                file: file, expecting: "the JSON of `az graph query` over Resources or resourcechanges", topList: true,
                uses: ["data": .items], otherwise: .ignore
            ) { (item: ExportItem) throws(LoadError) in rows.append(item) }
            var resourceRows: [String] = []
            for item in rows {
                let row = item.value
                guard let type = row["type"]?.stringValue else { throw item.error("missing 'type'") }
                guard type.lowercased() == "microsoft.resources/changes" else {
                    resourceRows.append(file)
                    continue
                }
                let p = row["properties"] ?? .null
                guard let target = p["targetResourceId"]?.stringValue else {
                    throw item.error("missing 'properties.targetResourceId'")
                }
                let attributes = p["changeAttributes"] ?? .null
                guard let text = attributes["timestamp"]?.stringValue, let at = Timestamp(iso8601: text) else {
                    throw item.error("missing 'properties.changeAttributes.timestamp'")
                }
                var paths: [(String, Value?, Value?)] = []
                for entry in p["changes"]?.objectValue?.entries ?? [] {
                    paths.append((entry.key, entry.value["previousValue"], entry.value["newValue"]))
                }
                changes.append(
                    Change(
                        at: at, resourceId: target.lowercased(), kind: p["changeType"]?.stringValue ?? "Update",
                        actor: attributes["changedBy"]?.stringValue ?? unknownActor, paths: paths, order: order))
                order += 1
            }
            if !resourceRows.isEmpty {
                for r in try AzureResourceGraphImporter.load(files: [file]).resources {
                    snapshot[r.id.lowercased()] = r
                }
            }
        }
        guard !snapshot.isEmpty else {
            throw LoadError(
                file: files.first ?? "",
                message: "no Resources rows: give the estate now (`az graph query -q \"Resources\"`) beside its changes"
            )
        }
        guard let latest = changes.map(\.at).max() else {
            throw LoadError(file: files.first ?? "", message: "no resourcechanges rows: the history holds no change")
        }
        let start = days.map { latest - .days(Int64($0)) } ?? (changes.map(\.at).min() ?? latest) - .seconds(1)
        // Newest first: undo each change in the window to reach the state at its start.
        let inWindow = changes.filter { $0.at > start }.sorted { ($0.at, $0.order) > ($1.at, $1.order) }
        var state = snapshot
        var created: [String: Resource] = [:]
        var history: [ResourceHistory.Change] = []
        for change in inWindow {
            guard var resource = state[change.resourceId] else {
                skipped["changes to resources the snapshot does not hold (deleted since)", default: 0] += 1
                continue
            }
            if change.kind == "Create" {
                created[change.resourceId] = resource
                state[change.resourceId] = nil
                continue
            }
            var set: [String: Value] = [:]
            var remove: [String] = []
            var properties = resource.properties
            for (path, before, after) in change.paths {
                if path.hasPrefix("tags.") || path == "tags" {
                    skipped["tag changes (a patch changes properties)", default: 0] += 1
                    continue
                }
                guard let valuePath = try? ValuePath(parsing: path), !valuePath.isProjection else {
                    skipped["changes at paths remsim cannot write (\(path))", default: 0] += 1
                    continue
                }
                let now = valuePath.resolve(in: properties)
                if let after, !after.isNull { set[path] = typed(after, like: now) } else { remove.append(path) }
                try? valuePath.assign(before.flatMap { $0.isNull ? nil : typed($0, like: now) }, in: &properties)
            }
            resource.properties = properties
            state[change.resourceId] = resource
            guard !set.isEmpty || !remove.isEmpty else { continue }
            history.append(
                ResourceHistory.Change(
                    at: change.at, resourceId: resource.id, kind: .patch(set: set, remove: remove), actor: change.actor)
            )
        }
        for change in inWindow where change.kind == "Create" {
            if let resource = created[change.resourceId] {
                history.append(
                    ResourceHistory.Change(
                        at: change.at, resourceId: resource.id, kind: .create(resource), actor: change.actor))
            }
        }
        history.sort { ($0.at, $0.resourceId) < ($1.at, $1.resourceId) }
        let unattributed = history.filter { $0.actor == unknownActor }.count
        return ResourceHistory(
            start: start, end: latest, initial: state.values.sorted { $0.id < $1.id }, changes: history,
            skipped: skipped.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            warnings: unattributed == 0
                ? []
                : [
                    "\(unattributed) change\(unattributed == 1 ? " names" : "s name") no changedBy: attributed to no one"
                ],
            source: "Azure Resource Graph")
    }

    /// A value of Resource Graph's change record (written as text: `"true"`, `"1.2"`) in the type
    /// of the property it changes, as the snapshot holds it.
    static func typed(_ value: Value, like current: Value?) -> Value {
        guard case .string(let text) = value else { return value }
        switch current {
        case .bool?: return text == "true" ? true : text == "false" ? false : value
        case .int?: return Int(text).map(Value.int) ?? value
        case .double?: return Double(text).map(Value.double) ?? value
        case .object?, .array?: return (try? Value(json: text)) ?? value
        default: return value
        }
    }
}
