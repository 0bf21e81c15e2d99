import GRDB

/// The mirror's schema, as named migrations. A shipped migration is never edited: changes come
/// as new migrations. Tables and views are named as strings; no app types are used here.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-file-tags", migrate: v1FileTags)
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
}
