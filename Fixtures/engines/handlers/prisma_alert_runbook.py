"""A Prisma Cloud alert runbook, in the style of Prisma's serverless auto-remediation: Prisma sends
each alert to an SQS queue, the queue invokes this Lambda handler with a batch of them, and for
each alert the handler assumes the remediation role in the alert's account and runs the fix for
the alert's policy. It knows nothing of remsim: it is plain boto3.
"""
import json

import boto3

ROLE = "arn:aws:iam::{account}:role/prisma-remediation"
FULL_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
              "RestrictPublicBuckets": True}


def session_in(account, region):
    """A session acting in the alert's account, through the remediation role there."""
    credentials = boto3.client("sts").assume_role(
        RoleArn=ROLE.format(account=account), RoleSessionName="prisma-runbook")["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"], region_name=region)


def block_public_access(session, alert):
    bucket = alert["resourceName"] or alert["resourceId"]
    session.client("s3").put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=FULL_BLOCK)
    return "blocked public access on %s" % bucket


def close_ssh_to_the_world(session, alert):
    group = alert["resourceId"]
    session.client("ec2").revoke_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return "closed SSH from anywhere on %s" % group


# The runbook for each policy the queue carries alerts of.
RUNBOOKS = {
    "aws-s3-public-access-block": block_public_access,
    "aws-sg-ssh-open-to-world": close_ssh_to_the_world,
}


def handler(event, context):
    done = []
    for record in event["Records"]:
        alert = json.loads(record["body"])
        runbook = RUNBOOKS.get(alert["policyId"])
        if runbook is None:
            print("no runbook for %s (%s)" % (alert["policyName"], alert["alertId"]))
            continue
        session = session_in(alert["accountId"], alert["resourceRegionId"])
        print("%s: %s" % (alert["alertId"], runbook(session, alert)))
        done.append(alert["alertId"])
    return {"remediated": done}
