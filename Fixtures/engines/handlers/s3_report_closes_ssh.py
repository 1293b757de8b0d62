"""A remediation function fed by findings reports, as CSPM frameworks hand them over: each report
is a CSV put into a bucket, and S3's object-created event invokes the function, which reads the
report and, for each security group that lets SSH in from anywhere, revokes that range only.
Plain boto3.
"""
import csv
import io

import boto3

WORLD_SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def handler(event, context):
    closed = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        for row in csv.DictReader(io.StringIO(body)):
            if row["policy_id"] != "aws-sg-ssh-open-to-world":
                continue
            boto3.client("ec2", region_name=row["region"]).revoke_security_group_ingress(
                GroupId=row["resource_id"], IpPermissions=[WORLD_SSH])
            print("%s (%s): closed SSH from anywhere on %s" % (row["alert_id"], key, row["resource_id"]))
            closed.append(row["resource_id"])
    return {"closed": closed}
