import GRDB

extension RunDatabase {
    /// Runs, newest first.
    package func runs(limit: Int = 50) throws(RunStoreError) -> [RunRecord] {
        try read { db in try RunRecord.order(RunRecord.Columns.id.desc).limit(limit).fetchAll(db) }
    }

    package func scenarioResults(runId: Int64) throws(RunStoreError) -> [ScenarioResultRecord] {
        try read { db in
            try ScenarioResultRecord.filter(ScenarioResultRecord.Columns.runId == runId).order(
                ScenarioResultRecord.Columns.id
            ).fetchAll(db)
        }
    }

    package func assertionResults(scenarioResultId: Int64) throws(RunStoreError) -> [AssertionResultRecord] {
        try read { db in
            try AssertionResultRecord.filter(AssertionResultRecord.Columns.scenarioResultId == scenarioResultId).order(
                AssertionResultRecord.Columns.position
            ).fetchAll(db)
        }
    }

    package func alerts(scenarioResultId: Int64) throws(RunStoreError) -> [AlertRecord] {
        try read { db in
            try AlertRecord.filter(AlertRecord.Columns.scenarioResultId == scenarioResultId).order(
                AlertRecord.Columns.number
            ).fetchAll(db)
        }
    }

    package func transitions(alertId: Int64) throws(RunStoreError) -> [AlertTransitionRecord] {
        try read { db in
            try AlertTransitionRecord.filter(AlertTransitionRecord.Columns.alertId == alertId).order(
                AlertTransitionRecord.Columns.position
            ).fetchAll(db)
        }
    }

    package func attempts(scenarioResultId: Int64) throws(RunStoreError) -> [RemediationAttemptRecord] {
        try read { db in
            try RemediationAttemptRecord.filter(RemediationAttemptRecord.Columns.scenarioResultId == scenarioResultId)
                .order(RemediationAttemptRecord.Columns.callId).fetchAll(db)
        }
    }

    package func violations(scenarioResultId: Int64) throws(RunStoreError) -> [ViolationRecord] {
        try read { db in
            try ViolationRecord.filter(ViolationRecord.Columns.scenarioResultId == scenarioResultId).order(
                ViolationRecord.Columns.id
            ).fetchAll(db)
        }
    }

    package func metrics(scenarioResultId: Int64) throws(RunStoreError) -> [MetricRecord] {
        try read { db in
            try MetricRecord.filter(MetricRecord.Columns.scenarioResultId == scenarioResultId).order(
                MetricRecord.Columns.id
            ).fetchAll(db)
        }
    }

    package func engineRecords(scenarioResultId: Int64) throws(RunStoreError) -> [EngineRecordRow] {
        try read { db in
            try EngineRecordRow.filter(EngineRecordRow.Columns.scenarioResultId == scenarioResultId).order(
                EngineRecordRow.Columns.position
            ).fetchAll(db)
        }
    }

    package func warnings(scenarioResultId: Int64) throws(RunStoreError) -> [DisruptionWarningRow] {
        try read { db in
            try DisruptionWarningRow.filter(DisruptionWarningRow.Columns.scenarioResultId == scenarioResultId).order(
                DisruptionWarningRow.Columns.position
            ).fetchAll(db)
        }
    }

    package func timeline(scenarioResultId: Int64) throws(RunStoreError) -> [TimelineEntryRecord] {
        try read { db in
            try TimelineEntryRecord.filter(TimelineEntryRecord.Columns.scenarioResultId == scenarioResultId).order(
                TimelineEntryRecord.Columns.position
            ).fetchAll(db)
        }
    }

    /// `PRAGMA integrity_check`'s answer: `ok` for a sound file.
    package func integrityCheck() throws(RunStoreError) -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }

    /// The names of the migrations applied, in order.
    package func appliedMigrations() throws(RunStoreError) -> [String] {
        try read { db in try Array(Self.migrator.appliedIdentifiers(db)).sorted() }
    }

    func read<T>(_ body: (Database) throws -> T) throws(RunStoreError) -> T {
        do {
            return try writer.read(body)
        } catch let error as RunStoreError {
            throw error
        } catch let error as DatabaseError {
            throw .readFailed(reason: error.message ?? error.description)
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }
}
