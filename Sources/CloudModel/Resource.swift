/// One cloud resource as the inventory holds it.
///
/// `properties` keep the cloud API's own shape and field names (`IpPermissions`,
/// `PublicAccessBlockConfiguration`), so that a policy written against a real describe call
/// evaluates the same here. `relations` name other resources by id (`attached-to`,
/// `origin-of`); `usage` holds evidence of live use (flow-log records, key last use) that
/// disruption analysis weighs.
public struct Resource: Sendable, Hashable {
    public var id: String
    public var type: String
    public var account: String
    public var region: String
    public var name: String
    public var tags: [String: String]
    /// The properties as the evaluator reads them: flat, with no reference counting.
    package private(set) var flatProperties: FlatValue
    /// The properties as a value tree; reading converts, writing re-encodes.
    public var properties: Value {
        get { flatProperties.value }
        set { flatProperties = FlatValue(newValue) }
    }
    /// One top-level property, read from the flat storage without converting the others:
    /// `properties[key]`, for code that reads a field or two of many resources.
    package func property(_ key: String) -> Value? { flatProperties.member(key) }
    package var relations: [String: [String]]
    package var usage: Value
    /// Top-level properties the export this resource came from could not say (`Versioning` of a
    /// bucket `aws s3api list-buckets` listed), or `everyProperty` when it said none (a row of
    /// `az resource list`). A policy that reads one of them cannot be evaluated on the resource:
    /// it is reported as such, never as a violation. Empty for every resource whose properties
    /// are known, which is every resource but imported ones.
    package var unknownProperties: [String] = []

    /// `unknownProperties` of a resource whose export held no properties at all.
    package static let everyProperty = "*"

    /// True when none of the properties are known.
    package var propertiesUnknown: Bool { unknownProperties.contains(Self.everyProperty) }

    package init(
        id: String, type: String, account: String, region: String, name: String? = nil,
        tags: [String: String] = [:], properties: Value = .emptyObject,
        relations: [String: [String]] = [:], usage: Value = .null
    ) {
        self.id = id
        self.type = type
        self.account = account
        self.region = region
        self.name = name ?? id
        self.tags = tags
        self.flatProperties = FlatValue(properties)
        self.relations = relations
        self.usage = usage
    }

    /// A resource whose properties are flat already (read so by the JSON fixture reader).
    package init(
        id: String, type: String, account: String, region: String, name: String, tags: [String: String],
        flatProperties: FlatValue, relations: [String: [String]], usage: Value, unknownProperties: [String] = []
    ) {
        self.unknownProperties = unknownProperties
        self.id = id
        self.type = type
        self.account = account
        self.region = region
        self.name = name
        self.tags = tags
        self.flatProperties = flatProperties
        self.relations = relations
        self.usage = usage
    }

    /// The cloud, read from the type's prefix (`aws.s3` → aws).
    package var cloud: Cloud? { Cloud(ofType: type) }
}
