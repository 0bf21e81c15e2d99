import GRDB

extension Migrations {
    /// Hardcover books and editions, the lookup state of every item, the candidates found; the
    /// `hardcover_books`, `hardcover_editions`, `hardcover_candidates` and `hardcover_lookups`
    /// views; `hardcover_books_fts`; a stop reason for sync runs that end at a request budget.
    static func v3Hardcover(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE hc_book (
                id INTEGER PRIMARY KEY,
                title TEXT,
                subtitle TEXT,
                description TEXT,
                authors_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors_json)),
                contributors_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(contributors_json)),
                series_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(series_json)),
                genres_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(genres_json)),
                authors TEXT,
                series TEXT,
                release_year INTEGER,
                release_date TEXT,
                pages INTEGER,
                audio_seconds INTEGER,
                rating REAL,
                users_count INTEGER NOT NULL DEFAULT 0,
                default_audio_edition_id INTEGER,
                canonical_id INTEGER,
                fetched_at TEXT NOT NULL
            );

            CREATE TABLE hc_edition (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL,
                title TEXT,
                subtitle TEXT,
                isbn_10 TEXT,
                isbn_13 TEXT,
                asin TEXT,
                reading_format TEXT NOT NULL CHECK (reading_format IN ('audiobook', 'physical', 'ebook', 'other')),
                audio_seconds INTEGER,
                pages INTEGER,
                edition_format TEXT,
                narrators_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(narrators_json)),
                publisher TEXT,
                language TEXT,
                language_code TEXT,
                release_date TEXT,
                users_count INTEGER NOT NULL DEFAULT 0,
                fetched_at TEXT NOT NULL
            );
            CREATE INDEX hc_edition_book_id ON hc_edition(book_id);
            CREATE INDEX hc_edition_isbn_13 ON hc_edition(isbn_13);
            CREATE INDEX hc_edition_isbn_10 ON hc_edition(isbn_10);
            CREATE INDEX hc_edition_asin ON hc_edition(asin);

            -- Book ids Hardcover did not return when asked by id (deleted or merged away).
            CREATE TABLE hc_missing_book (
                id INTEGER PRIMARY KEY,
                checked_at TEXT NOT NULL
            );

            -- Where each item's lookup stands: the next pass to try, or done.
            CREATE TABLE hc_lookup (
                item_id TEXT PRIMARY KEY REFERENCES abs_item(id) ON DELETE CASCADE,
                keys_fingerprint TEXT NOT NULL,
                stage TEXT NOT NULL CHECK (stage IN ('identifiers', 'title', 'search', 'done')),
                resolved_by TEXT CHECK (resolved_by IN ('isbn', 'asin', 'title', 'search', 'none')),
                started_at TEXT NOT NULL,
                finished_at TEXT,
                run_id INTEGER REFERENCES sync_run(id) ON DELETE SET NULL,
                CHECK ((stage = 'done') = (finished_at IS NOT NULL))
            );
            CREATE INDEX hc_lookup_stage ON hc_lookup(stage);

            CREATE TABLE hc_candidate (
                item_id TEXT NOT NULL REFERENCES abs_item(id) ON DELETE CASCADE,
                book_id INTEGER NOT NULL,
                edition_id INTEGER,
                method TEXT NOT NULL CHECK (method IN ('isbn', 'asin', 'title', 'search')),
                rank INTEGER,
                found_at TEXT NOT NULL,
                PRIMARY KEY (item_id, book_id, method)
            );
            CREATE INDEX hc_candidate_book_id ON hc_candidate(book_id);

            CREATE VIRTUAL TABLE hardcover_books_fts USING fts5(
                title, subtitle, authors, series,
                content = 'hc_book', content_rowid = 'id',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER hc_book_fts_insert AFTER INSERT ON hc_book BEGIN
                INSERT INTO hardcover_books_fts(rowid, title, subtitle, authors, series)
                VALUES (new.id, new.title, new.subtitle, new.authors, new.series);
            END;
            CREATE TRIGGER hc_book_fts_delete AFTER DELETE ON hc_book BEGIN
                INSERT INTO hardcover_books_fts(hardcover_books_fts, rowid, title, subtitle, authors, series)
                VALUES ('delete', old.id, old.title, old.subtitle, old.authors, old.series);
            END;
            CREATE TRIGGER hc_book_fts_update AFTER UPDATE OF title, subtitle, authors, series ON hc_book BEGIN
                INSERT INTO hardcover_books_fts(hardcover_books_fts, rowid, title, subtitle, authors, series)
                VALUES ('delete', old.id, old.title, old.subtitle, old.authors, old.series);
                INSERT INTO hardcover_books_fts(rowid, title, subtitle, authors, series)
                VALUES (new.id, new.title, new.subtitle, new.authors, new.series);
            END;

            CREATE VIEW hardcover_books AS
            SELECT
                id, title, subtitle, authors_json AS authors, series_json AS series,
                release_year, pages, audio_seconds, rating, users_count, genres_json AS genres, description, fetched_at,
                contributors_json AS contributors, release_date, default_audio_edition_id, canonical_id
            FROM hc_book;

            CREATE VIEW hardcover_editions AS
            SELECT
                id, book_id, title, isbn_10, isbn_13, asin, reading_format, audio_seconds,
                narrators_json AS narrators, publisher, language, release_date,
                subtitle, pages, edition_format, language_code, users_count, fetched_at
            FROM hc_edition;

            CREATE VIEW hardcover_candidates AS
            SELECT item_id, book_id, edition_id, method, rank, found_at FROM hc_candidate;

            CREATE VIEW hardcover_lookups AS
            SELECT item_id, stage, resolved_by, started_at, finished_at FROM hc_lookup;

            ALTER TABLE sync_run ADD COLUMN stop_reason TEXT;

            DROP VIEW sync_runs;
            CREATE VIEW sync_runs AS
            SELECT
                id, source, started_at, finished_at,
                CASE
                    WHEN status = 'running' AND finished_at IS NULL THEN 'running or interrupted'
                    WHEN status = 'finished' AND stop_reason IS NOT NULL THEN 'stopped'
                    ELSE status
                END AS status,
                server, libraries, full, items_listed, items_new, items_changed, items_fetched, items_removed,
                requests, duration_seconds, error, stop_reason
            FROM sync_run;
            """)
    }
}
