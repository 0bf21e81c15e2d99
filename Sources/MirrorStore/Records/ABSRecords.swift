import Foundation
import GRDB
import MirrorCore

/// What the mirror knows of an item from earlier syncs.
public struct KnownItem: Sendable, Equatable {
    public var listedFingerprint: String
    public var fetchedFingerprint: String?
    public var removed: Bool

    /// The expanded item stored is the one the listing describes.
    public var isCurrent: Bool { fetchedFingerprint == listedFingerprint && !removed }
}

/// Counts of one sync, as `sync_runs` stores them.
public struct SyncCounts: Sendable, Equatable {
    public var listed = 0
    public var new = 0
    public var changed = 0
    public var fetched = 0
    public var removed = 0

    public init() {}
}

extension SyncSource: DatabaseValueConvertible {}

/// A row of `sync_run`: one sync of a server, its counts and how it ended.
struct SyncRunRecord: FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "sync_run"

    enum Columns: String, ColumnExpression {
        case id, source, startedAt = "started_at", finishedAt = "finished_at", status, server, libraries, full
        case itemsListed = "items_listed", itemsNew = "items_new", itemsChanged = "items_changed", itemsFetched = "items_fetched"
        case itemsRemoved = "items_removed", requests, durationSeconds = "duration_seconds", error, stopReason = "stop_reason"
    }

    var id: Int64?
    var source: SyncSource
    var startedAt: String
    var finishedAt: String?
    var status: RunStatus
    /// Without credentials (`Redactor.url`).
    var server: String?
    /// JSON array of library names.
    var libraries: String
    var full: Bool
    var counts = SyncCounts()
    var requests = 0
    var durationSeconds: Double?
    var error: String?
    var stopReason: String?

    init(source: SyncSource, startedAt: String, server: String?, libraries: [String], full: Bool) {
        self.source = source
        self.startedAt = startedAt
        status = .running
        self.server = server
        self.libraries = JSONText.array(libraries)
        self.full = full
    }

    init(row: Row) throws {
        id = row[Columns.id]
        source = row[Columns.source]
        startedAt = row[Columns.startedAt]
        finishedAt = row[Columns.finishedAt]
        status = row[Columns.status]
        server = row[Columns.server]
        libraries = row[Columns.libraries]
        full = row[Columns.full]
        counts.listed = row[Columns.itemsListed]
        counts.new = row[Columns.itemsNew]
        counts.changed = row[Columns.itemsChanged]
        counts.fetched = row[Columns.itemsFetched]
        counts.removed = row[Columns.itemsRemoved]
        requests = row[Columns.requests]
        durationSeconds = row[Columns.durationSeconds]
        error = row[Columns.error]
        stopReason = row[Columns.stopReason]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.source] = source
        container[Columns.startedAt] = startedAt
        container[Columns.finishedAt] = finishedAt
        container[Columns.status] = status
        container[Columns.server] = server
        container[Columns.libraries] = libraries
        container[Columns.full] = full
        container[Columns.itemsListed] = counts.listed
        container[Columns.itemsNew] = counts.new
        container[Columns.itemsChanged] = counts.changed
        container[Columns.itemsFetched] = counts.fetched
        container[Columns.itemsRemoved] = counts.removed
        container[Columns.requests] = requests
        container[Columns.durationSeconds] = durationSeconds
        container[Columns.error] = error
        container[Columns.stopReason] = stopReason
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `abs_library`.
struct LibraryRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "abs_library"

    enum Columns: String, ColumnExpression {
        case id, name, mediaType = "media_type", folders, seenAt = "seen_at"
    }

    var library: Library
    var seenAt: String

    init(_ library: Library, seenAt: String) {
        self.library = library
        self.seenAt = seenAt
    }

    init(row: Row) throws {
        library = Library(id: row[Columns.id], name: row[Columns.name], mediaType: row[Columns.mediaType],
                          folders: Mirror.stringArray(row[Columns.folders]))
        seenAt = row[Columns.seenAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = library.id
        container[Columns.name] = library.name
        container[Columns.mediaType] = library.mediaType
        container[Columns.folders] = JSONText.array(library.folders)
        container[Columns.seenAt] = seenAt
    }
}

extension Mirror {
    /// Starts a run. The server's URL is stored without credentials (`Redactor.url`).
    public func beginSyncRun(source: SyncSource, server: String?, libraries: [String], full: Bool) throws -> Int64 {
        try write { db in
            var run = SyncRunRecord(source: source, startedAt: ISO8601.now(), server: server.map(Redactor.url), libraries: libraries,
                                    full: full)
            try run.insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Ends a run: finished, failed (with `error`), or stopped early on purpose (`stopReason`,
    /// e.g. a request budget), which the next run resumes. URLs in `error` lose their credentials;
    /// tokens are the caller's to scrub (it knows them: `Settings.redactor`).
    public func finishSyncRun(id: Int64, counts: SyncCounts, requests: Int, duration: Double, error: String?,
                              stopReason: String? = nil) throws {
        try write { db in
            guard var run = try SyncRunRecord.fetchOne(db, key: id) else { return }
            run.finishedAt = ISO8601.now()
            run.status = error == nil ? .finished : .failed
            run.counts = counts
            run.requests = requests
            run.durationSeconds = duration
            run.error = error.map(Redactor.urls(in:))
            run.stopReason = stopReason
            try run.update(db)
        }
    }

    public func saveLibraries(_ libraries: [Library]) throws {
        let now = ISO8601.now()
        try write { db in
            for library in libraries { try LibraryRecord(library, seenAt: now).upsert(db) }
        }
    }

    /// Every item the mirror has for a library, by id.
    public func knownItems(libraryId: String) throws -> [String: KnownItem] {
        try read { db in
            var known: [String: KnownItem] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, listed_fingerprint, fetched_fingerprint, removed_at IS NOT NULL AS removed FROM abs_item WHERE library_id = ?
                """, arguments: [libraryId])
            while let row = try rows.next() {
                known[row["id"]] = KnownItem(listedFingerprint: row["listed_fingerprint"], fetchedFingerprint: row["fetched_fingerprint"],
                                             removed: row["removed"])
            }
            return known
        }
    }

    /// Records one page of the listing in one transaction: new items appear (waiting to be
    /// fetched), known ones get their latest fingerprint and are present again.
    public func recordListing(_ items: [ListedItem], libraryId: String, runId: Int64) throws {
        let now = ISO8601.now()
        try write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO abs_item (id, library_id, listed_fingerprint, first_seen_at, last_seen_run) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET library_id = excluded.library_id,
                    listed_fingerprint = excluded.listed_fingerprint, last_seen_run = excluded.last_seen_run, removed_at = NULL
                """)
            for item in items {
                try statement.execute(arguments: [item.id, libraryId, item.fingerprint, now, runId])
            }
        }
    }

    /// Stores expanded items in one transaction. `fingerprints` are the listing fingerprints the
    /// items were fetched for; an item is current once its fetched fingerprint equals them.
    public func saveItems(_ items: [LibraryItem], fingerprints: [String: String]) throws {
        let now = ISO8601.now()
        try write { db in
            let update = try db.cachedStatement(sql: """
                UPDATE abs_item SET
                    fetched_fingerprint = :fp, title = :title, subtitle = :subtitle,
                    authors_json = :authors_json, narrators_json = :narrators_json, series_json = :series_json,
                    genres_json = :genres_json, tags_json = :tags_json,
                    authors = :authors, narrators = :narrators, series = :series, tags = :tags,
                    published_year = :published_year, published_date = :published_date, publisher = :publisher,
                    description = :description, description_html = :description_html, isbn = :isbn, asin = :asin,
                    language = :language, explicit = :explicit, abridged = :abridged,
                    duration_seconds = :duration_seconds, size_bytes = :size_bytes, path = :path, rel_path = :rel_path,
                    audio_file_count = :audio_file_count, added_at = :added_at, updated_at = :updated_at,
                    is_missing = :is_missing, fetched_at = :now
                WHERE id = :id
                """)
            let deleteFiles = try db.cachedStatement(sql: "DELETE FROM abs_audio_file WHERE item_id = ?")
            let insertFile = try db.cachedStatement(sql: """
                INSERT INTO abs_audio_file (item_id, ino, position, path, rel_path, size_bytes, duration_seconds, codec, bitrate, format, meta_tags, chapters)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (item_id, ino) DO NOTHING
                """)
            for item in items {
                guard let fingerprint = fingerprints[item.id] else { continue }
                let m = item.metadata
                let series = "[" + m.series.map { "{\"name\":\(JSONText.string($0.name)),\"sequence\":\($0.sequence.map(JSONText.string) ?? "null")}" }.joined(separator: ",") + "]"
                try update.execute(arguments: [
                    "fp": fingerprint, "id": item.id, "title": m.title, "subtitle": m.subtitle,
                    "authors_json": JSONText.array(m.authors), "narrators_json": JSONText.array(m.narrators),
                    "series_json": series, "genres_json": JSONText.array(m.genres), "tags_json": JSONText.array(item.tags),
                    "authors": m.authors.joined(separator: "; "), "narrators": m.narrators.joined(separator: "; "),
                    "series": m.series.map { entry in entry.sequence.map { "\(entry.name) #\($0)" } ?? entry.name }.joined(separator: "; "),
                    "tags": item.tags.joined(separator: "; "),
                    "published_year": m.publishedYear, "published_date": m.publishedDate, "publisher": m.publisher,
                    "description": m.descriptionPlain, "description_html": m.descriptionHTML, "isbn": m.isbn, "asin": m.asin,
                    "language": m.language, "explicit": m.explicit, "abridged": m.abridged,
                    "duration_seconds": item.durationSeconds, "size_bytes": item.sizeBytes, "path": item.path,
                    "rel_path": item.relPath, "audio_file_count": item.audioFiles.count,
                    "added_at": Self.timestamp(ms: item.addedAtMs), "updated_at": Self.timestamp(ms: item.updatedAtMs),
                    "is_missing": item.isMissing, "now": now,
                ])
                try deleteFiles.execute(arguments: [item.id])
                for f in item.audioFiles {
                    try insertFile.execute(arguments: [
                        item.id, f.ino, f.index, f.path, f.relPath, f.sizeBytes, f.durationSeconds, f.codec, f.bitrate, f.format,
                        Self.jsonObject(f.metaTags), JSONText.chapters(f.chapters),
                    ])
                }
            }
        }
    }

    /// Marks the library's items that the completed listing of run `runId` did not show.
    @discardableResult
    public func markItemsRemoved(libraryId: String, notSeenIn runId: Int64) throws -> Int {
        let now = ISO8601.now()
        return try write { db in
            try db.execute(sql: """
                UPDATE abs_item SET removed_at = ?
                WHERE library_id = ? AND removed_at IS NULL AND (last_seen_run IS NULL OR last_seen_run <> ?)
                """, arguments: [now, libraryId, runId])
            return db.changesCount
        }
    }

    /// Audio files of present items: the files `scan` reads when given no path.
    public func itemAudioFiles() throws -> [(itemId: String, path: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT f.item_id, f.path FROM abs_audio_file f JOIN abs_item i ON i.id = f.item_id
                WHERE i.removed_at IS NULL ORDER BY f.item_id, f.position
                """).map { ($0["item_id"], $0["path"]) }
        }
    }

    static func timestamp(ms: Int64) -> String? {
        ms > 0 ? ISO8601.string(Date(timeIntervalSince1970: Double(ms) / 1000)) : nil
    }

    static func jsonObject(_ values: [String: String]) -> String {
        "{" + values.keys.sorted().map { JSONText.string($0) + ":" + JSONText.string(values[$0]!) }.joined(separator: ",") + "}"
    }
}
