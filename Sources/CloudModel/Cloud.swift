/// The three clouds remsim models.
public enum Cloud: String, Sendable, Hashable, CaseIterable, Codable {
    case aws, azure, gcp
}
