import CloudModel

extension OperationCatalog {
    /// The types besides instances that EC2's tag calls take by id.
    package static let ec2Taggable = [
        "aws.security-group", "aws.vpc", "aws.ebs", "aws.ebs-snapshot", "aws.network-acl",
    ]

    /// The error EC2 gives for an id of a kind it has none of (`sg-…`: `InvalidGroup.NotFound`), for
    /// the calls that take ids of several kinds; nil for an id of no kind it knows.
    package static func ec2NotFound(forId id: String) -> APIErrorTemplate? {
        let kinds: [(String, String, String)] = [
            ("i-", "InvalidInstanceID.NotFound", "The instance ID '{target}' does not exist"),
            ("sg-", "InvalidGroup.NotFound", "The security group '{target}' does not exist"),
            ("vpc-", "InvalidVpcID.NotFound", "The vpc ID '{target}' does not exist"),
            ("vol-", "InvalidVolume.NotFound", "The volume '{target}' does not exist."),
            ("snap-", "InvalidSnapshot.NotFound", "The snapshot '{target}' does not exist."),
            ("acl-", "InvalidNetworkAclID.NotFound", "The network ACL '{target}' does not exist"),
        ]
        return kinds.first { id.hasPrefix($0.0) }.map { APIErrorTemplate($0.1, $0.2) }
    }

    /// AWS operations, in the API's own names and parameters. Their commands follow the AWS CLI's
    /// one mapping (`CommandRenderer`), so they carry no CLI shape.
    static let aws: [OperationSpec] = [
        OperationSpec(
            "ec2:RevokeSecurityGroupIngress", cloud: .aws, resourceType: "aws.security-group", target: .id("{GroupId}"),
            required: ["GroupId", "IpPermissions"], effect: .builtin(.revokeIngress),
            notFound: APIErrorTemplate("InvalidGroup.NotFound", "The security group '{target}' does not exist")),
        OperationSpec(
            "ec2:RevokeSecurityGroupEgress", cloud: .aws, resourceType: "aws.security-group", target: .id("{GroupId}"),
            required: ["GroupId", "IpPermissions"], effect: .builtin(.revokeEgress),
            notFound: APIErrorTemplate("InvalidGroup.NotFound", "The security group '{target}' does not exist")),
        OperationSpec(
            "ec2:AuthorizeSecurityGroupIngress", cloud: .aws, resourceType: "aws.security-group",
            target: .id("{GroupId}"),
            required: ["GroupId", "IpPermissions"], effect: .builtin(.authorizeIngress),
            notFound: APIErrorTemplate("InvalidGroup.NotFound", "The security group '{target}' does not exist")),
        OperationSpec(
            "ec2:DeleteNetworkAclEntry", cloud: .aws, resourceType: "aws.network-acl", target: .id("{NetworkAclId}"),
            required: ["NetworkAclId", "RuleNumber", "Egress"],
            effect: .element(
                of: "Entries", matching: ["RuleNumber": "RuleNumber", "Egress": "Egress"], change: nil,
                notFound: APIErrorTemplate(
                    "InvalidNetworkAclEntry.NotFound", "The specified network ACL entry does not exist")),
            notFound: APIErrorTemplate("InvalidNetworkAclID.NotFound", "The network ACL '{target}' does not exist")),
        OperationSpec(
            "ec2:ModifySnapshotAttribute", cloud: .aws, resourceType: "aws.ebs-snapshot", target: .id("{SnapshotId}"),
            required: ["SnapshotId", "Attribute", "OperationType"],
            allowed: ["Attribute": ["createVolumePermission"], "OperationType": ["remove"]],
            effect: .all([
                .remove(from: "CreateVolumePermissions", whereField: "Group", in: "GroupNames"),
                .remove(from: "CreateVolumePermissions", whereField: "UserId", in: "UserIds"),
            ]),
            notFound: APIErrorTemplate("InvalidSnapshot.NotFound", "The snapshot '{target}' does not exist.")),
        // Tags, on every EC2 resource the simulation models, by id.
        OperationSpec(
            "ec2:CreateTags", cloud: .aws, resourceType: "aws.ec2", target: .ids("Resources"),
            required: ["Resources", "Tags"], effect: .builtin(.createTags),
            notFound: APIErrorTemplate("InvalidInstanceID.NotFound", "The instance ID '{target}' does not exist"),
            otherResourceTypes: Self.ec2Taggable),
        OperationSpec(
            "ec2:DeleteTags", cloud: .aws, resourceType: "aws.ec2", target: .ids("Resources"),
            required: ["Resources", "Tags"], effect: .builtin(.deleteTags),
            notFound: APIErrorTemplate("InvalidInstanceID.NotFound", "The instance ID '{target}' does not exist"),
            otherResourceTypes: Self.ec2Taggable),
        // Tags through the Resource Groups Tagging API, by ARN, on the types that Cloud Custodian
        // tags that way and whose ARN remsim forms. IAM asks for the service's own tagging
        // permission besides the API's.
        OperationSpec(
            "tag:TagResources", cloud: .aws, resourceType: "aws.rds", target: .arns("ResourceARNList"),
            required: ["ResourceARNList", "Tags"],
            permissions: ["tag:TagResources", "rds:AddTagsToResource", "lambda:TagResource"],
            effect: .builtin(.tagResources),
            notFound: APIErrorTemplate("ResourceNotFoundException", "The resource {target} was not found."),
            lists: ["ResourceARNList"], otherResourceTypes: ["aws.rds-snapshot", "aws.lambda"]),
        OperationSpec(
            "tag:UntagResources", cloud: .aws, resourceType: "aws.rds", target: .arns("ResourceARNList"),
            required: ["ResourceARNList", "TagKeys"],
            permissions: ["tag:UntagResources", "rds:RemoveTagsFromResource", "lambda:UntagResource"],
            effect: .builtin(.untagResources),
            notFound: APIErrorTemplate("ResourceNotFoundException", "The resource {target} was not found."),
            lists: ["ResourceARNList", "TagKeys"], otherResourceTypes: ["aws.rds-snapshot", "aws.lambda"]),
        // Stopping and terminating change the instance's state at once (AWS passes through
        // `stopping` and `shutting-down`, which no later call observes in the simulation).
        OperationSpec(
            "ec2:StopInstances", cloud: .aws, resourceType: "aws.ec2", target: .ids("InstanceIds"),
            required: ["InstanceIds"], effect: .setValue("State", ["Code": 80, "Name": "stopped"]),
            notFound: APIErrorTemplate("InvalidInstanceID.NotFound", "The instance ID '{target}' does not exist"),
            // A hibernated instance is stopped too; what it keeps in memory is not modelled.
            inert: ["Hibernate"]),
        OperationSpec(
            "ec2:TerminateInstances", cloud: .aws, resourceType: "aws.ec2", target: .ids("InstanceIds"),
            required: ["InstanceIds"], effect: .setValue("State", ["Code": 48, "Name": "terminated"]),
            notFound: APIErrorTemplate("InvalidInstanceID.NotFound", "The instance ID '{target}' does not exist")),
        // Deleting: the resource goes at once (AWS passes through `deleting`).
        OperationSpec(
            "ec2:DeleteVolume", cloud: .aws, resourceType: "aws.ebs", target: .id("{VolumeId}"),
            required: ["VolumeId"], effect: .builtin(.delete),
            notFound: APIErrorTemplate("InvalidVolume.NotFound", "The volume '{target}' does not exist."),
            refusals: [
                Refusal(
                    when: "Attachments", .nonEmpty,
                    APIErrorTemplate(
                        "VolumeInUse", "Volume {target} is currently attached to {Attachments[0].InstanceId}"))
            ]),
        OperationSpec(
            "ec2:DeleteSnapshot", cloud: .aws, resourceType: "aws.ebs-snapshot", target: .id("{SnapshotId}"),
            required: ["SnapshotId"], effect: .builtin(.delete),
            notFound: APIErrorTemplate("InvalidSnapshot.NotFound", "The snapshot '{target}' does not exist.")),
        OperationSpec(
            "ec2:ModifyInstanceMetadataOptions", cloud: .aws, resourceType: "aws.ec2", target: .id("{InstanceId}"),
            required: ["InstanceId"],
            allowed: ["HttpTokens": ["required", "optional"], "HttpEndpoint": ["enabled", "disabled"]],
            effect: .all([
                .set("MetadataOptions.HttpTokens", from: "HttpTokens"),
                .set("MetadataOptions.HttpEndpoint", from: "HttpEndpoint"),
                .set("MetadataOptions.HttpPutResponseHopLimit", from: "HttpPutResponseHopLimit"),
            ]),
            notFound: APIErrorTemplate("InvalidInstanceID.NotFound", "The instance ID '{target}' does not exist")),
        OperationSpec(
            "ec2:CreateFlowLogs", cloud: .aws, resourceType: "aws.vpc", target: .ids("ResourceIds"),
            required: ["ResourceIds", "TrafficType"], allowed: ["TrafficType": ["ACCEPT", "REJECT", "ALL"]],
            effect: .builtin(.createFlowLogs),
            notFound: APIErrorTemplate("InvalidVpcID.NotFound", "The vpc ID '{target}' does not exist")),
        OperationSpec(
            "logs:CreateLogGroup", cloud: .aws, resourceType: "aws.log-group", target: .creates,
            required: ["logGroupName"], effect: .builtin(.createLogGroup),
            notFound: APIErrorTemplate("ResourceNotFoundException", "The specified log group does not exist")),
        OperationSpec(
            "s3:PutPublicAccessBlock", cloud: .aws, resourceType: "aws.s3", target: .name("Bucket"),
            required: ["Bucket", "PublicAccessBlockConfiguration"],
            // IAM names the permission for the bucket's block, not the account's.
            permissions: ["s3:PutBucketPublicAccessBlock"],
            effect: .set("PublicAccessBlockConfiguration", from: "PublicAccessBlockConfiguration"),
            notFound: APIErrorTemplate("NoSuchBucket", "The specified bucket does not exist")),
        OperationSpec(
            "s3:PutBucketVersioning", cloud: .aws, resourceType: "aws.s3", target: .name("Bucket"),
            required: ["Bucket", "VersioningConfiguration.Status"],
            allowed: ["VersioningConfiguration.Status": ["Enabled", "Suspended"]],
            effect: .merge(from: "VersioningConfiguration", into: "Versioning"),
            notFound: APIErrorTemplate("NoSuchBucket", "The specified bucket does not exist")),
        OperationSpec(
            "s3:PutBucketEncryption", cloud: .aws, resourceType: "aws.s3", target: .name("Bucket"),
            required: ["Bucket", "ServerSideEncryptionConfiguration.Rules"],
            permissions: ["s3:PutEncryptionConfiguration"],
            effect: .set("ServerSideEncryptionConfiguration", from: "ServerSideEncryptionConfiguration"),
            notFound: APIErrorTemplate("NoSuchBucket", "The specified bucket does not exist")),
        OperationSpec(
            "s3:PutBucketLogging", cloud: .aws, resourceType: "aws.s3", target: .name("Bucket"),
            required: ["Bucket", "BucketLoggingStatus"],
            effect: .set("Logging", from: "BucketLoggingStatus"),
            notFound: APIErrorTemplate("NoSuchBucket", "The specified bucket does not exist"),
            // S3 checks the target bucket: it must exist and be in the source bucket's region.
            references: [
                ResourceReference(
                    "BucketLoggingStatus.LoggingEnabled.TargetBucket", resourceType: "aws.s3",
                    missing: APIErrorTemplate(
                        "InvalidTargetBucketForLogging", "The target bucket for logging does not exist"),
                    otherRegion: APIErrorTemplate(
                        "CrossLocationLoggingProhibited", "Cross S3 location logging not allowed."))
            ]),
        OperationSpec(
            "iam:UpdateAccessKey", cloud: .aws, resourceType: "aws.iam-user", target: .name("UserName"),
            required: ["UserName", "AccessKeyId", "Status"], allowed: ["Status": ["Active", "Inactive"]],
            effect: .element(
                of: "AccessKeys", matching: ["AccessKeyId": "AccessKeyId"], change: .set(["Status": "Status"]),
                notFound: APIErrorTemplate("NoSuchEntity", "The Access Key with the given id cannot be found.")),
            notFound: APIErrorTemplate("NoSuchEntity", "The user with name {target} cannot be found.")),
        OperationSpec(
            "iam:TagUser", cloud: .aws, resourceType: "aws.iam-user", target: .name("UserName"),
            required: ["UserName", "Tags"], effect: .builtin(.tagUser),
            notFound: APIErrorTemplate("NoSuchEntity", "The user with name {target} cannot be found.")),
        OperationSpec(
            "iam:UntagUser", cloud: .aws, resourceType: "aws.iam-user", target: .name("UserName"),
            required: ["UserName", "TagKeys"], effect: .builtin(.untagUser),
            notFound: APIErrorTemplate("NoSuchEntity", "The user with name {target} cannot be found.")),
        // Replaces the bucket's whole ACL (its owner and every grant).
        OperationSpec(
            "s3:PutBucketAcl", cloud: .aws, resourceType: "aws.s3", target: .name("Bucket"),
            required: ["Bucket", "AccessControlPolicy.Owner", "AccessControlPolicy.Grants"],
            effect: .set("Acl", from: "AccessControlPolicy"),
            notFound: APIErrorTemplate("NoSuchBucket", "The specified bucket does not exist")),
        // Replaces the bucket's whole tag set: a tool that adds one tag reads the set first.
        OperationSpec(
            "s3:PutBucketTagging", cloud: .aws, resourceType: "aws.s3", target: .name("Bucket"),
            required: ["Bucket", "Tagging.TagSet"], effect: .builtin(.putBucketTagging),
            notFound: APIErrorTemplate("NoSuchBucket", "The specified bucket does not exist")),
        OperationSpec(
            "iam:DeleteAccessKey", cloud: .aws, resourceType: "aws.iam-user", target: .name("UserName"),
            required: ["UserName", "AccessKeyId"],
            effect: .element(
                of: "AccessKeys", matching: ["AccessKeyId": "AccessKeyId"], change: nil,
                notFound: APIErrorTemplate("NoSuchEntity", "The Access Key with the given id cannot be found.")),
            notFound: APIErrorTemplate("NoSuchEntity", "The user with name {target} cannot be found.")),
        OperationSpec(
            "iam:UpdateAccountPasswordPolicy", cloud: .aws, resourceType: "aws.iam-password-policy", target: .account,
            // The call replaces the whole policy: a setting it leaves out goes back to its default.
            effect: .replace(
                "",
                fields: [
                    ReplacedField("MinimumPasswordLength", default: 6),
                    ReplacedField("RequireSymbols", default: false),
                    ReplacedField("RequireNumbers", default: false),
                    ReplacedField("RequireUppercaseCharacters", default: false),
                    ReplacedField("RequireLowercaseCharacters", default: false),
                    ReplacedField("AllowUsersToChangePassword", default: false),
                    ReplacedField("MaxPasswordAge", default: nil),
                    ReplacedField("PasswordReusePrevention", default: nil),
                    ReplacedField("HardExpiry", default: false),
                ]),
            notFound: APIErrorTemplate("NoSuchEntity", "The Password Policy with domain name {target} cannot be found.")
        ),
        OperationSpec(
            "cloudtrail:UpdateTrail", cloud: .aws, resourceType: "aws.cloudtrail", target: .name("Name"),
            required: ["Name"],
            // The request says EnableLogFileValidation; describe-trails reports LogFileValidationEnabled.
            effect: .all([
                .set("LogFileValidationEnabled", from: "EnableLogFileValidation"),
                .set("IsMultiRegionTrail", from: "IsMultiRegionTrail"),
                .set("KmsKeyId", from: "KmsKeyId"),
            ]),
            notFound: APIErrorTemplate("TrailNotFoundException", "Unknown trail: {target}")),
        OperationSpec(
            "rds:ModifyDBInstance", cloud: .aws, resourceType: "aws.rds", target: .id("{DBInstanceIdentifier}"),
            required: ["DBInstanceIdentifier"],
            effect: .all([
                .set("PubliclyAccessible", from: "PubliclyAccessible"),
                .set("MultiAZ", from: "MultiAZ"),
                .set("AutoMinorVersionUpgrade", from: "AutoMinorVersionUpgrade"),
                .set("BackupRetentionPeriod", from: "BackupRetentionPeriod"),
                .set("DeletionProtection", from: "DeletionProtection"),
                .set("CopyTagsToSnapshot", from: "CopyTagsToSnapshot"),
                .set("IAMDatabaseAuthenticationEnabled", from: "EnableIAMDatabaseAuthentication"),
            ]),
            notFound: APIErrorTemplate("DBInstanceNotFound", "DBInstance {target} not found."),
            inert: ["ApplyImmediately"]),
        OperationSpec(
            "rds:ModifyDBSnapshotAttribute", cloud: .aws, resourceType: "aws.rds-snapshot",
            target: .id("{DBSnapshotIdentifier}"),
            required: ["DBSnapshotIdentifier", "AttributeName"], allowed: ["AttributeName": ["restore"]],
            effect: .builtin(.removeSnapshotAttributeValues),
            notFound: APIErrorTemplate("DBSnapshotNotFound", "DBSnapshot {target} not found.")),
        OperationSpec(
            "rds:DeleteDBInstance", cloud: .aws, resourceType: "aws.rds", target: .id("{DBInstanceIdentifier}"),
            required: ["DBInstanceIdentifier"], effect: .builtin(.deleteDBInstance),
            notFound: APIErrorTemplate("DBInstanceNotFound", "DBInstance {target} not found."),
            inert: ["DeleteAutomatedBackups"],
            refusals: [
                Refusal(
                    when: "DeletionProtection", .equals(true),
                    APIErrorTemplate(
                        "InvalidParameterCombination",
                        "Cannot delete protected DB Instance, please disable deletion protection and try again."))
            ]),
        OperationSpec(
            "rds:DeleteDBSnapshot", cloud: .aws, resourceType: "aws.rds-snapshot",
            target: .id("{DBSnapshotIdentifier}"), required: ["DBSnapshotIdentifier"], effect: .builtin(.delete),
            notFound: APIErrorTemplate("DBSnapshotNotFound", "DBSnapshot {target} not found."),
            refusals: [
                Refusal(
                    when: "SnapshotType", .equals("automated"),
                    APIErrorTemplate("InvalidDBSnapshotState", "automated snapshots cannot be deleted."))
            ]),
        OperationSpec(
            "redshift:ModifyCluster", cloud: .aws, resourceType: "aws.redshift", target: .id("{ClusterIdentifier}"),
            required: ["ClusterIdentifier"],
            effect: .all([
                .set("PubliclyAccessible", from: "PubliclyAccessible"),
                .set("Encrypted", from: "Encrypted"),
            ]),
            notFound: APIErrorTemplate("ClusterNotFound", "Cluster {target} not found.")),
        OperationSpec(
            "kms:EnableKeyRotation", cloud: .aws, resourceType: "aws.kms-key", target: .id("{KeyId}"),
            required: ["KeyId"], effect: .setValue("KeyRotationEnabled", true),
            notFound: APIErrorTemplate("NotFoundException", "Key '{target}' does not exist")),
        OperationSpec(
            "elasticloadbalancing:ModifyLoadBalancerAttributes", cloud: .aws, resourceType: "aws.app-elb",
            target: .id("{LoadBalancerArn}"), required: ["LoadBalancerArn", "Attributes"],
            effect: .upsert(from: "Attributes", into: "Attributes", key: "Key"),
            notFound: APIErrorTemplate("LoadBalancerNotFound", "Load balancer '{target}' not found")),
        OperationSpec(
            "lambda:UpdateFunctionConfiguration", cloud: .aws, resourceType: "aws.lambda",
            target: .name("FunctionName"),
            required: ["FunctionName"],
            effect: .all([
                .set("TracingConfig", from: "TracingConfig"),
                .set("Runtime", from: "Runtime"),
            ]),
            notFound: APIErrorTemplate("ResourceNotFoundException", "Function not found: {target}")),
    ]
}
