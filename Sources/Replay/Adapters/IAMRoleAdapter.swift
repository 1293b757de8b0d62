import CloudModel
import Foundation

/// `aws.iam-role`: a role of the fixture's name and trust policy; compared on the trust policy,
/// keys in order (the API answers with its own).
struct IAMRoleAdapter: ReplayAdapter {
    let type = "aws.iam-role"

    func dependencies(of resource: Resource) -> [String] { [] }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["RoleName"]?.stringValue ?? resource.name
        let trust = properties["AssumeRolePolicyDocument"] ?? ["Version": "2012-10-17", "Statement": []]
        try Self.make(name, trust: context.real(in: trust), in: context)
        return name
    }

    /// A role of this name and trust policy, tagged with the replay id; its ARN.
    @discardableResult
    static func make(_ name: String, trust: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let role = try context.create(
            "global",
            [
                "iam", "create-role", "--role-name", name, "--assume-role-policy-document", trust.jsonText,
                "--tags", "Key=\(context.tagKey),Value=\(context.replayId)",
            ], named: "role \(name)", alreadyThere: ["EntityAlreadyExists"])
        guard let arn = role["Role"]?["Arn"]?.stringValue else {
            throw .callFailed(call: "iam create-role", message: "no Arn in the answer")
        }
        return arn
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        try context.aws("global", ["iam", "get-role", "--role-name", id])["Role"] ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        // The document as JSON with its keys sorted, accounts as the fixture's.
        let document = properties["AssumeRolePolicyDocument"] ?? .null
        let sorted = document.sortingKeys()
        return ["AssumeRolePolicyDocument": .string(context.fixture(inText: sorted.jsonText))]
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws("global", ["iam", "delete-role", "--role-name", id])
    }
}
