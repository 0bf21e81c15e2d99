import GRDB

extension Migrations {
    /// What changed since `match` last ran over every item (issue 17, "Nothing changed, nothing
    /// done"): internal tables, no view.
    ///
    /// - `match_state`: one row, written when a `match` over every item completes: the fingerprint
    ///   of the weights and of the gathering it ran with. While the row exists, triggers journal
    ///   every change that matching depends on; before the first match nothing is journaled (the
    ///   first match gathers every item anyway).
    /// - `match_journal_item`: items whose own inputs changed: their ABS metadata or identifiers,
    ///   presence, the identifiers in their files' tags, the candidates sync found for them, or a
    ///   decision forgotten (`unlink --reset`).
    /// - `match_journal_book`: books that changed, were added or deleted, with what they were
    ///   before: the text the full-text index had (title, subtitle, authors, series) and the
    ///   identifiers of a changed or deleted edition; the next `match` finds the items that had
    ///   them as candidates, or could now have them, from both the old and the new state.
    ///
    /// A book or edition written again with the same values (a refresh) is not journaled; only
    /// `fetched_at` changing does not count. `match` empties the journal when it completes.
    static func v13MatchJournal(_ db: Database) throws {
        let item = "title subtitle authors_json narrators_json series_json duration_seconds published_year isbn asin"
        let book = "title subtitle description authors_json contributors_json series_json genres_json authors series release_year "
            + "release_date pages audio_seconds rating users_count default_audio_edition_id canonical_id"
        let edition = "book_id title subtitle isbn_10 isbn_13 asin reading_format audio_seconds pages edition_format narrators_json "
            + "publisher language language_code release_date users_count"
        let tag = "item_id isbn asin"
        func changed(_ columns: String) -> String {
            columns.split(separator: " ").map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR ")
        }
        func list(_ columns: String) -> String { columns.split(separator: " ").joined(separator: ", ") }
        let on = "EXISTS (SELECT 1 FROM match_state)"
        try db.execute(sql: """
            CREATE TABLE match_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                inputs_fingerprint TEXT NOT NULL,
                matched_at TEXT NOT NULL
            );
            CREATE TABLE match_journal_item (
                id INTEGER PRIMARY KEY,
                item_id TEXT NOT NULL
            );
            CREATE TABLE match_journal_book (
                id INTEGER PRIMARY KEY,
                book_id INTEGER NOT NULL,
                title TEXT,
                subtitle TEXT,
                authors TEXT,
                series TEXT,
                isbn_10 TEXT,
                isbn_13 TEXT,
                asin TEXT
            );

            CREATE TRIGGER match_journal_abs_item_insert AFTER INSERT ON abs_item WHEN \(on) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (new.id);
            END;
            CREATE TRIGGER match_journal_abs_item_update
            AFTER UPDATE OF id, \(list(item)), removed_at, fetched_fingerprint ON abs_item
            WHEN \(on) AND (old.id IS NOT new.id OR \(changed(item))
                            OR (old.removed_at IS NULL) IS NOT (new.removed_at IS NULL)
                            OR (old.fetched_fingerprint IS NULL) IS NOT (new.fetched_fingerprint IS NULL)) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (old.id);
                INSERT INTO match_journal_item(item_id) SELECT new.id WHERE new.id IS NOT old.id;
            END;
            CREATE TRIGGER match_journal_abs_item_delete AFTER DELETE ON abs_item WHEN \(on) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (old.id);
            END;

            CREATE TRIGGER match_journal_tag_file_insert AFTER INSERT ON tag_file
            WHEN \(on) AND new.item_id IS NOT NULL AND (new.isbn IS NOT NULL OR new.asin IS NOT NULL) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (new.item_id);
            END;
            CREATE TRIGGER match_journal_tag_file_update AFTER UPDATE OF \(list(tag)), removed_at, path ON tag_file
            WHEN \(on) AND (\(changed(tag)) OR old.path IS NOT new.path
                            OR (old.removed_at IS NULL) IS NOT (new.removed_at IS NULL)) BEGIN
                INSERT INTO match_journal_item(item_id) SELECT old.item_id WHERE old.item_id IS NOT NULL;
                INSERT INTO match_journal_item(item_id) SELECT new.item_id WHERE new.item_id IS NOT NULL AND new.item_id IS NOT old.item_id;
            END;
            CREATE TRIGGER match_journal_tag_file_delete AFTER DELETE ON tag_file
            WHEN \(on) AND old.item_id IS NOT NULL BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (old.item_id);
            END;

            CREATE TRIGGER match_journal_candidate_insert AFTER INSERT ON hc_candidate WHEN \(on) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (new.item_id);
            END;
            CREATE TRIGGER match_journal_candidate_update AFTER UPDATE ON hc_candidate WHEN \(on) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (old.item_id);
                INSERT INTO match_journal_item(item_id) SELECT new.item_id WHERE new.item_id IS NOT old.item_id;
            END;
            CREATE TRIGGER match_journal_candidate_delete AFTER DELETE ON hc_candidate WHEN \(on) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (old.item_id);
            END;

            CREATE TRIGGER match_journal_match_update AFTER UPDATE OF pinned, inputs_fingerprint ON match
            WHEN \(on) AND (old.pinned IS NOT new.pinned OR (new.inputs_fingerprint IS NULL AND old.inputs_fingerprint IS NOT NULL)) BEGIN
                INSERT INTO match_journal_item(item_id) VALUES (new.item_id);
            END;

            CREATE TRIGGER match_journal_book_insert AFTER INSERT ON hc_book WHEN \(on) BEGIN
                INSERT INTO match_journal_book(book_id) VALUES (new.id);
            END;
            CREATE TRIGGER match_journal_book_update AFTER UPDATE ON hc_book
            WHEN \(on) AND (old.id IS NOT new.id OR \(changed(book))) BEGIN
                INSERT INTO match_journal_book(book_id, title, subtitle, authors, series)
                VALUES (old.id, old.title, old.subtitle, old.authors, old.series);
                INSERT INTO match_journal_book(book_id) SELECT new.id WHERE new.id IS NOT old.id;
            END;
            CREATE TRIGGER match_journal_book_delete AFTER DELETE ON hc_book WHEN \(on) BEGIN
                INSERT INTO match_journal_book(book_id, title, subtitle, authors, series)
                VALUES (old.id, old.title, old.subtitle, old.authors, old.series);
            END;

            CREATE TRIGGER match_journal_edition_insert AFTER INSERT ON hc_edition WHEN \(on) BEGIN
                INSERT INTO match_journal_book(book_id) VALUES (new.book_id);
            END;
            CREATE TRIGGER match_journal_edition_update AFTER UPDATE ON hc_edition
            WHEN \(on) AND (old.id IS NOT new.id OR \(changed(edition))) BEGIN
                INSERT INTO match_journal_book(book_id, isbn_10, isbn_13, asin) VALUES (old.book_id, old.isbn_10, old.isbn_13, old.asin);
                INSERT INTO match_journal_book(book_id) SELECT new.book_id WHERE new.book_id IS NOT old.book_id;
            END;
            CREATE TRIGGER match_journal_edition_delete AFTER DELETE ON hc_edition WHEN \(on) BEGIN
                INSERT INTO match_journal_book(book_id, isbn_10, isbn_13, asin) VALUES (old.book_id, old.isbn_10, old.isbn_13, old.asin);
            END;
            """)
    }
}
