import GRDB

extension Migrations {
    /// Changes of two targets (issue 14): a proposal is for AudiobookShelf's item metadata (`abs`)
    /// or for the Hardcover user's listening state of the item's matched book (`hardcover`: status,
    /// edition, owned, the latest read's progress and dates, or a new read), made from the item's
    /// listening progress (`source = 'progress'`). The field names of the two targets are distinct,
    /// so an item has at most one open proposal per field as before. `change` is rebuilt (SQLite
    /// cannot alter a CHECK); ids, decisions and the journal's references are kept. Push runs say
    /// which target they wrote. The views gain `target` as their last column.
    static func v10Targets(_ db: Database) throws {
        try db.execute(sql: """
            DROP VIEW changes;

            CREATE TABLE change_v10 (
                id INTEGER PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES abs_item(id) ON DELETE CASCADE,
                field TEXT NOT NULL CHECK (field IN ('title', 'subtitle', 'authors', 'narrators', 'series', 'published_year',
                    'publisher', 'description', 'isbn', 'asin', 'language', 'genres',
                    'status', 'edition', 'owned', 'progress_seconds', 'started_on', 'finished_on', 'read')),
                current_value TEXT CHECK (current_value IS NULL OR json_valid(current_value)),
                proposed_value TEXT NOT NULL CHECK (json_valid(proposed_value)),
                suggested_value TEXT NOT NULL CHECK (json_valid(suggested_value)),
                source TEXT NOT NULL CHECK (source IN ('hardcover', 'tags', 'progress')),
                action TEXT NOT NULL CHECK (action IN ('fill', 'replace')),
                status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'pushed', 'conflict', 'failed', 'superseded')),
                book_id INTEGER,
                edition_id INTEGER,
                created_at TEXT NOT NULL,
                decided_at TEXT,
                push_run_id INTEGER,
                base_raw TEXT CHECK (base_raw IS NULL OR json_valid(base_raw)),
                target TEXT NOT NULL CHECK (target IN ('abs', 'hardcover')) DEFAULT 'abs',
                -- A field belongs to one target; Hardcover's are made from listening progress.
                CHECK ((target = 'hardcover') = (field IN ('status', 'edition', 'owned', 'progress_seconds', 'started_on', 'finished_on', 'read'))),
                CHECK ((target = 'hardcover') = (source = 'progress'))
            );
            INSERT INTO change_v10 (id, item_id, field, current_value, proposed_value, suggested_value, source, action, status,
                                    book_id, edition_id, created_at, decided_at, push_run_id, base_raw, target)
            SELECT id, item_id, field, current_value, proposed_value, suggested_value, source, action, status,
                   book_id, edition_id, created_at, decided_at, push_run_id, base_raw, 'abs'
            FROM change;
            DROP TABLE change;
            ALTER TABLE change_v10 RENAME TO change;

            -- At most one open proposal per item and field (field names are distinct across targets).
            CREATE UNIQUE INDEX change_open ON change(item_id, field) WHERE status IN ('pending', 'accepted');
            CREATE INDEX change_status ON change(status);

            CREATE VIEW changes AS
            SELECT id, item_id, field, current_value, proposed_value, source, status, push_run_id,
                   action, book_id, edition_id, created_at, decided_at, proposed_value <> suggested_value AS edited, base_raw, target
            FROM change;

            ALTER TABLE push_run ADD COLUMN target TEXT NOT NULL CHECK (target IN ('abs', 'hardcover')) DEFAULT 'abs';

            DROP VIEW push_runs;
            CREATE VIEW push_runs AS
            SELECT id, kind, undoes_run, started_at, finished_at,
                   CASE WHEN status = 'running' AND finished_at IS NULL THEN 'running or interrupted' ELSE status END AS status,
                   server, items, pushed, conflicts, failed, requests, error, target
            FROM push_run;
            """)
    }
}
