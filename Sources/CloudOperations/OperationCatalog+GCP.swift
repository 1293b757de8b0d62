import CloudModel

extension OperationCatalog {
    /// Google Cloud API methods. A call carries the resource's address (`project`, `firewall`, …)
    /// and, for a `patch`, `body` in the API's own shape, merged into the resource as the API
    /// merges a PATCH. The permissions are GCP's, which are not the method names.
    static let gcp: [OperationSpec] = [
        OperationSpec(
            "compute.firewalls.patch", cloud: .gcp, resourceType: "gcp.firewall",
            target: .id("//compute.googleapis.com/projects/{project}/global/firewalls/{firewall}"),
            required: ["firewall", "body"], permissions: ["compute.firewalls.update", "compute.networks.updatePolicy"],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "gcloud", ["compute", "firewall-rules", "update"],
                    [
                        .positional("firewall"), .option("--project", "project"),
                        .toggle("--disabled", "body.disabled"),
                        .option("--source-ranges", "body.sourceRanges", .commaList(field: nil)),
                    ])
            ],
            notFound: gcpNotFound),
        OperationSpec(
            "compute.firewalls.delete", cloud: .gcp, resourceType: "gcp.firewall",
            target: .id("//compute.googleapis.com/projects/{project}/global/firewalls/{firewall}"),
            required: ["firewall"], permissions: ["compute.firewalls.delete", "compute.networks.updatePolicy"],
            effect: .builtin(.delete),
            commands: [
                CLIShape(
                    "gcloud", ["compute", "firewall-rules", "delete"],
                    [.positional("firewall"), .option("--project", "project")])
            ],
            notFound: gcpNotFound),
        OperationSpec(
            "compute.subnetworks.patch", cloud: .gcp, resourceType: "gcp.subnet",
            target: .id("//compute.googleapis.com/projects/{project}/regions/{region}/subnetworks/{subnetwork}"),
            required: ["subnetwork", "region", "body"], permissions: ["compute.subnetworks.update"],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "gcloud", ["compute", "networks", "subnets", "update"],
                    [
                        .positional("subnetwork"), .option("--project", "project"), .option("--region", "region"),
                        .toggle("--enable-flow-logs", "body.logConfig.enable"),
                        .toggle("--enable-private-ip-google-access", "body.privateIpGoogleAccess"),
                    ])
            ],
            notFound: gcpNotFound),
        OperationSpec(
            "compute.instances.setMetadata", cloud: .gcp, resourceType: "gcp.instance",
            target: .id("//compute.googleapis.com/projects/{project}/zones/{zone}/instances/{instance}"),
            required: ["instance", "zone", "items"], permissions: ["compute.instances.setMetadata"],
            // `add-metadata` reads the metadata, sets the keys given, and writes it back.
            effect: .upsert(from: "items", into: "metadata.items", key: "key"),
            commands: [
                CLIShape(
                    "gcloud", ["compute", "instances", "add-metadata"],
                    [
                        .positional("instance"), .option("--project", "project"), .option("--zone", "zone"),
                        .option("--metadata", "items", .keyValues(keyField: "key", valueField: "value")),
                    ])
            ],
            notFound: gcpNotFound),
        OperationSpec(
            "storage.buckets.patch", cloud: .gcp, resourceType: "gcp.bucket",
            target: .id("//storage.googleapis.com/{bucket}"), required: ["bucket", "body"],
            permissions: ["storage.buckets.update"],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "gsutil", ["uniformbucketlevelaccess", "set"],
                    [
                        .positional("body.iamConfiguration.uniformBucketLevelAccess.enabled", .onOff),
                        .positional("bucket", .prefixed("gs://")),
                    ]),
                CLIShape(
                    "gsutil", ["versioning", "set"],
                    [
                        .positional("body.versioning.enabled", .onOff), .positional("bucket", .prefixed("gs://")),
                    ]),
                CLIShape(
                    "gsutil", ["pap", "set"],
                    [
                        .positional("body.iamConfiguration.publicAccessPrevention"),
                        .positional("bucket", .prefixed("gs://")),
                    ]),
            ],
            notFound: APIErrorTemplate("notFound", "The specified bucket does not exist.")),
        OperationSpec(
            "storage.buckets.setIamPolicy", cloud: .gcp, resourceType: "gcp.bucket",
            target: .id("//storage.googleapis.com/{bucket}"), required: ["bucket", "removeMembers"],
            permissions: ["storage.buckets.getIamPolicy", "storage.buckets.setIamPolicy"],
            // `gsutil iam ch -d` reads the policy, drops the members from every binding, writes it back.
            effect: .builtin(.removeIamMembers),
            commands: [
                CLIShape(
                    "gsutil", ["iam", "ch"],
                    [
                        .repeated("-d", "removeMembers"), .positional("bucket", .prefixed("gs://")),
                    ])
            ],
            notFound: APIErrorTemplate("notFound", "The specified bucket does not exist.")),
        OperationSpec(
            "container.clusters.update", cloud: .gcp, resourceType: "gcp.gke-cluster",
            target: .id("//container.googleapis.com/projects/{project}/locations/{location}/clusters/{cluster}"),
            required: ["cluster", "location", "update"], permissions: ["container.clusters.update"],
            effect: .set("masterAuthorizedNetworksConfig", from: "update.desiredMasterAuthorizedNetworksConfig"),
            commands: [
                CLIShape(
                    "gcloud", ["container", "clusters", "update"],
                    [
                        .positional("cluster"), .option("--project", "project"),
                        .option("--location", "location", also: ["--zone", "--region"]),
                        .toggle(
                            "--enable-master-authorized-networks",
                            "update.desiredMasterAuthorizedNetworksConfig.enabled"),
                        .option(
                            "--master-authorized-networks", "update.desiredMasterAuthorizedNetworksConfig.cidrBlocks",
                            .commaList(field: "cidrBlock")),
                    ])
            ],
            notFound: gcpNotFound),
        OperationSpec(
            "sql.instances.patch", cloud: .gcp, resourceType: "gcp.sql-instance",
            target: .id("//cloudsql.googleapis.com/projects/{project}/instances/{instance}"),
            required: ["instance", "body"], permissions: ["cloudsql.instances.update"],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "gcloud", ["sql", "instances", "patch"],
                    [
                        .positional("instance"), .option("--project", "project"),
                        .toggle("--require-ssl", "body.settings.ipConfiguration.requireSsl"),
                        .toggle("--assign-ip", "body.settings.ipConfiguration.ipv4Enabled"),
                    ])
            ],
            notFound: gcpNotFound),
    ]

    static let gcpNotFound = APIErrorTemplate("notFound", "The resource '{target}' was not found")
}
