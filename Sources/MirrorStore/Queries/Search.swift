import GRDB
import MirrorCore

/// One full-text hit.
public struct SearchHit: Sendable, Equatable {
    public var kind: String            // "file" (and "item" once items are mirrored)
    public var path: String
    public var title: String?
    public var album: String?
    public var artist: String?
    public var rank: Double            // bm25: lower is better
    public var snippet: String
}

extension Mirror {
    /// Searches the items and the file tags for every word of `text` (each word a prefix), best
    /// first. Returns nil when `text` has nothing to search for.
    public func search(_ text: String, limit: Int, highlight: (open: String, close: String)) throws -> [SearchHit]? {
        guard let pattern = FTS5Pattern(matchingAllPrefixesIn: text) else { return nil }
        let items = try read { db in
            // Columns: title, subtitle, authors, narrators, series, description, tags.
            try Row.fetchAll(db, sql: """
                SELECT i.id, i.path, i.title, i.series, i.authors,
                       bm25(items_fts, 10.0, 4.0, 8.0, 4.0, 6.0, 1.0, 2.0) AS rank,
                       snippet(items_fts, -1, ?, ?, '…', 12) AS snippet
                FROM items_fts JOIN abs_item i ON i.key = items_fts.rowid
                WHERE items_fts MATCH ? AND i.removed_at IS NULL AND i.fetched_fingerprint IS NOT NULL
                ORDER BY rank LIMIT ?
                """, arguments: [highlight.open, highlight.close, pattern, limit]).map { row in
                SearchHit(kind: "item", path: row["path"] ?? row["id"], title: row["title"], album: row["series"],
                          artist: row["authors"], rank: row["rank"], snippet: row["snippet"] ?? "")
            }
        }
        let files = try searchFiles(pattern, limit: limit, highlight: highlight)
        return Array((items + files).sorted { $0.rank < $1.rank }.prefix(limit))
    }

    private func searchFiles(_ pattern: FTS5Pattern, limit: Int, highlight: (open: String, close: String)) throws -> [SearchHit] {
        try read { db in
            // Columns: title, subtitle, album, artist, album_artist, composer, series, genre, path.
            let sql = """
                SELECT f.path, f.title, f.album, f.artist,
                       bm25(file_tags_fts, 10.0, 4.0, 8.0, 6.0, 4.0, 4.0, 6.0, 1.0, 0.5) AS rank,
                       snippet(file_tags_fts, -1, ?, ?, '…', 12) AS snippet
                FROM file_tags_fts
                JOIN tag_file f ON f.id = file_tags_fts.rowid
                WHERE file_tags_fts MATCH ? AND f.removed_at IS NULL
                ORDER BY rank
                LIMIT ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: [highlight.open, highlight.close, pattern, limit]).map { row in
                SearchHit(kind: "file", path: row["path"], title: row["title"], album: row["album"],
                          artist: row["artist"], rank: row["rank"], snippet: row["snippet"] ?? "")
            }
        }
    }
}
