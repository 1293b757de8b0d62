import Foundation
import GRDB

// One record type per table, one file each (`Records/`), each with its `Columns`. Simulated
// instants are stored as integer milliseconds since the Unix epoch (exact, and several times
// faster to write than dates); wall-clock run times as ISO 8601 text. Status columns hold the
// raw values of these enums and of the engine's own (`AlertStatus`, `TransitionReason`,
// `EngineRecord.Kind`, ...), which the schema's CHECK constraints list.

/// A run is `incomplete` from its first row to its last in the one transaction that records it;
/// databases written by earlier remsims may hold runs that were killed before they finished.
package enum RunStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case incomplete, complete
}

/// What became of a call, as stored: nil while it was still in flight when the run ended.
package enum CallOutcome: String, Codable, Sendable, Hashable, CaseIterable {
    case succeeded, failed
}

/// What a metric row's figures are over: the whole scenario, one policy, or one alert rule.
package enum MetricScope: String, Codable, Sendable, Hashable, CaseIterable {
    case scenario, policy, rule
}

/// Columns several tables share, spelled once: every table under a scenario's result has
/// `scenarioResultId`.
enum SharedColumns {
    static let scenarioResultId = Column("scenarioResultId")
}

/// A record with JSON columns (lists of labels, evidence lines, merged shards), written as
/// `Value.jsonText` writes JSON: compact, members sorted, `/` unescaped, as runs were always stored.
package protocol CompactJSONColumns: EncodableRecord {}

extension CompactJSONColumns {
    package static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
