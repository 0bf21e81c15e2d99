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

extension Mirror {
    /// Starts a `scan_run` row; returns its id.
    public func beginScanRun(roots: [String], full: Bool) throws -> Int64 {
        try write { db in
            try db.execute(
                sql: "INSERT INTO scan_run (started_at, status, roots, full) VALUES (?, 'running', ?, ?)",
                arguments: [ISO8601.now(), JSONText.array(roots), full])
            return db.lastInsertedRowID
        }
    }

    /// Marks the scan runs still `running` as failed, with `error`, and returns their ids. Call with
    /// the writer lock held: no other scan runs, so the processes of these runs are gone (killed
    /// or crashed). Their `finished_at` stays null: when they stopped is not known.
    public func failStoppedScanRuns(error: String) throws -> [Int64] {
        try write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM scan_run WHERE status = 'running' ORDER BY id")
            guard !ids.isEmpty else { return [] }
            try db.execute(sql: "UPDATE scan_run SET status = 'failed', error = ? WHERE status = 'running'", arguments: [error])
            return ids
        }
    }

    public func finishScanRun(id: Int64, counts: ScanCounts, duration: Double, error: String?) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE scan_run SET finished_at = ?, status = ?, files_seen = ?, files_new = ?, files_changed = ?,
                    files_unchanged = ?, files_errors = ?, files_removed = ?, duration_seconds = ?, error = ?
                WHERE id = ?
                """, arguments: [ISO8601.now(), error == nil ? "finished" : "failed", counts.seen, counts.new,
                                 counts.changed, counts.unchanged, counts.errors, counts.removed, duration, error, id])
        }
    }

    /// Files the mirror has at or below any of `roots` (absolute paths).
    public func knownFiles(under roots: [String]) throws -> [String: KnownFile] {
        try read { db in
            var known: [String: KnownFile] = [:]
            let statement = try db.makeStatement(sql: """
                SELECT path, size_bytes, mtime_ns, removed_at IS NOT NULL, error IS NOT NULL FROM tag_file
                WHERE path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')
                """)
            for root in roots {
                let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
                let rows = try Row.fetchCursor(statement, arguments: [base])
                while let row = try rows.next() {
                    known[row[0]] = KnownFile(sizeBytes: row[1], mtimeNs: row[2], removed: row[3], failed: row[4])
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
        try write { db in
            let statement = try db.cachedStatement(sql: Self.upsertTagFileSQL)
            for row in rows {
                statement.setUncheckedArguments(row.arguments)
                try statement.execute()
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
