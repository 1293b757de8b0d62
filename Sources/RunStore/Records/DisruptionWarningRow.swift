import Foundation
import GRDB
import RemediationEngine

/// What a remediation could disrupt, with the evidence for it.
public struct DisruptionWarningRow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "disruptionWarning"
    public var id: Int64?
    public var scenarioResultId: Int64
    public var position: Int
    public var at: Int64
    public var kind: String
    public var severity: ImpactSeverity
    public var policyId: String
    public var resourceId: String
    public var operation: String
    /// Resource ids (stored as a JSON list).
    public var affected: [String]
    /// Evidence lines (stored as a JSON list).
    public var evidence: [String]
    public var explanation: String
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DisruptionWarningRow {
    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        public static let position = Column(CodingKeys.position)
        public static let at = Column(CodingKeys.at)
        public static let kind = Column(CodingKeys.kind)
        public static let severity = Column(CodingKeys.severity)
        public static let policyId = Column(CodingKeys.policyId)
        public static let resourceId = Column(CodingKeys.resourceId)
        public static let operation = Column(CodingKeys.operation)
        public static let affected = Column(CodingKeys.affected)
        public static let evidence = Column(CodingKeys.evidence)
        public static let explanation = Column(CodingKeys.explanation)
    }

    /// JSON columns as `Value.jsonText` writes them: compact, `/` unescaped.
    public static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
