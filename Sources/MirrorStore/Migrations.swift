import GRDB

/// The mirror's schema, as named migrations. A shipped migration is never edited: changes come
/// as new migrations. Tables and views are named as strings; no app types are used here.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-file-tags", migrate: v1FileTags)
        migrator.registerMigration("v2-abs-items", migrate: v2AbsItems)
        migrator.registerMigration("v3-hardcover", migrate: v3Hardcover)
        migrator.registerMigration("v4-matches", migrate: v4Matches)
        migrator.registerMigration("v5-changes", migrate: v5Changes)
        migrator.registerMigration("v6-push", migrate: v6Push)
        migrator.registerMigration("v7-raw-values", migrate: v7RawValues)
        migrator.registerMigration("v8-progress", migrate: v8Progress)
        migrator.registerMigration("v9-hardcover-library", migrate: v9HardcoverLibrary)
        migrator.registerMigration("v10-targets", migrate: v10Targets)
        migrator.registerMigration("v11-hardcover-gaps", migrate: v11HardcoverGaps)
        migrator.registerMigration("v13-match-journal", migrate: v13MatchJournal)
        migrator.registerMigration("v14-diff-stamps", migrate: v14DiffStamps)
        migrator.registerMigration("v15-diff-inputs", migrate: v15DiffInputs)
        migrator.registerMigration("v16-book-titles", migrate: v16BookTitles)
        return migrator
    }

    /// Tags of audio files, scan runs, the `file_tags` and `scan_runs` views, full-text search.
    private static func v1FileTags(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE scan_run (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
                roots TEXT NOT NULL CHECK (json_valid(roots)),
                full INTEGER NOT NULL CHECK (full IN (0, 1)),
                files_seen INTEGER NOT NULL DEFAULT 0,
                files_new INTEGER NOT NULL DEFAULT 0,
                files_changed INTEGER NOT NULL DEFAULT 0,
                files_unchanged INTEGER NOT NULL DEFAULT 0,
                files_errors INTEGER NOT NULL DEFAULT 0,
                files_removed INTEGER NOT NULL DEFAULT 0,
                duration_seconds REAL,
                error TEXT
            );

            CREATE TABLE tag_file (
                id INTEGER PRIMARY KEY,
                path TEXT NOT NULL UNIQUE,
                item_id TEXT,
                size_bytes INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                format TEXT,
                codec TEXT,
                duration_ms INTEGER,
                bitrate_kbps INTEGER,
                sample_rate INTEGER,
                channels INTEGER,
                title TEXT,
                subtitle TEXT,
                artist TEXT,
                album TEXT,
                album_artist TEXT,
                composer TEXT,
                genre TEXT,
                year INTEGER,
                series TEXT,
                series_part TEXT,
                asin TEXT,
                isbn TEXT,
                language TEXT,
                publisher TEXT,
                description TEXT,
                has_cover INTEGER NOT NULL DEFAULT 0 CHECK (has_cover IN (0, 1)),
                all_tags TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(all_tags)),
                chapters TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(chapters)),
                truncated_values INTEGER NOT NULL DEFAULT 0,
                error_kind TEXT,
                error TEXT,
                scanned_at TEXT NOT NULL,
                removed_at TEXT,
                scan_run_id INTEGER REFERENCES scan_run(id) ON DELETE SET NULL,
                CHECK ((error IS NULL) = (error_kind IS NULL))
            );
            CREATE INDEX tag_file_item_id ON tag_file(item_id);
            CREATE INDEX tag_file_asin ON tag_file(asin);
            CREATE INDEX tag_file_isbn ON tag_file(isbn);

            CREATE VIRTUAL TABLE file_tags_fts USING fts5(
                title, subtitle, album, artist, album_artist, composer, series, genre, path,
                content = 'tag_file', content_rowid = 'id',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER tag_file_fts_insert AFTER INSERT ON tag_file BEGIN
                INSERT INTO file_tags_fts(rowid, title, subtitle, album, artist, album_artist, composer, series, genre, path)
                VALUES (new.id, new.title, new.subtitle, new.album, new.artist, new.album_artist, new.composer, new.series, new.genre, new.path);
            END;
            CREATE TRIGGER tag_file_fts_delete AFTER DELETE ON tag_file BEGIN
                INSERT INTO file_tags_fts(file_tags_fts, rowid, title, subtitle, album, artist, album_artist, composer, series, genre, path)
                VALUES ('delete', old.id, old.title, old.subtitle, old.album, old.artist, old.album_artist, old.composer, old.series, old.genre, old.path);
            END;
            CREATE TRIGGER tag_file_fts_update AFTER UPDATE OF title, subtitle, album, artist, album_artist, composer, series, genre, path ON tag_file BEGIN
                INSERT INTO file_tags_fts(file_tags_fts, rowid, title, subtitle, album, artist, album_artist, composer, series, genre, path)
                VALUES ('delete', old.id, old.title, old.subtitle, old.album, old.artist, old.album_artist, old.composer, old.series, old.genre, old.path);
                INSERT INTO file_tags_fts(rowid, title, subtitle, album, artist, album_artist, composer, series, genre, path)
                VALUES (new.id, new.title, new.subtitle, new.album, new.artist, new.album_artist, new.composer, new.series, new.genre, new.path);
            END;

            CREATE VIEW file_tags AS
            SELECT
                path, item_id, format,
                duration_ms / 1000.0 AS duration_seconds,
                bitrate_kbps AS bitrate,
                sample_rate, channels,
                title, artist, album, album_artist, composer, genre, year,
                series, series_part, asin, isbn, language, publisher,
                has_cover, all_tags, scanned_at, error,
                subtitle, description, codec, size_bytes, chapters,
                removed_at IS NOT NULL AS removed
            FROM tag_file;

            CREATE VIEW scan_runs AS
            SELECT
                id, started_at, finished_at,
                CASE WHEN status = 'running' AND finished_at IS NULL THEN 'running or interrupted' ELSE status END AS status,
                roots, full,
                files_seen, files_new, files_changed, files_unchanged, files_errors, files_removed,
                duration_seconds, error
            FROM scan_run;
            """)
    }

    /// AudiobookShelf libraries and items, their audio files, sync runs; the `items`,
    /// `audio_files` and `sync_runs` views; `items_fts`.
    private static func v2AbsItems(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE abs_library (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                media_type TEXT NOT NULL,
                folders TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(folders)),
                seen_at TEXT NOT NULL
            );

            CREATE TABLE abs_item (
                key INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                library_id TEXT NOT NULL REFERENCES abs_library(id),
                listed_fingerprint TEXT NOT NULL,
                fetched_fingerprint TEXT,
                title TEXT,
                subtitle TEXT,
                authors_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors_json)),
                narrators_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(narrators_json)),
                series_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(series_json)),
                genres_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(genres_json)),
                tags_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags_json)),
                authors TEXT,
                narrators TEXT,
                series TEXT,
                tags TEXT,
                published_year TEXT,
                published_date TEXT,
                publisher TEXT,
                description TEXT,
                description_html TEXT,
                isbn TEXT,
                asin TEXT,
                language TEXT,
                explicit INTEGER NOT NULL DEFAULT 0 CHECK (explicit IN (0, 1)),
                abridged INTEGER NOT NULL DEFAULT 0 CHECK (abridged IN (0, 1)),
                duration_seconds REAL,
                size_bytes INTEGER,
                path TEXT,
                rel_path TEXT,
                audio_file_count INTEGER,
                added_at TEXT,
                updated_at TEXT,
                is_missing INTEGER NOT NULL DEFAULT 0 CHECK (is_missing IN (0, 1)),
                first_seen_at TEXT NOT NULL,
                fetched_at TEXT,
                last_seen_run INTEGER REFERENCES sync_run(id) ON DELETE SET NULL,
                removed_at TEXT
            );
            CREATE INDEX abs_item_library_id ON abs_item(library_id);
            CREATE INDEX abs_item_asin ON abs_item(asin);
            CREATE INDEX abs_item_isbn ON abs_item(isbn);

            CREATE TABLE abs_audio_file (
                item_id TEXT NOT NULL REFERENCES abs_item(id) ON DELETE CASCADE,
                ino TEXT NOT NULL,
                position INTEGER NOT NULL,
                path TEXT NOT NULL,
                rel_path TEXT,
                size_bytes INTEGER,
                duration_seconds REAL,
                codec TEXT,
                bitrate INTEGER,
                format TEXT,
                meta_tags TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta_tags)),
                chapters TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(chapters)),
                PRIMARY KEY (item_id, ino)
            );
            CREATE INDEX abs_audio_file_path ON abs_audio_file(path);

            CREATE TABLE sync_run (
                id INTEGER PRIMARY KEY,
                source TEXT NOT NULL CHECK (source IN ('abs', 'hardcover')),
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
                server TEXT,
                libraries TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(libraries)),
                full INTEGER NOT NULL DEFAULT 0 CHECK (full IN (0, 1)),
                items_listed INTEGER NOT NULL DEFAULT 0,
                items_new INTEGER NOT NULL DEFAULT 0,
                items_changed INTEGER NOT NULL DEFAULT 0,
                items_fetched INTEGER NOT NULL DEFAULT 0,
                items_removed INTEGER NOT NULL DEFAULT 0,
                requests INTEGER NOT NULL DEFAULT 0,
                duration_seconds REAL,
                error TEXT
            );

            CREATE VIRTUAL TABLE items_fts USING fts5(
                title, subtitle, authors, narrators, series, description, tags,
                content = 'abs_item', content_rowid = 'key',
                tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER abs_item_fts_insert AFTER INSERT ON abs_item BEGIN
                INSERT INTO items_fts(rowid, title, subtitle, authors, narrators, series, description, tags)
                VALUES (new.key, new.title, new.subtitle, new.authors, new.narrators, new.series, new.description, new.tags);
            END;
            CREATE TRIGGER abs_item_fts_delete AFTER DELETE ON abs_item BEGIN
                INSERT INTO items_fts(items_fts, rowid, title, subtitle, authors, narrators, series, description, tags)
                VALUES ('delete', old.key, old.title, old.subtitle, old.authors, old.narrators, old.series, old.description, old.tags);
            END;
            CREATE TRIGGER abs_item_fts_update AFTER UPDATE OF title, subtitle, authors, narrators, series, description, tags ON abs_item BEGIN
                INSERT INTO items_fts(items_fts, rowid, title, subtitle, authors, narrators, series, description, tags)
                VALUES ('delete', old.key, old.title, old.subtitle, old.authors, old.narrators, old.series, old.description, old.tags);
                INSERT INTO items_fts(rowid, title, subtitle, authors, narrators, series, description, tags)
                VALUES (new.key, new.title, new.subtitle, new.authors, new.narrators, new.series, new.description, new.tags);
            END;

            CREATE VIEW items AS
            SELECT
                i.id, i.library_id, l.name AS library_name,
                i.title, i.subtitle,
                i.authors_json AS authors, i.narrators_json AS narrators, i.series_json AS series,
                i.published_year, i.publisher, i.isbn, i.asin, i.language,
                i.genres_json AS genres, i.tags_json AS tags,
                i.explicit, i.abridged, i.duration_seconds, i.size_bytes, i.path, i.audio_file_count,
                i.added_at, i.updated_at, i.removed_at IS NOT NULL AS removed, i.description,
                i.description_html, i.published_date, i.is_missing, i.fetched_at
            FROM abs_item i JOIN abs_library l ON l.id = i.library_id
            WHERE i.fetched_fingerprint IS NOT NULL;

            CREATE VIEW audio_files AS
            SELECT
                item_id, ino, path, size_bytes, duration_seconds, codec, bitrate, meta_tags AS abs_meta_tags,
                position, rel_path, format, chapters
            FROM abs_audio_file;

            CREATE VIEW sync_runs AS
            SELECT
                id, source, started_at, finished_at,
                CASE WHEN status = 'running' AND finished_at IS NULL THEN 'running or interrupted' ELSE status END AS status,
                server, libraries, full, items_listed, items_new, items_changed, items_fetched, items_removed,
                requests, duration_seconds, error
            FROM sync_run;
            """)
    }
}
