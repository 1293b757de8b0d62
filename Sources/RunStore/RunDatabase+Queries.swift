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
        try rows(
            AssertionResultRecord.self, AssertionResultRecord.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: AssertionResultRecord.Columns.position)
    }

    package func alerts(scenarioResultId: Int64) throws(RunStoreError) -> [AlertRecord] {
        try rows(
            AlertRecord.self, AlertRecord.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: AlertRecord.Columns.number)
    }

    package func transitions(alertId: Int64) throws(RunStoreError) -> [AlertTransitionRecord] {
        try rows(
            AlertTransitionRecord.self, AlertTransitionRecord.Columns.alertId, is: alertId,
            orderedBy: AlertTransitionRecord.Columns.position)
    }

    package func attempts(scenarioResultId: Int64) throws(RunStoreError) -> [RemediationAttemptRecord] {
        try rows(
            RemediationAttemptRecord.self, RemediationAttemptRecord.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: RemediationAttemptRecord.Columns.callId)
    }

    package func violations(scenarioResultId: Int64) throws(RunStoreError) -> [ViolationRecord] {
        try rows(
            ViolationRecord.self, ViolationRecord.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: ViolationRecord.Columns.id)
    }

    package func metrics(scenarioResultId: Int64) throws(RunStoreError) -> [MetricRecord] {
        try rows(
            MetricRecord.self, MetricRecord.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: MetricRecord.Columns.id)
    }

    package func engineRecords(scenarioResultId: Int64) throws(RunStoreError) -> [EngineRecordRow] {
        try rows(
            EngineRecordRow.self, EngineRecordRow.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: EngineRecordRow.Columns.position)
    }

    package func warnings(scenarioResultId: Int64) throws(RunStoreError) -> [DisruptionWarningRow] {
        try rows(
            DisruptionWarningRow.self, DisruptionWarningRow.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: DisruptionWarningRow.Columns.position)
    }

    package func outsideCalls(scenarioResultId: Int64) throws(RunStoreError) -> [OutsideCallRecord] {
        try rows(
            OutsideCallRecord.self, OutsideCallRecord.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: OutsideCallRecord.Columns.position)
    }

    package func timeline(scenarioResultId: Int64) throws(RunStoreError) -> [TimelineEntryRecord] {
        try rows(
            TimelineEntryRecord.self, TimelineEntryRecord.Columns.scenarioResultId, is: scenarioResultId,
            orderedBy: TimelineEntryRecord.Columns.position)
    }

    /// The rows of one table that belong to one parent row (a scenario's result, an alert), in
    /// their order.
    func rows<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ parent: Column, is id: Int64, orderedBy order: Column
    ) throws(RunStoreError) -> [Record] {
        try read { db in try Record.filter(parent == id).order(order).fetchAll(db) }
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
