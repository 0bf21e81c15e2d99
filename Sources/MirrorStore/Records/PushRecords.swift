import Foundation
import GRDB
import MirrorCore

/// One field of one item in a push run's journal.
public struct JournalEntry: Sendable, Equatable {
    public var id: Int64
    public var runId: Int64
    public var itemId: String
    public var changeId: Int64?
    public var field: DiffField
    /// JSON: the server's value before the run (null when empty), and the value sent.
    public var before: String?
    public var after: String?
    public var state: String
    public var reason: String?
}

/// What became of a journal entry, and of its change (when `changeStatus` is set; a change
/// that becomes `pushed` records `changeRunId`).
public struct JournalOutcome: Sendable, Equatable {
    public var entryId: Int64
    public var state: String
    public var reason: String?
    public var changeId: Int64?
    public var changeStatus: String?
    public var changeRunId: Int64?

    public init(entryId: Int64, state: String, reason: String?, changeId: Int64? = nil, changeStatus: String? = nil, changeRunId: Int64? = nil) {
        self.entryId = entryId
        self.state = state
        self.reason = reason
        self.changeId = changeId
        self.changeStatus = changeStatus
        self.changeRunId = changeRunId
    }
}

public struct PushRunRow: Sendable, Equatable {
    public var id: Int64
    public var kind: String
    public var undoesRun: Int64?
    public var startedAt: String
    public var finishedAt: String?
    public var status: String
    public var items: Int
    public var pushed: Int
    public var conflicts: Int
    public var failed: Int
    public var requests: Int
    public var error: String?
}

extension Mirror {
    public func beginPushRun(kind: String, undoes: Int64? = nil, server: String) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO push_run (kind, undoes_run, started_at, status, server) VALUES (?, ?, ?, 'running', ?)
                """, arguments: [kind, undoes, ISO8601.now(), server])
            return db.lastInsertedRowID
        }
    }

    public func finishPushRun(id: Int64, items: Int, pushed: Int, conflicts: Int, failed: Int, requests: Int, error: String?) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE push_run SET finished_at = ?, status = ?, items = ?, pushed = ?, conflicts = ?, failed = ?, requests = ?, error = ?
                WHERE id = ?
                """, arguments: [ISO8601.now(), error == nil ? "finished" : "failed", items, pushed, conflicts, failed, requests, error, id])
        }
    }

    /// Writes what is about to be sent, before it is sent. Returns the entries' ids, in order.
    public func journal(runId: Int64, entries: [(itemId: String, changeId: Int64?, field: DiffField, before: String?, after: String?)]) throws -> [Int64] {
        let now = ISO8601.now()
        return try write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO push_journal (run_id, item_id, change_id, field, before_value, after_value, state, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'planned', ?)
                """)
            var ids: [Int64] = []
            for e in entries {
                try statement.execute(arguments: [runId, e.itemId, e.changeId, e.field.rawValue, e.before, e.after, now])
                ids.append(db.lastInsertedRowID)
            }
            return ids
        }
    }

    /// Sets journal entries' state (and reason), and their changes' status, in one transaction.
    public func settle(_ outcomes: [JournalOutcome]) throws {
        let now = ISO8601.now()
        try write { db in
            let entry = try db.cachedStatement(sql: "UPDATE push_journal SET state = ?, reason = ?, updated_at = ? WHERE id = ?")
            let change = try db.cachedStatement(sql: """
                UPDATE change SET status = ?, push_run_id = coalesce(?, push_run_id), decided_at = ? WHERE id = ?
                """)
            for o in outcomes {
                try entry.execute(arguments: [o.state, o.reason, now, o.entryId])
                if let id = o.changeId, let status = o.changeStatus {
                    try change.execute(arguments: [status, status == "pushed" ? o.changeRunId : nil, now, id])
                }
            }
        }
    }

    /// Marks changes (not journaled: conflicts found before sending).
    public func markChanges(_ ids: [Int64], status: ChangeStatus) throws {
        _ = try decide(changeIds: ids, status: status)
    }

    public func journalEntries(runId: Int64? = nil, states: Set<String>? = nil, interruptedOnly: Bool = false) throws -> [JournalEntry] {
        try read { db in
            var sql = """
                SELECT j.id, j.run_id, j.item_id, j.change_id, j.field, j.before_value, j.after_value, j.state, j.reason
                FROM push_journal j JOIN push_run r ON r.id = j.run_id WHERE 1
                """
            var args: [DatabaseValueConvertible?] = []
            if let runId { sql += " AND j.run_id = ?"; args.append(runId) }
            if interruptedOnly { sql += " AND r.status = 'running'" }
            sql += " ORDER BY j.id"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).compactMap { row -> JournalEntry? in
                guard let field = DiffField(rawValue: row[4]) else { return nil }
                let entry = JournalEntry(id: row[0], runId: row[1], itemId: row[2], changeId: row[3], field: field, before: row[5],
                                         after: row[6], state: row[7], reason: row[8])
                return states.map { $0.contains(entry.state) } ?? true ? entry : nil
            }
        }
    }

    /// Runs left `running` by a killed push: closed as failed once reconciled.
    public func closeInterruptedPushRuns() throws {
        try write { db in
            try db.execute(sql: """
                UPDATE push_run SET status = 'failed', finished_at = ?, error = 'interrupted; settled by a later run'
                WHERE status = 'running'
                """, arguments: [ISO8601.now()])
        }
    }

    public func pushRuns() throws -> [PushRunRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, kind, undoes_run, started_at, finished_at, status, items, pushed, conflicts, failed, requests, error
                FROM push_runs ORDER BY id DESC
                """).map {
                PushRunRow(id: $0[0], kind: $0[1], undoesRun: $0[2], startedAt: $0[3], finishedAt: $0[4], status: $0[5], items: $0[6],
                           pushed: $0[7], conflicts: $0[8], failed: $0[9], requests: $0[10], error: $0[11])
            }
        }
    }

    /// The latest push run with applied changes not yet reverted.
    public func lastUndoablePushRun() throws -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT r.id FROM push_run r WHERE r.kind = 'push'
                  AND EXISTS (SELECT 1 FROM push_journal j WHERE j.run_id = r.id AND j.state = 'applied')
                ORDER BY r.id DESC LIMIT 1
                """)
        }
    }

    /// Stores items re-read after a push, keeping their listing fingerprint (the next sync
    /// fetches them again if the server's listing moved on).
    public func refreshItems(_ items: [LibraryItem]) throws {
        guard !items.isEmpty else { return }
        let fingerprints = try read { db in
            var out: [String: String] = [:]
            for item in items {
                if let fp = try String.fetchOne(db, sql: "SELECT listed_fingerprint FROM abs_item WHERE id = ?", arguments: [item.id]) {
                    out[item.id] = fp
                }
            }
            return out
        }
        try saveItems(items, fingerprints: fingerprints)
    }
}

extension Mirror {
    /// Changes a run applied: pushed, with the run.
    public func settleChanges(pushed ids: [Int64], runId: Int64?) throws {
        guard !ids.isEmpty else { return }
        let now = ISO8601.now()
        try write { db in
            let statement = try db.cachedStatement(sql: "UPDATE change SET status = 'pushed', push_run_id = ?, decided_at = ? WHERE id = ?")
            for id in ids { try statement.execute(arguments: [runId, now, id]) }
        }
    }
}
