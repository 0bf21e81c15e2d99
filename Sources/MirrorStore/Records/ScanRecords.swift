import Foundation
import GRDB
import MirrorCore

/// What the mirror knows of a file from earlier scans: enough to decide whether to read it again.
public struct KnownFile: Sendable, Equatable {
    public var sizeBytes: Int64
    public var mtimeNs: Int64
    public var removed: Bool
    /// The last read failed (the row has an error).
    public var failed: Bool
}

/// A file's row, ready to store (see `Mirror.prepare`).
public struct PreparedFile: @unchecked Sendable {
    // StatementArguments holds only DatabaseValues: plain values, safe to send.
    fileprivate let arguments: StatementArguments
}

/// Counts of one scan, as `scan_runs` stores them.
public struct ScanCounts: Sendable, Equatable {
    public var seen = 0
    public var new = 0
    public var changed = 0
    public var unchanged = 0
    public var errors = 0
    public var removed = 0

    public init() {}
}

/// A row of `scan_run`: one scan, its counts and how it ended.
struct ScanRunRecord: FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "scan_run"

    enum Columns: String, ColumnExpression {
        case id, startedAt = "started_at", finishedAt = "finished_at", status, roots, full
        case filesSeen = "files_seen", filesNew = "files_new", filesChanged = "files_changed", filesUnchanged = "files_unchanged"
        case filesErrors = "files_errors", filesRemoved = "files_removed", durationSeconds = "duration_seconds", error
    }

    var id: Int64?
    var startedAt: String
    var finishedAt: String?
    var status: RunStatus
    /// JSON array of the roots scanned.
    var roots: String
    var full: Bool
    var counts = ScanCounts()
    var durationSeconds: Double?
    var error: String?

    init(startedAt: String, roots: [String], full: Bool) {
        self.startedAt = startedAt
        status = .running
        self.roots = JSONText.array(roots)
        self.full = full
    }

    init(row: Row) throws {
        id = row[Columns.id]
        startedAt = row[Columns.startedAt]
        finishedAt = row[Columns.finishedAt]
        status = row[Columns.status]
        roots = row[Columns.roots]
        full = row[Columns.full]
        counts.seen = row[Columns.filesSeen]
        counts.new = row[Columns.filesNew]
        counts.changed = row[Columns.filesChanged]
        counts.unchanged = row[Columns.filesUnchanged]
        counts.errors = row[Columns.filesErrors]
        counts.removed = row[Columns.filesRemoved]
        durationSeconds = row[Columns.durationSeconds]
        error = row[Columns.error]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.startedAt] = startedAt
        container[Columns.finishedAt] = finishedAt
        container[Columns.status] = status
        container[Columns.roots] = roots
        container[Columns.full] = full
        container[Columns.filesSeen] = counts.seen
        container[Columns.filesNew] = counts.new
        container[Columns.filesChanged] = counts.changed
        container[Columns.filesUnchanged] = counts.unchanged
        container[Columns.filesErrors] = counts.errors
        container[Columns.filesRemoved] = counts.removed
        container[Columns.durationSeconds] = durationSeconds
        container[Columns.error] = error
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Mirror {
    /// Starts a `scan_run` row; returns its id.
    public func beginScanRun(roots: [String], full: Bool) throws -> Int64 {
        try write { db in
            var run = ScanRunRecord(startedAt: ISO8601.now(), roots: roots, full: full)
            try run.insert(db)
            return db.lastInsertedRowID
        }
    }

    /// Marks the scan runs still `running` as failed, with `error`, and returns their ids. Call with
    /// the writer lock held: no other scan runs, so the processes of these runs are gone (killed
    /// or crashed). Their `finished_at` stays null: when they stopped is not known.
    public func failStoppedScanRuns(error: String) throws -> [Int64] {
        try write { db in
            typealias Columns = ScanRunRecord.Columns
            let running = ScanRunRecord.filter(Columns.status == RunStatus.running)
            let ids = try running.select(Columns.id, as: Int64.self).order(Columns.id).fetchAll(db)
            guard !ids.isEmpty else { return [] }
            try running.updateAll(db, Columns.status.set(to: RunStatus.failed), Columns.error.set(to: error))
            return ids
        }
    }

    public func finishScanRun(id: Int64, counts: ScanCounts, duration: Double, error: String?) throws {
        try write { db in
            guard var run = try ScanRunRecord.fetchOne(db, key: id) else { return }
            run.finishedAt = ISO8601.now()
            run.status = error == nil ? .finished : .failed
            run.counts = counts
            run.durationSeconds = duration
            run.error = error
            try run.update(db)
        }
    }

    /// Files the mirror has at or below any of `roots` (absolute paths).
    public func knownFiles(under roots: [String]) throws -> [String: KnownFile] {
        try read { db in
            var known: [String: KnownFile] = [:]
            let statement = try db.makeStatement(sql: """
                SELECT path, size_bytes, mtime_ns, removed_at IS NOT NULL AS removed, error IS NOT NULL AS failed FROM tag_file
                WHERE path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')
                """)
            for root in roots {
                let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
                let rows = try Row.fetchCursor(statement, arguments: [base])
                while let row = try rows.next() {
                    known[row["path"]] = KnownFile(sizeBytes: row["size_bytes"], mtimeNs: row["mtime_ns"], removed: row["removed"],
                                                   failed: row["failed"])
                }
            }
            return known
        }
    }

    /// Stores a batch of scanned files in one transaction (new rows or updates by path).
    public func saveScanned(_ files: [ScannedFile], runId: Int64) throws {
        let now = ISO8601.now()
        try save(files.map { Self.prepare($0, runId: runId, scannedAt: now) })
    }

    /// Turns a scanned file into the row the mirror stores. Pure and thread-safe, so scan
    /// threads can prepare rows while another stores them.
    public static func prepare(_ file: ScannedFile, runId: Int64, scannedAt: String) -> PreparedFile {
        PreparedFile(arguments: arguments(for: file, runId: runId, now: scannedAt))
    }

    /// Stores prepared rows in one transaction (new rows or updates by path).
    public func save(_ rows: [PreparedFile]) throws {
        // Each upsert keeps a statement journal (its triggers rewrite full-text pages), which
        // SQLite spills to a temporary file past 64 KiB: half a GiB of writes for 20,000 new
        // files. Kept in memory while storing (set outside the transaction, as SQLite asks), and
        // back to the default after.
        try Self.mapErrors(path: path) {
            try dbQueue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
                try db.inTransaction {
                    let statement = try db.cachedStatement(sql: Self.upsertTagFileSQL)
                    for row in rows {
                        statement.setUncheckedArguments(row.arguments)
                        try statement.execute()
                    }
                    return .commit
                }
            }
        }
    }

    /// Marks files that are gone from disk; their rows (and history) stay.
    public func markRemoved(paths: [String], runId: Int64) throws {
        guard !paths.isEmpty else { return }
        let now = ISO8601.now()
        try write { db in
            let statement = try db.cachedStatement(sql: "UPDATE tag_file SET removed_at = ?, scan_run_id = ? WHERE path = ? AND removed_at IS NULL")
            for path in paths { try statement.execute(arguments: [now, runId, path]) }
        }
    }

    /// The columns a scan writes, in statement order.
    private enum Column: Int, CaseIterable {
        case path, sizeBytes, mtimeNs, format, codec, durationMs, bitrateKbps, sampleRate, channels
        case title, subtitle, artist, album, albumArtist, composer, genre, year, series, seriesPart
        case asin, isbn, language, publisher, description, hasCover, allTags, chapters, truncatedValues
        case errorKind, error, scannedAt, scanRunId

        /// snake_case of the case name: `albumArtist` → `album_artist`.
        var name: String {
            String(describing: self).reduce(into: "") { out, c in
                if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
            }
        }
    }

    /// An upsert by path (never INSERT OR REPLACE, which would skip the FTS delete trigger). A file
    /// seen again is no longer removed.
    private static let upsertTagFileSQL: String = {
        let names = Column.allCases.map(\.name)
        return """
            INSERT INTO tag_file (\(names.joined(separator: ", ")), removed_at)
            VALUES (\(names.map { _ in "?" }.joined(separator: ", ")), NULL)
            ON CONFLICT (path) DO UPDATE SET
                \(names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
                removed_at = NULL
            """
    }()

    private static func arguments(for file: ScannedFile, runId: Int64, now: String) -> StatementArguments {
        var values = [DatabaseValue](repeating: .null, count: Column.allCases.count)
        func set(_ column: Column, _ value: (some DatabaseValueConvertible)?) {
            values[column.rawValue] = value?.databaseValue ?? .null
        }
        set(.path, file.path)
        set(.sizeBytes, file.sizeBytes)
        set(.mtimeNs, file.mtimeNs)
        set(.scannedAt, now)
        set(.scanRunId, runId)
        switch file.outcome {
        case .success(let tags):
            let f = tags.fields
            let a = tags.audio
            set(.format, tags.format)
            set(.codec, a.codec)
            set(.durationMs, a.durationMs)
            set(.bitrateKbps, a.bitrateKbps)
            set(.sampleRate, a.sampleRate)
            set(.channels, a.channels)
            set(.title, f.title)
            set(.subtitle, f.subtitle)
            set(.artist, f.artist)
            set(.album, f.album)
            set(.albumArtist, f.albumArtist)
            set(.composer, f.composer)
            set(.genre, f.genre)
            set(.year, f.year)
            set(.series, f.series)
            set(.seriesPart, f.seriesPart)
            set(.asin, f.asin)
            set(.isbn, f.isbn)
            set(.language, f.language)
            set(.publisher, f.publisher)
            set(.description, f.description)
            set(.hasCover, tags.hasCover)
            set(.allTags, JSONText.tags(tags.tags))
            set(.chapters, JSONText.chapters(tags.chapters))
            set(.truncatedValues, tags.truncatedValues)
        case .failure(let failure):
            set(.format, failure.format)
            set(.hasCover, false)
            set(.allTags, "{}")
            set(.chapters, "[]")
            set(.truncatedValues, 0)
            set(.errorKind, failure.reason.rawValue)
            set(.error, failure.message)
        }
        return StatementArguments(values)
    }
}

extension Mirror {
    /// Runs `body` in one write transaction, mapping SQLite errors to `StoreError`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapErrors(path: path) { try dbQueue.write(body) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapErrors(path: path) { try dbQueue.read(body) }
    }
}

extension Mirror {
    /// Links scanned files to the AudiobookShelf items they belong to (`file_tags.item_id`).
    public func linkFiles(_ links: [(path: String, itemId: String)]) throws {
        guard !links.isEmpty else { return }
        try write { db in
            let statement = try db.cachedStatement(sql: "UPDATE tag_file SET item_id = ? WHERE path = ?")
            for link in links { try statement.execute(arguments: [link.itemId, link.path]) }
        }
    }
}
