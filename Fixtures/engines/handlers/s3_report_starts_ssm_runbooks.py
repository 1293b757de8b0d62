"""A remediation function that hands each finding to an AWS-owned Systems Manager Automation
runbook, as AWS Config's remediation and many CSPM frameworks do: findings reports arrive as CSVs in
a bucket, S3's object-created event invokes the function, and for each finding it starts the
runbook mapped to the finding's policy and reads the execution back. Plain boto3.
"""
import csv
import io
import time

import boto3

# The runbook for each policy, and the parameters it takes from a finding.
RUNBOOKS = {
    "aws-ec2-imdsv2-required": ("AWSConfigRemediation-EnforceEC2InstanceIMDSv2",
                                lambda row: {"InstanceId": [row["resource_id"]]}),
    "aws-sg-ssh-open-to-world": ("AWSConfigRemediation-RemoveUnrestrictedSourceIngressRules",
                                 lambda row: {"SecurityGroupId": [row["resource_id"]]}),
}
ROLE = "arn:aws:iam::{account}:role/automation-remediation"


def run(ssm, document, parameters):
    """Starts the runbook and waits for its execution to end."""
    execution = ssm.start_automation_execution(DocumentName=document, Parameters=parameters)["AutomationExecutionId"]
    while True:
        found = ssm.get_automation_execution(AutomationExecutionId=execution)["AutomationExecution"]
        if found["AutomationExecutionStatus"] not in ("Pending", "InProgress", "Waiting"):
            return found
        time.sleep(1)


def handler(event, context):
    results = []
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        for row in csv.DictReader(io.StringIO(body)):
            if row["policy_id"] not in RUNBOOKS:
                continue
            document, parameters = RUNBOOKS[row["policy_id"]]
            parameters = parameters(row) | {"AutomationAssumeRole": [ROLE.format(account=row["account_id"])]}
            found = run(boto3.client("ssm", region_name=row["region"]), document, parameters)
            status = found["AutomationExecutionStatus"]
            print("%s: %s on %s: %s %s" % (row["alert_id"], document, row["resource_id"], status,
                                           found.get("FailureMessage", "")))
            results.append({"resource": row["resource_id"], "runbook": document, "status": status})
    return {"executions": results}
