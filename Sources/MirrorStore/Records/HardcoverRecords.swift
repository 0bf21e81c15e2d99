import Foundation
import GRDB
import MirrorCore

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

    /// Books titled `title` but for ASCII letter case (`title` lowered as SQLite's `lower()`
    /// does), the most read first; with `author`, only those with an author's name holding it
    /// (ASCII case folded). Through the index on `lower(title)`.
    public func hardcoverBooks(titled title: String, author: String? = nil, limit: Int) throws -> [Int] {
        let statement = try db.cachedStatement(sql: """
            SELECT id FROM hc_book WHERE lower(title) = ?1 AND (?2 IS NULL OR instr(lower(authors), ?2) > 0)
            ORDER BY users_count DESC, id LIMIT ?3
            """)
        return try Int.fetchAll(statement, arguments: [title, author, limit])
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

    static func saveBooks(_ books: [HardcoverBook], db: Database, now: String) throws {
        guard !books.isEmpty else { return }
        var editions: [HardcoverEdition] = []
        for b in books {
            try HardcoverBookRecord(b, fetchedAt: now).upsert(db)
            try MissingBookRecord.deleteOne(db, key: b.id)
            editions += b.editions
        }
        try saveEditions(editions, db: db, now: now)
    }

    static func saveEditions(_ editions: [HardcoverEdition], db: Database, now: String) throws {
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
        jsonList(json, of: WireHCSeries.self).map { HardcoverSeriesEntry(name: $0.name, position: $0.position) }
    }

    static func contributorArray(_ json: String?) -> [HardcoverContributor] {
        jsonList(json, of: WireContributor.self).map { HardcoverContributor(name: $0.name, role: $0.role) }
    }

    static func stringArray(_ json: String?) -> [String] {
        jsonList(json, of: String.self)
    }

    /// A JSON array column's values; none for NULL, "[]" or text that is not such an array.
    /// Most books have no series, genres or contributors beyond their authors: "[]" is answered
    /// without a decoder (matching reads a million books' columns).
    static func jsonList<T: Decodable>(_ json: String?, of: T.Type) -> [T] {
        guard let json, json != "[]", let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([T].self, from: data) else { return [] }
        return values
    }
}
