/// What remsim knows about a resource type: its Cloud Custodian name, its cloud, and the API
/// field that carries its id, so fixtures and importers can be checked against it.
public struct ResourceType: Sendable, Hashable {
    public let name: String
    public let cloud: Cloud
    public let title: String
    /// The property that holds the resource's id in the cloud's own shape (`GroupId`), if any.
    public let idProperty: String?
    /// True for account-level singletons and global services whose region is `global`.
    public let isGlobal: Bool

    public init(name: String, cloud: Cloud, title: String, idProperty: String? = nil, isGlobal: Bool = false) {
        self.name = name
        self.cloud = cloud
        self.title = title
        self.idProperty = idProperty
        self.isGlobal = isGlobal
    }
}

/// The resource types remsim models, by Cloud Custodian name.
public enum ResourceTypeRegistry {
    public static let all: [ResourceType] = [
        ResourceType(name: "aws.security-group", cloud: .aws, title: "EC2 security group", idProperty: "GroupId"),
        ResourceType(name: "aws.s3", cloud: .aws, title: "S3 bucket", idProperty: "Name"),
        ResourceType(name: "aws.iam-user", cloud: .aws, title: "IAM user", idProperty: "UserName", isGlobal: true),
        ResourceType(name: "aws.vpc", cloud: .aws, title: "VPC", idProperty: "VpcId"),
        ResourceType(name: "aws.cloudtrail", cloud: .aws, title: "CloudTrail trail", idProperty: "Name"),
        ResourceType(name: "aws.ec2", cloud: .aws, title: "EC2 instance", idProperty: "InstanceId"),
        ResourceType(name: "aws.log-group", cloud: .aws, title: "CloudWatch Logs log group", idProperty: "logGroupName"),
    ]

    private static let byName: [String: ResourceType] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static func type(named name: String) -> ResourceType? { byName[name] }

    public static var names: [String] { all.map(\.name) }
}
