import GRDB

extension Migrations {
    /// Books by title (issue 17: matching at a million books): matching looks up an item's exact
    /// title (ASCII case folded, as `lower()` folds it) before it asks the full-text index for its
    /// title's words, whose lists of common words are long.
    static func v16BookTitles(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX hc_book_title ON hc_book(lower(title))")
    }
}
