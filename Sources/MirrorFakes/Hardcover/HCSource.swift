/// What a request's fields run over: the catalog, the users' libraries (as they were when a query
/// was admitted; as they are, for a mutation) and whose token it is. The libraries' rows are
/// answered here; the catalog's by its tables.
///
/// Row permissions, as Hasura's: a user sees their own user books and reads, and other users'
/// public ones (privacy_setting_id 1); `users.user_books` and the `user_books` root likewise. A
/// client that forgets `where: {user_id: {_eq: me}}` gets other people's public books.
struct HCSource: Sendable {
    let tables: FakeHardcoverCatalog.Tables
    let library: HCLibrary
    let viewer: FakeHardcoverUser

    /// The rows of a root list field, in the table's order (by id).
    func allRows(of typeName: String) -> [HCRow] {
        switch typeName {
        case "user_books":
            library.order.compactMap { id in library.userBook(id).flatMap { visible($0) ? .userBook(id) : nil } }
        case "user_book_reads":
            library.order.compactMap { library.userBook($0) }.filter(visible)
                .flatMap { $0.reads.map(\.id) }.sorted().map(HCRow.userBookRead)
        case "user_book_statuses":
            FakeHardcoverReadingStatus.allCases.map { .userBookStatus($0.rawValue) }
        default:
            tables.allRows(of: typeName)
        }
    }

    func visible(_ row: FakeHardcoverUserBook) -> Bool { library.isVisible(row, to: viewer.id) }

    /// user_books_by_pk and user_book_reads_by_pk.
    func userBookRow(_ id: Int) -> HCRow? { library.userBook(id).flatMap { visible($0) ? .userBook(id) : nil } }

    func readRow(_ id: Int) -> HCRow? {
        guard let read = library.read(id), let owner = library.userBook(read.userBookId), visible(owner) else { return nil }
        return .userBookRead(id)
    }

    /// A relation of `row` named `name`, nil if `name` is not one.
    func relation(_ name: String, of row: HCRow) -> HCRelation? {
        switch row {
        case .userBook(let id):
            guard let userBook = library.userBook(id) else { return nil }
            switch name {
            case "book": return .object(tables.bookIndex[userBook.bookId].map(HCRow.book))
            case "edition": return .object(userBook.editionId.flatMap { tables.editionIndex[$0] }.map(HCRow.edition))
            case "user": return .object(.user(userBook.userId))
            case "user_book_status": return .object(.userBookStatus(userBook.status.rawValue))
            case "user_book_reads": return .array(userBook.reads.map { .userBookRead($0.id) })
            default: return nil
            }
        case .userBookRead(let id):
            guard let read = library.read(id) else { return nil }
            switch name {
            case "user_book": return .object(.userBook(read.userBookId))
            case "edition": return .object(read.editionId.flatMap { tables.editionIndex[$0] }.map(HCRow.edition))
            default: return nil
            }
        case .user(let id):
            guard name == "user_books" else { return nil }
            return .array(library.library(of: id).filter(visible).map { .userBook($0.id) })
        case .mutationResult(let result):
            switch name {
            case "user_book": return .object(result.userBookId.flatMap(userBookRow))
            case "user_book_read": return .object(result.readId.flatMap(readRow))
            default: return nil
            }
        case .userBookStatus:
            return nil
        default:
            return tables.relation(name, of: row)
        }
    }

    /// The value of the scalar field `name` of `row`; nil when `name` is not a scalar field of it.
    func column(_ name: String, of row: HCRow) -> HCJSON? {
        switch row {
        case .user(let id):
            switch name {
            case "id": return .int(id)
            case "username": return .optional(FakeHardcoverUser.with(id: id)?.username)
            default: return nil
            }
        case .userBook(let id):
            return library.userBook(id).flatMap { Self.column(name, of: $0) }
        case .userBookRead(let id):
            guard let read = library.read(id) else { return nil }
            if name == "progress" { return .optional(progress(of: read)) }
            return Self.column(name, of: read)
        case .userBookStatus(let id):
            guard let status = FakeHardcoverReadingStatus(rawValue: id) else { return nil }
            switch name {
            case "id": return .int(id)
            case "status": return .string(status.name)
            case "slug": return .string(status.slug)
            case "description": return .null
            default: return nil
            }
        case .mutationResult(let result):
            return result.columns[name]
        default:
            return tables.column(name, of: row)
        }
    }

    static func column(_ name: String, of row: FakeHardcoverUserBook) -> HCJSON? {
        switch name {
        case "id": .int(row.id)
        case "user_id": .int(row.userId)
        case "book_id": .int(row.bookId)
        case "edition_id": .optional(row.editionId)
        case "status_id": .int(row.status.rawValue)
        case "owned": .bool(row.owned)
        case "rating": .optional(row.rating)
        case "privacy_setting_id": .int(row.privacySettingId)
        case "date_added": .string(row.dateAdded)
        case "first_started_reading_date": .optional(row.firstStartedReadingDate)
        case "last_read_date": .optional(row.lastReadDate)
        case "read_count": .int(row.readCount)
        case "updated_at": .string(row.updatedAt)
        default: nil
        }
    }

    static func column(_ name: String, of read: FakeHardcoverUserBookRead) -> HCJSON? {
        switch name {
        case "id": .int(read.id)
        case "user_book_id": .int(read.userBookId)
        case "edition_id": .optional(read.editionId)
        case "started_at": .optional(read.startedAt)
        case "finished_at": .optional(read.finishedAt)
        case "paused_at": .optional(read.pausedAt)
        case "progress_seconds": .optional(read.progressSeconds)
        case "progress_pages": .optional(read.progressPages)
        case "finished_at_precision": .optional(read.finishedAtPrecision)
        default: nil
        }
    }

    /// Hardcover computes `progress` (percent, 0–100): progress_seconds over the edition's
    /// audio_seconds, else progress_pages over its pages; the read's edition, else its user book's.
    /// null when there is nothing to compute it from.
    func progress(of read: FakeHardcoverUserBookRead) -> Double? {
        let editionId = read.editionId ?? library.userBook(read.userBookId)?.editionId
        let edition = editionId.flatMap { tables.editionIndex[$0] }.map { tables.editions[$0] }
        func percent(_ part: Int?, _ whole: Int?) -> Double? {
            guard let part, let whole, whole > 0 else { return nil }
            return min(100, max(0, Double(part) * 100 / Double(whole)))
        }
        return percent(read.progressSeconds, edition?.audioSeconds) ?? percent(read.progressPages, edition?.pages)
    }
}

/// A mutation's answer object: its scalar fields, and the rows its `user_book` / `user_book_read` name.
struct HCMutationResult: Sendable {
    /// "UserBookIdType", "UserBookReadIdType", "UserBookDeleteType", "ListBookIdType".
    var typeName: String
    var columns: [String: HCJSON]
    var userBookId: Int? = nil
    var readId: Int? = nil
}
