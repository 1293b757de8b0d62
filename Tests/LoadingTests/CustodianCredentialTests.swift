import CloudModel
import Foundation
import Policies
import RemediationEngine
import Testing

@testable import Loading

/// Custodian's `credential` and `mfa-device` filters on IAM users, beyond the differential test
/// against Custodian on moto (whose credential report differs from AWS's where noted).
struct CustodianCredentialTests {
    let now = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func policies(_ text: String) throws -> [Policy] {
        try PolicyLoader.load(file: "p.yml", data: Data(text.utf8), source: "p.yml")
    }

    func user(_ name: String, _ properties: Value) -> Resource {
        var fields = properties.objectValue ?? Fields()
        fields["UserName"] = .string(name)
        return Resource(
            id: "iam-user/1/\(name)", type: "aws.iam-user", account: "1", region: "global", name: name,
            properties: .object(fields))
    }

    /// The row as AWS's report has it: None for what is not there, a key slot only where the key
    /// is active or has a rotation date, the first two keys only.
    @Test func theReportRowIsAWSsFromWhatRemsimHoldsOfTheUser() {
        let row = CredentialReport.row(
            [
                "UserName": "ana", "Arn": "arn:aws:iam::1:user/ana", "CreateDate": "2024-01-02T03:04:05.250Z",
                "PasswordLastUsed": "2025-12-01T10:00:00Z", "MFADevices": [],
                "AccessKeys": [
                    [
                        "AccessKeyId": "A1", "Status": "Inactive", "CreateDate": "2025-01-01T00:00:00Z",
                        "AccessKeyLastUsed": [
                            "LastUsedDate": "2025-06-01T00:00:00Z", "ServiceName": "s3", "Region": "N/A",
                        ],
                    ],
                    ["AccessKeyId": "A2", "Status": "Active", "CreateDate": "2025-02-01T00:00:00Z"],
                    ["AccessKeyId": "A3", "Status": "Active", "CreateDate": "2025-03-01T00:00:00Z"],
                ],
            ])
        #expect(row["user_creation_time"] == "2024-01-02T03:04:05+00:00")
        // Without a login profile there is no password, and so no last use of one.
        #expect(row["password_enabled"] == false)
        #expect(row["password_last_used"] == .null)
        #expect(row["mfa_active"] == false)
        #expect(
            row["access_keys"] == [
                [
                    "active": false, "last_rotated": "2025-01-01T00:00:00+00:00",
                    "last_used_date": "2025-06-01T00:00:00+00:00", "last_used_region": .null, "last_used_service": "s3",
                ],
                [
                    "active": true, "last_rotated": "2025-02-01T00:00:00+00:00", "last_used_date": .null,
                    "last_used_region": .null, "last_used_service": .null,
                ],
            ])
        let withPassword = CredentialReport.row([
            "UserName": "bo", "LoginProfile": ["UserName": "bo"], "PasswordLastUsed": "2025-12-01T10:00:00Z",
            "MFADevices": [["SerialNumber": "arn:aws:iam::1:mfa/bo"]],
        ])
        #expect(withPassword["password_enabled"] == true)
        #expect(withPassword["password_last_used"] == "2025-12-01T10:00:00+00:00")
        #expect(withPassword["mfa_active"] == true)
        #expect(withPassword["access_keys"] == nil)
    }

    /// `remove-keys` with `matched: true` after a credential filter finds the keys again by their
    /// creation time, as Custodian does: both keys made in the same second, and none whose
    /// creation time has a fraction of a second.
    @Test func matchedKeysAreFoundAgainByTheirCreationTime() throws {
        let policy = try #require(
            try policies(
                """
                policies:
                  - name: p
                    resource: iam-user
                    filters:
                      - {type: credential, key: access_keys.active, value: true}
                    actions:
                      - {type: remove-keys, matched: true, disable: true}
                """
            ).first)
        func disabled(_ keys: Value) throws -> [String] {
            let resource = user("svc", ["AccessKeys": keys])
            guard let finding = Evaluator(now: now).finding(policy, resource) else { return [] }
            let plan = try RemediationPlan(policy: policy, finding: finding, resource: resource, now: now)
            return plan.calls.compactMap { $0.parameters["AccessKeyId"]?.stringValue }
        }
        #expect(
            try disabled([
                ["AccessKeyId": "A1", "Status": "Active", "CreateDate": "2025-01-01T00:00:00Z"],
                ["AccessKeyId": "A2", "Status": "Inactive", "CreateDate": "2025-05-01T00:00:00Z"],
            ]) == ["A1"])
        #expect(
            try disabled([
                ["AccessKeyId": "A1", "Status": "Active", "CreateDate": "2025-01-01T00:00:00Z"],
                ["AccessKeyId": "A2", "Status": "Inactive", "CreateDate": "2025-01-01T00:00:00Z"],
            ]) == ["A1", "A2"])
        #expect(
            try disabled([["AccessKeyId": "A1", "Status": "Active", "CreateDate": "2025-01-01T00:00:00.173Z"]]) == [])
    }

    /// `mfa-device` reads the user's devices whatever key the policy gives, with Custodian's
    /// sentinels: `not-null` is false for an empty list, `empty` true for a user listing none.
    @Test func mfaDeviceReadsTheDevicesWhateverTheKey() throws {
        let loaded = try policies(
            """
            policies:
              - {name: any, resource: iam-user, filters: [{type: mfa-device, key: UserName, value: not-null}]}
              - {name: none, resource: iam-user, filters: [{type: mfa-device, value: empty}]}
            """)
        let withDevice = user("a", ["MFADevices": [["SerialNumber": "arn:aws:iam::1:mfa/a"]]])
        let without = user("b", ["MFADevices": []])
        let unlisted = user("c", [:])
        let evaluator = Evaluator(now: now)
        #expect(
            [withDevice, without, unlisted].map { evaluator.finding(loaded[0], $0) != nil } == [true, false, false])
        #expect(
            [withDevice, without, unlisted].map { evaluator.finding(loaded[1], $0) != nil } == [false, true, true])
    }

    @Test(arguments: [
        ("{type: credential, key: password_last_changed, value: absent}", 5, 33, "no password change dates"),
        ("{type: credential, key: certs.active, value: true}", 5, 33, "no signing certificates"),
        ("{type: credential, key: access_keys.created, value: true}", 5, 33, "not a column of the credential report"),
        ("{type: credential, value: true}", 5, 9, "'key'"),
    ])
    func whatCredentialRefuses(_ filter: String, _ line: Int, _ column: Int, _ message: String) {
        let text = "policies:\n  - name: p\n    resource: iam-user\n    filters:\n      - \(filter)\n"
        do {
            _ = try policies(text)
            Issue.record("\(filter) loaded")
        } catch let error as LoadError {
            #expect(error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func removeKeysAfterBothCredentialAndAccessKeyFiltersIsRefusedAsInCustodian() {
        let text = """
            policies:
              - name: p
                resource: iam-user
                filters:
                  - {type: credential, key: access_keys.active, value: true}
                  - {type: access-key, key: Status, value: Active}
                actions:
                  - {type: remove-keys, matched: true}
            """
        do {
            _ = try policies(text)
            Issue.record("loaded")
        } catch let error as LoadError {
            #expect(error.message.contains("both 'credential' and 'access-key'"), "\(error)")
            #expect(error.line == 8)
        } catch {
            Issue.record("\(error)")
        }
    }
}
