import Foundation
import GRDB
import MirrorCore

/// What the mirror knows of a file from earlier scans: enough to decide whether to read it again.
public struct KnownFile: Sendable, Equatable {
    public var sizeBytes: Int64
    public var mtimeNs: Int64
    public var removed: Bool
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
                SELECT path, size_bytes, mtime_ns, removed_at IS NOT NULL FROM tag_file
                WHERE path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')
                """)
            for root in roots {
                let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
                let rows = try Row.fetchCursor(statement, arguments: [base])
                while let row = try rows.next() {
                    known[row[0]] = KnownFile(sizeBytes: row[1], mtimeNs: row[2], removed: row[3])
                }
            }
            return known
        }
    }

    /// Stores a batch of scanned files in one transaction (new rows or updates by path).
    public func saveScanned(_ files: [ScannedFile], runId: Int64) throws {
        let now = ISO8601.now()
        try write { db in
            let statement = try db.cachedStatement(sql: Self.upsertTagFileSQL)
            for file in files {
                try statement.execute(arguments: Self.arguments(for: file, runId: runId, now: now))
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

    private static let tagFileColumns = [
        "path", "size_bytes", "mtime_ns", "format", "codec", "duration_ms", "bitrate_kbps", "sample_rate",
        "channels", "title", "subtitle", "artist", "album", "album_artist", "composer", "genre", "year", "series",
        "series_part", "asin", "isbn", "language", "publisher", "description", "has_cover", "all_tags", "chapters",
        "truncated_values", "error_kind", "error", "scanned_at", "scan_run_id",
    ]

    /// An upsert by path (never INSERT OR REPLACE, which would skip the FTS delete trigger). A file
    /// seen again is no longer removed.
    private static let upsertTagFileSQL = """
        INSERT INTO tag_file (\(tagFileColumns.joined(separator: ", ")), removed_at)
        VALUES (\(tagFileColumns.map { ":" + $0 }.joined(separator: ", ")), NULL)
        ON CONFLICT (path) DO UPDATE SET
            \(tagFileColumns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
            removed_at = NULL
        """

    private static func arguments(for file: ScannedFile, runId: Int64, now: String) -> StatementArguments {
        var values: [String: (any DatabaseValueConvertible)?] = Dictionary(uniqueKeysWithValues: tagFileColumns.map { ($0, nil) })
        values.updateValue(file.path, forKey: "path")
        values.updateValue(file.sizeBytes, forKey: "size_bytes")
        values.updateValue(file.mtimeNs, forKey: "mtime_ns")
        values.updateValue(now, forKey: "scanned_at")
        values.updateValue(runId, forKey: "scan_run_id")
        switch file.outcome {
        case .success(let tags):
            let f = tags.fields
            let a = tags.audio
            values.updateValue(tags.format, forKey: "format")
            values.updateValue(a.codec, forKey: "codec")
            values.updateValue(a.durationMs, forKey: "duration_ms")
            values.updateValue(a.bitrateKbps, forKey: "bitrate_kbps")
            values.updateValue(a.sampleRate, forKey: "sample_rate")
            values.updateValue(a.channels, forKey: "channels")
            values.updateValue(f.title, forKey: "title")
            values.updateValue(f.subtitle, forKey: "subtitle")
            values.updateValue(f.artist, forKey: "artist")
            values.updateValue(f.album, forKey: "album")
            values.updateValue(f.albumArtist, forKey: "album_artist")
            values.updateValue(f.composer, forKey: "composer")
            values.updateValue(f.genre, forKey: "genre")
            values.updateValue(f.year, forKey: "year")
            values.updateValue(f.series, forKey: "series")
            values.updateValue(f.seriesPart, forKey: "series_part")
            values.updateValue(f.asin, forKey: "asin")
            values.updateValue(f.isbn, forKey: "isbn")
            values.updateValue(f.language, forKey: "language")
            values.updateValue(f.publisher, forKey: "publisher")
            values.updateValue(f.description, forKey: "description")
            values.updateValue(tags.hasCover, forKey: "has_cover")
            values.updateValue(JSONText.tags(tags.tags), forKey: "all_tags")
            values.updateValue(JSONText.chapters(tags.chapters), forKey: "chapters")
            values.updateValue(tags.truncatedValues, forKey: "truncated_values")
        case .failure(let failure):
            values.updateValue(failure.format, forKey: "format")
            values.updateValue(false, forKey: "has_cover")
            values.updateValue("{}", forKey: "all_tags")
            values.updateValue("[]", forKey: "chapters")
            values.updateValue(0, forKey: "truncated_values")
            values.updateValue(failure.reason.rawValue, forKey: "error_kind")
            values.updateValue(failure.message, forKey: "error")
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
