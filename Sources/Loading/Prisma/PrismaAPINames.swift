import CloudModel

/// How Prisma Cloud's resource JSON of one `api.name` lies over remsim's properties of one
/// resource type: the data `JSONRuleTranslator` maps `json.rule` paths with.
///
/// A path is written normalized: keys joined by `.`, every bracket (`[*]`, `[?any(…)]`,
/// `[?(@…)]`) as `[]`, an index as `[N]`. The longest `renames` key that the path starts with
/// (at a `.` or `[`; a key ending in `.` covers the fields under it) gives remsim's path for that
/// part; the rest of the path is remsim's by the shape's `casing`. A rename keeps the number of
/// brackets (a test over the table checks it).
package struct PrismaAPIShape: Sendable {
    package enum Casing: Sendable {
        /// Prisma's key is remsim's (Azure's ARM JSON, GCP's REST JSON).
        case asWritten
        /// remsim's key is Prisma's with its first letter upper-cased (AWS: Prisma writes the
        /// API's `GroupId` as `groupId`).
        case capitalized
    }

    package var resourceType: String
    package var casing: Casing
    package var renames: [String: String] = [:]
    /// Fields Prisma computes that have one value for every resource remsim models, with why.
    package var constants: [String: (value: Value, why: String)] = [:]
    /// Fields Prisma computes as "this remsim path is absent".
    package var absences: [String: String] = [:]
    /// Fields (and the fields under them) remsim does not hold, with why.
    package var unmodelled: [String: String] = [:]
}

/// The api.names remsim maps, each to a modelled resource type.
package enum PrismaAPINames {
    /// Why Prisma's `tags` are not read through the table.
    static let tags = "remsim reads tags with its own tag filters, not in the resource's JSON"

    package static let shapes: [String: PrismaAPIShape] = [
        // AWS: Prisma's JSON is the API's, camelCased (`dbinstanceStatus` is how the SDK it
        // uses lower-cases `DBInstanceStatus`).
        "aws-ec2-describe-security-groups": PrismaAPIShape(
            resourceType: "aws.security-group", casing: .capitalized,
            renames: [
                // Prisma's `ipRanges` is the list of IPv4 CIDRs; `ipv4Ranges` the API's objects.
                "ipPermissions[].ipRanges[]": "IpPermissions[].IpRanges[].CidrIp",
                "ipPermissionsEgress[].ipRanges[]": "IpPermissionsEgress[].IpRanges[].CidrIp",
                "ipPermissions[].ipv4Ranges": "IpPermissions[].IpRanges",
                "ipPermissionsEgress[].ipv4Ranges": "IpPermissionsEgress[].IpRanges",
            ],
            constants: ["isShared": (false, "remsim models no security groups shared from another account")],
            unmodelled: ["tags": tags]),
        "aws-ec2-describe-instances": PrismaAPIShape(
            resourceType: "aws.ec2", casing: .capitalized,
            unmodelled: ["tags": tags]),
        "aws-ec2-describe-volumes": PrismaAPIShape(resourceType: "aws.ebs", casing: .capitalized),
        "aws-ec2-describe-snapshots": PrismaAPIShape(resourceType: "aws.ebs-snapshot", casing: .capitalized),
        "aws-ec2-describe-vpcs": PrismaAPIShape(resourceType: "aws.vpc", casing: .capitalized),
        "aws-ec2-describe-network-acls": PrismaAPIShape(resourceType: "aws.network-acl", casing: .capitalized),
        "aws-iam-get-account-password-policy": PrismaAPIShape(
            resourceType: "aws.iam-password-policy", casing: .capitalized,
            absences: ["isDefaultPolicy": "MinimumPasswordLength"]),
        "aws-rds-describe-db-instances": PrismaAPIShape(
            resourceType: "aws.rds", casing: .capitalized,
            renames: [
                "dbinstanceStatus": "DBInstanceStatus", "dbinstanceIdentifier": "DBInstanceIdentifier",
                "dbinstanceClass": "DBInstanceClass", "dbinstanceArn": "DBInstanceArn",
                "dbclusterIdentifier": "DBClusterIdentifier",
                "iamdatabaseAuthenticationEnabled": "IAMDatabaseAuthenticationEnabled",
                "cacertificateIdentifier": "CACertificateIdentifier",
            ]),
        "aws-rds-describe-db-snapshots": PrismaAPIShape(
            resourceType: "aws.rds-snapshot", casing: .capitalized,
            renames: [
                "dbsnapshotIdentifier": "DBSnapshotIdentifier", "dbinstanceIdentifier": "DBInstanceIdentifier",
                "attributes": "DBSnapshotAttributes",
            ]),
        "aws-s3api-get-bucket-acl": PrismaAPIShape(
            resourceType: "aws.s3", casing: .capitalized,
            renames: [
                "bucketName": "Name", "versioningConfiguration": "Versioning",
                "loggingConfiguration": "Logging.LoggingEnabled",
            ],
            unmodelled: [
                "acl": "Prisma's `acl.grants` names grantees its own way; remsim holds S3's own ACL",
                "accountLevelPublicAccessBlockConfiguration": "remsim models no account-level public access block",
                "policyStatus": "remsim does not evaluate bucket policies",
                "policy": "remsim does not evaluate bucket policies",
                "tags": tags,
            ]),
        "aws-cloudtrail-describe-trails": PrismaAPIShape(
            resourceType: "aws.cloudtrail", casing: .capitalized,
            unmodelled: ["status": "Prisma joins the trail's status from aws-cloudtrail-get-trail-status"]),
        "aws-kms-get-key-rotation-status": PrismaAPIShape(
            resourceType: "aws.kms-key", casing: .capitalized,
            renames: [
                "keyMetadata.": "", "keyMetadata": "",
                "rotation_status.keyRotationEnabled": "KeyRotationEnabled",
            ],
            unmodelled: ["policies": "remsim does not evaluate key policies"]),
        "aws-lambda-list-functions": PrismaAPIShape(
            resourceType: "aws.lambda", casing: .capitalized,
            unmodelled: ["authType": "remsim models no Lambda function URLs"]),
        "aws-redshift-describe-clusters": PrismaAPIShape(resourceType: "aws.redshift", casing: .capitalized),
        "aws-cloudwatch-log-group": PrismaAPIShape(resourceType: "aws.log-group", casing: .asWritten),
        "aws-elbv2-describe-load-balancers": PrismaAPIShape(resourceType: "aws.app-elb", casing: .capitalized),

        // Azure: Prisma's JSON is ARM's, with some parts lifted out of `properties` as the
        // SDK returns them.
        "azure-storage-account-list": PrismaAPIShape(
            resourceType: "azure.storage", casing: .asWritten,
            renames: ["networkRuleSet": "properties.networkAcls"],
            unmodelled: [
                "deleteRetentionPolicy": "remsim models no blob service properties",
                "totalPublicContainers": "remsim models no containers",
                "publicContainersList": "remsim models no containers",
                "storageAccountKeys": "remsim models no account keys",
                "diagnosticSettings": "remsim models no diagnostic settings",
            ]),
        "azure-app-service": PrismaAPIShape(
            resourceType: "azure.webapp", casing: .asWritten,
            renames: ["config": "properties.siteConfig"],
            unmodelled: [
                "config.siteAuthEnabled": "remsim models no App Service authentication settings",
                "authSettings": "remsim models no App Service authentication settings",
            ]),
        "azure-network-nsg-list": PrismaAPIShape(
            resourceType: "azure.networksecuritygroup", casing: .asWritten,
            renames: [
                // Prisma lifts each rule's properties up to the rule.
                "securityRules": "properties.securityRules",
                "securityRules[]": "properties.securityRules[]",
                "securityRules[].": "properties.securityRules[].properties.",
                "securityRules[].name": "properties.securityRules[].name",
                "securityRules[].id": "properties.securityRules[].id",
            ],
            unmodelled: ["defaultSecurityRules": "remsim models no default security rules"]),
        "azure-postgresql-server": PrismaAPIShape(
            resourceType: "azure.postgresql-server", casing: .asWritten,
            unmodelled: ["configurations": "remsim models no server parameters"]),
        "azure-key-vault-list": PrismaAPIShape(
            resourceType: "azure.keyvault", casing: .asWritten,
            unmodelled: ["diagnosticSettings": "remsim models no diagnostic settings"]),
        "azure-sql-db-list": PrismaAPIShape(
            resourceType: "azure.sqldatabase", casing: .asWritten,
            unmodelled: [
                "transparentDataEncryption":
                    "Prisma reads it as true or false; remsim holds ARM's {state: Enabled|Disabled}",
                "securityAlertPolicy": "remsim models no SQL security alert policies",
                "blobAuditPolicy": "remsim models no SQL auditing",
            ]),
        "azure-sql-server-list": PrismaAPIShape(resourceType: "azure.sqlserver", casing: .asWritten),
        "azure-vm-list": PrismaAPIShape(resourceType: "azure.vm", casing: .asWritten),

        // GCP: Prisma's JSON is the REST API's, as remsim's.
        "gcloud-compute-firewall-rules-list": PrismaAPIShape(
            resourceType: "gcp.firewall", casing: .asWritten,
            constants: ["deleted": (false, "remsim holds the rules that exist")]),
        "gcloud-storage-buckets-list": PrismaAPIShape(
            resourceType: "gcp.bucket", casing: .asWritten,
            renames: ["iam": "iamPolicy"],
            unmodelled: [
                "acl": "remsim models no bucket ACLs (uniform access is what it models)",
                "defaultObjectAcl": "remsim models no object ACLs",
            ]),
        "gcloud-container-describe-clusters": PrismaAPIShape(resourceType: "gcp.gke-cluster", casing: .asWritten),
        "gcloud-compute-networks-subnets-list": PrismaAPIShape(resourceType: "gcp.subnet", casing: .asWritten),
        "gcloud-sql-instances-list": PrismaAPIShape(resourceType: "gcp.sql-instance", casing: .asWritten),
        "gcloud-compute-instances-list": PrismaAPIShape(resourceType: "gcp.instance", casing: .asWritten),
    ]
}
