import Foundation
import GRDB
import MirrorCore

/// What `diff --target hardcover` works from: whose listening state it is on each side, and the
/// items whose state may go to Hardcover.
public struct ListeningSubjects: Sendable {
    /// The AudiobookShelf user whose progress the mirror read last; nil before any sync read it.
    public var absUserId: String?
    /// The Hardcover user whose library the mirror read last; nil before any sync read it.
    public var hardcoverUserId: Int?
    /// Items present, matched `auto` or `confirmed`, whose matched book has an audiobook edition
    /// in the mirror; by item key.
    public var subjects: [ListeningSubject]
}

extension Mirror {
    /// The audiobook edition an item's listening state goes on, as SQL over `match m`: the match's
    /// edition when it is an audiobook; else the book's default audiobook edition; else the book's
    /// audiobook edition most people have. Null when the mirror knows none. The `hardcover_gaps`
    /// view names the items for which it is null.
    static let audioEditionSQL = """
        COALESCE(
          (SELECT e.id FROM hc_edition e WHERE e.id = m.edition_id AND e.reading_format = 'audiobook'),
          (SELECT e.id FROM hc_book b JOIN hc_edition e ON e.id = b.default_audio_edition_id
           WHERE b.id = m.book_id AND e.reading_format = 'audiobook'),
          (SELECT e.id FROM hc_edition e WHERE e.book_id = m.book_id AND e.reading_format = 'audiobook'
           ORDER BY e.users_count DESC, e.id LIMIT 1))
        """

    /// The listening subjects: for each item present whose match is `auto` or `confirmed` and whose
    /// book has an audiobook edition, the current AudiobookShelf user's progress (nil: none) and
    /// the book's place in the current Hardcover user's library. With no Hardcover library read
    /// yet, there is nothing to compare with: no subjects.
    public func listeningSubjects(itemIds: Set<String>? = nil) throws -> ListeningSubjects {
        try read { db in
            let absUser = try String.fetchOne(db, sql: "SELECT id FROM abs_user ORDER BY seen_at DESC, id LIMIT 1")
            let hcUser = try Int.fetchOne(db, sql: "SELECT id FROM hc_user ORDER BY seen_at DESC, id LIMIT 1")
            guard let hcUser else { return ListeningSubjects(absUserId: absUser, hardcoverUserId: nil, subjects: []) }

            var progress: [String: ListeningProgress] = [:]
            if let absUser {
                for record in try ProgressRecord.filter(ProgressRecord.Columns.userId == absUser).fetchAll(db) {
                    progress[record.progress.itemId] = record.progress
                }
            }

            struct Row { var itemId: String, bookId: Int, audioEdition: Int }
            var rows: [Row] = []
            let cursor = try GRDB.Row.fetchCursor(db, sql: """
                SELECT i.id, m.book_id, \(Self.audioEditionSQL) AS audio_edition
                FROM abs_item i JOIN match m ON m.item_id = i.id
                WHERE i.removed_at IS NULL AND m.status IN ('auto', 'confirmed') AND m.book_id IS NOT NULL
                ORDER BY i.key
                """)
            while let row = try cursor.next() {
                let id: String = row["id"]
                if let itemIds, !itemIds.contains(id) { continue }
                guard let audio: Int = row["audio_edition"] else { continue }
                rows.append(Row(itemId: id, bookId: row["book_id"], audioEdition: audio))
            }

            let books = Set(rows.map(\.bookId))
            var editions: [Int: [Int: Bool]] = [:]
            let editionRows = try GRDB.Row.fetchCursor(db, sql: "SELECT id, book_id, reading_format = 'audiobook' AS audio FROM hc_edition")
            while let row = try editionRows.next() {
                let book: Int = row["book_id"]
                if books.contains(book) { editions[book, default: [:]][row["id"]] = row["audio"] }
            }
            let shelf = Dictionary(try hardcoverLibrary(userId: hcUser, db: db).map { ($0.bookId, $0) }) { first, _ in first }
            let subjects = rows.map { row in
                ListeningSubject(itemId: row.itemId, progress: progress[row.itemId], audioEdition: row.audioEdition,
                                 editionIsAudio: editions[row.bookId] ?? [:],
                                 shelf: HardcoverShelfEntry(bookId: row.bookId, userBook: shelf[row.bookId]))
            }
            return ListeningSubjects(absUserId: absUser, hardcoverUserId: hcUser, subjects: subjects)
        }
    }
}
