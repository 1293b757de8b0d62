import CloudModel

extension OperationCatalog {
    /// Azure Resource Manager operations, named as RBAC names them (the permission a caller needs).
    /// A call carries the resource's address (`resourceGroup`, `name`, …) and `body`, the PATCH
    /// body in ARM's own shape (`{properties: {supportsHttpsTrafficOnly: true}}`), merged into the
    /// resource as ARM merges a PATCH.
    static let azure: [OperationSpec] = [
        OperationSpec(
            "Microsoft.Storage/storageAccounts/write", cloud: .azure, resourceType: "azure.storage",
            target: .id(armId("Microsoft.Storage/storageAccounts/{name}")),
            required: ["resourceGroup", "name", "body"],
            allowed: [
                "body.properties.networkAcls.defaultAction": ["Allow", "Deny"],
                "body.properties.minimumTlsVersion": ["TLS1_0", "TLS1_1", "TLS1_2"],
            ],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "az", ["storage", "account", "update"],
                    azAddress + [
                        .option("--https-only", "body.properties.supportsHttpsTrafficOnly"),
                        .option("--default-action", "body.properties.networkAcls.defaultAction"),
                        .option("--allow-blob-public-access", "body.properties.allowBlobPublicAccess"),
                        .option("--min-tls-version", "body.properties.minimumTlsVersion"),
                    ])
            ],
            notFound: armNotFound("Microsoft.Storage/storageAccounts")),
        OperationSpec(
            "Microsoft.Network/networkSecurityGroups/securityRules/write", cloud: .azure,
            resourceType: "azure.networksecuritygroup",
            target: .id(armId("Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}")),
            required: ["resourceGroup", "networkSecurityGroupName", "name", "body"],
            allowed: [
                "body.properties.access": ["Allow", "Deny"], "body.properties.direction": ["Inbound", "Outbound"],
            ],
            // A PUT: it updates the rule named, or creates it when the body is a whole rule.
            effect: .element(
                of: "properties.securityRules", matching: ["name": "name"],
                change: .mergeOrCreate(
                    from: "body",
                    creation: ElementCreation(
                        required: [
                            "properties.access", "properties.direction", "properties.priority", "properties.protocol",
                        ],
                        ranges: [
                            (
                                "properties.priority", 100...4096,
                                APIErrorTemplate(
                                    "SecurityRuleInvalidPriority",
                                    "Security rule has invalid Priority. Value provided: {value} Allowed range 100-4096."
                                )
                            )
                        ])),
                notFound: APIErrorTemplate(
                    "NotFound", "The security rule named in the request does not exist in the network security group.")),
            commands: [
                CLIShape(
                    "az", ["network", "nsg", "rule", "update"],
                    [
                        .option("--resource-group", "resourceGroup"),
                        .option("--nsg-name", "networkSecurityGroupName"),
                        .option("--name", "name"),
                        .option("--access", "body.properties.access"),
                    ]),
                CLIShape(
                    "az", ["network", "nsg", "rule", "create"],
                    [
                        .option("--resource-group", "resourceGroup"),
                        .option("--nsg-name", "networkSecurityGroupName"),
                        .option("--name", "name"),
                        .option("--priority", "body.properties.priority"),
                        .option("--access", "body.properties.access"),
                        .option("--direction", "body.properties.direction"),
                        .option("--protocol", "body.properties.protocol"),
                        .option("--source-address-prefixes", "body.properties.sourceAddressPrefix"),
                        .option("--source-port-ranges", "body.properties.sourcePortRange"),
                        .option("--destination-address-prefixes", "body.properties.destinationAddressPrefix"),
                        .words("--destination-port-ranges", "body.properties.destinationPortRanges"),
                    ]),
            ],
            notFound: armNotFound("Microsoft.Network/networkSecurityGroups")),
        OperationSpec(
            "Microsoft.Web/sites/write", cloud: .azure, resourceType: "azure.webapp",
            target: .id(armId("Microsoft.Web/sites/{name}")), required: ["resourceGroup", "name", "body"],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "az", ["webapp", "update"],
                    azAddress + [
                        .option("--https-only", "body.properties.httpsOnly")
                    ])
            ],
            notFound: armNotFound("Microsoft.Web/sites")),
        OperationSpec(
            "Microsoft.Web/sites/config/write", cloud: .azure, resourceType: "azure.webapp",
            target: .id(armId("Microsoft.Web/sites/{name}")), required: ["resourceGroup", "name", "body.properties"],
            allowed: [
                "body.properties.minTlsVersion": ["1.0", "1.1", "1.2", "1.3"],
                "body.properties.ftpsState": ["AllAllowed", "FtpsOnly", "Disabled"],
            ],
            effect: .merge(from: "body.properties", into: "properties.siteConfig"),
            commands: [
                CLIShape(
                    "az", ["webapp", "config", "set"],
                    azAddress + [
                        .option("--min-tls-version", "body.properties.minTlsVersion"),
                        .option("--ftps-state", "body.properties.ftpsState"),
                        .option("--http20-enabled", "body.properties.http20Enabled"),
                    ])
            ],
            notFound: armNotFound("Microsoft.Web/sites")),
        OperationSpec(
            "Microsoft.KeyVault/vaults/write", cloud: .azure, resourceType: "azure.keyvault",
            target: .id(armId("Microsoft.KeyVault/vaults/{name}")), required: ["resourceGroup", "name", "body"],
            // Purge protection, once on, cannot be turned off: ARM refuses false.
            allowed: ["body.properties.enablePurgeProtection": [true]],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "az", ["keyvault", "update"],
                    azAddress + [
                        .option("--enable-purge-protection", "body.properties.enablePurgeProtection"),
                        .option("--public-network-access", "body.properties.publicNetworkAccess"),
                    ])
            ],
            notFound: armNotFound("Microsoft.KeyVault/vaults")),
        OperationSpec(
            "Microsoft.Sql/servers/databases/transparentDataEncryption/write", cloud: .azure,
            resourceType: "azure.sqldatabase",
            target: .id(armId("Microsoft.Sql/servers/{server}/databases/{database}"), or: "{id}"),
            required: ["body.properties.state"],
            allowed: ["body.properties.state": ["Enabled", "Disabled"]],
            // The setting is the database's child resource `transparentDataEncryption/current`,
            // kept on the database as `transparentDataEncryption`.
            effect: .merge(from: "body.properties", into: "transparentDataEncryption"),
            commands: [
                CLIShape(
                    "az", ["sql", "db", "tde", "set"],
                    [
                        .option("--ids", "id"),
                        .option("--resource-group", "resourceGroup"),
                        .option("--server", "server"),
                        .option("--database", "database"),
                        .option("--status", "body.properties.state"),
                    ])
            ],
            notFound: armNotFound("Microsoft.Sql/servers/databases")),
        OperationSpec(
            "Microsoft.Sql/servers/auditingSettings/write", cloud: .azure, resourceType: "azure.sqlserver",
            target: .id(armId("Microsoft.Sql/servers/{name}")),
            required: ["resourceGroup", "name", "body.properties.state"],
            allowed: ["body.properties.state": ["Enabled", "Disabled"]],
            // The server's child resource `auditingSettings/default`, kept on the server as `auditingSettings`.
            effect: .merge(from: "body.properties", into: "auditingSettings"),
            commands: [
                CLIShape(
                    "az", ["sql", "server", "audit-policy", "update"],
                    azAddress + [
                        .option("--state", "body.properties.state"),
                        .option("--retention-days", "body.properties.retentionDays"),
                    ])
            ],
            notFound: armNotFound("Microsoft.Sql/servers")),
        OperationSpec(
            "Microsoft.DBforPostgreSQL/servers/write", cloud: .azure, resourceType: "azure.postgresql-server",
            target: .id(armId("Microsoft.DBforPostgreSQL/servers/{name}")),
            required: ["resourceGroup", "name", "body"],
            allowed: [
                "body.properties.sslEnforcement": ["Enabled", "Disabled"],
                "body.properties.minimalTlsVersion": ["TLS1_0", "TLS1_1", "TLS1_2", "TLSEnforcementDisabled"],
            ],
            effect: .merge(from: "body", into: ""),
            commands: [
                CLIShape(
                    "az", ["postgres", "server", "update"],
                    azAddress + [
                        .option("--ssl-enforcement", "body.properties.sslEnforcement"),
                        .option("--minimal-tls-version", "body.properties.minimalTlsVersion"),
                        .option("--public-network-access", "body.properties.publicNetworkAccess"),
                    ])
            ],
            notFound: armNotFound("Microsoft.DBforPostgreSQL/servers")),
    ]

    /// `--resource-group RG --name NAME`, the address most `az … update` commands take.
    static let azAddress: [CLIArgument] = [.option("--resource-group", "resourceGroup"), .option("--name", "name")]

    static func armId(_ path: String) -> String {
        "/subscriptions/{account}/resourceGroups/{resourceGroup}/providers/" + path
    }

    static func armNotFound(_ type: String) -> APIErrorTemplate {
        APIErrorTemplate("ResourceNotFound", "The Resource '\(type)' at '{target}' was not found.")
    }
}
