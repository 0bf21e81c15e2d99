import GRDB
import MirrorCore

extension ChangeRow {
    /// What a page rendered earlier (`serve`) saw of the proposal: its status and its value. A
    /// decision made from that page applies only while both are still so; another tab's or a
    /// CLI command's decision in between, or a refresh that superseded it, changes the version.
    public var version: String {
        status.rawValue + "-" + String(SHA256.hex(SHA256.digest(Array(proposed.utf8))).prefix(12))
    }
}

/// What a decision made against a version came to.
public enum CheckedDecision: Sendable, Equatable {
    case decided
    /// The proposal is no longer as the page showed it: nothing was written. It is now so.
    case changed(now: ChangeRow)
    /// No proposal has this id.
    case missing
    /// The proposal cannot be decided any more (pushed, superseded, failed, in conflict).
    case closed(now: ChangeRow)
}

extension Mirror {
    /// Sets the decision of the proposals `versions` names to `status` (with the user's own
    /// value, when `proposedJSON` is given) if every one is still at its version: all or
    /// nothing, in one transaction, so that a decision made elsewhere meanwhile is never
    /// overwritten. The first proposal found changed, missing or closed is the outcome.
    public func decide(_ versions: [(changeId: Int64, version: String)], status: ChangeStatus,
                       proposedJSON: String? = nil) throws -> CheckedDecision {
        let now = ISO8601.now()
        return try write { db in
            for (id, version) in versions {
                guard let row = try ChangeRow.fetchOne(db, sql: "\(ChangeRow.sql) WHERE c.id = ?", arguments: [id]) else { return .missing }
                guard row.version == version else { return .changed(now: row) }
                guard ChangeStatus.decidable.contains(row.status) else { return .closed(now: row) }
            }
            var assignments = [ChangeRecord.Columns.status.set(to: status), ChangeRecord.Columns.decidedAt.set(to: now)]
            if let proposedJSON { assignments.append(ChangeRecord.Columns.proposedValue.set(to: proposedJSON)) }
            _ = try ChangeRecord.filter(keys: versions.map(\.changeId)).updateAll(db, assignments)
            return .decided
        }
    }
}
