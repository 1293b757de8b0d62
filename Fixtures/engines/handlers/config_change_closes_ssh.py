"""A Lambda handler on AWS Config's configuration item changes, as an EventBridge rule on
`Config Configuration Item Change` delivers them: when a security group's new configuration lets
SSH in from anywhere, it revokes that range, and only that range. Plain boto3, in the region and
account the item names.
"""
import boto3

WORLD = "0.0.0.0/0"


def opens_ssh_to_the_world(permission):
    ranges = [r.get("cidrIp") for r in permission.get("ipv4Ranges", [])]
    if WORLD not in ranges:
        return False
    if permission.get("ipProtocol") == "-1":
        return True
    return permission.get("ipProtocol") == "tcp" and permission.get("fromPort", 0) <= 22 <= permission.get("toPort", -1)


def handler(event, context):
    item = event["detail"]["configurationItem"]
    if item["resourceType"] != "AWS::EC2::SecurityGroup" or item["configurationItemStatus"] == "ResourceDeleted":
        return {"ignored": item["resourceId"]}
    ec2 = boto3.client("ec2", region_name=item["awsRegion"])
    revoked = []
    for permission in item["configuration"].get("ipPermissions", []):
        if not opens_ssh_to_the_world(permission):
            continue
        rule = {"IpProtocol": permission["ipProtocol"], "IpRanges": [{"CidrIp": WORLD}]}
        if permission["ipProtocol"] != "-1":
            rule.update(FromPort=permission["fromPort"], ToPort=permission["toPort"])
        ec2.revoke_security_group_ingress(GroupId=item["resourceId"], IpPermissions=[rule])
        revoked.append(rule)
        print("%s: revoked %s" % (item["resourceId"], rule))
    return {"group": item["resourceId"], "revoked": len(revoked)}
