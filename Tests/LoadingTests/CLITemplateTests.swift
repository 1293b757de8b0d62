import CloudModel
import CloudOperations
import Foundation
import Policies
import PolicyPack
import RemediationEngine
import TestSupport
import Testing

@testable import Loading

/// Remediations written as Prisma Cloud writes them: CLI command templates.
struct CLITemplateTests {
    func policy(cli: String) throws -> Policy {
        try TestSupport.policy(
            """
            version: 1
            id: p
            title: t
            resource: aws.security-group
            severity: high
            filters: [{key: GroupId, op: present}]
            remediation:
              cli: \(cli)
            """)
    }

    func loadError(cli: String) -> LoadError? {
        do {
            _ = try policy(cli: cli)
            return nil
        } catch let error as LoadError {
            return error
        } catch {
            return nil
        }
    }

    @Test func theSingleRuleFormBecomesIpPermissions() throws {
        let p = try policy(
            cli:
                "'aws --region ${region} ec2 revoke-security-group-ingress --group-id ${resourceId} --protocol "
                + "${protocol} --port ${fromPort}-${toPort} --cidr ${cidr}'"
        )
        let step = try #require(p.remediation?.steps.first)
        #expect(step.operation == "ec2:RevokeSecurityGroupIngress")
        #expect(
            step.parameters == [
                "GroupId": "${resourceId}",
                "IpPermissions": [
                    [
                        "IpProtocol": "${protocol}", "FromPort": "${fromPort}", "ToPort": "${toPort}",
                        "IpRanges": [["CidrIp": "${cidr}"]],
                    ]
                ],
            ])
        let literal = try policy(
            cli: "'aws ec2 revoke-security-group-ingress --group-id sg-1 --protocol tcp --port 0-1024 --cidr ::/0'")
        #expect(
            literal.remediation?.steps.first?.parameters["IpPermissions"] == [
                ["IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "Ipv6Ranges": [["CidrIpv6": "::/0"]]]
            ])
    }

    func step(_ resource: String, cli: String) throws -> RemediationStep {
        let p = try TestSupport.policy(
            """
            version: 1
            id: p
            title: t
            resource: \(resource)
            severity: high
            filters: [{key: name, op: present}]
            remediation:
              cli: \(cli)
            """)
        return try #require(p.remediation?.steps.first)
    }

    @Test func azGcloudAndGsutilCommandsBecomeTheirOperations() throws {
        let storage = try step(
            "azure.storage",
            cli:
                "'az storage account update --name ${resourceName} --resource-group ${resourceGroup} --https-only true'"
        )
        #expect(storage.operation == "Microsoft.Storage/storageAccounts/write")
        #expect(
            storage.parameters == [
                "name": "${resourceName}", "resourceGroup": "${resourceGroup}",
                "body": ["properties": ["supportsHttpsTrafficOnly": true]],
            ])
        let rule = try step(
            "azure.networksecuritygroup",
            cli:
                "'az network nsg rule update -g ${resourceGroup} --nsg-name ${resourceName} -n ${ruleName} "
                + "--access Deny --subscription ${account}'"
        )
        #expect(rule.operation == "Microsoft.Network/networkSecurityGroups/securityRules/write")
        #expect(
            rule.parameters == [
                "resourceGroup": "${resourceGroup}", "networkSecurityGroupName": "${resourceName}",
                "name": "${ruleName}",
                "body": ["properties": ["access": "Deny"]],
            ])
        let firewall = try step(
            "gcp.firewall",
            cli: "'gcloud compute firewall-rules update ${resourceName} --disabled --project=${account} --quiet'")
        #expect(firewall.operation == "compute.firewalls.patch")
        #expect(
            firewall.parameters == ["firewall": "${resourceName}", "body": ["disabled": true], "project": "${account}"])
        let metadata = try step(
            "gcp.instance",
            cli:
                "'gcloud compute instances add-metadata ${resourceName} --zone ${gcpZoneId} --metadata "
                + "block-project-ssh-keys=TRUE,enable-oslogin=TRUE'"
        )
        #expect(
            metadata.parameters["items"] == [
                ["key": "block-project-ssh-keys", "value": "TRUE"], ["key": "enable-oslogin", "value": "TRUE"],
            ])
        let iam = try step(
            "gcp.bucket", cli: "'gsutil -m iam ch -d allUsers -d allAuthenticatedUsers gs://${resourceName}'")
        #expect(iam.operation == "storage.buckets.setIamPolicy")
        #expect(
            iam.parameters == ["removeMembers": ["allUsers", "allAuthenticatedUsers"], "bucket": "${resourceName}"])
        let ubla = try step("gcp.bucket", cli: "'gsutil uniformbucketlevelaccess set on gs://${resourceName}'")
        #expect(
            ubla.parameters == [
                "body": ["iamConfiguration": ["uniformBucketLevelAccess": ["enabled": true]]],
                "bucket": "${resourceName}",
            ])
    }

    /// The forms Prisma Cloud's own templates use: a global option between the service and the
    /// action, gcloud's `--project=` before the command is complete, gsutil's `ubla`, `--zone`
    /// for a cluster's location.
    static let prismaForms: [(String, String, String, Value)] = [
        (
            "azure.webapp",
            "az webapp update --resource-group ${resourceGroup} --name ${resourceName} --set httpsOnly=true",
            "Microsoft.Web/sites/write",
            [
                "resourceGroup": "${resourceGroup}", "name": "${resourceName}",
                "body": ["properties": ["httpsOnly": true]],
            ]
        ),
        (
            "azure.storage", "az storage account update --ids ${resourceId} --https-only true",
            "Microsoft.Storage/storageAccounts/write",
            [
                "resourceGroup": "${resourceGroup}", "name": "${resourceName}",
                "body": ["properties": ["supportsHttpsTrafficOnly": true]],
            ]
        ),
        (
            "azure.storage",
            "az storage account update --ids /subscriptions/s-1/resourceGroups/rg-data/providers/"
                + "Microsoft.Storage/storageAccounts/acmedata --set properties.allowBlobPublicAccess=false",
            "Microsoft.Storage/storageAccounts/write",
            [
                "resourceGroup": "rg-data", "name": "acmedata",
                "body": ["properties": ["allowBlobPublicAccess": false]],
            ]
        ),
        (
            "aws.ebs-snapshot",
            "aws ec2 --region ${region} modify-snapshot-attribute --snapshot-id ${resourceId} --attribute "
                + "createVolumePermission --operation-type remove --group-names all",
            "ec2:ModifySnapshotAttribute",
            [
                "SnapshotId": "${resourceId}", "Attribute": "createVolumePermission", "OperationType": "remove",
                "GroupNames": ["all"],
            ]
        ),
        (
            "aws.rds-snapshot",
            "aws rds --region ${region} modify-db-snapshot-attribute --db-snapshot-identifier ${resourceId} "
                + "--attribute-name restore --values-to-remove \"all\"",
            "rds:ModifyDBSnapshotAttribute",
            ["DBSnapshotIdentifier": "${resourceId}", "AttributeName": "restore", "ValuesToRemove": ["all"]]
        ),
        (
            "gcp.firewall", "gcloud compute --project=${account} firewall-rules update ${resourceName} --disabled",
            "compute.firewalls.patch",
            ["firewall": "${resourceName}", "body": ["disabled": true], "project": "${account}"]
        ),
        (
            "gcp.firewall",
            "gcloud --quiet compute --project ${account} firewall-rules update ${resourceName} --disabled",
            "compute.firewalls.patch",
            ["firewall": "${resourceName}", "body": ["disabled": true], "project": "${account}"]
        ),
        (
            "gcp.bucket", "gsutil ubla set on gs://${resourceName}", "storage.buckets.patch",
            [
                "body": ["iamConfiguration": ["uniformBucketLevelAccess": ["enabled": true]]],
                "bucket": "${resourceName}",
            ]
        ),
        (
            "gcp.gke-cluster",
            "gcloud container clusters update ${resourceName} --project=${account} --zone ${region} "
                + "--enable-master-authorized-networks",
            "container.clusters.update",
            [
                "cluster": "${resourceName}", "project": "${account}", "location": "${region}",
                "update": ["desiredMasterAuthorizedNetworksConfig": ["enabled": true]],
            ]
        ),
    ]

    @Test(arguments: prismaForms)
    func prismasTemplateFormsReadAsTheirOperations(type: String, cli: String, operation: String, parameters: Value)
        throws
    {
        let read = try step(type, cli: "'\(cli)'")
        #expect(read.operation == operation)
        #expect(read.parameters == parameters)
    }

    /// Prisma's security-group template: variables where JSON numbers go, and the address family
    /// (`Ip${ipV4/6}Ranges`) taken from the matched range.
    @Test(arguments: [("0.0.0.0/0", "IpRanges", "CidrIp"), ("::/0", "Ipv6Ranges", "CidrIpv6")])
    func theSecurityGroupTemplateTakesTheFamilyOfTheMatchedRange(cidr: String, ranges: String, member: String) throws {
        let template =
            #"aws --region ${region} ec2 revoke-security-group-ingress --group-id ${resourceId} --ip-permissions '[{"IpProtocol": "${protocol}", "FromPort": ${fromPort}, "ToPort": ${toPort}, "Ip${ipV4/6}Ranges":[{"CidrIp${ipV4/6}":"${cidr}"}]}]'"#
        let policy = try TestSupport.policy(
            """
            version: 1
            id: p
            title: t
            resource: aws.security-group
            severity: high
            filters:
              - any: IpPermissions
                where:
                  - {key: FromPort, op: le, value: 22}
                  - any: \(ranges)
                    where: [{key: \(member), op: eq, value: "\(cidr)"}]
            remediation:
              cli: >
                \(template)
            """)
        let group = Resource(
            id: "sg-1", type: "aws.security-group", account: "111111111111", region: "us-east-1", name: "web",
            properties: [
                "GroupId": "sg-1",
                "IpPermissions": [
                    [
                        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                        .init(stringLiteral: ranges): [[.init(stringLiteral: member): .string(cidr)]],
                    ]
                ],
            ])
        let finding = try #require(Evaluator(now: TestSupport.start).finding(policy, group))
        let call = try #require(try RemediationPlan(policy: policy, finding: finding, resource: group).calls.first)
        #expect(call.operation == "ec2:RevokeSecurityGroupIngress")
        #expect(
            call.parameters["IpPermissions"] == [
                [
                    "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    .init(stringLiteral: ranges): [[.init(stringLiteral: member): .string(cidr)]],
                ]
            ])
    }

    /// The template's variables filled for a real Azure resource: `${resourceGroup}` from the
    /// ARM id, `${ruleName}` from the matched rule.
    @Test func azureVariablesComeFromTheARMIdAndTheMatchedRule() throws {
        let policy = try TestSupport.policy(
            """
            version: 1
            id: p
            title: t
            resource: azure.networksecuritygroup
            severity: high
            filters:
              - any: properties.securityRules
                where: [{key: properties.access, op: eq, value: Allow}]
            remediation:
              cli: az network nsg rule update --resource-group ${resourceGroup} --nsg-name ${resourceName} --name ${ruleName} --access Deny
            """)
        let id = "/subscriptions/s-1/resourceGroups/rg-web/providers/Microsoft.Network/networkSecurityGroups/nsg-1"
        let nsg = Resource(
            id: id, type: "azure.networksecuritygroup", account: "s-1", region: "westeurope", name: "nsg-1",
            properties: ["properties": ["securityRules": [["name": "open-ssh", "properties": ["access": "Allow"]]]]])
        let finding = try #require(Evaluator(now: TestSupport.start).finding(policy, nsg))
        let call = try #require(try RemediationPlan(policy: policy, finding: finding, resource: nsg).calls.first)
        #expect(
            call.command.text
                == "az network nsg rule update --resource-group rg-web --nsg-name nsg-1 --name open-ssh --access Deny")
    }

    @Test func severalCommandsShorthandBooleansAndJSON() throws {
        let p = try policy(
            cli: #"""
                "aws s3api put-public-access-block --bucket ${resourceName} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true ; aws cloudtrail update-trail --name t --no-enable-log-file-validation; aws logs create-log-group --log-group-name g; aws ec2 authorize-security-group-ingress --group-id ${resourceId} --ip-permissions '[{\"IpProtocol\": \"tcp\", \"FromPort\": 443}]'"
                """#)
        let steps = try #require(p.remediation?.steps)
        #expect(
            steps.map(\.operation) == [
                "s3:PutPublicAccessBlock", "cloudtrail:UpdateTrail", "logs:CreateLogGroup",
                "ec2:AuthorizeSecurityGroupIngress",
            ])
        #expect(
            steps[0].parameters == [
                "Bucket": "${resourceName}",
                "PublicAccessBlockConfiguration": ["BlockPublicAcls": true, "IgnorePublicAcls": true],
            ])
        #expect(steps[1].parameters == ["Name": "t", "EnableLogFileValidation": false])
        #expect(steps[2].parameters == ["logGroupName": "g"])
        #expect(steps[3].parameters["IpPermissions"] == [["IpProtocol": "tcp", "FromPort": 443]])
    }

    @Test(arguments: [
        (
            "'aws ec2 delete-vpc --vpc-id ${resourceId}'",
            "`aws ec2 delete-vpc` (ec2:DeleteVpc) is not an operation remsim models"
        ),
        (
            "'az storage account delete --name ${resourceName}'",
            "`az storage account delete` is not a command remsim models; the `az` commands it models are az "
                + "storage account update,"
        ),
        (
            "'az storage account update --name ${resourceName} --https-only true'",
            "Microsoft.Storage/storageAccounts/write needs the parameter 'resourceGroup'"
        ),
        (
            "'az storage account update -g rg -n x --https-only true --kind StorageV2'",
            "unknown option --kind: `az storage account update` takes --resource-group VALUE --name VALUE "
                + "--https-only VALUE"
        ),
        ("'gsutil iam ch -d allUsers ${resourceName}'", "expected 'gs://…' for bucket, found '${resourceName}'"),
        ("'gsutil rm -r gs://${resourceName}'", "`gsutil rm` is not a command remsim models"),
        (
            "'gcloud compute firewall-rules update ${resourceName} --disabled --priority 10'",
            "unknown option --priority"
        ),
        ("'gcloud compute firewall-rules update --disabled'", "missing firewall"),
        ("'kubectl delete ns x'", "`kubectl` is not a cloud CLI"),
        (
            "'aws s3api put-public-access-block --bucket b; aws s3api put-public-access-block --bucket b; aws "
                + "s3api put-public-access-block --bucket b; aws s3api put-public-access-block --bucket b; aws s3api put-public-access-block --bucket b; aws s3api put-public-access-block --bucket b'",
            "1 to 5 commands"
        ),
        ("\"aws ec2 revoke-security-group-ingress --group-id 'sg-1\"", "a single quote is never closed"),
        (
            "'aws ec2 revoke-security-group-ingress --group-id ${resorceId} --protocol tcp --port 22 --cidr 0.0.0.0/0'",
            "unknown variable '${resorceId}'"
        ),
        (
            "'aws ec2 revoke-security-group-ingress --group-id ${resourceId}'",
            "ec2:RevokeSecurityGroupIngress needs the parameter 'IpPermissions'"
        ),
        ("'aws --profile x --bogus ec2 revoke-security-group-ingress'", "unknown global option --bogus"),
        (
            "'az webapp update -g ${resourceGroup} -n ${resourceName} --set clientCertEnabled=true'",
            "--set clientCertEnabled: not a setting remsim models for `az webapp update`; it models httpsOnly"
        ),
        ("'az storage account update --ids rg/x --https-only true'", "--ids takes a resource's ARM id"),
        (
            "'gcloud compute --project=${account} firewall-rules delete-all ${resourceName}'",
            "`gcloud compute firewall-rules delete-all` is not a command remsim models"
        ),
    ])
    func commandsRemsimDoesNotModelAreNamed(cli: String, message: String) throws {
        let e = try #require(loadError(cli: cli))
        #expect(e.message.contains(message), "\(e)")
        #expect(e.keyPath.hasPrefix("remediation"))
        #expect(e.line != nil)
    }

    /// Every built-in remediation, rendered for its first example and read back as a template,
    /// is the same call: rendering and parsing agree.
    @Test(arguments: (try? BuiltinPolicies.load())?.filter(\.isRemediable).map(\.id) ?? [])
    func renderedCommandsReadBackAsTheSameCalls(id: String) throws {
        let policy = try #require(try BuiltinPolicies.load().first { $0.id == id })
        let example = try #require(policy.examples.match.first)
        let finding = try #require(Evaluator(now: TestSupport.start).finding(policy, example))
        for call in try RemediationPlan(policy: policy, finding: finding, resource: example).calls {
            // The text a person copies splits back into the words the call carries.
            #expect(try ShellWords.commands(call.command.text) == [call.command.words])
            let step = try CommandReader.call(call.command.words)
            #expect(step.operation == call.operation, "\(call.command)")
            #expect(step.parameters == call.parameters, "\(call.command)")
        }
    }

    @Test(arguments: [
        ("a b  c", [["a", "b", "c"]]),
        ("a 'b c' \"d \\\" e\"", [["a", "b c", "d \" e"]]),
        ("a\\ b; c ;; d", [["a b"], ["c"], ["d"]]),
        ("x '${v}-${w}'", [["x", "${v}-${w}"]]),
    ])
    func wordsSplitAsAShellWould(text: String, expected: [[String]]) throws {
        #expect(try ShellWords.commands(text) == expected)
    }
}
