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
        public var status: RunStatus
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
    public var hardcover = HardcoverSection()
    public var decisions = DecisionsSection()

    /// Matches and proposals: what waits for the user, and the last push.
    public struct DecisionsSection: Sendable, Equatable {
        public var matchCounts: [MatchStatus: Int] = [:]
        public var changeCounts: [ChangeStatus: Int] = [:]
        public var lastPush: String?
    }

    /// The Hardcover side: books mirrored, and where the items' lookups stand.
    public struct HardcoverSection: Sendable, Equatable {
        public var books = 0
        public var editions = 0
        /// Items with a finished lookup, by how it resolved.
        public var resolutions: [LookupResolution: Int] = [:]
        /// Items whose lookup has not finished (a stopped run, or never looked up).
        public var pending = 0
        public var lastSync: LastSync?
        /// Items with listening state that cannot reach Hardcover (`hardcover_gaps`).
        public var gaps = 0
    }

    public struct LastSync: Sendable, Equatable {
        public var startedAt: String
        public var finishedAt: String?
        public var status: RunStatus
        public var listed: Int
        public var fetched: Int
        public var requests: Int
        public var error: String?
    }
}

extension Mirror {
    static func lastSync(_ row: Row) -> MirrorStatus.LastSync {
        MirrorStatus.LastSync(startedAt: row["started_at"], finishedAt: row["finished_at"], status: row["status"],
                              listed: row["items_listed"], fetched: row["items_fetched"], requests: row["requests"],
                              error: row["error"] ?? row["stop_reason"])
    }

    private func hardcoverSection(_ db: Database) throws -> MirrorStatus.HardcoverSection {
        var section = MirrorStatus.HardcoverSection()
        section.books = try Int.fetchOne(db, sql: "SELECT count(*) FROM hc_book") ?? 0
        section.editions = try Int.fetchOne(db, sql: "SELECT count(*) FROM hc_edition") ?? 0
        let present = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE NOT removed") ?? 0
        var finished = 0
        for row in try Row.fetchAll(db, sql: """
            SELECT coalesce(l.resolved_by, 'none') AS resolved_by, count(*) AS n FROM hc_lookup l JOIN abs_item i ON i.id = l.item_id
            WHERE i.removed_at IS NULL AND l.stage = 'done' GROUP BY 1
            """) {
            section.resolutions[row["resolved_by"]] = row["n"]
            finished += row["n"] as Int
        }
        section.pending = max(0, present - finished)
        section.lastSync = try Row.fetchOne(db, sql: """
            SELECT started_at, finished_at, status, items_listed, items_fetched, requests, error, stop_reason FROM sync_runs
            WHERE source = 'hardcover' ORDER BY id DESC LIMIT 1
            """).map(Self.lastSync)
        section.gaps = try Self.hardcoverGapCount(db)
        return section
    }

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
                SELECT started_at, finished_at, status, items_listed, items_fetched, requests, error FROM sync_runs
                WHERE source = 'abs' ORDER BY id DESC LIMIT 1
                """).map(Self.lastSync)
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
            status.hardcover = try hardcoverSection(db)
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM matches GROUP BY 1") {
                status.decisions.matchCounts[row["status"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) AS n FROM changes GROUP BY 1") {
                status.decisions.changeCounts[row["status"]] = row["n"]
            }
            status.decisions.lastPush = try Row.fetchOne(db, sql: """
                SELECT id, kind, coalesce(finished_at, started_at) AS at, status, pushed, conflicts, failed FROM push_runs ORDER BY id DESC LIMIT 1
                """).map { "run \($0["id"] as Int64) \($0["kind"] as String) \($0["at"] as String) (\($0["status"] as String); \($0["pushed"] as Int) fields, \($0["conflicts"] as Int) conflicts, \($0["failed"] as Int) failed)" }
            return status
        }
    }
}
