import GRDB

extension Migrations {
    /// Versions of `diff`'s inputs, kept by triggers (issue 17: a `diff` with nothing changed must
    /// cost almost nothing; reading every input to stamp it cost 8% of a whole refresh).
    ///
    /// `diff_input` has one row per scope, each a counter that every write to an input of that
    /// scope raises, in the same transaction:
    /// - `shared` (both targets): an item's presence, fetch fingerprint, fetch time or removal; a
    ///   match's status, book or edition; a matched book's or its editions' presence or fetch time.
    /// - `abs`: the scan marks of the files of an item (presence, size, time, scan time, removal,
    ///   error, which item).
    /// - `hardcover`: listening progress, the Hardcover library's books and reads (every column
    ///   but the sync times).
    /// - each target: its proposals added or deleted, and a proposal's push outcome (a status
    ///   into or out of failed, conflict, pushed, superseded, …). Decisions (accept, reject, edit)
    ///   are not inputs.
    /// A row written again with the same values raises nothing. Internal: no view shows it.
    static func v15DiffInputs(_ db: Database) throws {
        func changed(_ columns: String) -> String {
            columns.split(separator: " ").map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR ")
        }
        func bump(_ scope: String) -> String { "UPDATE diff_input SET version = version + 1 WHERE scope = \(scope);" }
        /// Triggers on `table` raising `scope` for a row inserted, deleted, or changed in one of
        /// `columns`, for which `when` holds (given `new` or `old`; before or after an update).
        func triggers(_ table: String, scope: String, columns: String, when: ((String) -> String)? = nil) -> String {
            let insert = when.map { " WHEN \($0("new"))" } ?? ""
            let delete = when.map { " WHEN \($0("old"))" } ?? ""
            let update = when.map { " AND (\($0("old")) OR \($0("new")))" } ?? ""
            return """
                CREATE TRIGGER diff_input_\(table)_insert AFTER INSERT ON "\(table)"\(insert) BEGIN \(bump(scope)) END;
                CREATE TRIGGER diff_input_\(table)_delete AFTER DELETE ON "\(table)"\(delete) BEGIN \(bump(scope)) END;
                CREATE TRIGGER diff_input_\(table)_update AFTER UPDATE ON "\(table)" WHEN (\(changed(columns)))\(update)
                BEGIN \(bump(scope)) END;
                """
        }
        let matched = { (row: String) in "EXISTS (SELECT 1 FROM match WHERE book_id = \(row).id)" }
        let editionMatched = { (row: String) in "EXISTS (SELECT 1 FROM match WHERE book_id = \(row).book_id)" }
        let settled = { (row: String) in "\(row).status NOT IN ('pending', 'accepted', 'rejected')" }
        try db.execute(sql: """
            CREATE TABLE diff_input (
                scope TEXT PRIMARY KEY NOT NULL CHECK (scope IN ('shared', 'abs', 'hardcover')),
                version INTEGER NOT NULL
            );
            INSERT INTO diff_input (scope, version) VALUES ('shared', 0), ('abs', 0), ('hardcover', 0);

            \(triggers("abs_item", scope: "'shared'", columns: "id fetched_fingerprint fetched_at removed_at"))
            \(triggers("match", scope: "'shared'", columns: "item_id status book_id edition_id"))
            \(triggers("hc_book", scope: "'shared'", columns: "id fetched_at", when: matched))
            \(triggers("hc_edition", scope: "'shared'", columns: "id book_id fetched_at", when: editionMatched))
            \(triggers("tag_file", scope: "'abs'", columns: "id item_id size_bytes mtime_ns scanned_at removed_at error",
                       when: { "\($0).item_id IS NOT NULL" }))
            \(triggers("abs_progress", scope: "'hardcover'",
                       columns: "user_id item_id current_seconds duration_seconds progress finished started_at finished_at last_update"))
            \(triggers("hc_user_book", scope: "'hardcover'", columns: "id user_id book_id edition_id status_id owned updated_at"))
            \(triggers("hc_user_book_read", scope: "'hardcover'",
                       columns: "id user_book_id edition_id started_on finished_on progress_seconds"))
            CREATE TRIGGER diff_input_change_insert AFTER INSERT ON "change" BEGIN \(bump("new.target")) END;
            CREATE TRIGGER diff_input_change_delete AFTER DELETE ON "change" BEGIN \(bump("old.target")) END;
            CREATE TRIGGER diff_input_change_update AFTER UPDATE OF target, status ON "change"
            WHEN old.target IS NOT new.target OR (\(settled("old"))) IS NOT (\(settled("new")))
            BEGIN \(bump("old.target")) \(bump("new.target")) END;
            """)
    }
}
