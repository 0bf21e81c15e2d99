import Foundation

/// user_books.status_id: where a book stands in a Hardcover user's library.
public enum HardcoverReadingStatus: Int, Sendable, Equatable, Hashable, CaseIterable {
    case wantToRead = 1
    case currentlyReading = 2
    case read = 3
    case paused = 4
    case didNotFinish = 5
    case ignored = 6

    /// Hardcover's own name (user_book_statuses.status).
    public var name: String {
        switch self {
        case .wantToRead: "Want to Read"
        case .currentlyReading: "Currently Reading"
        case .read: "Read"
        case .paused: "Paused"
        case .didNotFinish: "Did Not Finish"
        case .ignored: "Ignored"
        }
    }
}

/// A calendar date with no time and no zone, as Hardcover's `date` scalar ("YYYY-MM-DD"): a read's
/// start or finish is the listener's local day.
public struct HardcoverDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// nil unless the month and day exist (leap years included).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= HardcoverDate.days(inMonth: month, of: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// "YYYY-MM-DD" exactly; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// "YYYY-MM-DD".
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: HardcoverDate, b: HardcoverDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A user_book_reads row: one read-through (or listen-through) of a book in the user's library.
public struct HardcoverRead: Sendable, Equatable {
    public var id: Int
    public var editionId: Int?
    public var startedOn: HardcoverDate?
    public var finishedOn: HardcoverDate?
    public var progressSeconds: Int?

    public init(id: Int, editionId: Int? = nil, startedOn: HardcoverDate? = nil, finishedOn: HardcoverDate? = nil,
                progressSeconds: Int? = nil) {
        self.id = id
        self.editionId = editionId
        self.startedOn = startedOn
        self.finishedOn = finishedOn
        self.progressSeconds = progressSeconds
    }
}

/// A user_books row: one book in the token's user's Hardcover library, with its reads (by id).
/// The rating is never read: nothing here touches it.
public struct HardcoverUserBook: Sendable, Equatable {
    public var id: Int
    public var bookId: Int
    public var editionId: Int?
    public var status: HardcoverReadingStatus
    public var owned: Bool
    /// The row's timestamptz exactly as Hardcover sent it ("2026-05-27T10:15:30.123456+00:00"):
    /// compared, never computed with, so it is kept as text.
    public var updatedAt: String
    /// Ordered by id.
    public var reads: [HardcoverRead]

    public init(id: Int, bookId: Int, editionId: Int? = nil, status: HardcoverReadingStatus, owned: Bool = false,
                updatedAt: String, reads: [HardcoverRead] = []) {
        self.id = id
        self.bookId = bookId
        self.editionId = editionId
        self.status = status
        self.owned = owned
        self.updatedAt = updatedAt
        self.reads = reads
    }
}

/// The token's user's library as read: whose it is, its books by id, and how many rows were left
/// out because they could not be understood.
public struct HardcoverUserLibrary: Sendable, Equatable {
    /// Hardcover's id of the token's user (`me`).
    public var userId: Int
    /// Ordered by id.
    public var books: [HardcoverUserBook]
    /// Rows skipped as malformed (a missing id or book id, an unknown status, a read that is not a
    /// read): counted, never fatal. Such a book is absent from `books`.
    public var skippedRows: Int

    public init(userId: Int, books: [HardcoverUserBook], skippedRows: Int = 0) {
        self.userId = userId
        self.books = books
        self.skippedRows = skippedRows
    }
}
