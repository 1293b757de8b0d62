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
import json
import sys

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
    ids = {"vpc": vpc, "web": web, "key": key}
    json.dump(ids, open(ids_file, "w"))
else:
    ids = json.load(open(ids_file))
names = {v: k for k, v in ids.items()}

TIMES = {"CreateDate", "CreationDate", "LastUsedDate", "GeneratedTime", "Expiration", "EnableDate"}


def normal(value):
    """Ids as the names of what they name; times, request metadata and ARNs' ids left out. IAM's
    `IsTruncated: false` too: AWS gives it on every list, moto leaves it out; and `MaxPasswordAge: 0`,
    which moto gives where AWS leaves out an age that is not set."""
    if isinstance(value, dict):
        return {k: ("<time>" if k in TIMES else normal(v)) for k, v in sorted(value.items())
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


def step(name, call, **kwargs):
    try:
        answer = call(**kwargs)
        steps.append({"step": name, "answer": normal(answer)})
        return answer
    except botocore.exceptions.ClientError as error:
        steps.append({"step": name, "error": error.response["Error"]["Code"]})
        return None


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
step("iam:DeleteAccessKey", iam.delete_access_key, UserName="conformance-alice", AccessKeyId=ids["key"])
step("iam:ListAccessKeys at the end", iam.list_access_keys, UserName="conformance-alice")

json.dump(steps, open(out_file, "w"), indent=1, sort_keys=True)
if mode == "setup":
    server.stop()
