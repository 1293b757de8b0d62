import CloudModel
import Foundation
import Policies
import PolicyPack
import TestSupport
import Testing

@testable import Loading

/// A misspelt filter key makes a policy that never fires; validate names it with the near key.
struct FilterKeyCheckTests {
    static let samples = [
        Resource(
            id: "b1", type: "aws.s3", account: "1", region: "us-east-1", tags: ["purpose": "logs"],
            properties: [
                "Versioning": ["Status": "Enabled"], "Grants": [["Permission": "READ", "Grantee": ["URI": "x"]]],
            ])
    ]

    func policy(_ filters: String) throws -> Policy {
        try TestSupport.policy(
            """
            version: 1
            id: p
            title: t
            resource: aws.s3
            severity: low
            filters: \(filters)
            """)
    }

    @Test func typosInKeysTagsAndQuantifiedElementsAreNamedWithTheNearKey() throws {
        let p = try policy(
            """
            [{key: "tag:purpse", op: eq, value: logs}, {key: Versioning.Statu, op: ne, value: Enabled},
               {any: Grants, where: [{key: Permision, op: eq, value: READ}]}]
            """)
        #expect(
            FilterKeyCheck.warnings(p, samples: Self.samples) == [
                "'tag:purpse': no aws.s3 resource has the tag 'purpse'; did you mean 'tag:purpose'?",
                "'Versioning.Statu': no aws.s3 resource has 'Statu' under 'Versioning'; did you mean 'Status'?",
                "'Permision': no aws.s3 resource has 'Permision'; did you mean 'Permission'?",
            ])
    }

    @Test func rightKeysAndKeysWithNothingCloseAreLeftAlone() throws {
        let p = try policy(
            """
            [{key: "tag:purpose", op: eq, value: logs}, {key: Versioning.Status, op: ne, value: Enabled},
               {key: LoggingEnabled, op: absent}, {not: [{key: Versioning.MFADelete, op: eq, value: Enabled}]}]
            """)
        #expect(FilterKeyCheck.warnings(p, samples: Self.samples).isEmpty)
        #expect(FilterKeyCheck.warnings(try policy("[{key: Versioning.Statu, op: ne, value: x}]"), samples: []).isEmpty)
    }

    /// The built-in pack has no such key, measured against the shipped fixtures and every example.
    @Test func theBuiltInPackReadsOnlyKeysItsResourcesHave() throws {
        let pack = try BuiltinPolicies.load()
        var samples: [String: [Resource]] = [:]
        for r in try FixtureLoader.load(paths: [TestSupport.packageRoot.appendingPathComponent("Fixtures/acme").path])
            .all
        {
            samples[r.type, default: []].append(r)
        }
        for p in pack { for r in p.examples.match + p.examples.noMatch { samples[r.type, default: []].append(r) } }
        for p in pack {
            // What the pack's other policies of the type read is known; a key only this one reads must be in a resource.
            let known = FilterKeyCheck.keys(of: pack.filter { $0.id != p.id && $0.resourceType == p.resourceType })
            #expect(FilterKeyCheck.warnings(p, samples: samples[p.resourceType] ?? [], known: known).isEmpty, "\(p.id)")
        }
        // A key the pack reads for the type is trusted even where no resource has it.
        let ipv6 = try TestSupport.policy(
            """
            version: 1
            id: v6
            title: t
            resource: aws.s3
            severity: low
            filters: [{key: Versionin, op: absent}]
            """)
        #expect(FilterKeyCheck.warnings(ipv6, samples: Self.samples, known: ["Versionin"]).isEmpty)
    }
}
