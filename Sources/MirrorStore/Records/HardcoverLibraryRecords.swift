import Foundation
import GRDB
import MirrorCore

/// A row of `hc_user`: a Hardcover user whose library the mirror holds (by id: no username is read).
struct HardcoverUserRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_user"

    enum Columns: String, ColumnExpression {
        case id, seenAt = "seen_at"
    }

    var id: Int
    var seenAt: String

    init(id: Int, seenAt: String) {
        self.id = id
        self.seenAt = seenAt
    }

    init(row: Row) throws {
        id = row[Columns.id]
        seenAt = row[Columns.seenAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.seenAt] = seenAt
    }
}

/// A row of `hc_user_book`: one book of a user's Hardcover library (its reads are rows of
/// `hc_user_book_read`). No rating.
struct HardcoverUserBookRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_user_book"

    enum Columns: String, ColumnExpression {
        case id, userId = "user_id", bookId = "book_id", editionId = "edition_id", statusId = "status_id", owned
        case updatedAt = "updated_at", syncedAt = "synced_at"
    }

    var userId: Int
    /// `reads` is empty when fetched: the reads are their own rows.
    var book: HardcoverUserBook
    var syncedAt: String

    init(_ book: HardcoverUserBook, userId: Int, syncedAt: String) {
        self.userId = userId
        self.book = book
        self.syncedAt = syncedAt
    }

    init(row: Row) throws {
        let statusId: Int = row[Columns.statusId]
        guard let status = HardcoverReadingStatus(rawValue: statusId) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "hc_user_book \(row[Columns.id] as Int) has status_id \(statusId)")
        }
        userId = row[Columns.userId]
        book = HardcoverUserBook(id: row[Columns.id], bookId: row[Columns.bookId], editionId: row[Columns.editionId], status: status,
                                 owned: row[Columns.owned], updatedAt: row[Columns.updatedAt])
        syncedAt = row[Columns.syncedAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = book.id
        container[Columns.userId] = userId
        container[Columns.bookId] = book.bookId
        container[Columns.editionId] = book.editionId
        container[Columns.statusId] = book.status.rawValue
        container[Columns.owned] = book.owned
        container[Columns.updatedAt] = book.updatedAt
        container[Columns.syncedAt] = syncedAt
    }
}

/// A row of `hc_user_book_read`: one read of a user book; dates are "YYYY-MM-DD".
struct HardcoverReadRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_user_book_read"

    enum Columns: String, ColumnExpression {
        case id, userBookId = "user_book_id", editionId = "edition_id", startedOn = "started_on", finishedOn = "finished_on"
        case progressSeconds = "progress_seconds"
    }

    var userBookId: Int
    var read: HardcoverRead

    init(_ read: HardcoverRead, userBookId: Int) {
        self.userBookId = userBookId
        self.read = read
    }

    init(row: Row) throws {
        func date(_ column: Columns) throws -> HardcoverDate? {
            guard let text = row[column] as String? else { return nil }
            guard let date = HardcoverDate(text) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "hc_user_book_read \(row[Columns.id] as Int) has \(column.rawValue) '\(text)'")
            }
            return date
        }
        userBookId = row[Columns.userBookId]
        read = HardcoverRead(id: row[Columns.id], editionId: row[Columns.editionId], startedOn: try date(.startedOn),
                             finishedOn: try date(.finishedOn), progressSeconds: row[Columns.progressSeconds])
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = read.id
        container[Columns.userBookId] = userBookId
        container[Columns.editionId] = read.editionId
        container[Columns.startedOn] = read.startedOn?.description
        container[Columns.finishedOn] = read.finishedOn?.description
        container[Columns.progressSeconds] = read.progressSeconds
    }
}

/// What `saveHardcoverLibrary` stored.
public struct HardcoverLibraryCount: Sendable, Equatable {
    public var userId: Int
    public var books: Int
    public var reads: Int

    public init(userId: Int, books: Int, reads: Int) {
        self.userId = userId
        self.books = books
        self.reads = reads
    }
}

extension Mirror {
    /// Replaces the user's Hardcover library with `library`, in one transaction: user books (and
    /// reads) removed on Hardcover disappear from the mirror; other users' rows are untouched.
    @discardableResult
    public func saveHardcoverLibrary(_ library: HardcoverUserLibrary) throws -> HardcoverLibraryCount {
        try write { db in
            let now = ISO8601.now()
            try HardcoverUserRecord(id: library.userId, seenAt: now).upsert(db)
            // The reads go with their user books (ON DELETE CASCADE).
            try HardcoverUserBookRecord.filter(HardcoverUserBookRecord.Columns.userId == library.userId).deleteAll(db)
            var count = HardcoverLibraryCount(userId: library.userId, books: 0, reads: 0)
            for book in library.books {
                // A user book id seen under another user (it moved, or ids were reused): this sync's answer wins.
                try HardcoverUserBookRecord.deleteOne(db, key: book.id)
                try HardcoverUserBookRecord(book, userId: library.userId, syncedAt: now).insert(db)
                count.books += 1
                for read in book.reads {
                    try HardcoverReadRecord.deleteOne(db, key: read.id)
                    try HardcoverReadRecord(read, userBookId: book.id).insert(db)
                    count.reads += 1
                }
            }
            return count
        }
    }

    /// The user's Hardcover library as the mirror holds it: user books by id, each with its reads by id.
    public func hardcoverLibrary(userId: Int) throws -> [HardcoverUserBook] {
        try read { db in try hardcoverLibrary(userId: userId, db: db) }
    }

    func hardcoverLibrary(userId: Int, db: Database) throws -> [HardcoverUserBook] {
        let rows = try HardcoverUserBookRecord.filter(HardcoverUserBookRecord.Columns.userId == userId)
            .order(HardcoverUserBookRecord.Columns.id).fetchAll(db)
        var reads: [Int: [HardcoverRead]] = [:]
        let cursor = try HardcoverReadRecord.filter(sql: "user_book_id IN (SELECT id FROM hc_user_book WHERE user_id = ?)", arguments: [userId])
            .order(HardcoverReadRecord.Columns.id).fetchCursor(db)
        while let record = try cursor.next() {
            reads[record.userBookId, default: []].append(record.read)
        }
        return rows.map { record in
            var book = record.book
            book.reads = reads[book.id] ?? []
            return book
        }
    }
}

extension Mirror {
    /// Keeps the mirror's copy of these books' places in the user's library in step with what a
    /// push saw: each book's user book (with its reads) replaced, or removed when it is gone.
    public func refreshHardcoverShelf(userId: Int, entries: [HardcoverShelfEntry]) throws {
        try write { db in
            let now = ISO8601.now()
            if try HardcoverUserRecord.fetchOne(db, key: userId) == nil {
                try HardcoverUserRecord(id: userId, seenAt: now).insert(db)
            }
            typealias C = HardcoverUserBookRecord.Columns
            for entry in entries {
                try HardcoverUserBookRecord.filter(C.userId == userId && C.bookId == entry.bookId).deleteAll(db)
                guard let book = entry.userBook else { continue }
                try HardcoverUserBookRecord.deleteOne(db, key: book.id)
                try HardcoverUserBookRecord(book, userId: userId, syncedAt: now).insert(db)
                for read in book.reads {
                    try HardcoverReadRecord.deleteOne(db, key: read.id)
                    try HardcoverReadRecord(read, userBookId: book.id).insert(db)
                }
            }
        }
    }
}
