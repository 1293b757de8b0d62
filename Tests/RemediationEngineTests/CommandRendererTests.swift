import CloudModel
import CloudOperations
import Policies
import RemediationEngine
import TestSupport
import Testing

struct CommandRendererTests {
    @Test(arguments: [
        ("RevokeSecurityGroupIngress", "revoke-security-group-ingress"),
        ("PutPublicAccessBlock", "put-public-access-block"),
        ("logGroupName", "log-group-name"), ("VPCId", "vpc-id"),
        ("DeliverLogsPermissionArn", "deliver-logs-permission-arn"),
        ("GroupId", "group-id"), ("Ipv6Ranges", "ipv6-ranges"),
    ])
    func kebabCasesAPINamesAsTheCLIDoes(api: String, cli: String) {
        #expect(CommandRenderer.kebab(api) == cli)
    }

    @Test(arguments: [
        ("plain-word", "plain-word"), ("two words", "'two words'"), ("it's", "'it'\\''s'"), ("", "''"),
        ("a/b:c", "a/b:c"),
    ])
    func quotesForTheShell(word: String, quoted: String) {
        #expect(ShellWords.quote(word) == quoted)
    }

    /// A word is left bare exactly when every character is an ASCII letter, digit or one of the
    /// safe marks, read as characters; the quoting reads bytes, and must agree on every word.
    @Test func quotingByBytesAgreesWithReadingCharacters() {
        var generator = SeededGenerator(seed: 5)
        let alphabet = Array("aZ09-_./:=@,+%'\"` ${}[]\\é€\r\n\t\u{301}🙂[`")
        for _ in 0..<20_000 {
            let word = String(
                (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                    alphabet.randomElement(using: &generator)!
                })
            let bare =
                !word.isEmpty
                && word.allSatisfy {
                    $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=@,+%".contains($0))
                }
            #expect((ShellWords.quote(word) == word) == bare, "\(word.debugDescription)")
        }
    }

    let bucket = Resource(id: "my-bucket", type: "aws.s3", account: "1", region: "eu-west-1")

    @Test func s3CallsUseS3apiAndStructuresBecomeJSON() {
        let cmd = CommandRenderer.render(
            operation: "s3:PutPublicAccessBlock",
            parameters: [
                "Bucket": "my-bucket",
                "PublicAccessBlockConfiguration": ["BlockPublicAcls": true, "IgnorePublicAcls": true],
            ],
            resource: bucket)
        #expect(
            cmd.text
                == #"aws --region eu-west-1 s3api put-public-access-block --bucket my-bucket --public-access-block-configuration '{"BlockPublicAcls":true,"IgnorePublicAcls":true}'"#
        )
    }

    @Test func iamIsGlobalAndBooleansAreFlags() {
        let user = Resource(id: "u", type: "aws.iam-user", account: "1", region: "global")
        #expect(
            CommandRenderer.render(
                operation: "iam:UpdateAccessKey",
                parameters: ["UserName": "bob", "AccessKeyId": "AKIA1", "Status": "Inactive"], resource: user
            ).text
                == "aws iam update-access-key --user-name bob --access-key-id AKIA1 --status Inactive")
        let trail = Resource(id: "t", type: "aws.cloudtrail", account: "1", region: "us-east-1")
        #expect(
            CommandRenderer.render(
                operation: "cloudtrail:UpdateTrail",
                parameters: ["Name": "t", "EnableLogFileValidation": true, "IsMultiRegionTrail": false], resource: trail
            ).text
                == "aws --region us-east-1 cloudtrail update-trail --name t --enable-log-file-validation "
                + "--no-is-multi-region-trail"
        )
    }

    @Test func listsOfPlainValuesAreSpaceSeparated() {
        #expect(
            CommandRenderer.render(
                operation: "ec2:CreateFlowLogs", parameters: ["ResourceIds": ["vpc-1", "vpc-2"]], resource: bucket
            ).text
                == "aws --region eu-west-1 ec2 create-flow-logs --resource-ids vpc-1 vpc-2")
    }
}

struct RemediationPlanTests {
    let at = TestSupport.start

    @Test func matchedElementsFillTheRevokeCall() throws {
        let policy = try TestSupport.policy(TestSupport.sshPolicyYAML)
        let sg = TestSupport.securityGroup(
            "sg-9", permissions: [TestSupport.permission(22, cidrs: ["10.0.0.0/8", "0.0.0.0/0"])])
        let finding = try #require(Evaluator(now: at).finding(policy, sg))
        let plan = try RemediationPlan(policy: policy, finding: finding, resource: sg)
        #expect(plan.calls.count == 1)
        #expect(plan.calls[0].parameters["GroupId"] == "sg-9")
        #expect(
            plan.calls[0].command.text
                == #"aws --region us-east-1 ec2 revoke-security-group-ingress --group-id sg-9 --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'"#
        )
    }

    @Test func forEachMatchedMakesOneCallPerElementAndInterpolates() throws {
        let policy = try TestSupport.policy(
            """
            version: 1
            id: keys
            title: t
            resource: aws.iam-user
            severity: low
            filters:
              - any: AccessKeys
                where: [{key: Status, op: eq, value: Active}]
            remediation:
              steps:
                - operation: iam:UpdateAccessKey
                  for-each: matched
                  parameters: {UserName: "${resourceName}", AccessKeyId: "${item.AccessKeyId}", Status: Inactive, Note: "user ${resourceName} in ${account}"}
            """)
        let user = Resource(
            id: "u1", type: "aws.iam-user", account: "42", region: "global", name: "carol",
            properties: [
                "AccessKeys": [
                    ["AccessKeyId": "K1", "Status": "Active"], ["AccessKeyId": "K2", "Status": "Inactive"],
                    ["AccessKeyId": "K3", "Status": "Active"],
                ]
            ])
        let finding = try #require(Evaluator(now: at).finding(policy, user))
        let plan = try RemediationPlan(policy: policy, finding: finding, resource: user)
        #expect(plan.calls.map { $0.parameters["AccessKeyId"] } == ["K1", "K3"])
        #expect(plan.calls[0].parameters["Note"] == "user carol in 42")
        #expect(plan.calls.allSatisfy { $0.step == 1 })
    }

    /// A bucket policy with one step, `operation` with `parameters` (flow-style YAML).
    func bucketPolicy(operation: String, parameters: String) throws -> Policy {
        try TestSupport.policy(
            """
            version: 1
            id: bucket
            title: t
            resource: aws.s3
            severity: low
            filters: [{key: Name, op: present}]
            remediation:
              steps:
                - operation: \(operation)
                  parameters: \(parameters)
            """)
    }

    @Test func unknownVariablesAreCaughtAtLoadTime() throws {
        #expect(throws: (any Error).self) {
            try bucketPolicy(operation: "s3:PutPublicAccessBlock", parameters: #"{Bucket: "${resorceName}"}"#)
        }
        #expect(throws: (any Error).self) {
            try bucketPolicy(operation: "s3:PutPublicAccessBlock", parameters: #"{Bucket: "${matched.Name}"}"#)
        }
    }

    @Test func aVariableWithNoValueFailsThePlan() throws {
        let policy = try bucketPolicy(
            operation: "s3:PutBucketVersioning",
            parameters: #"{Bucket: "${matched}", VersioningConfiguration: {Status: Enabled}}"#)
        let b = Resource(id: "b", type: "aws.s3", account: "1", region: "r", properties: ["Name": "b"])
        let finding = try #require(Evaluator(now: at).finding(policy, b))
        #expect(throws: PlanError.missingValue(name: "matched", step: 1)) {
            try RemediationPlan(policy: policy, finding: finding, resource: b)
        }
    }
}
