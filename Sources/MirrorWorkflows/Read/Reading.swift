import Foundation
import MirrorCore
import MirrorStore

/// What the read-only commands ask of the mirror: `query`, `search`, `status`, `schema`.
public enum Reading {
    /// Runs one read-only SQL statement (`query`): the column names go to `columns`, then each row
    /// to `row` as it comes. Writes, settings and several statements are refused before SQLite
    /// prepares anything; a query still running after `timeout` seconds is stopped.
    public static func query(_ sql: String, timeout: Double, mirror: Mirror,
                             columns: ([String]) throws -> Void, row: ([QueryValue]) throws -> Void) throws {
        try mirror.query(sql, timeout: timeout, columns: columns, row: row)
    }

    /// Full-text search over the items and the files' tags, best first, the matched words between
    /// `highlight`'s marks; nil when `text` has nothing to search for.
    public static func search(_ text: String, limit: Int, highlight: (open: String, close: String),
                              mirror: Mirror) throws -> [SearchHit]? {
        try mirror.search(text, limit: limit, highlight: highlight)
    }

    /// What `status` shows: what the mirror holds and how fresh it is.
    public static func status(mirror: Mirror) throws -> StatusReport {
        let status = try mirror.status()
        let size = (try? FileManager.default.attributesOfItem(atPath: status.path)[.size] as? Int) ?? 0
        return StatusReport(mirror: status, sizeBytes: size)
    }

    /// The SQL schema a new mirror gets (`schema/mirror.sql`).
    public static func schemaSQL() throws -> String {
        try Mirror.inMemory().schemaSQL()
    }
}

/// The mirror's counts and freshness (`MirrorStatus`), and the size of its file.
public struct StatusReport: Sendable {
    public var mirror: MirrorStatus
    /// The mirror file's size; 0 when it cannot be read.
    public var sizeBytes: Int
}
