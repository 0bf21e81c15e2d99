import GRDB
import MirrorCore

/// An item with listening state that no push can write to Hardcover: a row of the view
/// `hardcover_gaps` ("Not on Hardcover", issue 14), with the reason and what to do about it.
public struct HardcoverGap: Sendable, Equatable, FetchableRecord {
    /// Why the item's listening state cannot reach Hardcover; the raw values are the view's `reason`.
    public enum Reason: String, Sendable, Equatable, Hashable, CaseIterable, Codable, DatabaseValueConvertible {
        /// No match, or the match is `unmatched` or `rejected`.
        case noMatch = "no_match"
        /// The match waits for the user's review.
        case needsReview = "needs_review"
        /// The matched book is not among the mirror's Hardcover books.
        case bookNotMirrored = "book_not_mirrored"
        /// The matched book has no audiobook edition in the mirror.
        case noAudiobookEdition = "no_audiobook_edition"
    }

    public enum Columns: String, ColumnExpression {
        case itemId = "item_id", title, authors, reason, nextStep = "next_step", bookId = "book_id"
        case matchStatus = "match_status", progress, finished, lastUpdate = "last_update"
    }

    /// The view's columns, in order.
    public static let columnNames = ["item_id", "title", "authors", "reason", "next_step", "book_id", "match_status",
                                     "progress", "finished", "last_update"]

    public var itemId: String
    public var title: String?
    /// The item's authors as `items` holds them: a JSON array.
    public var authors: String
    public var reason: Reason
    /// What to do, as a command line or a step on Hardcover.
    public var nextStep: String
    /// The matched (or best candidate) Hardcover book, if any.
    public var bookId: Int?
    public var matchStatus: MatchStatus?
    /// 0 to 1, as AudiobookShelf stores it.
    public var progress: Double
    public var finished: Bool
    public var lastUpdate: String?

    public init(row: Row) throws {
        itemId = row[Columns.itemId]
        title = row[Columns.title]
        authors = row[Columns.authors]
        reason = row[Columns.reason]
        nextStep = row[Columns.nextStep]
        bookId = row[Columns.bookId]
        matchStatus = row[Columns.matchStatus]
        progress = row[Columns.progress]
        finished = row[Columns.finished]
        lastUpdate = row[Columns.lastUpdate]
    }
}

extension Mirror {
    /// Every item of `hardcover_gaps`, by reason (in `Reason`'s order), then title and id.
    public func hardcoverGaps() throws -> [HardcoverGap] {
        try read { db in
            try HardcoverGap.fetchAll(db, sql: """
                SELECT \(HardcoverGap.columnNames.joined(separator: ", ")) FROM hardcover_gaps
                ORDER BY CASE reason WHEN 'no_match' THEN 0 WHEN 'needs_review' THEN 1 WHEN 'book_not_mirrored' THEN 2 ELSE 3 END,
                         title COLLATE NOCASE, item_id
                """)
        }
    }

    /// How many items `hardcover_gaps` holds.
    public func hardcoverGapCount() throws -> Int {
        try read { db in try Self.hardcoverGapCount(db) }
    }

    static func hardcoverGapCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM hardcover_gaps") ?? 0
    }
}
