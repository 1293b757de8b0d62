"""One boto3 call sequence over every operation remsim's endpoint serves, run against an endpoint,
each answer parsed by boto3 and written out normalised: ids become the names of what they name,
times and request ids are left out. ConformanceTests runs it against moto and against remsim and
compares the two outputs.

Usage: python sequence.py moto IDS_JSON OUT_JSON
         moto, in this process on a free port of 127.0.0.1: the resources are made first, their ids
         written to IDS_JSON;
       python sequence.py ENDPOINT_URL IDS_JSON OUT_JSON
         an endpoint that holds the resources already (remsim's fixtures), their ids in IDS_JSON.
"""
import base64
import io
import json
import sys
import zipfile

import boto3
import botocore.config
import botocore.exceptions

target, ids_file, out_file = sys.argv[1:4]
mode = "setup" if target == "moto" else "given"
if mode == "setup":
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = "http://%s:%d" % (host, port)
else:
    url = target
config = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})
session = boto3.session.Session(aws_access_key_id="AKIA123456789012TEST", aws_secret_access_key="x",
                                region_name="us-east-1")
ec2 = session.client("ec2", endpoint_url=url, config=config)
iam = session.client("iam", endpoint_url=url, config=config)
sts = session.client("sts", endpoint_url=url, config=config)
s3 = session.client("s3", endpoint_url=url, config=config)
kms = session.client("kms", endpoint_url=url, config=config)
cloudtrail = session.client("cloudtrail", endpoint_url=url, config=config)
logs = session.client("logs", endpoint_url=url, config=config)
rds = session.client("rds", endpoint_url=url, config=config)
redshift = session.client("redshift", endpoint_url=url, config=config)
elbv2 = session.client("elbv2", endpoint_url=url, config=config)
awslambda = session.client("lambda", endpoint_url=url, config=config)
tagging = session.client("resourcegroupstaggingapi", endpoint_url=url, config=config)
REPORT = b"alert_id,resource_id\r\nP-1,sg-1\r\n"
BUCKET_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::conformance-data", "arn:aws:s3:::conformance-data/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}

if mode == "setup":
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    web = ec2.create_security_group(GroupName="conformance-web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8", "Description": "bastion"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ])
    ec2.create_tags(Resources=[web], Tags=[{"Key": "team", "Value": "web"}])
    iam.create_user(UserName="conformance-alice", Tags=[{"Key": "team", "Value": "web"}])
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireNumbers=True)
    key = iam.create_access_key(UserName="conformance-alice")["AccessKey"]["AccessKeyId"]
    # Three buckets: one with every setting remsim models, its access-log bucket, one in another
    # region with none. ACLs are turned on first, as AWS documents for a bucket that uses them.
    s3.create_bucket(Bucket="conformance-data")
    s3.create_bucket(Bucket="conformance-logs")
    s3.create_bucket(Bucket="conformance-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    # Before the bucket policy, which denies plain HTTP (moto enforces it on puts).
    s3.put_object(Bucket="conformance-logs", Key="reports/violations.csv", Body=REPORT, ContentType="text/csv")
    for bucket in ("conformance-data", "conformance-logs"):
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    # The log bucket's grants given one by one: moto's `log-delivery-write` leaves out WRITE, which
    # AWS documents the canned ACL to give.
    owner = s3.get_bucket_acl(Bucket="conformance-logs")["Owner"]
    s3.put_bucket_acl(Bucket="conformance-logs", AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"},
        {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
         "Permission": "READ_ACP"}]})
    s3.put_bucket_acl(Bucket="conformance-data", ACL="public-read")
    s3.put_bucket_tagging(Bucket="conformance-data", Tagging={"TagSet": [{"Key": "team", "Value": "web"}]})
    s3.put_bucket_versioning(Bucket="conformance-data", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket="conformance-data", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]})
    s3.put_bucket_logging(Bucket="conformance-data", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "conformance-logs", "TargetPrefix": "data/"}})
    s3.put_bucket_policy(Bucket="conformance-data", Policy=json.dumps(BUCKET_POLICY))
    s3.put_bucket_website(Bucket="conformance-data", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    s3.put_public_access_block(Bucket="conformance-data", PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False})
    kmskey = kms.create_key(Description="conformance data")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/conformance-data", TargetKeyId=kmskey)
    cloudtrail.create_trail(Name="conformance-trail", S3BucketName="conformance-logs")
    logs.create_log_group(logGroupName="/conformance/app")
    rds.create_db_instance(
        DBInstanceIdentifier="conformance-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="admin", MasterUserPassword="conformance-0", AllocatedStorage=20, PubliclyAccessible=True,
        MultiAZ=False, BackupRetentionPeriod=1, AutoMinorVersionUpgrade=True, DeletionProtection=False)
    rds.create_db_snapshot(DBSnapshotIdentifier="conformance-db-snap", DBInstanceIdentifier="conformance-db")
    rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="conformance-db-snap", AttributeName="restore",
                                     ValuesToAdd=["all"])
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"][0]["NetworkAclId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "web"}]}],
    )["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, TagSpecifications=[
        {"ResourceType": "volume", "Tags": [{"Key": "team", "Value": "web"}]}])["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, Description="conformance")["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission", OperationType="add",
                                  GroupNames=["all"])
    redshift.create_cluster(ClusterIdentifier="conformance-dw", NodeType="dc2.large", MasterUsername="admin",
                            MasterUserPassword="Conformance0", PubliclyAccessible=True, Encrypted=False,
                            Tags=[{"Key": "team", "Value": "web"}])
    # The load balancer in a VPC of its own: its subnets would join the first VPC's network ACL.
    lbvpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    lbsg = ec2.create_security_group(GroupName="alb-for-conformance", Description="alb", VpcId=lbvpc)["GroupId"]
    subnets = [ec2.create_subnet(VpcId=lbvpc, CidrBlock="10.8.%d.0/24" % n, AvailabilityZone=zone)["Subnet"]["SubnetId"]
               for n, zone in ((1, "us-east-1a"), (2, "us-east-1b"))]
    lb = elbv2.create_load_balancer(Name="conformance-alb", Subnets=subnets, SecurityGroups=[lbsg],
                                    Scheme="internet-facing", Type="application",
                                    Tags=[{"Key": "team", "Value": "web"}])["LoadBalancers"][0]["LoadBalancerArn"]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=lb, Attributes=[
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "false"},
        {"Key": "deletion_protection.enabled", "Value": "false"}])
    role = iam.create_role(RoleName="conformance-fn", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    awslambda.create_function(FunctionName="conformance-fn", Runtime="python3.9", Role=role,
                              Handler="index.handler", Code={"ZipFile": archive.getvalue()},
                              Description="conformance", Timeout=30, MemorySize=128, Tags={"team": "web"})
    ids = {"vpc": vpc, "web": web, "key": key, "kmskey": kmskey, "acl": acl, "instance": instance, "volume": volume,
           "snapshot": snapshot, "lb": lb, "lbvpc": lbvpc, "lbsg": lbsg}
    json.dump(ids, open(ids_file, "w"))
else:
    ids = json.load(open(ids_file))
names = {v: k for k, v in ids.items()}

TIMES = {"CreateDate", "CreationDate", "LastUsedDate", "GeneratedTime", "Expiration", "EnableDate"}


def normal(value):
    """Ids as the names of what they name; times, request metadata and ARNs' ids left out. IAM's
    `IsTruncated: false` too: AWS gives it on every list, moto leaves it out; and `MaxPasswordAge: 0`,
    which moto gives where AWS leaves out an age that is not set. A bucket's TagSet is a set, in any
    order."""
    if isinstance(value, dict):
        return {k: ("<time>" if k in TIMES else normal(sorted(v, key=json.dumps) if k == "TagSet" else v)) for k, v in sorted(value.items())
                if k not in ("ResponseMetadata", "UserId") and not (k == "IsTruncated" and v is False) and not (k == "MaxPasswordAge" and v == 0)}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, str):
        for id_, name in names.items():
            value = value.replace(id_, "<" + name + ">")
        return value
    if hasattr(value, "isoformat"):
        return "<time>"
    return value


steps = []


def step(name, call, *args, **kwargs):
    try:
        answer = call(*args, **kwargs)
        steps.append({"step": name, "answer": normal(answer)})
        return answer
    except botocore.exceptions.ClientError as error:
        steps.append({"step": name, "error": error.response["Error"]["Code"]})
        return None


def only(answer, *keys):
    return {k: v for k, v in answer.items() if k in keys}


web = ids["web"]
sg_fields = ["GroupId", "GroupName", "Description", "VpcId", "OwnerId", "IpPermissions", "IpPermissionsEgress", "Tags"]


def groups(answer):
    """The served fields of the groups (moto adds IpPermissionsEgress defaults of its own)."""
    return {"SecurityGroups": [{k: g.get(k) for k in sg_fields} for g in answer["SecurityGroups"]]}


def described(name, **kwargs):
    try:
        steps.append({"step": name, "answer": normal(groups(ec2.describe_security_groups(**kwargs)))})
    except botocore.exceptions.ClientError as error:
        steps.append({"step": name, "error": error.response["Error"]["Code"]})


step("sts:GetCallerIdentity", lambda: {"Account": sts.get_caller_identity()["Account"]})
step("sts:AssumeRole", lambda: {"AssumedRoleUser": sts.assume_role(
    RoleArn="arn:aws:iam::123456789012:role/fixer", RoleSessionName="ci")["AssumedRoleUser"]["Arn"]})
described("ec2:DescribeSecurityGroups by id", GroupIds=[web])
described("ec2:DescribeSecurityGroups by name filter", Filters=[{"Name": "group-name", "Values": ["conformance-*"]}])
described("ec2:DescribeSecurityGroups by tag filter", Filters=[{"Name": "tag:team", "Values": ["web"]}])
described("ec2:DescribeSecurityGroups missing", GroupIds=["sg-0123456789abcdef0"])
step("ec2:RevokeSecurityGroupIngress", lambda: {"Return": ec2.revoke_security_group_ingress(
    GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])["Return"]})
step("ec2:RevokeSecurityGroupIngress missing group", ec2.revoke_security_group_ingress,
     GroupId="sg-0123456789abcdef0", IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
step("ec2:AuthorizeSecurityGroupIngress", lambda: {"Return": ec2.authorize_security_group_ingress(
    GroupId=web, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                                 "IpRanges": [{"CidrIp": "192.0.2.0/24"}]}])["Return"]})
step("ec2:RevokeSecurityGroupEgress", lambda: {"Return": ec2.revoke_security_group_egress(
    GroupId=web, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])["Return"]})
step("ec2:CreateTags", lambda: ec2.create_tags(Resources=[web], Tags=[{"Key": "owner", "Value": "sec"}]) and {})
step("ec2:DeleteTags", lambda: ec2.delete_tags(Resources=[web], Tags=[{"Key": "team"}]) and {})
described("ec2:DescribeSecurityGroups after", GroupIds=[web])

step("iam:ListUsers", lambda: {"Users": [u["UserName"] for u in iam.list_users()["Users"]
                                         if u["UserName"].startswith("conformance-")]})
step("iam:GetUser", lambda: {k: v for k, v in iam.get_user(UserName="conformance-alice")["User"].items()
                             if k in ("UserName", "Path", "Arn", "Tags")})
step("iam:GetUser missing", iam.get_user, UserName="conformance-nobody")
step("iam:ListUserTags", iam.list_user_tags, UserName="conformance-alice")
step("iam:ListAccessKeys", iam.list_access_keys, UserName="conformance-alice")
step("iam:GetAccessKeyLastUsed", lambda: {"UserName": iam.get_access_key_last_used(
    AccessKeyId=ids["key"])["UserName"]})
step("iam:ListMFADevices", iam.list_mfa_devices, UserName="conformance-alice")
step("iam:GetLoginProfile", iam.get_login_profile, UserName="conformance-alice")
step("iam:UpdateAccessKey", iam.update_access_key, UserName="conformance-alice", AccessKeyId=ids["key"],
     Status="Inactive")
step("iam:ListAccessKeys after", iam.list_access_keys, UserName="conformance-alice")
step("iam:TagUser", iam.tag_user, UserName="conformance-alice", Tags=[{"Key": "owner", "Value": "sec"}])
step("iam:UntagUser", iam.untag_user, UserName="conformance-alice", TagKeys=["team"])
step("iam:ListUserTags after", iam.list_user_tags, UserName="conformance-alice")
ROLE_FIELDS = ("RoleName", "Path", "Arn", "AssumeRolePolicyDocument", "MaxSessionDuration", "Tags")
step("iam:ListRoles", lambda: {"Roles": [only(r, *ROLE_FIELDS) for r in iam.list_roles()["Roles"]
                                         if r["RoleName"].startswith("conformance-")]})
step("iam:GetRole", lambda: only(iam.get_role(RoleName="conformance-fn")["Role"], *ROLE_FIELDS))
step("iam:GetRole missing", iam.get_role, RoleName="conformance-none")
step("iam:ListRoleTags", iam.list_role_tags, RoleName="conformance-fn")
step("iam:GetAccountPasswordPolicy", iam.get_account_password_policy)
step("iam:UpdateAccountPasswordPolicy", iam.update_account_password_policy, MinimumPasswordLength=14,
     RequireSymbols=True)
step("iam:GetAccountPasswordPolicy after", iam.get_account_password_policy)
step("iam:GenerateCredentialReport", lambda: {"State": "COMPLETE" if iam.generate_credential_report()["State"]
                                              in ("STARTED", "COMPLETE") else "?"})


def report():
    iam.generate_credential_report()
    content = iam.get_credential_report()["Content"].decode()
    lines = content.splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    row = next(r for r in rows if r["user"] == "conformance-alice")
    # Left out where moto answers otherwise than AWS documents: it writes `not_supported` for the
    # last-used region and service and for a password's use and rotation, where AWS writes N/A,
    # and a password change time for a user without a password.
    return {"columns": header, "row": {k: row[k] for k in (
        "user", "arn", "password_enabled", "mfa_active", "access_key_1_active", "access_key_1_last_used_date",
        "access_key_2_active", "access_key_2_last_rotated", "cert_1_active", "cert_1_last_rotated")}}


step("iam:GetCredentialReport", report)
step("iam:ListAccountAliases", iam.list_account_aliases)
step("iam:DeleteAccessKey", iam.delete_access_key, UserName="conformance-alice", AccessKeyId=ids["key"])
step("iam:ListAccessKeys at the end", iam.list_access_keys, UserName="conformance-alice")



def acl(bucket):
    """The grants, the owner's as `owner`: canonical ids and display names differ by endpoint."""
    answer = s3.get_bucket_acl(Bucket=bucket)
    owner = answer["Owner"]["ID"]
    grants = []
    for g in answer["Grants"]:
        grantee = {k: ("<owner>" if v == owner else v) for k, v in g["Grantee"].items() if k != "DisplayName"}
        grants.append({"Grantee": grantee, "Permission": g["Permission"]})
    return {"Grants": sorted(grants, key=json.dumps)}


# AWS lists buckets by name; moto in the order it made them.
step("s3:ListBuckets", lambda: {"Buckets": sorted(b["Name"] for b in s3.list_buckets()["Buckets"]
                                                  if b["Name"].startswith("conformance-"))})
step("s3:HeadBucket", lambda: {"BucketRegion": s3.head_bucket(Bucket="conformance-eu")["BucketRegion"]})
step("s3:HeadBucket missing", s3.head_bucket, Bucket="conformance-nowhere")
# ETag and LastModified left out: S3's ETag is the body's MD5, remsim's an opaque hash.
step("s3:GetObject", lambda: {k: v for k, v in s3.get_object(Bucket="conformance-logs", Key="reports/violations.csv")
                              .items() if k in ("ContentType", "ContentLength")} | {
    "Body": s3.get_object(Bucket="conformance-logs", Key="reports/violations.csv")["Body"].read().decode()})
step("s3:GetObject missing", s3.get_object, Bucket="conformance-logs", Key="reports/none.csv")
step("s3:HeadObject", lambda: {k: v for k, v in s3.head_object(Bucket="conformance-logs", Key="reports/violations.csv")
                               .items() if k in ("ContentType", "ContentLength")})
step("s3:HeadObject missing", s3.head_object, Bucket="conformance-logs", Key="reports/none.csv")
step("s3:GetBucketLocation", s3.get_bucket_location, Bucket="conformance-data")
step("s3:GetBucketLocation elsewhere", s3.get_bucket_location, Bucket="conformance-eu")
step("s3:GetBucketAcl", acl, "conformance-data")
step("s3:GetBucketAcl of the log bucket", acl, "conformance-logs")
step("s3:GetBucketAcl missing", s3.get_bucket_acl, Bucket="conformance-nowhere")
step("s3:GetBucketPolicy", lambda: json.loads(s3.get_bucket_policy(Bucket="conformance-data")["Policy"]))
step("s3:GetBucketPolicy none", s3.get_bucket_policy, Bucket="conformance-eu")
step("s3:GetBucketTagging", s3.get_bucket_tagging, Bucket="conformance-data")
step("s3:GetBucketTagging none", s3.get_bucket_tagging, Bucket="conformance-eu")
step("s3:GetBucketVersioning", s3.get_bucket_versioning, Bucket="conformance-data")
step("s3:GetBucketVersioning never set", s3.get_bucket_versioning, Bucket="conformance-eu")
step("s3:GetBucketLogging", s3.get_bucket_logging, Bucket="conformance-data")
step("s3:GetBucketLogging none", s3.get_bucket_logging, Bucket="conformance-eu")
step("s3:GetBucketWebsite", s3.get_bucket_website, Bucket="conformance-data")
step("s3:GetBucketWebsite none", s3.get_bucket_website, Bucket="conformance-eu")
step("s3:GetBucketEncryption", s3.get_bucket_encryption, Bucket="conformance-data")
step("s3:GetBucketEncryption none", s3.get_bucket_encryption, Bucket="conformance-eu")
step("s3:GetPublicAccessBlock", s3.get_public_access_block, Bucket="conformance-data")
step("s3:GetPublicAccessBlock none", s3.get_public_access_block, Bucket="conformance-eu")
step("s3:GetBucketReplication none", s3.get_bucket_replication, Bucket="conformance-eu")
step("s3:GetBucketLifecycleConfiguration none", s3.get_bucket_lifecycle_configuration, Bucket="conformance-eu")
step("s3:GetBucketNotificationConfiguration none", s3.get_bucket_notification_configuration,
     Bucket="conformance-eu")
step("s3:PutPublicAccessBlock", s3.put_public_access_block, Bucket="conformance-eu",
     PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                                     "RestrictPublicBuckets": True})
step("s3:PutPublicAccessBlock missing bucket", s3.put_public_access_block, Bucket="conformance-nowhere",
     PublicAccessBlockConfiguration={"BlockPublicAcls": True})
step("s3:PutBucketVersioning", s3.put_bucket_versioning, Bucket="conformance-eu",
     VersioningConfiguration={"Status": "Enabled"})
step("s3:PutBucketEncryption", s3.put_bucket_encryption, Bucket="conformance-eu",
     ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                                   "BucketKeyEnabled": False}]})
step("s3:PutBucketLogging", s3.put_bucket_logging, Bucket="conformance-data",
     BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "conformance-logs", "TargetPrefix": "data-2/"}})
step("s3:PutBucketTagging", s3.put_bucket_tagging, Bucket="conformance-eu",
     Tagging={"TagSet": [{"Key": "team", "Value": "eu"}, {"Key": "env", "Value": "prod"}]})


def private_acl():
    owner = s3.get_bucket_acl(Bucket="conformance-data")["Owner"]
    s3.put_bucket_acl(Bucket="conformance-data", AccessControlPolicy={"Owner": owner, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"}]})
    return acl("conformance-data")


step("s3:PutBucketAcl", private_acl)
step("s3:PutBucketAcl canned", lambda: s3.put_bucket_acl(Bucket="conformance-logs", ACL="private") and
     acl("conformance-logs"))
step("s3:GetPublicAccessBlock after", s3.get_public_access_block, Bucket="conformance-eu")
step("s3:GetBucketVersioning after", s3.get_bucket_versioning, Bucket="conformance-eu")
step("s3:GetBucketEncryption after", s3.get_bucket_encryption, Bucket="conformance-eu")
step("s3:GetBucketLogging after", s3.get_bucket_logging, Bucket="conformance-data")
step("s3:GetBucketTagging after", s3.get_bucket_tagging, Bucket="conformance-eu")



DB_FIELDS = ("DBInstanceIdentifier", "DBInstanceClass", "Engine", "DBInstanceStatus", "PubliclyAccessible", "MultiAZ",
             "BackupRetentionPeriod", "DeletionProtection", "DBInstanceArn", "AutoMinorVersionUpgrade")
step("rds:DescribeDBInstances", lambda: {"DBInstances": [only(d, *DB_FIELDS) for d in rds.describe_db_instances(
    DBInstanceIdentifier="conformance-db")["DBInstances"]]})
step("rds:DescribeDBInstances missing", rds.describe_db_instances, DBInstanceIdentifier="conformance-none")
step("rds:ModifyDBInstance", lambda: only(rds.modify_db_instance(
    DBInstanceIdentifier="conformance-db", PubliclyAccessible=False, ApplyImmediately=True)["DBInstance"],
    "DBInstanceIdentifier", "PubliclyAccessible"))
step("rds:ModifyDBInstance missing", rds.modify_db_instance, DBInstanceIdentifier="conformance-none",
     PubliclyAccessible=False, ApplyImmediately=True)
step("rds:DescribeDBInstances after", lambda: {"DBInstances": [only(d, *DB_FIELDS) for d in rds.describe_db_instances(
    DBInstanceIdentifier="conformance-db")["DBInstances"]]})
step("rds:DescribeDBSnapshots", lambda: {"DBSnapshots": [only(d, "DBSnapshotIdentifier", "DBInstanceIdentifier",
                                                              "Engine", "SnapshotType", "DBSnapshotArn")
                                                         for d in rds.describe_db_snapshots(
                                                             DBInstanceIdentifier="conformance-db",
                                                             SnapshotType="manual")["DBSnapshots"]]})
step("rds:DescribeDBSnapshotAttributes", rds.describe_db_snapshot_attributes, DBSnapshotIdentifier="conformance-db-snap")
step("rds:ModifyDBSnapshotAttribute", rds.modify_db_snapshot_attribute, DBSnapshotIdentifier="conformance-db-snap",
     AttributeName="restore", ValuesToRemove=["all"])
step("rds:ModifyDBSnapshotAttribute missing", rds.modify_db_snapshot_attribute, DBSnapshotIdentifier="conformance-none",
     AttributeName="restore", ValuesToRemove=["all"])
step("rds:DescribeDBSnapshotAttributes after", rds.describe_db_snapshot_attributes,
     DBSnapshotIdentifier="conformance-db-snap")

VPC_FIELDS = ("VpcId", "CidrBlock", "State", "IsDefault", "OwnerId", "Tags")
step("ec2:DescribeVpcs", lambda: {"Vpcs": [only(v, *VPC_FIELDS) for v in ec2.describe_vpcs(VpcIds=[ids["vpc"]])["Vpcs"]]})
step("ec2:DescribeVpcs missing", ec2.describe_vpcs, VpcIds=["vpc-0123456789abcdef0"])
step("ec2:DescribeNetworkAcls", lambda: {"NetworkAcls": ec2.describe_network_acls(
    Filters=[{"Name": "vpc-id", "Values": [ids["vpc"]]}])["NetworkAcls"]})
step("ec2:DeleteNetworkAclEntry", lambda: ec2.delete_network_acl_entry(
    NetworkAclId=ids["acl"], RuleNumber=100, Egress=False) and {})
step("ec2:DeleteNetworkAclEntry missing acl", ec2.delete_network_acl_entry, NetworkAclId="acl-0123456789abcdef0",
     RuleNumber=100, Egress=False)
step("ec2:DescribeNetworkAcls after", lambda: {"NetworkAcls": ec2.describe_network_acls(
    NetworkAclIds=[ids["acl"]])["NetworkAcls"]})
# Flow log ids are the endpoint's own: counted, not compared. LogFormat and MaxAggregationInterval
# left out: AWS (and moto) fill in their defaults, which remsim's model does not hold.
def create_flow_logs():
    answer = ec2.create_flow_logs(
        ResourceIds=[ids["vpc"]], ResourceType="VPC", TrafficType="REJECT", LogGroupName="/conformance/flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow")
    return {"made": len(answer["FlowLogIds"]), "Unsuccessful": answer["Unsuccessful"]}


step("ec2:CreateFlowLogs", create_flow_logs)
step("ec2:CreateFlowLogs missing vpc", ec2.create_flow_logs, ResourceIds=["vpc-0123456789abcdef0"],
     ResourceType="VPC", TrafficType="REJECT", LogGroupName="/conformance/flow",
     DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow")
step("ec2:DescribeFlowLogs", lambda: {"FlowLogs": [only(f, "FlowLogStatus", "LogGroupName", "ResourceId", "TrafficType",
                                                         "LogDestinationType", "DeliverLogsPermissionArn")
                                                    for f in ec2.describe_flow_logs(Filter=[
                                                        {"Name": "resource-id", "Values": [ids["vpc"]]}])["FlowLogs"]]})


# KeyUsage left out: moto leaves it out, where AWS gives it.
KEY_FIELDS = ("AWSAccountId", "KeyId", "Arn", "Description", "KeyState", "KeyManager", "KeySpec", "Enabled", "Origin")
step("kms:ListKeys", lambda: {"Keys": kms.list_keys()["Keys"]})
step("kms:DescribeKey by alias", lambda: only(kms.describe_key(KeyId="alias/conformance-data")["KeyMetadata"],
                                               *KEY_FIELDS))
step("kms:DescribeKey by id", lambda: only(kms.describe_key(KeyId=ids["kmskey"])["KeyMetadata"], *KEY_FIELDS))
step("kms:DescribeKey missing", kms.describe_key, KeyId="0c0f0000-0000-4000-8000-000000000000")
step("kms:GetKeyRotationStatus", lambda: only(kms.get_key_rotation_status(KeyId=ids["kmskey"]), "KeyRotationEnabled"))
step("kms:ListAliases", lambda: {"Aliases": [only(a, "AliasName", "AliasArn", "TargetKeyId")
                                             for a in kms.list_aliases()["Aliases"]
                                             if a["AliasName"].startswith("alias/conformance-")]})
step("kms:EnableKeyRotation", kms.enable_key_rotation, KeyId=ids["kmskey"])
step("kms:GetKeyRotationStatus after", lambda: only(kms.get_key_rotation_status(KeyId=ids["kmskey"]),
                                                    "KeyRotationEnabled"))

TRAIL_FIELDS = ("Name", "S3BucketName", "IsMultiRegionTrail", "HomeRegion", "TrailARN", "LogFileValidationEnabled",
                "IncludeGlobalServiceEvents")
step("cloudtrail:DescribeTrails", lambda: {"trailList": [only(t, *TRAIL_FIELDS)
                                                         for t in cloudtrail.describe_trails()["trailList"]]})
step("cloudtrail:UpdateTrail", lambda: only(cloudtrail.update_trail(Name="conformance-trail",
                                                                    EnableLogFileValidation=True), *TRAIL_FIELDS))
step("cloudtrail:UpdateTrail missing", cloudtrail.update_trail, Name="conformance-none", EnableLogFileValidation=True)
step("cloudtrail:DescribeTrails after", lambda: {"trailList": [only(t, *TRAIL_FIELDS) for t in cloudtrail.describe_trails(
    trailNameList=["conformance-trail"])["trailList"]]})

step("logs:DescribeLogGroups", lambda: {"logGroups": [only(g, "logGroupName", "arn") for g in logs.describe_log_groups(
    logGroupNamePrefix="/conformance")["logGroups"]]})
step("logs:CreateLogGroup", logs.create_log_group, logGroupName="/conformance/new")
step("logs:CreateLogGroup again", logs.create_log_group, logGroupName="/conformance/new")
step("logs:DescribeLogGroups after", lambda: {"logGroups": [only(g, "logGroupName", "arn") for g in logs.describe_log_groups(
    logGroupNamePrefix="/conformance")["logGroups"]]})

INSTANCE_FIELDS = ("InstanceId", "InstanceType", "State", "Tags")


def instances(**kwargs):
    """The served fields of each reservation's instances, and the reservation's owner. The metadata
    options' `State` is left out: moto answers `applied` at once, AWS `pending` while it applies."""
    answer = ec2.describe_instances(**kwargs)
    return {"Reservations": [{"OwnerId": r["OwnerId"], "Instances": [
        only(i, *INSTANCE_FIELDS) | {"MetadataOptions": only(i["MetadataOptions"], "HttpTokens", "HttpEndpoint")}
        for i in r["Instances"]]} for r in answer["Reservations"]]}


step("ec2:DescribeInstances", instances, InstanceIds=[ids["instance"]])
step("ec2:DescribeInstances by tag filter", instances, Filters=[{"Name": "tag:team", "Values": ["web"]},
                                                               {"Name": "instance-state-name", "Values": ["running"]}])
# remsim models no machine images: the account's own are none, as on moto, which holds only Amazon's.
step("ec2:DescribeImages own", ec2.describe_images, Owners=["self"])
step("ec2:DescribeInstances missing", ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"])
step("ec2:ModifyInstanceMetadataOptions", lambda: {"InstanceId": (answer := ec2.modify_instance_metadata_options(
    InstanceId=ids["instance"], HttpTokens="required", HttpEndpoint="enabled"))["InstanceId"], "HttpTokens": answer[
    "InstanceMetadataOptions"]["HttpTokens"]})
step("ec2:ModifyInstanceMetadataOptions missing", ec2.modify_instance_metadata_options,
     InstanceId="i-0123456789abcdef0", HttpTokens="required")
step("ec2:StopInstances", ec2.stop_instances, InstanceIds=[ids["instance"]])
step("ec2:StopInstances missing", ec2.stop_instances, InstanceIds=["i-0123456789abcdef0"])
step("ec2:DescribeInstances after", instances, InstanceIds=[ids["instance"]])

VOLUME_FIELDS = ("VolumeId", "Size", "AvailabilityZone", "State", "Encrypted", "Tags", "Attachments")
step("ec2:DescribeVolumes", lambda: {"Volumes": [only(v, *VOLUME_FIELDS) for v in ec2.describe_volumes(
    VolumeIds=[ids["volume"]])["Volumes"]]})
step("ec2:DescribeVolumes missing", ec2.describe_volumes, VolumeIds=["vol-0123456789abcdef0"])
SNAPSHOT_FIELDS = ("SnapshotId", "VolumeId", "State", "OwnerId", "Description", "VolumeSize", "Encrypted")
step("ec2:DescribeSnapshots", lambda: {"Snapshots": [only(v, *SNAPSHOT_FIELDS) for v in ec2.describe_snapshots(
    OwnerIds=["self"], Filters=[{"Name": "volume-id", "Values": [ids["volume"]]}])["Snapshots"]]})
step("ec2:DescribeSnapshots restorable by everyone", lambda: {"Snapshots": [
    v["SnapshotId"] for v in ec2.describe_snapshots(SnapshotIds=[ids["snapshot"]], RestorableByUserIds=["all"])[
        "Snapshots"]]})
step("ec2:DescribeSnapshotAttribute", ec2.describe_snapshot_attribute, SnapshotId=ids["snapshot"],
     Attribute="createVolumePermission")
# The CLI's form: moto ignores the SDK's `CreateVolumePermission={"Remove": [...]}`, which
# EndpointServicesTests covers on remsim alone.
step("ec2:ModifySnapshotAttribute", lambda: ec2.modify_snapshot_attribute(
    SnapshotId=ids["snapshot"], Attribute="createVolumePermission", OperationType="remove", GroupNames=["all"]) and {})
step("ec2:ModifySnapshotAttribute missing", ec2.modify_snapshot_attribute, SnapshotId="snap-0123456789abcdef0",
     Attribute="createVolumePermission", OperationType="remove", GroupNames=["all"])
step("ec2:DescribeSnapshotAttribute after", ec2.describe_snapshot_attribute, SnapshotId=ids["snapshot"],
     Attribute="createVolumePermission")
step("ec2:DeleteSnapshot", lambda: ec2.delete_snapshot(SnapshotId=ids["snapshot"]) and {})
step("ec2:DeleteSnapshot again", ec2.delete_snapshot, SnapshotId=ids["snapshot"])
step("ec2:DeleteVolume", lambda: ec2.delete_volume(VolumeId=ids["volume"]) and {})
step("ec2:DescribeVolumes after", ec2.describe_volumes, VolumeIds=[ids["volume"]])

CLUSTER_FIELDS = ("ClusterIdentifier", "NodeType", "MasterUsername", "PubliclyAccessible", "Encrypted", "Tags")
step("redshift:DescribeClusters", lambda: {"Clusters": [only(c, *CLUSTER_FIELDS) for c in redshift.describe_clusters(
    ClusterIdentifier="conformance-dw")["Clusters"]]})
step("redshift:DescribeClusters missing", redshift.describe_clusters, ClusterIdentifier="conformance-none")
step("redshift:ModifyCluster", lambda: only(redshift.modify_cluster(
    ClusterIdentifier="conformance-dw", PubliclyAccessible=False)["Cluster"], "ClusterIdentifier", "PubliclyAccessible"))
step("redshift:ModifyCluster missing", redshift.modify_cluster, ClusterIdentifier="conformance-none",
     PubliclyAccessible=False)
step("redshift:DescribeClusters after", lambda: {"Clusters": [only(c, *CLUSTER_FIELDS) for c in redshift.describe_clusters(
    ClusterIdentifier="conformance-dw")["Clusters"]]})

# moto gives every attribute AWS has a default for; remsim those the fixture holds.
LB_ATTRIBUTES = ("routing.http.drop_invalid_header_fields.enabled", "deletion_protection.enabled")


def lb_attributes(answer):
    return {"Attributes": sorted((a for a in answer["Attributes"] if a["Key"] in LB_ATTRIBUTES), key=json.dumps)}


LB_FIELDS = ("LoadBalancerArn", "LoadBalancerName", "Scheme", "Type", "VpcId", "SecurityGroups")
step("elasticloadbalancing:DescribeLoadBalancers", lambda: {"LoadBalancers": [
    only(b, *LB_FIELDS) for b in elbv2.describe_load_balancers(Names=["conformance-alb"])["LoadBalancers"]]})
step("elasticloadbalancing:DescribeLoadBalancers missing", elbv2.describe_load_balancers, Names=["conformance-none"])
step("elasticloadbalancing:DescribeLoadBalancerAttributes", lambda: lb_attributes(
    elbv2.describe_load_balancer_attributes(LoadBalancerArn=ids["lb"])))
step("elasticloadbalancing:ModifyLoadBalancerAttributes", lambda: lb_attributes(
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=ids["lb"], Attributes=[
        {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}])))
step("elasticloadbalancing:DescribeLoadBalancerAttributes after", lambda: lb_attributes(
    elbv2.describe_load_balancer_attributes(LoadBalancerArn=ids["lb"])))
step("elasticloadbalancing:DescribeTags", elbv2.describe_tags, ResourceArns=[ids["lb"]])

FUNCTION_FIELDS = ("FunctionName", "FunctionArn", "Runtime", "Handler", "Role", "Description", "Timeout", "MemorySize")
step("lambda:ListFunctions", lambda: {"Functions": [only(f, *FUNCTION_FIELDS) for f in awslambda.list_functions()[
    "Functions"] if f["FunctionName"].startswith("conformance-")]})
step("lambda:GetFunctionConfiguration", lambda: only(awslambda.get_function_configuration(
    FunctionName="conformance-fn"), *FUNCTION_FIELDS))
step("lambda:GetFunctionConfiguration missing", awslambda.get_function_configuration, FunctionName="conformance-none")
step("lambda:GetFunction", lambda: {"Configuration": only((answer := awslambda.get_function(
    FunctionName="conformance-fn"))["Configuration"], *FUNCTION_FIELDS), "Tags": answer["Tags"]})
step("lambda:ListTags", lambda: {"Tags": awslambda.list_tags(
    Resource="arn:aws:lambda:us-east-1:123456789012:function:conformance-fn")["Tags"]})
step("lambda:UpdateFunctionConfiguration", lambda: only(awslambda.update_function_configuration(
    FunctionName="conformance-fn", Runtime="python3.12"), "FunctionName", "Runtime"))
step("lambda:UpdateFunctionConfiguration missing", awslambda.update_function_configuration,
     FunctionName="conformance-none", Runtime="python3.12")
step("lambda:GetFunctionConfiguration after", lambda: only(awslambda.get_function_configuration(
    FunctionName="arn:aws:lambda:us-east-1:123456789012:function:conformance-fn"), *FUNCTION_FIELDS))

DB_ARN = "arn:aws:rds:us-east-1:123456789012:db:conformance-db"


def tagged(**kwargs):
    return {"ResourceTagMappingList": sorted(tagging.get_resources(**kwargs)["ResourceTagMappingList"],
                                             key=json.dumps)}


step("tagging:GetResources", tagged, ResourceTypeFilters=["lambda:function"])
step("tagging:GetResources by tag", tagged, ResourceTypeFilters=["lambda", "rds:db"],
     TagFilters=[{"Key": "team", "Values": ["web"]}])
step("tagging:TagResources", tagging.tag_resources, ResourceARNList=[DB_ARN], Tags={"owner": "sec", "team": "web"})
step("tagging:UntagResources", tagging.untag_resources, ResourceARNList=[DB_ARN], TagKeys=["owner"])
step("tagging:GetResources after", tagged, ResourceTypeFilters=["rds:db"])

step("rds:DeleteDBSnapshot", lambda: only(rds.delete_db_snapshot(DBSnapshotIdentifier="conformance-db-snap")[
    "DBSnapshot"], "DBSnapshotIdentifier", "DBInstanceIdentifier"))
step("rds:DeleteDBSnapshot missing", rds.delete_db_snapshot, DBSnapshotIdentifier="conformance-db-snap")
step("rds:DeleteDBInstance", lambda: only(rds.delete_db_instance(
    DBInstanceIdentifier="conformance-db", SkipFinalSnapshot=True)["DBInstance"], "DBInstanceIdentifier"))
step("rds:DeleteDBInstance missing", rds.delete_db_instance, DBInstanceIdentifier="conformance-none",
     SkipFinalSnapshot=True)
step("ec2:TerminateInstances", ec2.terminate_instances, InstanceIds=[ids["instance"]])

json.dump(steps, open(out_file, "w"), indent=1, sort_keys=True)
if mode == "setup":
    server.stop()
