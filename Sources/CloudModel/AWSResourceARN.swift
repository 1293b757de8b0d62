/// The ARN of a resource of the types the Resource Groups Tagging API (`tag:TagResources`)
/// names by ARN, as the service's describe call gives it: `arn:aws:rds:REGION:ACCOUNT:db:NAME`.
package enum AWSResourceARN {
    struct Form {
        let service: String
        /// What comes before the name in the ARN's resource part.
        let prefix: String
        /// The property holding the name, and the one holding the ARN itself.
        let nameProperty: String
        let arnProperty: String
    }

    static let forms: [String: Form] = [
        "aws.rds": Form(
            service: "rds", prefix: "db:", nameProperty: "DBInstanceIdentifier", arnProperty: "DBInstanceArn"),
        "aws.rds-snapshot": Form(
            service: "rds", prefix: "snapshot:", nameProperty: "DBSnapshotIdentifier", arnProperty: "DBSnapshotArn"),
        "aws.lambda": Form(
            service: "lambda", prefix: "function:", nameProperty: "FunctionName", arnProperty: "FunctionArn"),
    ]

    /// The types whose ARN is formed here.
    package static var types: [String] { forms.keys.sorted() }

    /// The resource's ARN: the one its description gives, or the one AWS forms from its name;
    /// nil for a type not formed here.
    package static func of(_ resource: Resource) -> String? {
        guard let form = forms[resource.type] else { return nil }
        if let arn = resource.properties[form.arnProperty]?.stringValue { return arn }
        if resource.id.hasPrefix("arn:") { return resource.id }
        let name = resource.properties[form.nameProperty]?.stringValue ?? resource.name
        return "arn:aws:\(form.service):\(resource.region):\(resource.account):\(form.prefix)\(name)"
    }

    /// The name an ARN of these types ends with (`db:orders` → `orders`); nil for another ARN.
    package static func name(in arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        for form in forms.values where parts[2] == form.service && parts[5].hasPrefix(form.prefix) {
            let name = parts[5].dropFirst(form.prefix.count)
            return name.isEmpty ? nil : String(name)
        }
        return nil
    }
}
