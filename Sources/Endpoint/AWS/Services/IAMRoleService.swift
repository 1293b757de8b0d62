import CloudModel
import Foundation

/// IAM roles on the wire: the reads engines make before acting on roles (`ListRoles`, `GetRole`,
/// `ListRoleTags`). A role's trust policy goes out as IAM sends it, URL-encoded JSON, which SDKs
/// decode.
extension IAMService {
    static let role: Shape = .structure([
        Member("Path", .string), Member("RoleName", .string), Member("RoleId", .string), Member("Arn", .string),
        Member("CreateDate", .timestamp), Member("AssumeRolePolicyDocument", .string),
        Member("Description", .string), Member("MaxSessionDuration", .integer), Member("Tags", .list(tag)),
    ])

    static let roleOperations: [AWSOperation] = [
        op(
            "ListRoles", [Member("PathPrefix", .string)] + paging, [Member("Roles", .list(role))] + pageOut,
            .read { call, inventory throws(AWSError) in
                let prefix = call.string("PathPrefix") ?? "/"
                let roles = roles(call, inventory).map { describedRole($0, tags: false) }.filter {
                    ($0["Path"]?.stringValue ?? "/").hasPrefix(prefix)
                }
                return try page(roles, "Roles", call)
            }),
        op(
            "GetRole", [Member("RoleName", .string)], [Member("Role", role)],
            .read { call, inventory throws(AWSError) in
                ["Role": describedRole(try findRole(call, inventory), tags: true)]
            }),
        op(
            "ListRoleTags", [Member("RoleName", .string)] + paging, [Member("Tags", .list(tag))] + pageOut,
            .read { call, inventory throws(AWSError) in
                try page(EC2Filters.tagList(try findRole(call, inventory).tags).arrayValue ?? [], "Tags", call)
            }),
    ]

    static func roles(_ call: AWSCall, _ inventory: Inventory) -> [Resource] {
        inventory.resources(ofType: "aws.iam-role").filter { $0.account == call.account }.sorted { $0.name < $1.name }
    }

    static func findRole(_ call: AWSCall, _ inventory: Inventory) throws(AWSError) -> Resource {
        let name = call.string("RoleName") ?? ""
        guard let found = roles(call, inventory).first(where: { $0.name == name }) else {
            throw AWSError(code: "NoSuchEntity", message: "The role with name \(name) cannot be found.")
        }
        return found
    }

    /// A role as IAM describes it: `ListRoles` leaves tags out, `GetRole` gives them.
    static func describedRole(_ role: Resource, tags: Bool) -> Value {
        var fields = role.properties.objectValue ?? Fields()
        fields["RoleName"] = .string(role.name)
        fields["Path"] = fields["Path"] ?? "/"
        fields["Arn"] = fields["Arn"] ?? .string("arn:aws:iam::\(role.account):role/\(role.name)")
        fields["MaxSessionDuration"] = fields["MaxSessionDuration"] ?? 3600
        if let document = fields["AssumeRolePolicyDocument"], document.stringValue == nil {
            fields["AssumeRolePolicyDocument"] = .string(policyText(document))
        }
        fields["Tags"] = tags && !role.tags.isEmpty ? EC2Filters.tagList(role.tags) : nil
        return .object(fields)
    }

    /// A policy document as IAM's query API sends it: its JSON, percent-encoded.
    static func policyText(_ document: Value) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return document.jsonText.addingPercentEncoding(withAllowedCharacters: allowed) ?? document.jsonText
    }
}
