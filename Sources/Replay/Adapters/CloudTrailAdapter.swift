import CloudModel

/// `aws.cloudtrail`: a trail writing to its bucket (the fixture's, or one made for it), multi-
/// region and validating log files as the fixture has it; compared on those two.
struct CloudTrailAdapter: ReplayAdapter {
    let type = "aws.cloudtrail"

    /// Its bucket, when the fixtures hold it.
    func dependencies(of resource: Resource) -> [String] {
        resource.properties["S3BucketName"]?.stringValue.map { [$0] } ?? []
    }

    func create(_ resource: Resource, properties: Value, in context: ReplayContext) throws(ReplayError) -> String {
        let name = properties["Name"]?.stringValue ?? resource.name
        let bucket: String
        if let named = properties["S3BucketName"]?.stringValue, let made = context.ids[named] {
            bucket = made
        } else {
            // A bucket of its own, named after the trail and the replay (bucket names are global).
            let own = Resource(
                id: "\(resource.id)#bucket", type: "aws.s3", account: resource.account, region: region(resource),
                name: "")
            bucket = try S3BucketAdapter().create(
                own, properties: ["Name": .string("\(name)-\(context.replayId)".lowercased())], in: context)
            context.helper("bucket", of: resource, is: bucket)
            try S3BucketAdapter.letServices(
                write: bucket, region: region(resource), accessLogs: false, cloudTrail: true, in: context)
        }
        var arguments = [
            "cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket, "--tags-list",
            "Key=\(context.tagKey),Value=\(context.replayId)",
        ]
        if properties["IsMultiRegionTrail"] == true { arguments.append("--is-multi-region-trail") }
        if properties["LogFileValidationEnabled"] == true { arguments.append("--enable-log-file-validation") }
        try context.create(region(resource), arguments, named: "trail \(name)", alreadyThere: ["TrailAlreadyExists"])
        return name
    }

    /// Multi-region and log file validation switched by someone else: `update-trail` with the new
    /// values.
    func change(_ resource: Resource, id: String, from old: Value, to new: Value, in context: ReplayContext)
        throws(ReplayError)
    {
        let before = project(old, in: context)
        let after = project(new, in: context)
        var arguments = ["cloudtrail", "update-trail", "--name", id]
        for (key, flag) in [
            ("IsMultiRegionTrail", "is-multi-region-trail"), ("LogFileValidationEnabled", "enable-log-file-validation"),
        ] where before[key] != after[key] {
            arguments.append(after[key] == true ? "--\(flag)" : "--no-\(flag)")
        }
        try context.aws(region(resource), arguments)
    }

    func read(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) -> Value {
        // By name: moto 5.2.1 answers a name list with every trail of the region.
        try context.aws(region(resource), ["cloudtrail", "describe-trails", "--trail-name-list", id])["trailList"]?
            .arrayValue?
            .first { $0["Name"]?.stringValue == id } ?? .null
    }

    func project(_ properties: Value, in context: ReplayContext) -> Value {
        context.settings(properties, defaults: ["IsMultiRegionTrail": false, "LogFileValidationEnabled": false])
    }

    func delete(_ resource: Resource, id: String, in context: ReplayContext) throws(ReplayError) {
        try context.aws(region(resource), ["cloudtrail", "delete-trail", "--name", id])
        if let bucket = context.helper("bucket", of: resource) {
            try S3BucketAdapter().delete(
                Resource(id: bucket, type: "aws.s3", account: resource.account, region: region(resource), name: bucket),
                id: bucket, in: context)
        }
    }

    /// A trail lives in its home region; fixtures that file it under `global` mean us-east-1.
    func region(_ resource: Resource) -> String { resource.region == "global" ? "us-east-1" : resource.region }

}
