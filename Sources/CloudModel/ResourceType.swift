/// What remsim knows about a resource type: its Cloud Custodian name, its cloud, and the API
/// field that carries its id, so fixtures and importers can be checked against it.
package struct ResourceType: Sendable, Hashable {
    package let name: String
    package let cloud: Cloud
    package let title: String
    /// The property that holds the resource's id in the cloud's own shape (`GroupId`), if any.
    package let idProperty: String?
    /// True for account-level singletons and global services whose region is `global`.
    package let isGlobal: Bool
    /// True when a name is unique across regions although the resource has one (S3 buckets): an
    /// API call names it without saying where it is.
    package let namesSpanRegions: Bool
    /// The AWS Config resource type (`AWS::EC2::SecurityGroup`) and which of a configuration
    /// item's fields is the inventory's id, for the Config importer; nil when Config has none.
    package let awsConfig: AWSConfigMapping?

    package init(
        name: String, cloud: Cloud, title: String, idProperty: String? = nil, isGlobal: Bool = false,
        namesSpanRegions: Bool = false,
        awsConfig: AWSConfigMapping? = nil
    ) {
        self.name = name
        self.cloud = cloud
        self.title = title
        self.idProperty = idProperty
        self.isGlobal = isGlobal
        self.namesSpanRegions = namesSpanRegions || isGlobal
        self.awsConfig = awsConfig
    }
}

/// How AWS Config names a type, and the item field that becomes the inventory's id.
package struct AWSConfigMapping: Sendable, Hashable {
    package enum Id: Sendable, Hashable {
        case resourceId, resourceName, arn
        /// `iam-user/ACCOUNT/NAME`, the fixtures' form for IAM entities, which are global.
        case iamPath(String)
    }

    package let type: String
    package let id: Id

    package init(_ type: String, id: Id) {
        self.type = type
        self.id = id
    }
}

extension AWSConfigMapping {
    /// Keys AWS Config spells differently from the describe APIs, beyond the first letter's case.
    package static let renamedKeys: [String: String] = [
        "ipv4Ranges": "IpRanges", "sseAlgorithm": "SSEAlgorithm", "kmsMasterKeyID": "KMSMasterKeyID",
    ]
    private static let configKeys = Dictionary(uniqueKeysWithValues: renamedKeys.map { ($0.value, $0.key) })

    /// A Config key as the describe APIs spell it: `groupId` → `GroupId`, `ipv4Ranges` →
    /// `IpRanges`, `dBInstanceIdentifier` → `DBInstanceIdentifier`.
    package static func describeKey(_ key: String) -> String {
        if let r = renamedKeys[key] { return r }
        if key.hasPrefix("dB") { return "DB" + key.dropFirst(2) }
        return key.prefix(1).uppercased() + key.dropFirst()
    }

    /// The other way: a describe API's key as Config spells it.
    package static func configKey(_ key: String) -> String {
        if let r = configKeys[key] { return r }
        if key.hasPrefix("DB") { return "dB" + key.dropFirst(2) }
        return key.prefix(1).lowercased() + key.dropFirst()
    }
}

/// The resource types remsim models, by Cloud Custodian name (`aws.iam-password-policy` has
/// none: Custodian reads the password policy as a filter on `aws.account`).
package enum ResourceTypeRegistry {
    /// The types remsim models, plus any added for the current task (`withAdded`).
    package static var all: [ResourceType] { added.isEmpty ? builtIn : builtIn + added }

    /// Types added for the current task: a test (or a program) declaring a type of its own.
    @TaskLocal package static var added: [ResourceType] = []

    package static let builtIn: [ResourceType] = [
        // AWS, with properties as the service's describe/get call returns them.
        ResourceType(
            name: "aws.security-group", cloud: .aws, title: "EC2 security group", idProperty: "GroupId",
            awsConfig: AWSConfigMapping("AWS::EC2::SecurityGroup", id: .resourceId)),
        ResourceType(
            name: "aws.network-acl", cloud: .aws, title: "VPC network ACL", idProperty: "NetworkAclId",
            awsConfig: AWSConfigMapping("AWS::EC2::NetworkAcl", id: .resourceId)),
        ResourceType(
            name: "aws.vpc", cloud: .aws, title: "VPC", idProperty: "VpcId",
            awsConfig: AWSConfigMapping("AWS::EC2::VPC", id: .resourceId)),
        ResourceType(
            name: "aws.ec2", cloud: .aws, title: "EC2 instance", idProperty: "InstanceId",
            awsConfig: AWSConfigMapping("AWS::EC2::Instance", id: .resourceId)),
        ResourceType(
            name: "aws.ebs", cloud: .aws, title: "EBS volume", idProperty: "VolumeId",
            awsConfig: AWSConfigMapping("AWS::EC2::Volume", id: .resourceId)),
        ResourceType(name: "aws.ebs-snapshot", cloud: .aws, title: "EBS snapshot", idProperty: "SnapshotId"),
        ResourceType(
            name: "aws.s3", cloud: .aws, title: "S3 bucket", idProperty: "Name", namesSpanRegions: true,
            awsConfig: AWSConfigMapping("AWS::S3::Bucket", id: .resourceName)),
        ResourceType(
            name: "aws.iam-user", cloud: .aws, title: "IAM user", idProperty: "UserName", isGlobal: true,
            awsConfig: AWSConfigMapping("AWS::IAM::User", id: .iamPath("iam-user"))),
        ResourceType(
            name: "aws.iam-role", cloud: .aws, title: "IAM role", idProperty: "RoleName", isGlobal: true,
            awsConfig: AWSConfigMapping("AWS::IAM::Role", id: .iamPath("iam-role"))),
        ResourceType(
            name: "aws.iam-password-policy", cloud: .aws, title: "IAM account password policy", isGlobal: true),
        ResourceType(
            name: "aws.rds", cloud: .aws, title: "RDS DB instance", idProperty: "DBInstanceIdentifier",
            awsConfig: AWSConfigMapping("AWS::RDS::DBInstance", id: .resourceName)),
        ResourceType(
            name: "aws.rds-snapshot", cloud: .aws, title: "RDS DB snapshot", idProperty: "DBSnapshotIdentifier",
            awsConfig: AWSConfigMapping("AWS::RDS::DBSnapshot", id: .resourceName)),
        ResourceType(
            name: "aws.redshift", cloud: .aws, title: "Redshift cluster", idProperty: "ClusterIdentifier",
            awsConfig: AWSConfigMapping("AWS::Redshift::Cluster", id: .resourceId)),
        ResourceType(
            name: "aws.cloudtrail", cloud: .aws, title: "CloudTrail trail", idProperty: "Name",
            awsConfig: AWSConfigMapping("AWS::CloudTrail::Trail", id: .arn)),
        ResourceType(
            name: "aws.kms-key", cloud: .aws, title: "KMS key", idProperty: "KeyId",
            awsConfig: AWSConfigMapping("AWS::KMS::Key", id: .resourceId)),
        ResourceType(
            name: "aws.app-elb", cloud: .aws, title: "Application load balancer", idProperty: "LoadBalancerArn",
            awsConfig: AWSConfigMapping("AWS::ElasticLoadBalancingV2::LoadBalancer", id: .arn)),
        ResourceType(
            name: "aws.lambda", cloud: .aws, title: "Lambda function", idProperty: "FunctionName",
            awsConfig: AWSConfigMapping("AWS::Lambda::Function", id: .arn)),
        ResourceType(
            name: "aws.log-group", cloud: .aws, title: "CloudWatch Logs log group", idProperty: "logGroupName"),
        ResourceType(
            name: "aws.distribution", cloud: .aws, title: "CloudFront distribution", idProperty: "Id", isGlobal: true),
        // Azure, as Azure Resource Manager (and Resource Graph) returns them; the id is the ARM id.
        ResourceType(name: "azure.storage", cloud: .azure, title: "Storage account", idProperty: "id"),
        ResourceType(
            name: "azure.networksecuritygroup", cloud: .azure, title: "Network security group", idProperty: "id"),
        ResourceType(name: "azure.sqlserver", cloud: .azure, title: "SQL server", idProperty: "id"),
        ResourceType(name: "azure.sqldatabase", cloud: .azure, title: "SQL database", idProperty: "id"),
        ResourceType(name: "azure.keyvault", cloud: .azure, title: "Key Vault", idProperty: "id"),
        ResourceType(name: "azure.vm", cloud: .azure, title: "Virtual machine", idProperty: "id"),
        ResourceType(name: "azure.webapp", cloud: .azure, title: "App Service web app", idProperty: "id"),
        ResourceType(name: "azure.postgresql-server", cloud: .azure, title: "PostgreSQL server", idProperty: "id"),
        // GCP, as the service's API returns them; the id is the Cloud Asset Inventory name
        // (`//compute.googleapis.com/projects/P/global/firewalls/NAME`).
        ResourceType(name: "gcp.firewall", cloud: .gcp, title: "VPC firewall rule"),
        ResourceType(name: "gcp.bucket", cloud: .gcp, title: "Cloud Storage bucket"),
        ResourceType(name: "gcp.sql-instance", cloud: .gcp, title: "Cloud SQL instance"),
        ResourceType(name: "gcp.instance", cloud: .gcp, title: "Compute Engine instance"),
        ResourceType(name: "gcp.subnet", cloud: .gcp, title: "VPC subnetwork"),
        ResourceType(name: "gcp.gke-cluster", cloud: .gcp, title: "GKE cluster"),
        ResourceType(name: "gcp.kms-cryptokey", cloud: .gcp, title: "Cloud KMS crypto key"),
    ]

    private static let byName: [String: ResourceType] = Dictionary(uniqueKeysWithValues: builtIn.map { ($0.name, $0) })

    package static func type(named name: String) -> ResourceType? { byName[name] ?? added.first { $0.name == name } }

    /// The type AWS Config calls `configType` (`AWS::S3::Bucket`), if remsim models it.
    package static func type(awsConfigType configType: String) -> ResourceType? {
        all.first { $0.awsConfig?.type == configType }
    }

    package static var names: [String] { all.map(\.name) }
}
