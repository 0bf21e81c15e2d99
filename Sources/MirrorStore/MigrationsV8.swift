import GRDB

extension Migrations {
    /// The AudiobookShelf token's user's listening state (`/api/me`'s mediaProgress, books only),
    /// per user: `abs_user` says whose it is, `abs_progress` holds one row per user and item, the
    /// `progress` view shows both. A sync replaces its user's rows; no foreign key to the items,
    /// as progress may name items of libraries not mirrored.
    static func v8Progress(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE abs_user (
                id TEXT PRIMARY KEY NOT NULL,
                username TEXT NOT NULL,
                type TEXT NOT NULL,
                seen_at TEXT NOT NULL
            );

            CREATE TABLE abs_progress (
                user_id TEXT NOT NULL REFERENCES abs_user(id) ON DELETE CASCADE,
                item_id TEXT NOT NULL,
                current_seconds REAL NOT NULL CHECK (current_seconds >= 0),
                duration_seconds REAL NOT NULL CHECK (duration_seconds >= 0),
                progress REAL NOT NULL CHECK (progress BETWEEN 0 AND 1),
                finished INTEGER NOT NULL CHECK (finished IN (0, 1)),
                started_at TEXT,
                finished_at TEXT CHECK (finished_at IS NULL OR finished = 1),
                last_update TEXT,
                synced_at TEXT NOT NULL,
                PRIMARY KEY (user_id, item_id)
            ) WITHOUT ROWID;

            CREATE INDEX abs_progress_item ON abs_progress(item_id);

            CREATE VIEW progress AS
            SELECT p.item_id, p.current_seconds, p.duration_seconds, p.progress, p.finished,
                   p.started_at, p.finished_at, p.last_update, p.user_id, u.username, p.synced_at
            FROM abs_progress p JOIN abs_user u ON u.id = p.user_id;
            """)
    }
}
