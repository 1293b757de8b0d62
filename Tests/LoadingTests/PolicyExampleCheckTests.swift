import CloudModel
import Foundation
import Policies
import Simulation
import TestSupport
import Testing

@testable import Loading

/// `remsim validate` runs a user policy's examples, as `opa test` runs a policy's tests.
struct PolicyExampleCheckTests {
    static let text = TestSupport.versioningPolicyYAML

    @Test func anExampleThatMisbehavesIsAProblemAtItsLine() throws {
        let policy = try #require(
            try PolicyLoader.load(file: "p.yaml", data: Data(Self.text.utf8), source: "p.yaml").first)
        let problems = PolicyLoader.exampleProblems(policy, at: Scenario.defaultStart)
        #expect(problems.count == 2)
        #expect(
            problems.map(\.description) == [
                "p.yaml:11:7: examples.match[1]: example 'enabled-by-mistake' must match policy 'buckets-versioned', "
                    + "but its filters find nothing wrong with it",
                "p.yaml:16:7: examples.no-match[1]: example 'never-set' must not match policy 'buckets-versioned', "
                    + "but its filters find it",
            ])
    }

    @Test func examplesThatBehaveAreNoProblem() throws {
        let fixed = Self.text.replacingOccurrences(
            of: "{Versioning: {Status: Enabled}}\n  no-match", with: "{}\n  no-match"
        )
        .replacingOccurrences(
            of: "- name: never-set\n      properties: {}",
            with: "- name: also-enabled\n      properties: {Versioning: {Status: Enabled}}")
        let policy = try #require(try PolicyLoader.load(file: "p.yaml", data: Data(fixed.utf8), source: "p.yaml").first)
        #expect(PolicyLoader.exampleProblems(policy, at: Scenario.defaultStart).isEmpty)
    }
}
