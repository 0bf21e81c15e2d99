// Hardcover's library mutations. On Hardcover they are actions (its own handlers behind Hasura), not
// Hasura's generated inserts: each top-level field runs on its own, in document order, and is not
// undone when a later one fails (no transaction). What they answer, and how they fail:
//
// - Refused by the handler (a book or edition that does not exist, a second user book for a book,
//   another user's user book or read, a status or privacy id out of range): HTTP 200, the field's
//   own `error` string and a null row, nothing changed. The texts are the fake's (Hardcover's
//   exact wording is unverified).
// - A value Postgres refuses (a date that is not "YYYY-MM-DD"), delete_user_book of a user book that
//   is not the user's (UserBookDeleteType has no `error`), edition_owned of an unknown edition, an
//   injected `.mutationFailure`: HTTP 200 with `errors` and no `data` at all; the fields before it
//   have applied, it and those after it have not.
// - Quirk (peers' reports, unverified through the API): update_user_book that moves status_id to 3
//   (Read) on a user book with no read creates a read finished "today" (the day of the fake's clock),
//   with no start date, on the user book's edition.
// - Every write stamps the user book's updated_at (strictly increasing); a write to its reads
//   re-derives first_started_reading_date, last_read_date and read_count.
// - edition_owned toggles `owned` on the user's user book of the edition's book (creating a "Want
//   to Read" user book on that edition when there is none) and answers the owned-list entry's id,
//   null once removed. Toggle semantics unverified.

/// Applies one mutation field to the libraries, as the token's user.
struct HCMutator {
    var library: HCLibrary
    let tables: FakeHardcoverCatalog.Tables
    let viewer: FakeHardcoverUser
    /// The fake's clock: "today" and updated_at.
    let now: Duration

    /// The field's answer row; throws the in-band error that fails the request.
    mutating func apply(_ plan: HCPlan) throws(HCGraphQLError) -> HCMutationResult {
        let arguments = plan.arguments
        switch plan.name {
        case "insert_user_book":
            return try insertUserBook(arguments["object"] ?? .object([]))
        case "update_user_book":
            return try updateUserBook(arguments["id"]?.intValue ?? 0, arguments["object"] ?? .object([]))
        case "delete_user_book":
            return try deleteUserBook(arguments["id"]?.intValue ?? 0)
        case "insert_user_book_read":
            return try insertRead(userBook: arguments["user_book_id"]?.intValue ?? 0, arguments["user_book_read"] ?? .object([]))
        case "update_user_book_read":
            return try updateRead(arguments["id"]?.intValue ?? 0, arguments["object"] ?? .object([]))
        case "delete_user_book_read":
            return deleteRead(arguments["id"]?.intValue ?? 0)
        case "edition_owned":
            return try editionOwned(arguments["id"]?.intValue ?? 0)
        default:
            throw HCGraphQLError(message: "field '\(plan.name)' not found in type: 'mutation_root'", path: plan.path)
        }
    }

    /// The answer of a field refused by its handler: its `error`, a null row.
    static func refusal(_ typeName: String, _ message: String) -> HCMutationResult {
        var columns: [String: HCJSON] = ["error": .string(message), "id": .null]
        if typeName == "UserBookDeleteType" { columns = ["id": .null, "book_id": .null, "user_id": .null] }
        return HCMutationResult(typeName: typeName, columns: columns)
    }

    // MARK: - user_books

    private mutating func insertUserBook(_ input: HCInput) throws(HCGraphQLError) -> HCMutationResult {
        let type = "UserBookIdType"
        try Self.checkDates(input)
        let bookId = input["book_id"]?.intValue ?? 0
        guard tables.bookIndex[bookId] != nil else { return Self.refusal(type, "Book not found") }
        if library.userBook(user: viewer.id, book: bookId) != nil {
            return Self.refusal(type, "This book is already in your library")
        }
        var row = FakeHardcoverUserBook(userId: viewer.id, bookId: bookId, dateAdded: HCDate.day(now))
        if let message = assign(input, to: &row) { return Self.refusal(type, message) }
        row = library.insert(row, stamp: library.stamp(now: now))
        return HCMutationResult(typeName: type, columns: ["error": .null, "id": .int(row.id)], userBookId: row.id)
    }

    private mutating func updateUserBook(_ id: Int, _ input: HCInput) throws(HCGraphQLError) -> HCMutationResult {
        let type = "UserBookIdType"
        try Self.checkDates(input)
        guard var row = ownUserBook(id) else { return Self.refusal(type, "User book not found") }
        let before = row.status
        if let message = assign(input, to: &row) { return Self.refusal(type, message) }
        if row.status == .read, before != .read, row.reads.isEmpty {
            row.reads.append(FakeHardcoverUserBookRead(id: library.newReadId(), userBookId: row.id, editionId: row.editionId,
                                                       finishedAt: HCDate.day(now)))
            row.deriveFromReads()
        }
        row.updatedAt = library.stamp(now: now)
        library.replace(row)
        return HCMutationResult(typeName: type, columns: ["error": .null, "id": .int(row.id)], userBookId: row.id)
    }

    private mutating func deleteUserBook(_ id: Int) throws(HCGraphQLError) -> HCMutationResult {
        guard ownUserBook(id) != nil, let row = library.delete(id) else {
            throw HCGraphQLError(message: "User book not found", path: "$", code: "unexpected")
        }
        return HCMutationResult(typeName: "UserBookDeleteType",
                                columns: ["id": .int(row.id), "book_id": .int(row.bookId), "user_id": .int(row.userId)])
    }

    /// The fields of UserBookCreateInput / UserBookUpdateInput the fake keeps; an explicit null clears
    /// a nullable column and leaves a non-null one. The refusal's text, or nil.
    private func assign(_ input: HCInput, to row: inout FakeHardcoverUserBook) -> String? {
        for field in input.objectFields {
            let value = field.value
            switch field.name {
            case "edition_id":
                if value == .null { row.editionId = nil; continue }
                guard let id = value.intValue, let e = tables.editionIndex[id] else { return "Edition not found" }
                guard tables.editions[e].bookId == row.bookId else { return "The edition is not an edition of this book" }
                row.editionId = id
            case "status_id":
                guard value != .null else { continue }
                guard let status = value.intValue.flatMap(FakeHardcoverReadingStatus.init(rawValue:)) else { return "Invalid status" }
                row.status = status
            case "privacy_setting_id":
                guard value != .null else { continue }
                guard let id = value.intValue, (1...3).contains(id) else { return "Invalid privacy setting" }
                row.privacySettingId = id
            case "rating":
                if case .float(let r) = value { row.rating = r } else { row.rating = nil }
            case "date_added":
                if let date = value.stringValue { row.dateAdded = date }
            case "first_started_reading_date":
                row.firstStartedReadingDate = value.stringValue
            case "last_read_date":
                row.lastReadDate = value.stringValue
            case "read_count":
                if let n = value.intValue { row.readCount = n }
            default:
                continue // accepted, not kept (notes, review, urls...)
            }
        }
        return nil
    }

    /// The viewer's own user book; nil for another user's (refused as not found).
    private func ownUserBook(_ id: Int) -> FakeHardcoverUserBook? {
        library.userBook(id).flatMap { $0.userId == viewer.id ? $0 : nil }
    }

    // MARK: - user_book_reads

    private mutating func insertRead(userBook id: Int, _ input: HCInput) throws(HCGraphQLError) -> HCMutationResult {
        let type = "UserBookReadIdType"
        try Self.checkDates(input)
        guard var row = ownUserBook(id) else { return Self.refusal(type, "User book not found") }
        var read = FakeHardcoverUserBookRead(id: 0, userBookId: row.id)
        if let message = assign(input, to: &read, of: row) { return Self.refusal(type, message) }
        read.id = library.newReadId()
        row.reads.append(read)
        row.deriveFromReads()
        row.updatedAt = library.stamp(now: now)
        library.replace(row)
        return HCMutationResult(typeName: type, columns: ["error": .null, "id": .int(read.id)], readId: read.id)
    }

    private mutating func updateRead(_ id: Int, _ input: HCInput) throws(HCGraphQLError) -> HCMutationResult {
        let type = "UserBookReadIdType"
        try Self.checkDates(input)
        guard let owner = library.read(id)?.userBookId, var row = ownUserBook(owner),
              let n = row.reads.firstIndex(where: { $0.id == id }) else { return Self.refusal(type, "Read not found") }
        var read = row.reads[n]
        if let message = assign(input, to: &read, of: row) { return Self.refusal(type, message) }
        row.reads[n] = read
        row.deriveFromReads()
        row.updatedAt = library.stamp(now: now)
        library.replace(row)
        return HCMutationResult(typeName: type, columns: ["error": .null, "id": .int(id)], readId: id)
    }

    private mutating func deleteRead(_ id: Int) -> HCMutationResult {
        let type = "UserBookReadIdType"
        guard let owner = library.read(id)?.userBookId, var row = ownUserBook(owner) else {
            return Self.refusal(type, "Read not found")
        }
        row.reads.removeAll { $0.id == id }
        row.deriveFromReads()
        row.updatedAt = library.stamp(now: now)
        library.replace(row)
        return HCMutationResult(typeName: type, columns: ["error": .null, "id": .int(id)])
    }

    /// The fields of DatesReadInput (`id` and `action` are ignored); an explicit null clears.
    private func assign(_ input: HCInput, to read: inout FakeHardcoverUserBookRead, of row: FakeHardcoverUserBook) -> String? {
        for field in input.objectFields {
            let value = field.value
            switch field.name {
            case "edition_id":
                if value == .null { read.editionId = nil; continue }
                guard let id = value.intValue, let e = tables.editionIndex[id] else { return "Edition not found" }
                guard tables.editions[e].bookId == row.bookId else { return "The edition is not an edition of this book" }
                read.editionId = id
            case "started_at": read.startedAt = value.stringValue
            case "finished_at": read.finishedAt = value.stringValue
            case "progress_seconds":
                if let n = value.intValue, n < 0 { return "progress_seconds must not be negative" }
                read.progressSeconds = value.intValue
            case "progress_pages":
                if let n = value.intValue, n < 0 { return "progress_pages must not be negative" }
                read.progressPages = value.intValue
            case "finished_at_precision": read.finishedAtPrecision = value.intValue
            default: continue
            }
        }
        return nil
    }

    // MARK: - edition_owned

    private mutating func editionOwned(_ id: Int) throws(HCGraphQLError) -> HCMutationResult {
        guard let e = tables.editionIndex[id] else {
            throw HCGraphQLError(message: "Edition not found", path: "$", code: "unexpected")
        }
        let bookId = tables.editions[e].bookId
        var row: FakeHardcoverUserBook
        if let existing = library.userBook(user: viewer.id, book: bookId) {
            row = existing
            row.owned.toggle()
            row.updatedAt = library.stamp(now: now)
            library.replace(row)
        } else {
            row = FakeHardcoverUserBook(userId: viewer.id, bookId: bookId, editionId: id, owned: true, dateAdded: HCDate.day(now))
            row = library.insert(row, stamp: library.stamp(now: now))
        }
        var listBook: HCJSON = .null
        if row.owned {
            listBook = .int(library.nextListBookId)
            library.nextListBookId += 1
        }
        return HCMutationResult(typeName: "ListBookIdType", columns: ["id": listBook])
    }

    // MARK: - Values

    /// Postgres's refusal of a date that is not one, for any date field of an input.
    static func checkDates(_ input: HCInput) throws(HCGraphQLError) {
        let dateFields: Set<String> = ["date_added", "first_started_reading_date", "last_read_date", "reviewed_at", "user_date",
                                       "user_start_date", "started_at", "finished_at"]
        for field in input.objectFields where dateFields.contains(field.name) {
            if case .string(let text) = field.value, !HCDate.isValid(text) {
                throw HCGraphQLError(message: "invalid input syntax for type date: \"\(text)\"", path: "$", code: "data-exception")
            }
        }
    }
}
