import CloudModel

/// One cloud API operation remsim models: which resource it acts on, what it changes, what it
/// needs, and how a person writes it on the command line. The simulated cloud executes the
/// `effect`, the template reader parses the `cli` shape, the renderer writes it; all three read
/// this one declaration, so they cannot disagree.
package struct OperationSpec: Sendable {
    /// As the cloud names it: `ec2:RevokeSecurityGroupIngress` (AWS), the ARM operation
    /// `Microsoft.Storage/storageAccounts/write` (Azure), the API method `compute.firewalls.patch` (GCP).
    package let name: String
    package let cloud: Cloud
    /// The resource type the call acts on.
    package let resourceType: String
    package let target: TargetLocator
    /// Parameter paths a call must give; without one the cloud answers `MissingParameter`.
    package let required: [String]
    /// Parameter values the cloud accepts, where it accepts only some (`Status`: Active, Inactive).
    package let allowed: [String: [Value]]
    /// The permissions a caller needs: the IAM action, the Azure RBAC operation, the GCP permission.
    package let permissions: [String]
    package var effect: OperationEffect
    /// The commands that make this call, for `az`, `gcloud` and `gsutil`, the one rendered first
    /// (`gsutil versioning set` and `gsutil uniformbucketlevelaccess set` both patch a bucket). AWS
    /// commands follow one rule for every operation (`CommandRenderer`), so they need none.
    package let commands: [CLIShape]
    /// The error the cloud returns when the target does not exist.
    package let notFound: APIErrorTemplate
    /// Parameters the call takes that change nothing remsim models (`ApplyImmediately`).
    package let inert: [String]
    /// Other resources the call names, which the cloud checks before it changes anything.
    package let references: [ResourceReference]
    /// Parameters the API types as integers, and parameters that are lists of plain words
    /// (`--resource-ids a b`), for reading an `aws` command back: every other plain word is a
    /// string. The AWS CLI's common ones (`RuleNumber`, `GroupNames`, …) are known without this.
    package let integers: Set<String>
    package let lists: Set<String>
    /// Types besides `resourceType` the call also acts on (EC2's create-tags takes an instance,
    /// a group, a VPC, a volume, … by id).
    package let otherResourceTypes: [String]
    /// What the target may not be for the call to succeed, checked before anything changes: a
    /// volume still attached cannot be deleted (`VolumeInUse`).
    package let refusals: [Refusal]

    package init(
        _ name: String, cloud: Cloud, resourceType: String, target: TargetLocator, required: [String] = [],
        allowed: [String: [Value]] = [:], permissions: [String]? = nil, effect: OperationEffect,
        commands: [CLIShape] = [],
        notFound: APIErrorTemplate, inert: [String] = [], references: [ResourceReference] = [],
        integers: Set<String> = [],
        lists: Set<String> = [], otherResourceTypes: [String] = [], refusals: [Refusal] = []
    ) {
        self.otherResourceTypes = otherResourceTypes
        self.refusals = refusals
        self.name = name
        self.cloud = cloud
        self.resourceType = resourceType
        self.target = target
        self.required = required
        self.allowed = allowed
        self.permissions = permissions ?? [name]
        self.effect = effect
        self.commands = commands
        self.notFound = notFound
        self.inert = inert
        self.references = references
        self.integers = integers
        self.lists = lists
    }

    /// True when the call makes a resource that was not there: a log group, or an RDS final
    /// snapshot made as the instance is deleted.
    package var createsResources: Bool {
        if case .creates = target { return true }
        func makes(_ effect: OperationEffect) -> Bool {
            switch effect {
            case .builtin(.deleteDBInstance): true
            case .all(let effects): effects.contains(where: makes)
            default: false
            }
        }
        return makes(effect)
    }

    /// The top-level parameters the call takes, as the API spells them (`DBInstanceIdentifier`,
    /// `MultiAZ`): what the target, the checks and the effect read, and the inert ones. The AWS
    /// command reader uses them to spell `--multi-az` back as `MultiAZ`.
    package var parameterNames: [String] {
        var names: [String] = []
        func add(_ path: String) {
            guard let head = path.split(separator: ".").first.map(String.init), !head.isEmpty, !names.contains(head)
            else { return }
            names.append(head)
        }
        switch target {
        case .id(let template, let alternative):
            for t in [template, alternative].compactMap({ $0 }) {
                for piece in t.split(separator: "{").dropFirst() { add(String(piece.prefix { $0 != "}" })) }
            }
        case .name(let p), .ids(let p), .arns(let p): add(p)
        case .account, .creates: break
        }
        required.forEach(add)
        allowed.keys.sorted().forEach(add)
        effect.parameters.forEach(add)
        inert.forEach(add)
        return names.filter { $0 != "account" }
    }
}

/// A resource a call names besides its target, by name in the caller's account, which must exist
/// (and, where the cloud demands it, be in the target's region): the bucket `s3:PutBucketLogging`
/// sends the logs to.
package struct ResourceReference: Sendable {
    /// The parameter path holding the name: `BucketLoggingStatus.LoggingEnabled.TargetBucket`.
    package let parameter: String
    package let resourceType: String
    /// The error when no such resource exists.
    package let missing: APIErrorTemplate
    /// The error when it is in another region than the target; nil when the cloud does not care.
    package let otherRegion: APIErrorTemplate?

    package init(
        _ parameter: String, resourceType: String, missing: APIErrorTemplate, otherRegion: APIErrorTemplate? = nil
    ) {
        self.parameter = parameter
        self.resourceType = resourceType
        self.missing = missing
        self.otherRegion = otherRegion
    }

    /// The name a call's parameters give for the resource.
    package func name(in parameters: Value) -> String? {
        (try? ValuePath(parsing: parameter))?.resolve(in: parameters)?.stringValue
    }
}

/// How an operation names the resource it acts on.
package enum TargetLocator: Sendable {
    /// The resource whose id is the template filled from the parameters: `{GroupId}`,
    /// `/subscriptions/{account}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/{name}`.
    /// `{account}` is the caller's account (the subscription, the project); `{project}` falls back
    /// to it, as `gcloud` falls back to the configured project. `or` is a second way to name it,
    /// used when the call does not give every parameter of the first (`az … --ids ID`).
    case id(String, or: String? = nil)
    /// The resource of the type with this name in the caller's account (buckets, users, trails).
    case name(String)
    /// Each id in a list parameter (`ec2:CreateFlowLogs` takes `ResourceIds`).
    case ids(String)
    /// Each ARN in a list parameter (the Resource Groups Tagging API's `ResourceARNList`), of
    /// the types `AWSResourceARN` forms.
    case arns(String)
    /// The account's one resource of the type (the IAM password policy).
    case account
    /// Nothing: the call creates its resource.
    case creates
}

/// A state of the target in which the cloud refuses the call, with the error it gives.
package struct Refusal: Sendable {
    package enum Test: Sendable {
        /// The property holds a non-empty list (or object, or string).
        case nonEmpty
        /// The property has this value.
        case equals(Value)
    }

    /// The target's property looked at, as a path (`Attachments`, `State.Name`).
    package let property: String
    package let test: Test
    /// The error; `{target}` is the call's target, and any other `{path}` the target's property
    /// at that path (`{Attachments[0].InstanceId}`).
    package let error: APIErrorTemplate

    package init(when property: String, _ test: Test, _ error: APIErrorTemplate) {
        self.property = property
        self.test = test
        self.error = error
    }

    /// Whether the cloud refuses the call on a resource with these properties.
    package func refuses(_ properties: Value) -> Bool {
        guard let value = (try? ValuePath(parsing: property))?.resolve(in: properties) else { return false }
        switch test {
        case .nonEmpty:
            if let a = value.arrayValue { return !a.isEmpty }
            if let o = value.objectValue { return !o.isEmpty }
            if let s = value.stringValue { return !s.isEmpty }
            return false
        case .equals(let expected): return value == expected
        }
    }
}

/// An error as the cloud returns it; `{target}` is replaced by what the call named.
package struct APIErrorTemplate: Sendable {
    package let code: String
    package let message: String
    package init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    package func message(target: String) -> String { message.replacingOccurrences(of: "{target}", with: target) }

    /// The message with `{target}` filled in, and every other `{path}` from `properties`.
    package func message(target: String, properties: Value) -> String {
        var text = message(target: target)
        while let match = text.firstMatch(of: /\{([A-Za-z0-9_.\[\]]+)\}/) {
            let value = (try? ValuePath(parsing: String(match.1)))?.resolve(in: properties)
            text.replaceSubrange(match.range, with: value.map { $0.stringValue ?? $0.jsonText } ?? "?")
        }
        return text
    }
}
