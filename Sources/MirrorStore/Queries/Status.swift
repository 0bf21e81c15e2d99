import GRDB
import MirrorCore

/// What `status` reports: counts and freshness.
public struct MirrorStatus: Sendable, Equatable {
    public struct FormatCount: Sendable, Equatable {
        public var format: String
        public var count: Int
    }

    public struct LastScan: Sendable, Equatable {
        public var startedAt: String
        public var finishedAt: String?
        public var status: String
        public var roots: String
        public var seen: Int
        public var errors: Int
    }

    public var path: String
    public var schemaSteps: [String]
    public var files: Int
    public var filesWithErrors: Int
    public var filesRemoved: Int
    public var filesLinkedToItems: Int
    public var formats: [FormatCount]
    public var totalDurationSeconds: Double
    public var lastScan: LastScan?
    public var items: Int = 0
    public var itemsRemoved: Int = 0
    public var libraries: [String] = []
    public var lastSync: LastSync?

    public struct LastSync: Sendable, Equatable {
        public var startedAt: String
        public var finishedAt: String?
        public var status: String
        public var listed: Int
        public var fetched: Int
        public var requests: Int
        public var error: String?
    }
}

extension Mirror {
    public func status() throws -> MirrorStatus {
        try read { db in
            let counts = try Row.fetchOne(db, sql: """
                SELECT count(*) AS files,
                       count(*) FILTER (WHERE error IS NOT NULL AND removed_at IS NULL) AS errors,
                       count(*) FILTER (WHERE removed_at IS NOT NULL) AS removed,
                       count(*) FILTER (WHERE item_id IS NOT NULL AND removed_at IS NULL) AS linked,
                       coalesce(sum(duration_ms) FILTER (WHERE removed_at IS NULL), 0) / 1000.0 AS seconds
                FROM tag_file
                """)!
            let formats = try Row.fetchAll(db, sql: """
                SELECT format, count(*) AS n FROM tag_file
                WHERE removed_at IS NULL AND error IS NULL GROUP BY 1 ORDER BY n DESC, format
                """).map { MirrorStatus.FormatCount(format: $0["format"], count: $0["n"]) }
            let last = try Row.fetchOne(db, sql: """
                SELECT started_at, finished_at, status, roots, files_seen, files_errors FROM scan_runs ORDER BY id DESC LIMIT 1
                """).map {
                MirrorStatus.LastScan(startedAt: $0["started_at"], finishedAt: $0["finished_at"], status: $0["status"],
                                      roots: $0["roots"], seen: $0["files_seen"], errors: $0["files_errors"])
            }
            let items = try Row.fetchOne(db, sql: "SELECT count(*) FILTER (WHERE NOT removed) AS n, count(*) FILTER (WHERE removed) AS r FROM items")!
            let libraries = try String.fetchAll(db, sql: "SELECT name FROM abs_library WHERE media_type = 'book' ORDER BY name")
            let lastSync = try Row.fetchOne(db, sql: """
                SELECT started_at, finished_at, status, items_listed, items_fetched, requests, error FROM sync_runs ORDER BY id DESC LIMIT 1
                """).map {
                MirrorStatus.LastSync(startedAt: $0["started_at"], finishedAt: $0["finished_at"], status: $0["status"],
                                      listed: $0["items_listed"], fetched: $0["items_fetched"], requests: $0["requests"], error: $0["error"])
            }
            var status = MirrorStatus(
                path: path,
                schemaSteps: try Migrations.migrator.appliedMigrations(db),
                files: counts["files"] - (counts["removed"] as Int),
                filesWithErrors: counts["errors"],
                filesRemoved: counts["removed"],
                filesLinkedToItems: counts["linked"],
                formats: formats,
                totalDurationSeconds: counts["seconds"],
                lastScan: last)
            status.items = items["n"]
            status.itemsRemoved = items["r"]
            status.libraries = libraries
            status.lastSync = lastSync
            return status
        }
    }
}
