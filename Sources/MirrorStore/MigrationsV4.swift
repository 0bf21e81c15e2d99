import GRDB

extension Migrations {
    /// Each item's match to a Hardcover book, with its score, how it was made, its explanation,
    /// and whether the user pinned it (a link or an ignore survives every rematch); the `matches` view.
    static func v4Matches(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE match (
                item_id TEXT PRIMARY KEY REFERENCES abs_item(id) ON DELETE CASCADE,
                book_id INTEGER,
                edition_id INTEGER,
                score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
                method TEXT CHECK (method IN ('asin', 'isbn', 'title', 'manual')),
                status TEXT NOT NULL CHECK (status IN ('auto', 'needs_review', 'confirmed', 'rejected', 'ignored', 'unmatched')),
                explanation TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(explanation)),
                -- What the match was computed from: a rematch skips items whose inputs are unchanged.
                inputs_fingerprint TEXT,
                -- Set by link, unlink and ignore: matching leaves the item alone.
                pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
                matched_at TEXT NOT NULL
            );
            CREATE INDEX match_status ON match(status);
            CREATE INDEX match_book_id ON match(book_id);

            CREATE VIEW matches AS
            SELECT item_id, book_id, edition_id, score, method, status, explanation, matched_at, pinned FROM match;
            """)
    }
}
