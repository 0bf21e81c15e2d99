import Foundation
import GRDB
import MirrorCore

/// What the mirror offers for looking an item up on Hardcover: its ABS metadata, plus the
/// identifiers found in its files' tags.
public struct LookupInput: Sendable, Equatable {
    public var itemId: String
    public var title: String?
    public var subtitle: String?
    public var authors: [String]
    public var isbns: [String]
    public var asins: [String]

    public var keys: LookupKeys {
        LookupKeys(itemId: itemId, title: title, subtitle: subtitle, authors: authors, isbns: isbns, asins: asins)
    }
}

/// The next pass an item's lookup needs; `done` once it found its candidates (or found nothing).
public enum LookupStage: String, Sendable, Equatable, CaseIterable {
    case identifiers, title, search, done
}

public struct LookupState: Sendable, Equatable {
    public var fingerprint: String
    public var stage: LookupStage
    public var finishedAt: String?
}

/// A book that may be an item's, and how it was found.
public struct CandidateFound: Sendable, Equatable {
    public var itemId: String
    public var bookId: Int
    public var editionId: Int?
    public var method: LookupMethod
    /// The search rank (1 = first hit); nil for the other methods.
    public var rank: Int?

    public init(itemId: String, bookId: Int, editionId: Int? = nil, method: LookupMethod, rank: Int? = nil) {
        self.itemId = itemId
        self.bookId = bookId
        self.editionId = editionId
        self.method = method
        self.rank = rank
    }
}

/// What one answered request taught us, stored in one transaction.
public struct LookupBatch: Sendable {
    /// An item whose lookup moves on: to its next stage, and how it was resolved once `done`.
    public struct Advance: Sendable, Equatable {
        public var itemId: String
        public var stage: LookupStage
        public var resolvedBy: LookupResolution?

        public init(itemId: String, stage: LookupStage, resolvedBy: LookupResolution? = nil) {
            self.itemId = itemId
            self.stage = stage
            self.resolvedBy = resolvedBy
        }
    }

    public var books: [HardcoverBook] = []
    public var editions: [HardcoverEdition] = []
    public var candidates: [CandidateFound] = []
    /// Items whose lookup moves on.
    public var advances: [Advance] = []
    /// Book ids asked for and not returned.
    public var missingBooks: [Int] = []

    public init() {}
}

extension LookupStage: DatabaseValueConvertible {}
extension LookupResolution: DatabaseValueConvertible {}
extension LookupMethod: DatabaseValueConvertible {}
extension HardcoverEdition.ReadingFormat: DatabaseValueConvertible {}

/// A row of `hc_lookup`: where an item's lookup on Hardcover stands.
struct HardcoverLookupRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_lookup"

    enum Columns: String, ColumnExpression {
        case itemId = "item_id", keysFingerprint = "keys_fingerprint", stage, resolvedBy = "resolved_by"
        case startedAt = "started_at", finishedAt = "finished_at", runId = "run_id"
    }

    var itemId: String
    var keysFingerprint: String
    var stage: LookupStage
    var resolvedBy: LookupResolution?
    var startedAt: String
    var finishedAt: String?
    var runId: Int64?

    init(itemId: String, keysFingerprint: String, stage: LookupStage, resolvedBy: LookupResolution?, startedAt: String,
         finishedAt: String?, runId: Int64?) {
        self.itemId = itemId
        self.keysFingerprint = keysFingerprint
        self.stage = stage
        self.resolvedBy = resolvedBy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runId = runId
    }

    init(row: Row) throws {
        itemId = row[Columns.itemId]
        keysFingerprint = row[Columns.keysFingerprint]
        stage = row[Columns.stage]
        resolvedBy = row[Columns.resolvedBy]
        startedAt = row[Columns.startedAt]
        finishedAt = row[Columns.finishedAt]
        runId = row[Columns.runId]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.itemId] = itemId
        container[Columns.keysFingerprint] = keysFingerprint
        container[Columns.stage] = stage
        container[Columns.resolvedBy] = resolvedBy
        container[Columns.startedAt] = startedAt
        container[Columns.finishedAt] = finishedAt
        container[Columns.runId] = runId
    }
}

/// A row of `hc_candidate`: a book sync found for an item, and how.
struct HardcoverCandidateRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_candidate"

    enum Columns: String, ColumnExpression {
        case itemId = "item_id", bookId = "book_id", editionId = "edition_id", method, rank, foundAt = "found_at"
    }

    var found: CandidateFound
    var foundAt: String

    init(_ found: CandidateFound, foundAt: String) {
        self.found = found
        self.foundAt = foundAt
    }

    init(row: Row) throws {
        found = CandidateFound(itemId: row[Columns.itemId], bookId: row[Columns.bookId], editionId: row[Columns.editionId],
                               method: row[Columns.method], rank: row[Columns.rank])
        foundAt = row[Columns.foundAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.itemId] = found.itemId
        container[Columns.bookId] = found.bookId
        container[Columns.editionId] = found.editionId
        container[Columns.method] = found.method
        container[Columns.rank] = found.rank
        container[Columns.foundAt] = foundAt
    }
}

/// A row of `hc_missing_book`: a book id Hardcover did not return, and when it was asked for.
struct MissingBookRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_missing_book"

    enum Columns: String, ColumnExpression {
        case id, checkedAt = "checked_at"
    }

    var id: Int
    var checkedAt: String

    init(id: Int, checkedAt: String) {
        self.id = id
        self.checkedAt = checkedAt
    }

    init(row: Row) throws {
        id = row[Columns.id]
        checkedAt = row[Columns.checkedAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.checkedAt] = checkedAt
    }
}

/// A row of `hc_book`: a Hardcover book (without its editions), its JSON columns and the plain
/// text the full-text index reads.
struct HardcoverBookRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_book"

    enum Columns: String, ColumnExpression {
        case id, title, subtitle, description, authorsJSON = "authors_json", contributorsJSON = "contributors_json"
        case seriesJSON = "series_json", genresJSON = "genres_json", authors, series, releaseYear = "release_year"
        case releaseDate = "release_date", pages, audioSeconds = "audio_seconds", rating, usersCount = "users_count"
        case defaultAudioEditionId = "default_audio_edition_id", canonicalId = "canonical_id", fetchedAt = "fetched_at"
    }

    var book: HardcoverBook
    var fetchedAt: String

    init(_ book: HardcoverBook, fetchedAt: String) {
        self.book = book
        self.fetchedAt = fetchedAt
    }

    init(row: Row) throws {
        book = HardcoverBook(
            id: row[Columns.id], title: row[Columns.title] ?? "", subtitle: row[Columns.subtitle], description: row[Columns.description],
            authors: Mirror.stringArray(row[Columns.authorsJSON]), contributors: Mirror.contributorArray(row[Columns.contributorsJSON]),
            series: Mirror.hardcoverSeriesArray(row[Columns.seriesJSON]), genres: Mirror.stringArray(row[Columns.genresJSON]),
            releaseYear: row[Columns.releaseYear], releaseDate: row[Columns.releaseDate], pages: row[Columns.pages],
            audioSeconds: row[Columns.audioSeconds], rating: row[Columns.rating], usersCount: row[Columns.usersCount],
            defaultAudioEditionId: row[Columns.defaultAudioEditionId], canonicalId: row[Columns.canonicalId])
        fetchedAt = row[Columns.fetchedAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        let b = book
        let number = Mirror.number
        container[Columns.id] = b.id
        container[Columns.title] = b.title
        container[Columns.subtitle] = b.subtitle
        container[Columns.description] = b.description
        container[Columns.authorsJSON] = JSONText.array(b.authors)
        container[Columns.contributorsJSON] = "[" + b.contributors
            .map { "{\"name\":\(JSONText.string($0.name)),\"role\":\($0.role.map(JSONText.string) ?? "null")}" }
            .joined(separator: ",") + "]"
        container[Columns.seriesJSON] = "[" + b.series
            .map { "{\"name\":\(JSONText.string($0.name)),\"position\":\($0.position.map(number) ?? "null")}" }
            .joined(separator: ",") + "]"
        container[Columns.genresJSON] = JSONText.array(b.genres)
        container[Columns.authors] = b.authors.joined(separator: "; ")
        container[Columns.series] = b.series
            .map { entry in entry.position.map { "\(entry.name) #\(number($0))" } ?? entry.name }.joined(separator: "; ")
        container[Columns.releaseYear] = b.releaseYear
        container[Columns.releaseDate] = b.releaseDate
        container[Columns.pages] = b.pages
        container[Columns.audioSeconds] = b.audioSeconds
        container[Columns.rating] = b.rating
        container[Columns.usersCount] = b.usersCount
        container[Columns.defaultAudioEditionId] = b.defaultAudioEditionId
        container[Columns.canonicalId] = b.canonicalId
        container[Columns.fetchedAt] = fetchedAt
    }
}

/// A row of `hc_edition`.
struct HardcoverEditionRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "hc_edition"

    enum Columns: String, ColumnExpression {
        case id, bookId = "book_id", title, subtitle, isbn10 = "isbn_10", isbn13 = "isbn_13", asin
        case readingFormat = "reading_format", audioSeconds = "audio_seconds", pages, editionFormat = "edition_format"
        case narratorsJSON = "narrators_json", publisher, language, languageCode = "language_code"
        case releaseDate = "release_date", usersCount = "users_count", fetchedAt = "fetched_at"
    }

    var edition: HardcoverEdition
    var fetchedAt: String

    init(_ edition: HardcoverEdition, fetchedAt: String) {
        self.edition = edition
        self.fetchedAt = fetchedAt
    }

    init(row: Row) throws {
        edition = HardcoverEdition(
            id: row[Columns.id], bookId: row[Columns.bookId], title: row[Columns.title], subtitle: row[Columns.subtitle],
            isbn10: row[Columns.isbn10], isbn13: row[Columns.isbn13], asin: row[Columns.asin],
            readingFormat: row[Columns.readingFormat] ?? .other, audioSeconds: row[Columns.audioSeconds], pages: row[Columns.pages],
            editionFormat: row[Columns.editionFormat], narrators: Mirror.stringArray(row[Columns.narratorsJSON]),
            publisher: row[Columns.publisher], language: row[Columns.language], languageCode: row[Columns.languageCode],
            releaseDate: row[Columns.releaseDate], usersCount: row[Columns.usersCount])
        fetchedAt = row[Columns.fetchedAt]
    }

    func encode(to container: inout PersistenceContainer) throws {
        let e = edition
        container[Columns.id] = e.id
        container[Columns.bookId] = e.bookId
        container[Columns.title] = e.title
        container[Columns.subtitle] = e.subtitle
        container[Columns.isbn10] = e.isbn10
        container[Columns.isbn13] = e.isbn13
        container[Columns.asin] = e.asin
        container[Columns.readingFormat] = e.readingFormat
        container[Columns.audioSeconds] = e.audioSeconds
        container[Columns.pages] = e.pages
        container[Columns.editionFormat] = e.editionFormat
        container[Columns.narratorsJSON] = JSONText.array(e.narrators)
        container[Columns.publisher] = e.publisher
        container[Columns.language] = e.language
        container[Columns.languageCode] = e.languageCode
        container[Columns.releaseDate] = e.releaseDate
        container[Columns.usersCount] = e.usersCount
        container[Columns.fetchedAt] = fetchedAt
    }
}

/// A Hardcover book as the mirror holds it (with its editions, most read first), and when it
/// was fetched.
public struct StoredBook: Sendable, Equatable {
    public var book: HardcoverBook
    public var fetchedAt: String
}

/// An edition's ids, as an identifier query finds them.
public struct EditionRef: Sendable, Equatable, Hashable {
    public var id: Int
    public var bookId: Int
}

/// The small queries of the Hardcover side that gathering an item's candidates asks, inside one
/// read transaction (`Mirror.readCatalog`). What to ask, and in which order, is the matching
/// workflow's (`CandidateQueries`).
public struct CatalogReader {
    let db: Database

    /// The books sync's lookups found for an item, and how.
    public func syncedCandidates(itemId: String) throws -> [CandidateFound] {
        try HardcoverCandidateRecord.filter(HardcoverCandidateRecord.Columns.itemId == itemId).fetchAll(db).map(\.found)
    }

    /// Editions carrying this ASIN.
    public func editions(asin: String) throws -> [EditionRef] {
        try editions(HardcoverEditionRecord.Columns.asin == asin)
    }

    /// Editions carrying this ISBN-13, or its ISBN-10 form.
    public func editions(isbn13: String, isbn10: String?) throws -> [EditionRef] {
        typealias Columns = HardcoverEditionRecord.Columns
        guard let isbn10 else { return try editions(Columns.isbn13 == isbn13) }
        return try editions(Columns.isbn13 == isbn13 || Columns.isbn10 == isbn10)
    }

    private func editions(_ condition: some SQLSpecificExpressible) throws -> [EditionRef] {
        typealias Columns = HardcoverEditionRecord.Columns
        return try Row.fetchAll(db, HardcoverEditionRecord.select(Columns.id, Columns.bookId).filter(condition))
            .map { EditionRef(id: $0[Columns.id], bookId: $0[Columns.bookId]) }
    }

    /// Books whose full-text row matches `ftsQuery` (an FTS5 `MATCH` expression), best first.
    public func hardcoverCandidates(ftsQuery: String, limit: Int) throws -> [Int] {
        let statement = try db.cachedStatement(sql: """
            SELECT rowid FROM hardcover_books_fts WHERE hardcover_books_fts MATCH ? ORDER BY rank LIMIT ?
            """)
        return try Int.fetchAll(statement, arguments: [ftsQuery, limit])
    }

    /// Books by id, with their editions.
    public func books(ids: [Int]) throws -> [Int: StoredBook] {
        try Mirror.storedBooks(ids: ids, db: db)
    }
}

extension Mirror {
    /// Every present item with its lookup inputs, in a stable order.
    public func hardcoverLookupInputs() throws -> [LookupInput] {
        try read { db in
            var tagIds: [String: (isbns: [String], asins: [String])] = [:]
            let tags = try Row.fetchCursor(db, sql: """
                SELECT item_id, isbn, asin FROM tag_file
                WHERE item_id IS NOT NULL AND removed_at IS NULL AND (isbn IS NOT NULL OR asin IS NOT NULL)
                ORDER BY path
                """)
            while let row = try tags.next() {
                let id: String = row["item_id"]
                if let isbn: String = row["isbn"] { tagIds[id, default: ([], [])].isbns.append(isbn) }
                if let asin: String = row["asin"] { tagIds[id, default: ([], [])].asins.append(asin) }
            }
            var inputs: [LookupInput] = []
            let items = try Row.fetchCursor(db, sql: """
                SELECT id, title, subtitle, authors_json, isbn, asin FROM abs_item
                WHERE removed_at IS NULL AND fetched_fingerprint IS NOT NULL
                ORDER BY key
                """)
            while let row = try items.next() {
                let id: String = row["id"]
                let fromTags = tagIds[id] ?? ([], [])
                inputs.append(LookupInput(
                    itemId: id, title: row["title"], subtitle: row["subtitle"], authors: Self.stringArray(row["authors_json"]),
                    isbns: [row["isbn"] as String?].compactMap { $0 } + fromTags.isbns,
                    asins: [row["asin"] as String?].compactMap { $0 } + fromTags.asins))
            }
            return inputs
        }
    }

    public func hardcoverLookupStates() throws -> [String: LookupState] {
        try read { db in
            var states: [String: LookupState] = [:]
            let rows = try HardcoverLookupRecord.fetchCursor(db)
            while let lookup = try rows.next() {
                states[lookup.itemId] = LookupState(fingerprint: lookup.keysFingerprint, stage: lookup.stage, finishedAt: lookup.finishedAt)
            }
            return states
        }
    }

    /// (Re)starts the lookup of these items at the given stage; their earlier candidates go.
    public func startLookups(_ entries: [(itemId: String, fingerprint: String, stage: LookupStage)], runId: Int64) throws {
        guard !entries.isEmpty else { return }
        let now = ISO8601.now()
        try write { db in
            for entry in entries {
                try HardcoverCandidateRecord.filter(HardcoverCandidateRecord.Columns.itemId == entry.itemId).deleteAll(db)
                try HardcoverLookupRecord(itemId: entry.itemId, keysFingerprint: entry.fingerprint, stage: entry.stage, resolvedBy: nil,
                                          startedAt: now, finishedAt: nil, runId: runId).upsert(db)
            }
        }
    }

    /// Stores what one request found and moves the items on, all or nothing.
    public func recordLookupBatch(_ batch: LookupBatch, runId: Int64) throws {
        let now = ISO8601.now()
        try write { db in
            try Self.saveBooks(batch.books, db: db, now: now)
            try Self.saveEditions(batch.editions, db: db, now: now)
            for c in batch.candidates {
                // A method that found the book again keeps the edition it matched before, if it names none.
                _ = try HardcoverCandidateRecord(c, foundAt: now).upsertAndFetch(
                    db, onConflict: ["item_id", "book_id", "method"]
                ) { excluded in
                    [HardcoverCandidateRecord.Columns.editionId.set(
                        to: excluded[HardcoverCandidateRecord.Columns.editionId] ?? HardcoverCandidateRecord.Columns.editionId)]
                }
            }
            typealias Columns = HardcoverLookupRecord.Columns
            for a in batch.advances {
                let done = a.stage == .done
                try HardcoverLookupRecord.filter(key: a.itemId).updateAll(
                    db, Columns.stage.set(to: a.stage), Columns.resolvedBy.set(to: done ? a.resolvedBy ?? LookupResolution.none : nil),
                    Columns.finishedAt.set(to: done ? now : nil), Columns.runId.set(to: runId))
            }
            for id in batch.missingBooks { try MissingBookRecord(id: id, checkedAt: now).upsert(db) }
        }
    }

    /// Book ids the candidates (and merged duplicates) need details for: never fetched, or
    /// fetched before `staleBefore` (ISO-8601; nil: only the never-fetched).
    public func hardcoverBooksToFetch(staleBefore: String?) throws -> [Int] {
        try read { db in
            try Int.fetchAll(db, sql: """
                WITH wanted(id) AS (
                    SELECT book_id FROM hc_candidate
                    UNION SELECT canonical_id FROM hc_book WHERE canonical_id IS NOT NULL
                )
                SELECT w.id FROM wanted w
                LEFT JOIN hc_book b ON b.id = w.id
                LEFT JOIN hc_missing_book m ON m.id = w.id
                WHERE (b.id IS NULL OR b.fetched_at < coalesce(?, ''))
                  AND (m.id IS NULL OR m.checked_at < coalesce(?, ''))
                ORDER BY w.id
                """, arguments: [staleBefore, staleBefore])
        }
    }

    /// Books and editions, inserted or brought up to date.
    public func saveHardcoverBooks(_ books: [HardcoverBook]) throws {
        let now = ISO8601.now()
        try write { db in try Self.saveBooks(books, db: db, now: now) }
    }

    private static func saveBooks(_ books: [HardcoverBook], db: Database, now: String) throws {
        guard !books.isEmpty else { return }
        var editions: [HardcoverEdition] = []
        for b in books {
            try HardcoverBookRecord(b, fetchedAt: now).upsert(db)
            try MissingBookRecord.deleteOne(db, key: b.id)
            editions += b.editions
        }
        try saveEditions(editions, db: db, now: now)
    }

    private static func saveEditions(_ editions: [HardcoverEdition], db: Database, now: String) throws {
        for e in editions { try HardcoverEditionRecord(e, fetchedAt: now).upsert(db) }
    }

    /// Books by id, with their editions (most read first), and when each was fetched.
    static func storedBooks(ids: [Int], db: Database) throws -> [Int: StoredBook] {
        var out: [Int: StoredBook] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for record in try HardcoverBookRecord.fetchAll(db, keys: chunk) {
                out[record.book.id] = StoredBook(book: record.book, fetchedAt: record.fetchedAt)
            }
            typealias Columns = HardcoverEditionRecord.Columns
            for record in try HardcoverEditionRecord.filter(chunk.contains(Columns.bookId))
                .order(Columns.usersCount.desc, Columns.id).fetchAll(db) {
                out[record.edition.bookId]?.book.editions.append(record.edition)
            }
        }
        return out
    }

    /// Books by id, with their editions, and when each was fetched.
    static func books(ids: [Int], db: Database) throws -> [Int: (HardcoverBook, String)] {
        try storedBooks(ids: ids, db: db).mapValues { ($0.book, $0.fetchedAt) }
    }

    /// 3 for 3.0, 1.5 for 1.5.
    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private struct WireHCSeries: Decodable { var name: String; var position: Double? }
    private struct WireContributor: Decodable { var name: String; var role: String? }

    static func hardcoverSeriesArray(_ json: String?) -> [HardcoverSeriesEntry] {
        guard let json, let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([WireHCSeries].self, from: data) else { return [] }
        return values.map { HardcoverSeriesEntry(name: $0.name, position: $0.position) }
    }

    static func contributorArray(_ json: String?) -> [HardcoverContributor] {
        guard let json, let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([WireContributor].self, from: data) else { return [] }
        return values.map { HardcoverContributor(name: $0.name, role: $0.role) }
    }

    static func stringArray(_ json: String?) -> [String] {
        guard let json, let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([String].self, from: data) else { return [] }
        return values
    }
}

extension Mirror {
    /// Finished lookups by how they resolved, and how many are not finished.
    public func hardcoverLookupTally() throws -> (resolvedBy: [LookupResolution: Int], pending: Int) {
        try read { db in
            var resolved: [LookupResolution: Int] = [:]
            var pending = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT l.stage, l.resolved_by, count(*) AS n FROM hc_lookup l JOIN abs_item i ON i.id = l.item_id
                WHERE i.removed_at IS NULL GROUP BY 1, 2
                """) {
                let stage: LookupStage = row["stage"]
                if stage == .done {
                    resolved[row["resolved_by"] ?? LookupResolution.none, default: 0] += row["n"] as Int
                } else {
                    pending += row["n"] as Int
                }
            }
            return (resolved, pending)
        }
    }
}
