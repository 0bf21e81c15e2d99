import GRDB

extension Migrations {
    /// The Hardcover token's user's library (user books and their reads), per user: `hc_user` says
    /// whose it is (Hardcover's user id; the client reads no username), `hc_user_book` holds one
    /// row per user book, `hc_user_book_read` one per read; the views `hardcover_user_books` and
    /// `hardcover_reads` show them. A sync replaces its user's rows. No foreign key to `hc_book`:
    /// the library names books no item may match. The rating is never read nor stored.
    static func v9HardcoverLibrary(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE hc_user (
                id INTEGER PRIMARY KEY NOT NULL,
                seen_at TEXT NOT NULL
            );

            CREATE TABLE hc_user_book (
                id INTEGER PRIMARY KEY NOT NULL,
                user_id INTEGER NOT NULL REFERENCES hc_user(id) ON DELETE CASCADE,
                book_id INTEGER NOT NULL,
                edition_id INTEGER,
                status_id INTEGER NOT NULL CHECK (status_id BETWEEN 1 AND 6),
                owned INTEGER NOT NULL CHECK (owned IN (0, 1)),
                updated_at TEXT NOT NULL,
                synced_at TEXT NOT NULL
            );

            CREATE INDEX hc_user_book_user ON hc_user_book(user_id);
            CREATE INDEX hc_user_book_book ON hc_user_book(book_id);

            CREATE TABLE hc_user_book_read (
                id INTEGER PRIMARY KEY NOT NULL,
                user_book_id INTEGER NOT NULL REFERENCES hc_user_book(id) ON DELETE CASCADE,
                edition_id INTEGER,
                started_on TEXT CHECK (started_on IS NULL OR started_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                finished_on TEXT CHECK (finished_on IS NULL OR finished_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
                progress_seconds INTEGER
            );

            CREATE INDEX hc_user_book_read_user_book ON hc_user_book_read(user_book_id);

            CREATE VIEW hardcover_user_books AS
            SELECT b.id, b.book_id, b.edition_id, b.status_id,
                   CASE b.status_id WHEN 1 THEN 'Want to Read' WHEN 2 THEN 'Currently Reading' WHEN 3 THEN 'Read'
                        WHEN 4 THEN 'Paused' WHEN 5 THEN 'Did Not Finish' WHEN 6 THEN 'Ignored' END AS status,
                   b.owned, b.updated_at, b.user_id, b.synced_at
            FROM hc_user_book b;

            CREATE VIEW hardcover_reads AS
            SELECT r.id, r.user_book_id, b.book_id, r.edition_id, r.progress_seconds, r.started_on, r.finished_on, b.user_id
            FROM hc_user_book_read r JOIN hc_user_book b ON b.id = r.user_book_id;
            """)
    }
}
