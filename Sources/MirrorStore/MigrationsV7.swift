import GRDB

extension Migrations {
    /// Raw server values for push's conflict check and undo (DESIGN "Push, safe"): the value the
    /// server held when a proposal was made, and the value it held when a push was seen applied,
    /// as JSON exactly as the server holds it. JSON `null` is an empty field; SQL NULL means the
    /// row was written before raw values were recorded, and the normalised value is compared.
    /// The `changes` and `push_journal_entries` views show them, as their last columns.
    static func v7RawValues(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE change ADD COLUMN base_raw TEXT CHECK (base_raw IS NULL OR json_valid(base_raw));
            ALTER TABLE push_journal ADD COLUMN after_raw TEXT CHECK (after_raw IS NULL OR json_valid(after_raw));

            DROP VIEW changes;
            CREATE VIEW changes AS
            SELECT id, item_id, field, current_value, proposed_value, source, status, push_run_id,
                   action, book_id, edition_id, created_at, decided_at, proposed_value <> suggested_value AS edited, base_raw
            FROM change;

            DROP VIEW push_journal_entries;
            CREATE VIEW push_journal_entries AS
            SELECT id, run_id, item_id, change_id, field, before_value, after_value, state, reason, updated_at, after_raw
            FROM push_journal;
            """)
    }
}
