/// The ARN of a resource of the types remsim names by ARN (the Resource Groups Tagging API's
/// `tag:TagResources` takes RDS instances and snapshots and Lambda functions by ARN; a KMS key is
/// put by ARN), as the service's describe call gives it: `arn:aws:rds:REGION:ACCOUNT:db:NAME`.
/// The name is the type's id property (`DBInstanceIdentifier`, `KeyId`).
package enum AWSResourceARN {
    struct Form {
        let service: String
        /// What comes before the name in the ARN's resource part.
        let prefix: String
        /// The property holding the ARN itself, in the describe call's shape.
        let arnProperty: String
    }

    static let forms: [String: Form] = [
        "aws.rds": Form(service: "rds", prefix: "db:", arnProperty: "DBInstanceArn"),
        "aws.rds-snapshot": Form(service: "rds", prefix: "snapshot:", arnProperty: "DBSnapshotArn"),
        "aws.lambda": Form(service: "lambda", prefix: "function:", arnProperty: "FunctionArn"),
        "aws.kms-key": Form(service: "kms", prefix: "key/", arnProperty: "Arn"),
    ]

    /// The types whose ARN is formed here.
    package static var types: [String] { forms.keys.sorted() }

    /// The resource's ARN: the one its description gives, or the one AWS forms from its id
    /// property (or its id); nil for a type not formed here.
    package static func of(_ resource: Resource) -> String? {
        guard let form = forms[resource.type] else { return nil }
        if let arn = resource.properties[form.arnProperty]?.stringValue { return arn }
        if resource.id.hasPrefix("arn:") { return resource.id }
        let name =
            ResourceTypeRegistry.type(named: resource.type)?.idProperty.flatMap {
                resource.properties[$0]?.stringValue
            } ?? resource.id
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
