import GRDB

extension Migrations {
    /// Proposed field changes with their base (the value they would replace) and the user's
    /// decisions; the `changes` view.
    static func v5Changes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE change (
                id INTEGER PRIMARY KEY,
                item_id TEXT NOT NULL REFERENCES abs_item(id) ON DELETE CASCADE,
                field TEXT NOT NULL CHECK (field IN ('title', 'subtitle', 'authors', 'narrators', 'series', 'published_year',
                    'publisher', 'description', 'isbn', 'asin', 'language', 'genres')),
                current_value TEXT CHECK (current_value IS NULL OR json_valid(current_value)),
                proposed_value TEXT NOT NULL CHECK (json_valid(proposed_value)),
                -- What diff computed; proposed_value differs when the user edited it. A refresh
                -- compares its new proposal with this one, so an edit survives it.
                suggested_value TEXT NOT NULL CHECK (json_valid(suggested_value)),
                source TEXT NOT NULL CHECK (source IN ('hardcover', 'tags')),
                action TEXT NOT NULL CHECK (action IN ('fill', 'replace')),
                status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'pushed', 'conflict', 'failed', 'superseded')),
                book_id INTEGER,
                edition_id INTEGER,
                created_at TEXT NOT NULL,
                decided_at TEXT,
                push_run_id INTEGER
            );
            -- At most one open proposal per item and field.
            CREATE UNIQUE INDEX change_open ON change(item_id, field) WHERE status IN ('pending', 'accepted');
            CREATE INDEX change_status ON change(status);

            CREATE VIEW changes AS
            SELECT id, item_id, field, current_value, proposed_value, source, status, push_run_id,
                   action, book_id, edition_id, created_at, decided_at, proposed_value <> suggested_value AS edited
            FROM change;
            """)
    }
}
