import CloudModel

/// What an operation does to its target's properties, declared rather than coded, so the same
/// declaration drives the simulated cloud and can be read by anything that predicts a change.
/// Paths are `ValuePath` text (`MetadataOptions.HttpTokens`, `properties.networkAcls.defaultAction`);
/// the empty path is the properties' root.
package indirect enum OperationEffect: Sendable {
    /// Sets the property from the parameter; an absent parameter changes nothing.
    case set(String, from: String)
    /// Sets the property to a fixed value.
    case setValue(String, Value)
    /// Merges the parameter (an object) into the property as a JSON merge patch (RFC 7386): members
    /// replace, `null` removes, nested objects merge. Azure's and GCP's PATCH calls work this way.
    case merge(from: String, into: String)
    /// For each object in the list parameter, replaces the element of the list property with the
    /// same `key`, or appends it (`Attributes` by `Key`, GCE `metadata.items` by `key`).
    case upsert(from: String, into: String, key: String)
    /// Removes from the list property the elements whose `field` is one of the parameter's values.
    case remove(from: String, whereField: String, in: String)
    /// Finds the element of the list property whose fields equal the parameters named (`RuleNumber`
    /// and `Egress` of a network ACL entry) and applies `change` to it, or removes it when `change`
    /// is nil. No such element is `notFound`.
    case element(of: String, matching: [String: String], change: ElementChange?, notFound: APIErrorTemplate)
    /// Replaces the whole property with the fields given, each from its parameter or, when the call
    /// leaves it out, its default: `iam:UpdateAccountPasswordPolicy` resets what it is not told.
    case replace(String, fields: [ReplacedField])
    /// Behaviour with a shape of its own.
    case builtin(BuiltinEffect)
    case all([OperationEffect])
}

extension OperationEffect {
    /// The top-level properties a call with `parameters` may change: what the declaration
    /// promises, and what a property test holds the simulated cloud to.
    package func writtenProperties(parameters: Value) -> Set<String> {
        func head(_ path: String) -> Set<String> {
            guard let h = path.split(separator: ".").first.map(String.init) else { return [] }
            return [String(h.prefix { $0 != "[" })]
        }
        switch self {
        case .set(let p, _), .setValue(let p, _), .upsert(_, let p, _), .remove(let p, _, _), .element(let p, _, _, _):
            return head(p)
        case .replace(let p, let fields):
            return p.isEmpty ? Set(fields.map(\.property)) : head(p)
        case .merge(let from, let into):
            guard into.isEmpty else { return head(into) }
            // A merge into the root changes what the patch names.
            let patch = (try? ValuePath(parsing: from)).flatMap { $0.resolve(in: parameters) }
            return Set(patch?.objectValue?.keys ?? [])
        case .builtin(let b):
            switch b {
            case .revokeIngress, .authorizeIngress: return ["IpPermissions"]
            case .revokeEgress: return ["IpPermissionsEgress"]
            case .createFlowLogs: return ["FlowLogs"]
            case .removeSnapshotAttributeValues: return ["DBSnapshotAttributes"]
            case .removeIamMembers: return ["iamPolicy"]
            // Tags are the resource's own field, not a property.
            case .createLogGroup, .createTags, .deleteTags, .tagUser, .untagUser, .putBucketTagging, .tagResources,
                .untagResources:
                return []
            // The resource goes, and nothing of it is written.
            case .delete, .deleteDBInstance: return []
            }
        case .all(let effects):
            return effects.reduce(into: Set<String>()) { $0.formUnion($1.writtenProperties(parameters: parameters)) }
        }
    }

    /// The parameter paths the effect reads.
    package var parameters: [String] {
        switch self {
        case .set(_, let p), .merge(let p, _), .upsert(let p, _, _), .remove(_, _, let p): [p]
        case .setValue: []
        case .element(_, let matching, let change, _):
            matching.values.sorted()
                + {
                    switch change {
                    case .set(let fields)?: fields.values.sorted()
                    case .merge(let p)?, .mergeOrCreate(let p, _)?: [p]
                    case nil: []
                    }
                }()
        case .replace(_, let fields): fields.map(\.parameter)
        case .builtin(let b): b.parameters
        case .all(let effects): effects.flatMap(\.parameters)
        }
    }
}

package enum ElementChange: Sendable {
    /// Sets each element field from its parameter.
    case set([String: String])
    /// Merges the parameter object into the element.
    case merge(from: String)
    /// Merges the parameter object into the element, or, where there is none, appends one made
    /// of the matching fields and the object: a create-or-update call (ARM's PUT of a child
    /// resource, which `az … update` reaches after reading the element first).
    case mergeOrCreate(from: String, creation: ElementCreation)
}

/// What a create-or-update call must give to make an element that is not there; short of it,
/// the call is answered as an update of a missing element (`notFound`).
package struct ElementCreation: Sendable {
    /// Paths in the parameter object every new element has (`properties.priority`).
    package let required: [String]
    /// Integer fields of the parameter object and the range the cloud accepts, with the error
    /// for a value outside it; `{value}` in its message is the value given.
    package let ranges: [(path: String, range: ClosedRange<Int>, error: APIErrorTemplate)]

    package init(required: [String], ranges: [(path: String, range: ClosedRange<Int>, error: APIErrorTemplate)] = []) {
        self.required = required
        self.ranges = ranges
    }
}

package struct ReplacedField: Sendable {
    package let property: String
    package let parameter: String
    /// Nil leaves the field out when the call does.
    package let defaultValue: Value?
    package init(_ property: String, from parameter: String? = nil, default defaultValue: Value?) {
        self.property = property
        self.parameter = parameter ?? property
        self.defaultValue = defaultValue
    }
}

package enum BuiltinEffect: String, Sendable {
    /// EC2's revoke: removes exactly the requested ranges; any that is not there fails the call.
    case revokeIngress, revokeEgress
    /// EC2's authorize: adds ranges to a permission with the same ports, or the permission.
    case authorizeIngress
    /// Creates a CloudWatch Logs log group named by `logGroupName`.
    case createLogGroup
    /// Adds an active flow log to each VPC of `ResourceIds`.
    case createFlowLogs
    /// Removes `ValuesToRemove` from the RDS snapshot attribute `AttributeName`.
    case removeSnapshotAttributeValues
    /// Removes `members` from every binding of the bucket's IAM policy, dropping bindings left empty.
    case removeIamMembers
    /// EC2's create-tags: sets each of `Tags` (`Key`, `Value`) on the resource's tags.
    case createTags
    /// EC2's delete-tags: removes each of `Tags` by `Key` (only where the value is the one given,
    /// when a `Value` is given).
    case deleteTags
    /// IAM's tag-user: sets each of `Tags`; untag-user removes each of `TagKeys`.
    case tagUser, untagUser
    /// The Resource Groups Tagging API's tag-resources: sets each of `Tags` (a map of key to
    /// value); untag-resources removes each of `TagKeys`.
    case tagResources, untagResources
    /// S3's put-bucket-tagging: the bucket's tags become `Tagging.TagSet`, whole.
    case putBucketTagging
    /// Deletes the target: a volume, a snapshot, a firewall rule.
    case delete
    /// RDS's delete-db-instance: with `FinalDBSnapshotIdentifier`, a manual snapshot of the
    /// instance is made first; without it, `SkipFinalSnapshot` must be true.
    case deleteDBInstance

    /// True for the effects that change a resource's tags, which are not among its properties.
    package var changesTags: Bool {
        switch self {
        case .createTags, .deleteTags, .tagUser, .untagUser, .putBucketTagging, .tagResources, .untagResources: true
        default: false
        }
    }

    /// True for the effects that delete their target.
    package var deletes: Bool { self == .delete || self == .deleteDBInstance }

    /// The parameters each reads.
    package var parameters: [String] {
        switch self {
        case .revokeIngress, .revokeEgress, .authorizeIngress: ["IpPermissions"]
        case .createLogGroup: ["logGroupName"]
        case .createFlowLogs:
            [
                "ResourceIds", "ResourceType", "TrafficType", "LogDestinationType", "LogGroupName",
                "DeliverLogsPermissionArn", "LogDestination", "LogFormat", "MaxAggregationInterval",
            ]
        case .removeSnapshotAttributeValues: ["AttributeName", "ValuesToRemove"]
        case .removeIamMembers: ["removeMembers"]
        case .createTags, .deleteTags: ["Resources", "Tags"]
        case .tagUser: ["UserName", "Tags"]
        case .untagUser: ["UserName", "TagKeys"]
        case .tagResources: ["ResourceARNList", "Tags"]
        case .untagResources: ["ResourceARNList", "TagKeys"]
        case .putBucketTagging: ["Bucket", "Tagging"]
        case .delete: []
        case .deleteDBInstance: ["SkipFinalSnapshot", "FinalDBSnapshotIdentifier"]
        }
    }
}
