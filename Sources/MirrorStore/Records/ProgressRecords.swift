import Foundation
import GRDB
import MirrorCore

/// A row of `abs_user`: an AudiobookShelf user whose listening state the mirror holds.
struct ABSUserRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "abs_user"

    enum Columns: String, ColumnExpression {
        case id, username, type, seenAt = "seen_at"
    }

    var id: String
    var username: String
    var type: String
    var seenAt: String

    init(_ user: ServerUser, seenAt: String) {
        id = user.id
        username = user.username
        type = user.type
        self.seenAt = seenAt
    }

    init(row: Row) throws {
        id = row[Columns.id]
        username = row[Columns.username]
        type = row[Columns.type]
        seenAt = row[Columns.seenAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.username] = username
        container[Columns.type] = type
        container[Columns.seenAt] = seenAt
    }
}

/// A row of `abs_progress`: one user's listening state for one item.
struct ProgressRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "abs_progress"

    enum Columns: String, ColumnExpression {
        case userId = "user_id", itemId = "item_id", currentSeconds = "current_seconds", durationSeconds = "duration_seconds"
        case progress, finished, startedAt = "started_at", finishedAt = "finished_at", lastUpdate = "last_update"
        case syncedAt = "synced_at"
    }

    var progress: ListeningProgress
    var syncedAt: String

    init(_ progress: ListeningProgress, syncedAt: String) {
        self.progress = progress
        self.syncedAt = syncedAt
    }

    init(row: Row) throws {
        func date(_ column: Columns) -> Date? {
            (row[column] as String?).flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) }
        }
        progress = ListeningProgress(
            itemId: row[Columns.itemId], userId: row[Columns.userId], currentSeconds: row[Columns.currentSeconds],
            durationSeconds: row[Columns.durationSeconds], progress: row[Columns.progress], isFinished: row[Columns.finished],
            startedAt: date(.startedAt), finishedAt: date(.finishedAt), lastUpdate: date(.lastUpdate))
        syncedAt = row[Columns.syncedAt]
    }

    /// "2026-11-01T00:00:00.123Z", rounded to the millisecond the server counts in (formatting a
    /// Date truncates, and ms / 1000 is rarely exact in binary).
    static func utc(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let whole = Date.ISO8601FormatStyle().format(Date(timeIntervalSince1970: Double(seconds)))
        return String(whole.dropLast()) + String(format: ".%03dZ", Int(ms - seconds * 1000))
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.userId] = progress.userId
        container[Columns.itemId] = progress.itemId
        container[Columns.currentSeconds] = progress.currentSeconds
        container[Columns.durationSeconds] = progress.durationSeconds
        container[Columns.progress] = min(1, max(0, progress.progress))
        container[Columns.finished] = progress.isFinished
        container[Columns.startedAt] = progress.startedAt.map(Self.utc)
        container[Columns.finishedAt] = progress.isFinished ? progress.finishedAt.map(Self.utc) : nil
        container[Columns.lastUpdate] = progress.lastUpdate.map(Self.utc)
        container[Columns.syncedAt] = syncedAt
    }
}

extension Mirror {
    /// Replaces the user's listening state with `state.progress`, in one transaction: progress
    /// removed on the server disappears from the mirror; other users' rows are untouched.
    /// Returns the rows stored.
    @discardableResult
    public func saveListening(_ state: ListeningState) throws -> Int {
        try write { db in
            let now = ISO8601.now()
            try ABSUserRecord(state.user, seenAt: now).upsert(db)
            try ProgressRecord.filter(ProgressRecord.Columns.userId == state.user.id).deleteAll(db)
            var stored = 0
            for progress in state.progress where progress.userId == state.user.id {
                try ProgressRecord(progress, syncedAt: now).insert(db)
                stored += 1
            }
            return stored
        }
    }

    /// The user's listening state as the mirror holds it, by item id.
    public func listeningProgress(userId: String) throws -> [ListeningProgress] {
        try read { db in
            try ProgressRecord.filter(ProgressRecord.Columns.userId == userId)
                .order(ProgressRecord.Columns.itemId).fetchAll(db).map(\.progress)
        }
    }
}
