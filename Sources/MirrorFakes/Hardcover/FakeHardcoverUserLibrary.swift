// The users' libraries of a fake Hardcover: user_books (one per user per book) and their
// user_book_reads (one per read-through), in Hardcover's terms. Plain values: the state holds them,
// the GraphQL answers are derived from them, the mutations (HCMutations.swift) change them.

import MirrorCore

/// A Hardcover account of the fake. The token decides which one `me` is (FakeHardcoverState's tokens).
public struct FakeHardcoverUser: Sendable, Equatable, Hashable {
    public var id: Int
    public var username: String

    public init(id: Int, username: String) {
        self.id = id
        self.username = username
    }

    /// User 1: the one of `validToken`, `legacyToken`, `readOnlyToken` and `catalogOnlyToken`.
    public static let reader = FakeHardcoverUser(id: 1, username: "fake-reader")
    /// User 2: the one of `secondUserToken`.
    public static let second = FakeHardcoverUser(id: 2, username: "second-listener")

    static let all = [reader, second]

    static func with(id: Int) -> FakeHardcoverUser? { all.first { $0.id == id } }
}

/// user_book_statuses: user_books.status_id, the client's own enum (ids and names are Hardcover's).
public typealias FakeHardcoverReadingStatus = HardcoverReadingStatus

extension HardcoverReadingStatus {
    /// user_book_statuses.slug: "want-to-read", "currently-reading", ...
    var slug: String { FakeHardcoverText.slug(name) }
}

/// A user_book_reads row: one read-through of a user book.
public struct FakeHardcoverUserBookRead: Sendable, Equatable {
    /// Given by the state (0 in a seed).
    public var id: Int
    /// Given by the state (0 in a seed).
    public var userBookId: Int
    public var editionId: Int?
    /// Dates: "YYYY-MM-DD".
    public var startedAt: String?
    public var finishedAt: String?
    public var pausedAt: String?
    public var progressSeconds: Int?
    public var progressPages: Int?
    public var finishedAtPrecision: Int?

    public init(id: Int = 0, userBookId: Int = 0, editionId: Int? = nil, startedAt: String? = nil,
                finishedAt: String? = nil, pausedAt: String? = nil, progressSeconds: Int? = nil,
                progressPages: Int? = nil, finishedAtPrecision: Int? = nil) {
        self.id = id
        self.userBookId = userBookId
        self.editionId = editionId
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.pausedAt = pausedAt
        self.progressSeconds = progressSeconds
        self.progressPages = progressPages
        self.finishedAtPrecision = finishedAtPrecision
    }
}

/// A user_books row: a book in a user's library, with its reads (by id).
public struct FakeHardcoverUserBook: Sendable, Equatable {
    /// Given by the state (0 in a seed).
    public var id: Int
    /// Given by the state when seeded for a user.
    public var userId: Int
    public var bookId: Int
    public var editionId: Int?
    public var status: FakeHardcoverReadingStatus
    public var owned: Bool
    /// numeric; nothing here ever changes it but update_user_book's `rating`.
    public var rating: Double?
    /// 1 public (Hardcover's default), 2 followers, 3 private: others see a user's public user books only.
    public var privacySettingId: Int
    /// "YYYY-MM-DD"; the state's today when empty.
    public var dateAdded: String
    /// Derived from the reads whenever they change (the earliest started_at, the latest finished_at,
    /// the finished reads), as Hardcover's triggers keep them (unverified); a write may set them.
    public var firstStartedReadingDate: String?
    public var lastReadDate: String?
    public var readCount: Int
    /// timestamptz as Hasura prints it ("2026-05-27T10:15:30.123456+00:00"); strictly increasing
    /// over the state's writes, on its clock. Given by the state.
    public var updatedAt: String
    public var reads: [FakeHardcoverUserBookRead]

    public init(id: Int = 0, userId: Int = 0, bookId: Int, editionId: Int? = nil, status: FakeHardcoverReadingStatus = .wantToRead,
                owned: Bool = false, rating: Double? = nil, privacySettingId: Int = 1, dateAdded: String = "",
                firstStartedReadingDate: String? = nil, lastReadDate: String? = nil, readCount: Int = 0,
                updatedAt: String = "", reads: [FakeHardcoverUserBookRead] = []) {
        self.id = id
        self.userId = userId
        self.bookId = bookId
        self.editionId = editionId
        self.status = status
        self.owned = owned
        self.rating = rating
        self.privacySettingId = privacySettingId
        self.dateAdded = dateAdded
        self.firstStartedReadingDate = firstStartedReadingDate
        self.lastReadDate = lastReadDate
        self.readCount = readCount
        self.updatedAt = updatedAt
        self.reads = reads
    }

    /// first_started_reading_date, last_read_date and read_count from the reads.
    mutating func deriveFromReads() {
        firstStartedReadingDate = reads.compactMap(\.startedAt).min()
        lastReadDate = reads.compactMap(\.finishedAt).max()
        readCount = reads.filter { $0.finishedAt != nil }.count
    }
}

/// Every user's library, with the ids the next rows get. A value: a query runs over a copy taken
/// when it is admitted; mutations change the state's own, one at a time.
struct HCLibrary: Sendable {
    /// By id.
    private(set) var userBooks: [Int: FakeHardcoverUserBook] = [:]
    /// Ids in ascending order (the table's order).
    private(set) var order: [Int] = []
    /// Read id -> its user book's id.
    private(set) var readOwners: [Int: Int] = [:]
    /// (user id, book id) -> user book id.
    private var byUserAndBook: [UserBookKey: Int] = [:]
    private(set) var nextUserBookId = 5_000_001
    private(set) var nextReadId = 8_000_001
    /// The last updated_at given, in microseconds since 1970.
    private var lastStamp: Int64 = 0

    static let firstListBookId = 9_000_001
    var nextListBookId = firstListBookId

    func userBook(_ id: Int) -> FakeHardcoverUserBook? { userBooks[id] }

    func read(_ id: Int) -> FakeHardcoverUserBookRead? {
        readOwners[id].flatMap { userBooks[$0] }?.reads.first { $0.id == id }
    }

    /// The user's user book of a book.
    func userBook(user: Int, book: Int) -> FakeHardcoverUserBook? {
        byUserAndBook[UserBookKey(user: user, book: book)].flatMap { userBooks[$0] }
    }

    /// A user's library, by id.
    func library(of user: Int) -> [FakeHardcoverUserBook] {
        order.compactMap { userBooks[$0] }.filter { $0.userId == user }
    }

    /// Whether `viewer` may see `row`: their own, or another user's public one (Hasura's row permission).
    func isVisible(_ row: FakeHardcoverUserBook, to viewer: Int) -> Bool {
        row.userId == viewer || row.privacySettingId == 1
    }

    /// A new timestamptz for a write at `now` (since 1970): never the same twice, never earlier.
    mutating func stamp(now: Duration) -> String {
        let (seconds, attoseconds) = now.components
        let micros = max(seconds * 1_000_000 + attoseconds / 1_000_000_000_000, lastStamp + 1)
        lastStamp = micros
        return HCDate.timestamp(microseconds: micros)
    }

    /// Adds a user book: ids given to it and its reads, derived columns computed.
    mutating func insert(_ row: FakeHardcoverUserBook, stamp: String) -> FakeHardcoverUserBook {
        var row = row
        row.id = nextUserBookId
        nextUserBookId += 1
        row.reads = row.reads.map { read in
            var read = read
            read.id = nextReadId
            nextReadId += 1
            read.userBookId = row.id
            return read
        }
        if !row.reads.isEmpty { row.deriveFromReads() }
        row.updatedAt = stamp
        userBooks[row.id] = row
        order.append(row.id)
        byUserAndBook[UserBookKey(user: row.userId, book: row.bookId)] = row.id
        for read in row.reads { readOwners[read.id] = row.id }
        return row
    }

    /// Replaces a user book (same id), its reads' owners kept in step.
    mutating func replace(_ row: FakeHardcoverUserBook) {
        if let old = userBooks[row.id] { for read in old.reads { readOwners[read.id] = nil } }
        userBooks[row.id] = row
        for read in row.reads { readOwners[read.id] = row.id }
    }

    /// Removes a user book and its reads.
    mutating func delete(_ id: Int) -> FakeHardcoverUserBook? {
        guard let row = userBooks.removeValue(forKey: id) else { return nil }
        let key = UserBookKey(user: row.userId, book: row.bookId)
        if byUserAndBook[key] == id { byUserAndBook[key] = nil }
        for read in row.reads { readOwners[read.id] = nil }
        if let n = order.firstIndex(of: id) { order.remove(at: n) }
        return row
    }

    /// A new read id.
    mutating func newReadId() -> Int {
        defer { nextReadId += 1 }
        return nextReadId
    }
}

struct UserBookKey: Hashable, Sendable {
    var user: Int
    var book: Int
}

/// Dates and timestamps on the fake's clock (seconds since 1970, UTC).
enum HCDate {
    /// "YYYY-MM-DD" of the day `now` falls in.
    static func day(_ now: Duration) -> String {
        let days = Int(now.components.seconds.floorDivided(by: 86_400))
        return format(days: days)
    }

    /// "2026-05-27T10:15:30.123456+00:00".
    static func timestamp(microseconds: Int64) -> String {
        let seconds = microseconds.floorDivided(by: 1_000_000)
        let micros = Int(microseconds - seconds * 1_000_000)
        let days = Int(seconds.floorDivided(by: 86_400))
        let second = Int(seconds - Int64(days) * 86_400)
        let time = "\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2)).\(pad(micros, 6))"
        return "\(format(days: days))T\(time)+00:00"
    }

    /// Whether `text` is a date Postgres takes as "YYYY-MM-DD".
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func format(days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    fileprivate func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
