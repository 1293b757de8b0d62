/// The three clouds remsim models.
public enum Cloud: String, Sendable, Hashable, CaseIterable, Codable {
    case aws, azure, gcp

    /// The cloud a type name starts with (`aws.s3` → aws), or nil.
    package init?(ofType type: String) {
        guard let dot = type.firstIndex(of: ".") else { return nil }
        self.init(rawValue: String(type[..<dot]))
    }
}
