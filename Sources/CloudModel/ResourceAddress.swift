/// What an Azure or GCP resource id says about where the resource lives. Their ids are paths
/// (`/subscriptions/S/resourceGroups/RG/providers/…/NAME`,
/// `//compute.googleapis.com/projects/P/zones/Z/instances/NAME`), so fixtures and importers need
/// not repeat the account, region and name an id already gives.
package enum ResourceAddress {
    /// The subscription of an ARM id, the project of a GCP resource name; nil for anything else.
    package static func account(ofId id: String) -> String? {
        segment(after: id.hasPrefix("//") ? "projects" : "subscriptions", in: id)
    }

    /// The zone, region or location a GCP resource name holds (`zones/us-central1-a`).
    package static func region(ofId id: String) -> String? {
        guard id.hasPrefix("//") else { return nil }
        return segment(after: "zones", in: id) ?? segment(after: "regions", in: id)
            ?? segment(after: "locations", in: id)
    }

    /// The resource group of an ARM id.
    package static func resourceGroup(ofId id: String) -> String? { segment(after: "resourceGroups", in: id) }

    /// The last segment: the resource's own name.
    package static func name(ofId id: String) -> String? {
        guard id.hasPrefix("/") else { return nil }
        return id.split(separator: "/").last.map(String.init)
    }

    static func segment(after key: String, in id: String) -> String? {
        guard id.hasPrefix("/") else { return nil }
        let parts = id.split(separator: "/")
        guard let i = parts.firstIndex(where: { $0.lowercased() == key.lowercased() }), i + 1 < parts.count else {
            return nil
        }
        return String(parts[i + 1])
    }
}

extension Resource {
    /// The resource group of an Azure resource, read from its ARM id; nil for anything else.
    package var azureResourceGroup: String? { cloud == .azure ? ResourceAddress.resourceGroup(ofId: id) : nil }
}
