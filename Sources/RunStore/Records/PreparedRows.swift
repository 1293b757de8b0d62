import Foundation
import GRDB

/// A record the rows of a run are written as: its columns in order and its values in that order,
/// through one prepared statement per table for the whole run (`RowWriter`). Encoding each row
/// through `Codable` was most of a large run's recording time; the record types stay the one
/// description of each table, and reading them is unchanged.
package protocol PreparedRow: MutablePersistableRecord {
    /// The columns written, in the order of `insertedValues`; the id is the database's.
    static var insertedColumns: [String] { get }
    var insertedValues: [(any DatabaseValueConvertible)?] { get }
}

extension PreparedRow {
    static var insertSQL: String {
        "INSERT INTO \(databaseTableName) (\(insertedColumns.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: insertedColumns.count).joined(separator: ", ") + ")"
    }
}

/// Writes rows within one transaction: through a prepared statement per table (the default), or
/// through each record's `Codable` insert, which tests compare it with.
package final class RowWriter {
    package enum Mode: Sendable {
        case prepared, codable
    }

    private let db: Database
    private let mode: Mode
    private var statements: [String: Statement] = [:]

    package init(_ db: Database, mode: Mode = .prepared) {
        self.db = db
        self.mode = mode
    }

    /// Inserts the row; returns its id.
    @discardableResult
    package func insert<R: PreparedRow>(_ record: R) throws -> Int64 {
        switch mode {
        case .codable:
            var record = record
            try record.insert(db)
            return db.lastInsertedRowID
        case .prepared:
            let statement: Statement
            if let known = statements[R.databaseTableName] {
                statement = known
            } else {
                statement = try db.makeStatement(sql: R.insertSQL)
                statements[R.databaseTableName] = statement
            }
            statement.setUncheckedArguments(StatementArguments(record.insertedValues))
            try statement.execute()
            return db.lastInsertedRowID
        }
    }
}

extension AssertionResultRecord: PreparedRow {
    package static let insertedColumns = ["scenarioResultId", "position", "passed", "expected", "found", "origin"]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [scenarioResultId, position, passed, expected, found, origin]
    }
}

extension AlertRecord: PreparedRow {
    package static let insertedColumns = ["scenarioResultId", "number", "policyId", "resourceId", "ruleName", "status"]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [scenarioResultId, number, policyId, resourceId, ruleName, status.rawValue]
    }
}

extension AlertTransitionRecord: PreparedRow {
    package static let insertedColumns = ["alertId", "position", "at", "fromStatus", "toStatus", "reason", "detail"]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [alertId, position, at, fromStatus?.rawValue, toStatus.rawValue, reason.rawValue, detail]
    }
}

extension RemediationAttemptRecord: PreparedRow {
    package static let insertedColumns = [
        "scenarioResultId", "alertId", "callId", "step", "operation", "parameters", "command", "startedAt",
        "finishedAt", "outcome", "errorCode", "errorMessage", "tryNumber", "moot",
    ]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [
            scenarioResultId, alertId, callId, step, operation, parameters, command, startedAt, finishedAt,
            outcome?.rawValue, errorCode, errorMessage, tryNumber, moot,
        ]
    }
}

extension DisruptionWarningRow: PreparedRow {
    package static let insertedColumns = [
        "scenarioResultId", "position", "at", "kind", "severity", "policyId", "resourceId", "operation", "affected",
        "evidence", "explanation", "actor",
    ]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        // The lists as `CompactJSONColumns` writes them.
        let encoder = Self.databaseJSONEncoder(for: "affected")
        func json(_ list: [String]) -> String {
            (try? encoder.encode(list)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        }
        return [
            scenarioResultId, position, at, kind, severity.rawValue, policyId, resourceId, operation, json(affected),
            json(evidence), explanation, actor,
        ]
    }
}

extension EngineRecordRow: PreparedRow {
    package static let insertedColumns = [
        "scenarioResultId", "position", "at", "kind", "ruleName", "policyId", "resourceId", "cause", "detail",
    ]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [scenarioResultId, position, at, kind.rawValue, ruleName, policyId, resourceId, cause, detail]
    }
}

extension ViolationRecord: PreparedRow {
    package static let insertedColumns = [
        "scenarioResultId", "policyId", "resourceId", "ruleName", "startedAt", "endedAt", "detectedAt",
        "remediationStartedAt", "resolvedAt", "finalState",
    ]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [
            scenarioResultId, policyId, resourceId, ruleName, startedAt, endedAt, detectedAt, remediationStartedAt,
            resolvedAt, finalState?.rawValue,
        ]
    }
}

extension TimelineEntryRecord: PreparedRow {
    package static let insertedColumns = ["scenarioResultId", "position", "at", "kind", "resourceId", "text"]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [scenarioResultId, position, at, kind.rawValue, resourceId, text]
    }
}

extension MetricRecord: PreparedRow {
    package static let insertedColumns = [
        "scenarioResultId", "scope", "name", "kind", "count", "unresolved", "meanMs", "p50Ms", "p95Ms", "maxMs",
    ]
    package var insertedValues: [(any DatabaseValueConvertible)?] {
        [scenarioResultId, scope.rawValue, name, kind.rawValue, count, unresolved, meanMs, p50Ms, p95Ms, maxMs]
    }
}
