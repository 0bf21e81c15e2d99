import GRDB

extension Migrations {
    /// What each target's proposals were last brought in step with (issue 17, "Nothing changed,
    /// nothing done"): the table `diff_stamp`, one row per target, holding the stamp of the
    /// mirror's inputs to that target's proposals when a whole refresh finished, and how many
    /// items it considered. A `diff` whose stamp is unchanged has nothing to refresh. Internal:
    /// no view shows it.
    static func v14DiffStamps(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE diff_stamp (
                target TEXT PRIMARY KEY NOT NULL CHECK (target IN ('abs', 'hardcover')),
                stamp TEXT NOT NULL,
                items INTEGER NOT NULL CHECK (items >= 0),
                refreshed_at TEXT NOT NULL
            );
            """)
    }
}
