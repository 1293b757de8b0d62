#!/bin/sh
# A remediation engine that is a script of AWS CLI calls: every security group of the account that
# lets SSH in from anywhere loses that range, and only that range. The groups are found by a
# JMESPath query (run by the CLI, on the answer of describe-security-groups).
set -eu
groups=$(aws ec2 describe-security-groups --output text \
    --query "SecurityGroups[?IpPermissions[?FromPort==\`22\` && IpRanges[?CidrIp=='0.0.0.0/0']]].GroupId")
for group in $groups; do
    aws ec2 revoke-security-group-ingress --group-id "$group" --protocol tcp --port 22 --cidr 0.0.0.0/0
    echo "closed SSH from anywhere on $group"
done
