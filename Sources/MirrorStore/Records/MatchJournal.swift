import Foundation
import GRDB
import MirrorCore

/// A book's text as the full-text index has it (`hardcover_books_fts`): now, or before a change.
public struct BookText: Sendable, Equatable {
    public var title: String?
    public var subtitle: String?
    public var authors: String?
    public var series: String?

    public init(title: String?, subtitle: String?, authors: String?, series: String?) {
        self.title = title
        self.subtitle = subtitle
        self.authors = authors
        self.series = series
    }
}

/// Edition identifiers, as the identifier queries of matching compare them.
public struct EditionIdentifiers: Sendable, Equatable {
    public var asins: Set<String> = []
    public var isbn13s: Set<String> = []
    public var isbn10s: Set<String> = []

    public init() {}

    public mutating func note(asin: String?, isbn13: String?, isbn10: String?) {
        if let asin { asins.insert(asin) }
        if let isbn13 { isbn13s.insert(isbn13) }
        if let isbn10 { isbn10s.insert(isbn10) }
    }
}

/// What changed, that matching depends on, since `match` last completed over every item
/// (`match_state`, `match_journal_item`, `match_journal_book`: the v13 migration).
public struct MatchJournal: Sendable {
    /// The fingerprint the last complete match ran with (weights and gathering); nil when no
    /// match over every item completed yet: then nothing is journaled.
    public var fingerprint: String?
    /// Items whose own inputs changed.
    public var itemIds: Set<String> = []
    /// Books added, changed or deleted (their editions included).
    public var bookIds: Set<Int> = []
    /// What the changed books' full-text rows were before the change.
    public var oldTexts: [BookText] = []
    /// What changed or deleted editions' identifiers were.
    public var oldIdentifiers = EditionIdentifiers()
    /// The last journal rows read: completing the match clears up to them.
    var lastItemRow: Int64 = 0
    var lastBookRow: Int64 = 0

    /// Nothing changed since the last complete match.
    public var isEmpty: Bool { itemIds.isEmpty && bookIds.isEmpty }
}

extension Mirror {
    /// The match journal: the last complete match's fingerprint and what changed since.
    public func matchJournal() throws -> MatchJournal {
        try read { db in
            var journal = MatchJournal()
            journal.fingerprint = try String.fetchOne(db, sql: "SELECT inputs_fingerprint FROM match_state WHERE id = 1")
            let items = try Row.fetchCursor(db, sql: "SELECT id, item_id FROM match_journal_item ORDER BY id")
            while let row = try items.next() {
                journal.itemIds.insert(row["item_id"])
                journal.lastItemRow = row["id"]
            }
            let books = try Row.fetchCursor(db, sql: """
                SELECT id, book_id, title, subtitle, authors, series, isbn_10, isbn_13, asin FROM match_journal_book ORDER BY id
                """)
            while let row = try books.next() {
                journal.bookIds.insert(row["book_id"])
                journal.lastBookRow = row["id"]
                let text = BookText(title: row["title"], subtitle: row["subtitle"], authors: row["authors"], series: row["series"])
                if text != BookText(title: nil, subtitle: nil, authors: nil, series: nil) { journal.oldTexts.append(text) }
                journal.oldIdentifiers.note(asin: row["asin"], isbn13: row["isbn_13"], isbn10: row["isbn_10"])
            }
            return journal
        }
    }

    /// Present items, and how many of them the user decided about (pinned), without reading them.
    public func matchTotals() throws -> (items: Int, pinned: Int) {
        try read { db in
            let present = "FROM abs_item i WHERE i.removed_at IS NULL AND i.fetched_fingerprint IS NOT NULL"
            let items = try Int.fetchOne(db, sql: "SELECT count(*) \(present)") ?? 0
            let pinned = try Int.fetchOne(db, sql: """
                SELECT count(*) \(present) AND EXISTS (SELECT 1 FROM match m WHERE m.item_id = i.id AND m.pinned = 1)
                """) ?? 0
            return (items, pinned)
        }
    }

    /// A match over every item completed with `fingerprint`: it is recorded (journaling starts,
    /// or goes on), and the journal read in `journal` is cleared (what was journaled after it stays).
    public func completeMatch(fingerprint: String, journal: MatchJournal) throws {
        let now = ISO8601.now()
        try write { db in
            try db.execute(sql: """
                INSERT INTO match_state (id, inputs_fingerprint, matched_at) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET inputs_fingerprint = excluded.inputs_fingerprint, matched_at = excluded.matched_at
                """, arguments: [fingerprint, now])
            try db.execute(sql: "DELETE FROM match_journal_item WHERE id <= ?", arguments: [journal.lastItemRow])
            try db.execute(sql: "DELETE FROM match_journal_book WHERE id <= ?", arguments: [journal.lastBookRow])
        }
    }

    /// The books' full-text rows as they are now, and the identifiers of their editions now.
    public func bookTextsAndIdentifiers(ids: Set<Int>) throws -> (texts: [BookText], identifiers: EditionIdentifiers) {
        try read { db in
            var texts: [BookText] = []
            var identifiers = EditionIdentifiers()
            let all = Array(ids)
            for start in stride(from: 0, to: all.count, by: 500) {
                let chunk = Array(all[start..<min(start + 500, all.count)])
                let marks = databaseQuestionMarks(count: chunk.count)
                for row in try Row.fetchAll(db, sql: "SELECT title, subtitle, authors, series FROM hc_book WHERE id IN (\(marks))",
                                            arguments: StatementArguments(chunk)) {
                    texts.append(BookText(title: row["title"], subtitle: row["subtitle"], authors: row["authors"], series: row["series"]))
                }
                for row in try Row.fetchAll(db, sql: "SELECT asin, isbn_13, isbn_10 FROM hc_edition WHERE book_id IN (\(marks))",
                                            arguments: StatementArguments(chunk)) {
                    identifiers.note(asin: row["asin"], isbn13: row["isbn_13"], isbn10: row["isbn_10"])
                }
            }
            return (texts, identifiers)
        }
    }

    /// Items sync found any of these books for (`hc_candidate`).
    public func itemsWithSyncedCandidates(bookIds: Set<Int>) throws -> Set<String> {
        try read { db in
            var out = Set<String>()
            let all = Array(bookIds)
            for start in stride(from: 0, to: all.count, by: 500) {
                let chunk = Array(all[start..<min(start + 500, all.count)])
                out.formUnion(try String.fetchAll(db, sql: """
                    SELECT DISTINCT item_id FROM hc_candidate WHERE book_id IN (\(databaseQuestionMarks(count: chunk.count)))
                    """, arguments: StatementArguments(chunk)))
            }
            return out
        }
    }
}

/// A small full-text index, in memory, of some books' text, tokenized as `hardcover_books_fts`
/// is (same columns, same tokenizer): whether an item's full-text query can find any of them.
public final class BookTextIndex {
    private let queue: DatabaseQueue

    public init(_ texts: [BookText]) throws {
        queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: """
                CREATE VIRTUAL TABLE hardcover_books_fts USING fts5(
                    title, subtitle, authors, series, tokenize = 'unicode61 remove_diacritics 2'
                )
                """)
            let insert = try db.makeStatement(sql: "INSERT INTO hardcover_books_fts (title, subtitle, authors, series) VALUES (?, ?, ?, ?)")
            for t in texts { try insert.execute(arguments: [t.title, t.subtitle, t.authors, t.series]) }
        }
    }

    /// For each list of `MATCH` expressions of `hardcover_books_fts`, whether one of them finds
    /// any of the books; all in one read.
    public func anyMatches(_ queryLists: [[String]]) throws -> [Bool] {
        try queue.read { db in
            let statement = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM hardcover_books_fts WHERE hardcover_books_fts MATCH ?)")
            return try queryLists.map { queries in
                try queries.contains { try Bool.fetchOne(statement, arguments: [$0]) == true }
            }
        }
    }
}
