import GRDB

extension Migrations {
    /// Push runs and their journal: for every field sent, the server's value before and the value
    /// sent, written before anything is sent; the `push_runs` view.
    static func v6Push(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE push_run (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('push', 'undo')),
                undoes_run INTEGER REFERENCES push_run(id),
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
                server TEXT,
                items INTEGER NOT NULL DEFAULT 0,
                pushed INTEGER NOT NULL DEFAULT 0,
                conflicts INTEGER NOT NULL DEFAULT 0,
                failed INTEGER NOT NULL DEFAULT 0,
                requests INTEGER NOT NULL DEFAULT 0,
                error TEXT
            );

            CREATE TABLE push_journal (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES push_run(id),
                item_id TEXT NOT NULL,
                change_id INTEGER REFERENCES change(id),
                field TEXT NOT NULL,
                before_value TEXT CHECK (before_value IS NULL OR json_valid(before_value)),
                after_value TEXT CHECK (after_value IS NULL OR json_valid(after_value)),
                state TEXT NOT NULL CHECK (state IN ('planned', 'sent', 'applied', 'failed', 'conflict', 'reverted')),
                reason TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX push_journal_run ON push_journal(run_id);
            CREATE INDEX push_journal_state ON push_journal(state);

            CREATE VIEW push_runs AS
            SELECT id, kind, undoes_run, started_at, finished_at,
                   CASE WHEN status = 'running' AND finished_at IS NULL THEN 'running or interrupted' ELSE status END AS status,
                   server, items, pushed, conflicts, failed, requests, error
            FROM push_run;

            CREATE VIEW push_journal_entries AS
            SELECT id, run_id, item_id, change_id, field, before_value, after_value, state, reason, updated_at FROM push_journal;
            """)
    }
}
