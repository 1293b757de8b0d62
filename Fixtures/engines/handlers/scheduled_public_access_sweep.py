"""A scheduled sweep, as CSPM auto-remediation frameworks run one from an EventBridge schedule:
every bucket of the account whose public access block is missing or partly off gets all four
settings back. Plain boto3.
"""
import boto3
import botocore.exceptions

FULL_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
              "RestrictPublicBuckets": True}


def handler(event, context):
    s3 = boto3.client("s3")
    fixed = []
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        try:
            block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
                raise
            block = {}
        if all(block.get(k) for k in FULL_BLOCK):
            continue
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=FULL_BLOCK)
        print("%s: public access blocked (sweep at %s)" % (name, event["time"]))
        fixed.append(name)
    return {"fixed": fixed}
