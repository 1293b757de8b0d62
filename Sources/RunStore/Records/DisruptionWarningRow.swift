import Foundation
import GRDB
import RemediationEngine

/// What a remediation could disrupt, with the evidence for it.
package struct DisruptionWarningRow: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord,
    CompactJSONColumns
{
    package static let databaseTableName = "disruptionWarning"
    package var id: Int64?
    package var scenarioResultId: Int64
    package var position: Int
    package var at: Int64
    package var kind: String
    package var severity: ImpactSeverity
    package var policyId: String
    package var resourceId: String
    package var operation: String
    /// Resource ids (stored as a JSON list).
    package var affected: [String]
    /// Evidence lines (stored as a JSON list).
    package var evidence: [String]
    package var explanation: String
    /// Who was about to make the call, when it was not remsim's engine (`policyId` is then empty).
    package var actor: String?
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DisruptionWarningRow {
    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let scenarioResultId = Column(CodingKeys.scenarioResultId)
        package static let position = Column(CodingKeys.position)
        package static let at = Column(CodingKeys.at)
        package static let kind = Column(CodingKeys.kind)
        package static let severity = Column(CodingKeys.severity)
        package static let policyId = Column(CodingKeys.policyId)
        package static let resourceId = Column(CodingKeys.resourceId)
        package static let operation = Column(CodingKeys.operation)
        package static let affected = Column(CodingKeys.affected)
        package static let evidence = Column(CodingKeys.evidence)
        package static let explanation = Column(CodingKeys.explanation)
    }
}
