import Foundation
import GRDB
import MirrorCore

/// One row of `push_run`: a push or undo run, its counts and how it ended.
public struct PushRunRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "push_run"

    public var id: Int64?
    public var kind: RunKind
    public var undoesRun: Int64?
    public var startedAt: String
    public var finishedAt: String?
    /// `running` with no `finishedAt`: running now, or killed (the next push settles it).
    public var status: RunStatus
    /// The server's URL, credentials redacted.
    public var server: String?
    public var items = 0
    public var pushed = 0
    public var conflicts = 0
    public var failed = 0
    public var requests = 0
    public var error: String?
    /// The server it wrote: AudiobookShelf's item metadata or the Hardcover user's library.
    public var target: PushTarget = .abs

    enum CodingKeys: String, CodingKey {
        case id, kind, undoesRun = "undoes_run", startedAt = "started_at", finishedAt = "finished_at", status, server
        case items, pushed, conflicts, failed, requests, error, target
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let kind = Column(CodingKeys.kind)
        public static let status = Column(CodingKeys.status)
        public static let finishedAt = Column(CodingKeys.finishedAt)
        public static let error = Column(CodingKeys.error)
        public static let target = Column(CodingKeys.target)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One row of `push_journal`: one field of one item in a run, written before it is sent.
public struct JournalRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "push_journal"

    public var id: Int64?
    public var runId: Int64
    public var itemId: String
    public var changeId: Int64?
    /// The target's name of the field (`DiffField`'s raw value for AudiobookShelf).
    public var field: String
    /// JSON: the server's value before the run (null when empty), and the value sent.
    public var beforeValue: String?
    public var afterValue: String?
    public var state: JournalState
    public var reason: String?
    public var updatedAt: String
    /// JSON: the server's own value once the write was seen applied (null: empty); SQL NULL for
    /// entries not applied, or journaled before raw values were recorded.
    public var afterRaw: String?

    public init(runId: Int64, itemId: String, changeId: Int64?, field: String, before: String?, after: String?,
                state: JournalState = .planned, updatedAt: String) {
        self.runId = runId
        self.itemId = itemId
        self.changeId = changeId
        self.field = field
        self.beforeValue = before
        self.afterValue = after
        self.state = state
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, runId = "run_id", itemId = "item_id", changeId = "change_id", field, beforeValue = "before_value"
        case afterValue = "after_value", state, reason, updatedAt = "updated_at", afterRaw = "after_raw"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let runId = Column(CodingKeys.runId)
        public static let state = Column(CodingKeys.state)
        public static let reason = Column(CodingKeys.reason)
        public static let updatedAt = Column(CodingKeys.updatedAt)
        public static let afterRaw = Column(CodingKeys.afterRaw)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The raw value the server held after the write, as undo's base: nil when not recorded
    /// (the outer optional); JSON null read as an empty field.
    public var recordedAfterRaw: String?? {
        guard let afterRaw else { return .none }
        return .some(afterRaw == "null" ? nil : afterRaw)
    }
}

/// What became of a journal entry, and of its change (when `changeStatus` is set; a change
/// that becomes `pushed` records the run).
public struct JournalOutcome: Sendable, Equatable {
    public var entryId: Int64
    public var state: JournalState
    public var reason: String?
    /// The server's raw value, when the entry was seen applied (nil: empty).
    public var afterRaw: String??
    public var changeId: Int64?
    public var changeStatus: ChangeStatus?
    public var changeRunId: Int64?
    /// The change's new raw base (JSON; nil: empty), when it is sent again from a value its
    /// own interrupted push left.
    public var changeBaseRaw: String??

    public init(entryId: Int64, state: JournalState, reason: String?, afterRaw: String?? = .none, changeId: Int64? = nil,
                changeStatus: ChangeStatus? = nil, changeRunId: Int64? = nil, changeBaseRaw: String?? = .none) {
        self.changeBaseRaw = changeBaseRaw
        self.entryId = entryId
        self.state = state
        self.reason = reason
        self.afterRaw = afterRaw
        self.changeId = changeId
        self.changeStatus = changeStatus
        self.changeRunId = changeRunId
    }
}

extension Mirror {
    public func beginPushRun(kind: RunKind, undoes: Int64? = nil, server: String, target: PushTarget = .abs) throws -> Int64 {
        try write { db in
            var run = PushRunRecord(kind: kind, undoesRun: undoes, startedAt: ISO8601.now(), status: .running, server: server, target: target)
            try run.insert(db)
            return db.lastInsertedRowID
        }
    }

    public func finishPushRun(id: Int64, items: Int, pushed: Int, conflicts: Int, failed: Int, requests: Int, error: String?) throws {
        try write { db in
            guard var run = try PushRunRecord.fetchOne(db, key: id) else { return }
            run.finishedAt = ISO8601.now()
            run.status = error == nil ? .finished : .failed
            (run.items, run.pushed, run.conflicts, run.failed, run.requests, run.error) = (items, pushed, conflicts, failed, requests, error)
            try run.update(db)
        }
    }

    /// Writes what is about to be sent, before it is sent. Returns the entries' ids, in order.
    public func journal(_ entries: [JournalRecord]) throws -> [Int64] {
        try write { db in
            try entries.map { entry in
                var entry = entry
                try entry.insert(db)
                return db.lastInsertedRowID
            }
        }
    }

    /// Sets journal entries' state, reason and raw after-value, and their changes' status, in one
    /// transaction.
    public func settle(_ outcomes: [JournalOutcome]) throws {
        guard !outcomes.isEmpty else { return }
        let now = ISO8601.now()
        try write { db in
            for o in outcomes {
                typealias J = JournalRecord.Columns
                var assignments = [J.state.set(to: o.state), J.reason.set(to: o.reason), J.updatedAt.set(to: now)]
                if let raw = o.afterRaw { assignments.append(J.afterRaw.set(to: raw ?? "null")) }
                try JournalRecord.filter(key: o.entryId).updateAll(db, assignments)
                if let id = o.changeId, let status = o.changeStatus {
                    typealias C = ChangeRecord.Columns
                    var change = [C.status.set(to: status), C.decidedAt.set(to: now)]
                    if status == .pushed { change.append(C.pushRunId.set(to: o.changeRunId)) }
                    if let base = o.changeBaseRaw { change.append(C.baseRaw.set(to: base ?? "null")) }
                    try ChangeRecord.filter(key: id).updateAll(db, change)
                }
            }
        }
    }

    /// A run's journal, or every run's, in order; only entries in `states` when given.
    /// Journal entries, by id; with `target`, only those of runs that wrote it.
    public func journalEntries(runId: Int64? = nil, states: Set<JournalState>? = nil, target: PushTarget? = nil) throws -> [JournalRecord] {
        try read { db in
            var request = JournalRecord.order(JournalRecord.Columns.id)
            if let runId { request = request.filter(JournalRecord.Columns.runId == runId) }
            if let states { request = request.filter(states.contains(JournalRecord.Columns.state)) }
            if let target {
                request = request.filter(sql: "run_id IN (SELECT id FROM push_run WHERE target = ?)", arguments: [target])
            }
            return try request.fetchAll(db)
        }
    }

    /// Runs of `target` left `running` by a killed push: closed as failed once reconciled.
    public func closeInterruptedPushRuns(target: PushTarget) throws {
        try write { db in
            _ = try PushRunRecord.filter(PushRunRecord.Columns.status == RunStatus.running)
                .filter(PushRunRecord.Columns.target == target).updateAll(
                db, PushRunRecord.Columns.status.set(to: RunStatus.failed), PushRunRecord.Columns.finishedAt.set(to: ISO8601.now()),
                PushRunRecord.Columns.error.set(to: "interrupted; settled by a later run"))
        }
    }

    /// Every push and undo run, the latest first.
    public func pushRuns() throws -> [PushRunRecord] {
        try read { db in try PushRunRecord.order(PushRunRecord.Columns.id.desc).fetchAll(db) }
    }

    public func pushRun(id: Int64) throws -> PushRunRecord? {
        try read { db in try PushRunRecord.fetchOne(db, key: id) }
    }

    /// The latest push run with applied changes not yet reverted; with `target`, of that target.
    public func lastUndoablePushRun(target: PushTarget? = nil) throws -> Int64? {
        try read { db in
            try Int64.fetchOne(db, sql: """
                SELECT r.id FROM push_run r WHERE r.kind = ? AND (? IS NULL OR r.target = ?)
                  AND EXISTS (SELECT 1 FROM push_journal j WHERE j.run_id = r.id AND j.state = ?)
                ORDER BY r.id DESC LIMIT 1
                """, arguments: [RunKind.push, target, target, JournalState.applied])
        }
    }

    /// Every item's title by id, for naming items in a push's problems.
    public func itemTitles() throws -> [String: String] {
        try read { db in
            var out: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, title FROM abs_item")
            while let row = try rows.next() { out[row["id"]] = row["title"] ?? row["id"] }
            return out
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
