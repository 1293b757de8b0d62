import CloudModel

/// The outputs of `aws …` calls the describe importer reads, as data: for each top-level list
/// (`Volumes`), the call that prints it, the type its items become, and where each item says its
/// id, account and region. Every modelled AWS type with a call that lists it is here, so that no
/// output of a modelled type is ever counted as "not modelled".
struct AWSDescribeShape: Sendable {
    /// Where an item says its account or its region.
    enum From: Sendable {
        /// A property holding it (`OwnerId`, `HomeRegion`, `BucketRegion`).
        case property(String)
        /// The account or region field of the ARN a property holds.
        case arn(String)
        /// The region of the availability zone a property names (`us-east-1a` → `us-east-1`).
        case zone(String)
        /// The resource has no region (IAM, CloudFront).
        case global
    }

    /// How an item's id is formed.
    enum Id: Sendable {
        /// A property holding it.
        case property(String)
        /// `PREFIX/ACCOUNT/NAME`, the fixtures' id of an IAM entity, `NAME` from the property.
        case iamPath(String, name: String)
    }

    /// The top-level key of the output (`Volumes`).
    let list: String
    /// The call that prints it, for messages.
    let call: String
    let type: String
    let id: Id
    /// The property naming the resource, if the output has one besides its tags.
    var name: String? = nil
    /// The key of the item's `[{Key, Value}]` tags.
    var tags: String = "Tags"
    var account: [From] = []
    var region: [From] = []
    /// Properties the pack's policies read that this output does not hold, and what gives them.
    var lacks: (properties: [String], advice: String)? = nil

    static let accessKeysAdvice =
        "import the credential report (`aws iam get-credential-report`) or `aws iam list-access-keys --user-name …` "
        + "for each user as well"

    static let all: [AWSDescribeShape] = [
        AWSDescribeShape(
            list: "SecurityGroups", call: "aws ec2 describe-security-groups", type: "aws.security-group",
            id: .property("GroupId"), name: "GroupName", account: [.property("OwnerId")]),
        AWSDescribeShape(
            list: "NetworkAcls", call: "aws ec2 describe-network-acls", type: "aws.network-acl",
            id: .property("NetworkAclId"), account: [.property("OwnerId")]),
        AWSDescribeShape(
            list: "Vpcs", call: "aws ec2 describe-vpcs", type: "aws.vpc", id: .property("VpcId"),
            account: [.property("OwnerId")]),
        AWSDescribeShape(
            list: "Volumes", call: "aws ec2 describe-volumes", type: "aws.ebs", id: .property("VolumeId"),
            region: [.zone("AvailabilityZone")]),
        AWSDescribeShape(
            list: "Snapshots", call: "aws ec2 describe-snapshots", type: "aws.ebs-snapshot",
            id: .property("SnapshotId"), account: [.property("OwnerId")],
            lacks: (
                ["CreateVolumePermissions"],
                "import `aws ec2 describe-snapshot-attribute --attribute createVolumePermission` for each as well"
            )
        ),
        AWSDescribeShape(
            list: "DBInstances", call: "aws rds describe-db-instances", type: "aws.rds",
            id: .property("DBInstanceIdentifier"), tags: "TagList", account: [.arn("DBInstanceArn")],
            region: [.arn("DBInstanceArn"), .zone("AvailabilityZone")]),
        AWSDescribeShape(
            list: "DBSnapshots", call: "aws rds describe-db-snapshots", type: "aws.rds-snapshot",
            id: .property("DBSnapshotIdentifier"), tags: "TagList", account: [.arn("DBSnapshotArn")],
            region: [.arn("DBSnapshotArn"), .zone("AvailabilityZone")],
            lacks: (["DBSnapshotAttributes"], "import `aws rds describe-db-snapshot-attributes` for each as well")),
        AWSDescribeShape(
            list: "Clusters", call: "aws redshift describe-clusters", type: "aws.redshift",
            id: .property("ClusterIdentifier"), account: [.arn("ClusterNamespaceArn")],
            region: [.arn("ClusterNamespaceArn"), .zone("AvailabilityZone")]),
        AWSDescribeShape(
            list: "trailList", call: "aws cloudtrail describe-trails", type: "aws.cloudtrail",
            id: .property("TrailARN"), name: "Name", account: [.arn("TrailARN")], region: [.property("HomeRegion")]),
        AWSDescribeShape(
            list: "LoadBalancers", call: "aws elbv2 describe-load-balancers", type: "aws.app-elb",
            id: .property("LoadBalancerArn"), name: "LoadBalancerName", account: [.arn("LoadBalancerArn")],
            region: [.arn("LoadBalancerArn")],
            lacks: (
                ["Attributes"],
                "`aws elbv2 describe-load-balancer-attributes` prints them without naming the load balancer, so "
                    + "they are added to its fixture's `Attributes` by hand"
            )),
        AWSDescribeShape(
            list: "Functions", call: "aws lambda list-functions", type: "aws.lambda", id: .property("FunctionArn"),
            name: "FunctionName", account: [.arn("FunctionArn")], region: [.arn("FunctionArn")]),
        AWSDescribeShape(
            list: "logGroups", call: "aws logs describe-log-groups", type: "aws.log-group",
            id: .property("logGroupName"), name: "logGroupName", account: [.arn("arn")], region: [.arn("arn")]),
        AWSDescribeShape(
            list: "Users", call: "aws iam list-users", type: "aws.iam-user", id: .iamPath("iam-user", name: "UserName"),
            name: "UserName", account: [.arn("Arn")], region: [.global],
            lacks: (["AccessKeys"], AWSDescribeShape.accessKeysAdvice)),
        AWSDescribeShape(
            list: "UserDetailList", call: "aws iam get-account-authorization-details", type: "aws.iam-user",
            id: .iamPath("iam-user", name: "UserName"), name: "UserName", account: [.arn("Arn")], region: [.global],
            lacks: (["AccessKeys"], AWSDescribeShape.accessKeysAdvice)),
        AWSDescribeShape(
            list: "Roles", call: "aws iam list-roles", type: "aws.iam-role", id: .iamPath("iam-role", name: "RoleName"),
            name: "RoleName", account: [.arn("Arn")], region: [.global]),
        AWSDescribeShape(
            list: "RoleDetailList", call: "aws iam get-account-authorization-details", type: "aws.iam-role",
            id: .iamPath("iam-role", name: "RoleName"), name: "RoleName", account: [.arn("Arn")], region: [.global]),
        AWSDescribeShape(
            list: "Buckets", call: "aws s3api list-buckets", type: "aws.s3", id: .property("Name"), name: "Name",
            region: [.property("BucketRegion")],
            lacks: (
                [
                    "PublicAccessBlockConfiguration", "Versioning", "ServerSideEncryptionConfiguration", "Logging",
                ],
                "import the buckets' AWS Config configuration items instead (`remsim import aws-config`), which "
                    + "hold them"
            )),
    ]

    /// The shapes by list key.
    static let byList: [String: AWSDescribeShape] = Dictionary(uniqueKeysWithValues: all.map { ($0.list, $0) })

    /// Lists that name resources of a modelled type but do not describe them, and why they are
    /// not imported.
    static let namesOnly: [String: String] = [
        "Keys": "`aws kms list-keys` names keys only; import `aws kms describe-key` for each",
        "LoadBalancerDescriptions": "classic load balancers (`aws elb`) are not modelled; aws.app-elb is elbv2's",
        "Groups": "IAM groups are not modelled",
        "GroupDetailList": "IAM groups are not modelled",
        "Policies": "IAM managed policies are not modelled",
    ]

    /// Members of an output that are about the call, not resources: pagination and metadata.
    static let pageKeys: Set<String> = ["NextToken", "nextToken", "Marker", "NextMarker", "IsTruncated"]
    static let metadataKeys: Set<String> = ["ResponseMetadata", "Owner", "Prefix", "ContinuationToken"]

    /// The account or region `sources` give for an item.
    static func resolve(_ sources: [From], _ item: FlatValue, account: Bool) -> String? {
        for source in sources {
            switch source {
            case .global:
                return account ? nil : "global"
            case .property(let key):
                if let s = item.string(member: key), !s.isEmpty { return s }
            case .zone(let key):
                if !account, let zone = item.string(member: key), zone.count > 1 { return String(zone.dropLast()) }
            case .arn(let key):
                // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
                guard let arn = item.string(member: key) else { continue }
                let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                guard parts.count == 6, parts[0] == "arn" else { continue }
                let field = String(parts[account ? 4 : 3])
                if !field.isEmpty { return field }
            }
        }
        return nil
    }
}
