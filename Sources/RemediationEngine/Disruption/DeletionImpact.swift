import CloudModel
import CloudOperations

/// Deleting stored data: a volume, a snapshot, a database. It cannot be undone; what decides how
/// bad it is, is whether another copy remains.
///
/// - `data-deleted`: high when no copy of the data is left (a volume with no snapshot of it, a
///   snapshot whose volume or instance is gone, a database deleted with `SkipFinalSnapshot`
///   and no manual snapshot of it); medium when one is, named in the evidence.
/// - `database-deleted`: a database with traffic in its `usage.flows` in the look-back window is
///   high whatever copy remains: whatever connects to it stops.
struct DeletionImpact: ImpactRule {
    let operations: Set<String> = [
        "ec2:DeleteVolume", "ec2:DeleteSnapshot", "rds:DeleteDBInstance", "rds:DeleteDBSnapshot",
    ]
    let summary =
        "deletes stored data for good: high when no snapshot or source of it remains, and for a database "
        + "something still connects to"

    func assess(_ c: ImpactContext) -> [DisruptionWarning] {
        let r = c.resource
        var copies: [String] = []
        var warnings: [DisruptionWarning] = []
        let what: String
        switch c.operation {
        case "ec2:DeleteVolume":
            what = "the volume's data"
            c.view.forEachResource(ofType: "aws.ebs-snapshot") { s in
                if s.account == r.account, s.property("VolumeId")?.stringValue == r.id {
                    copies.append("snapshot \(s.id)")
                }
            }
        case "ec2:DeleteSnapshot":
            what = "the snapshot"
            if let volume = r.property("VolumeId")?.stringValue, c.view.resource(id: volume) != nil {
                copies.append("its volume \(volume)")
            }
        case "rds:DeleteDBSnapshot":
            what = "the DB snapshot"
            if let db = r.property("DBInstanceIdentifier")?.stringValue, Self.instance(named: db, of: r, c) != nil {
                copies.append("its instance \(db)")
            }
        default:  // rds:DeleteDBInstance
            what = "the database"
            if let final = c.parameters["FinalDBSnapshotIdentifier"]?.stringValue,
                c.parameters["SkipFinalSnapshot"]?.boolValue != true
            {
                copies.append("the final snapshot \(final), made as it is deleted")
            }
            c.view.forEachResource(ofType: "aws.rds-snapshot") { s in
                if s.account == r.account, s.property("DBInstanceIdentifier")?.stringValue == r.name {
                    copies.append("snapshot \(s.name)")
                }
            }
            let flows = (r.usage["flows"]?.arrayValue ?? []).filter { c.isRecent(c.time($0["last-seen"])) }
            if let last = flows.compactMap({ c.time($0["last-seen"]) }).max() {
                let count = flows.reduce(0) { $0 + Int($1["count"]?.numberValue ?? 1) }
                warnings.append(
                    DisruptionWarning(
                        kind: "database-deleted", severity: .high, resourceId: r.id, operation: c.operation,
                        evidence: ["\(count) connection\(count == 1 ? "" : "s") seen, the last \(c.ago(last))"],
                        explanation: "something still connects to the database; it stops working when it is deleted"))
            }
        }
        warnings.append(
            DisruptionWarning(
                kind: "data-deleted", severity: copies.isEmpty ? .high : .medium, resourceId: r.id,
                operation: c.operation,
                evidence: copies.isEmpty ? ["no snapshot or source of it is in the inventory"] : copies,
                explanation: copies.isEmpty
                    ? "deleting \(what) cannot be undone, and no other copy remains"
                    : "deleting \(what) cannot be undone; a copy remains"))
        return warnings
    }

    /// The RDS instance a snapshot names, in the snapshot's account and region.
    static func instance(named name: String, of snapshot: Resource, _ c: ImpactContext) -> Resource? {
        var found: Resource?
        c.view.forEachResource(ofType: "aws.rds") { db in
            if db.name == name, db.account == snapshot.account, db.region == snapshot.region { found = db }
        }
        return found
    }
}
