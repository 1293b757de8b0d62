/// What makes an S3 bucket reachable by anyone, as its ACL and website configuration say it:
/// read alike by Custodian's filters, the disruption rules and the replay.
package enum S3Access {
    package static let allUsers = "http://acs.amazonaws.com/groups/global/AllUsers"
    package static let authenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"

    /// Whether an ACL grant goes to everyone or to every AWS account (by group URI).
    package static func isGlobal(_ grant: Value) -> Bool {
        guard let uri = grant["Grantee"]?["URI"]?.stringValue else { return false }
        return uri == allUsers || uri == authenticatedUsers
    }

    /// Whether a bucket's `Website` configures a site: present, not null, not empty.
    package static func hostsWebsite(_ website: Value?) -> Bool {
        switch website {
        case nil, .null?: false
        case .object(let o)?: !o.isEmpty
        default: true
        }
    }
}
