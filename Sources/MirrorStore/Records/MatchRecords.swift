import Foundation
import GRDB
import MirrorCore

/// An item ready to be matched: what it is, its candidate books, and a fingerprint of both.
public struct MatchInput: Sendable {
    public var item: MatchItem
    public var candidates: [MatchCandidate]
    public var fingerprint: String
}

/// What the mirror holds of an item's match.
public struct MatchState: Sendable, Equatable {
    public var fingerprint: String?
    public var pinned: Bool
    public var status: MatchStatus
}

extension Mirror {
    /// Every present item as matching sees it (ABS metadata, plus the identifiers in its files'
    /// tags), in a stable order; only `ids` when given.
    public func matchItems(ids: Set<String>? = nil) throws -> [MatchItem] {
        let tagIds = try hardcoverLookupInputs().reduce(into: [String: LookupInput]()) { $0[$1.itemId] = $1 }
        return try read { db in
            var items: [MatchItem] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, title, subtitle, authors_json, narrators_json, series_json, duration_seconds, published_year
                FROM abs_item WHERE removed_at IS NULL AND fetched_fingerprint IS NOT NULL ORDER BY key
                """)
            while let row = try rows.next() {
                let id: String = row[0]
                if let ids, !ids.contains(id) { continue }
                let input = tagIds[id]
                items.append(MatchItem(
                    itemId: id, title: row[1], subtitle: row[2], authors: Self.stringArray(row[3]), narrators: Self.stringArray(row[4]),
                    series: Self.seriesArray(row[5]), isbns: input?.isbns ?? [], asins: input?.asins ?? [],
                    durationSeconds: row[6], publishedYear: (row[7] as String?).flatMap(TextCleaner.year(in:))))
            }
            return items
        }
    }

    /// Each item's candidates, gathered offline: the books sync found for it, the books with an
    /// edition carrying its identifiers, and full-text hits over Hardcover titles and authors.
    public func matchInputs(_ items: [MatchItem], fullTextHits: Int = 8) throws -> [MatchInput] {
        try read { db in
            var found: [[Int: MatchCandidate]] = []
            var wanted = Set<Int>()
            let synced = try db.cachedStatement(sql: "SELECT book_id, edition_id, method, rank FROM hc_candidate WHERE item_id = ?")
            for item in items {
                var byBook: [Int: MatchCandidate] = [:]
                func note(_ bookId: Int, method: LookupMethod?, edition: Int?, rank: Int?) {
                    var c = byBook[bookId] ?? MatchCandidate(book: HardcoverBook(id: bookId, title: ""))
                    if let method { c.methods.insert(method) }
                    if let edition { c.matchedEditionIds.insert(edition) }
                    if let rank { c.searchRank = min(c.searchRank ?? rank, rank) }
                    byBook[bookId] = c
                }
                let rows = try Row.fetchCursor(synced, arguments: [item.itemId])
                while let row = try rows.next() {
                    note(row[0], method: LookupMethod(rawValue: row[2]), edition: row[1], rank: row[3])
                }
                for (bookId, editionId, method) in try Self.identifierHits(item, db: db) {
                    note(bookId, method: method, edition: editionId, rank: nil)
                }
                for bookId in try Self.fullTextHits(item, limit: fullTextHits, db: db) {
                    note(bookId, method: nil, edition: nil, rank: nil)
                }
                wanted.formUnion(byBook.keys)
                found.append(byBook)
            }
            let books = try Self.books(ids: Array(wanted), db: db)
            return zip(items, found).map { item, byBook in
                var candidates: [MatchCandidate] = []
                var parts: [String?] = [item.title, item.subtitle, item.authors.joined(separator: "|"),
                                        item.narrators.joined(separator: "|"),
                                        item.series.map { "\($0.name)#\($0.sequence ?? "")" }.joined(separator: "|"),
                                        item.isbn13s.joined(separator: ","), item.asins.joined(separator: ","),
                                        item.durationSeconds.map { String(Int($0)) }, item.publishedYear.map(String.init)]
                for id in byBook.keys.sorted() {
                    guard let (book, fetchedAt) = books[id], var c = byBook[id] else { continue }
                    c.book = book
                    candidates.append(c)
                    parts.append("\(id)@\(fetchedAt):\(c.methods.map(\.rawValue).sorted().joined()):\(c.searchRank ?? 0)")
                }
                return MatchInput(item: item, candidates: candidates, fingerprint: Fingerprint.of(parts))
            }
        }
    }

    /// Books whose editions carry one of the item's identifiers.
    static func identifierHits(_ item: MatchItem, db: Database) throws -> [(Int, Int, LookupMethod)] {
        var hits: [(Int, Int, LookupMethod)] = []
        if !item.asins.isEmpty {
            let statement = try db.cachedStatement(sql: "SELECT book_id, id FROM hc_edition WHERE asin = ?")
            for asin in item.asins {
                for row in try Row.fetchAll(statement, arguments: [asin]) { hits.append((row[0], row[1], .asin)) }
            }
        }
        if !item.isbn13s.isEmpty {
            let statement = try db.cachedStatement(sql: "SELECT book_id, id FROM hc_edition WHERE isbn_13 = ? OR isbn_10 = ?")
            for isbn in item.isbn13s {
                for row in try Row.fetchAll(statement, arguments: [isbn, Identifiers.isbn10(isbn) ?? ""]) { hits.append((row[0], row[1], .isbn)) }
            }
        }
        return hits
    }

    private static let stopWords: Set<String> = ["the", "and", "of", "a", "an", "to", "in", "on", "for", "with", "der", "die", "das", "und",
                                                 "le", "la", "les", "de", "et", "el", "los", "y", "book", "volume", "part"]

    /// Hardcover books whose title has every significant word of the item's title, best first;
    /// then, for a title with a typo or a translation, books by the item's first author with one
    /// of the title's words; and books of the item's series by that author (for items titled by
    /// their series, "The Maravel Novels, Book 3").
    static func fullTextHits(_ item: MatchItem, limit: Int, db: Database) throws -> [Int] {
        let statement = try db.cachedStatement(sql: """
            SELECT rowid FROM hardcover_books_fts WHERE hardcover_books_fts MATCH ? ORDER BY rank LIMIT ?
            """)
        var ids: [Int] = []
        func add(_ query: String) throws {
            guard ids.count < limit else { return }
            for id in try Int.fetchAll(statement, arguments: [query, limit - ids.count]) where !ids.contains(id) { ids.append(id) }
        }
        let words = ftsWords(item.title.map { MatchNormalize.title(apart($0)) } ?? "")
        let surname = item.authors.first.map { ftsWords(surnameFirstLast(apart($0))) }?
            .last { !["jr", "sr", "ii", "iii", "iv", "phd"].contains($0) }
        if !words.isEmpty {
            let quoted = words.prefix(8).map { "\"\($0)\"" }
            try add("{title subtitle} : (\(quoted.joined(separator: " AND ")))")
            // The looser queries only when the exact words found (almost) nothing.
            if ids.count < 2, let surname {
                try add("authors : \"\(surname)\" AND {title subtitle series} : (\(quoted.joined(separator: " OR ")))")
            }
        }
        if ids.count < 2, let surname, let series = item.series.first {
            let seriesWords = ftsWords(MatchNormalize.series(apart(series.name))).prefix(6).map { "\"\($0)\"" }
            if !seriesWords.isEmpty { try add("authors : \"\(surname)\" AND series : (\(seriesWords.joined(separator: " AND ")))") }
        }
        return ids
    }

    /// Words as the FTS index has them (an apostrophe splits: "brennan's" is "brennan" "s"),
    /// without stop words and single letters.
    static func ftsWords(_ text: String) -> [String] {
        MatchNormalize.fold(apart(text), transliterate: false).split(separator: " ").map(String.init)
            .filter { !stopWords.contains($0) && $0.count > 1 }
    }

    /// "Tolkien, J.R.R." → "J.R.R. Tolkien" without folding (the FTS query folds its own way).
    private static func surnameFirstLast(_ name: String) -> String {
        let parts = name.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return parts.count == 2 ? parts[1] + " " + parts[0] : name
    }

    private static func apart(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: " ").replacingOccurrences(of: "’", with: " ")
    }

    /// Books by id, with their editions, and when each was fetched.
    static func books(ids: [Int], db: Database) throws -> [Int: (HardcoverBook, String)] {
        var out: [Int: (HardcoverBook, String)] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let args = StatementArguments(chunk)
            for row in try Row.fetchAll(db, sql: """
                SELECT id, title, subtitle, description, authors_json, contributors_json, series_json, genres_json, release_year,
                       release_date, pages, audio_seconds, rating, users_count, default_audio_edition_id, canonical_id, fetched_at
                FROM hc_book WHERE id IN (\(marks))
                """, arguments: args) {
                let book = HardcoverBook(
                    id: row["id"], title: row["title"] ?? "", subtitle: row["subtitle"], description: row["description"],
                    authors: stringArray(row["authors_json"]), contributors: contributorArray(row["contributors_json"]),
                    series: hardcoverSeriesArray(row["series_json"]), genres: stringArray(row["genres_json"]),
                    releaseYear: row["release_year"], releaseDate: row["release_date"], pages: row["pages"],
                    audioSeconds: row["audio_seconds"], rating: row["rating"], usersCount: row["users_count"],
                    defaultAudioEditionId: row["default_audio_edition_id"], canonicalId: row["canonical_id"])
                out[book.id] = (book, row["fetched_at"])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT id, book_id, title, subtitle, isbn_10, isbn_13, asin, reading_format, audio_seconds, pages, edition_format,
                       narrators_json, publisher, language, language_code, release_date, users_count
                FROM hc_edition WHERE book_id IN (\(marks)) ORDER BY users_count DESC, id
                """, arguments: args) {
                let bookId: Int = row["book_id"]
                out[bookId]?.0.editions.append(HardcoverEdition(
                    id: row["id"], bookId: bookId, title: row["title"], subtitle: row["subtitle"], isbn10: row["isbn_10"],
                    isbn13: row["isbn_13"], asin: row["asin"],
                    readingFormat: HardcoverEdition.ReadingFormat(rawValue: row["reading_format"]) ?? .other,
                    audioSeconds: row["audio_seconds"], pages: row["pages"], editionFormat: row["edition_format"],
                    narrators: stringArray(row["narrators_json"]), publisher: row["publisher"], language: row["language"],
                    languageCode: row["language_code"], releaseDate: row["release_date"], usersCount: row["users_count"]))
            }
        }
        return out
    }

    /// One book by id, with its editions.
    public func hardcoverBook(id: Int) throws -> HardcoverBook? {
        try read { db in try Self.books(ids: [id], db: db)[id]?.0 }
    }

    public func matchStates() throws -> [String: MatchState] {
        try read { db in
            var states: [String: MatchState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT item_id, inputs_fingerprint, pinned, status FROM match") {
                states[row[0]] = MatchState(fingerprint: row[1], pinned: row[2], status: MatchStatus(rawValue: row[3]) ?? .unmatched)
            }
            return states
        }
    }

    /// Stores computed matches (never over a pinned one), in one transaction.
    public func saveMatches(_ results: [(result: MatchResult, fingerprint: String, titles: [Int: String])]) throws {
        let now = ISO8601.now()
        try write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO match (item_id, book_id, edition_id, score, method, status, explanation, inputs_fingerprint, pinned, matched_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
                ON CONFLICT (item_id) DO UPDATE SET book_id = excluded.book_id, edition_id = excluded.edition_id,
                    score = excluded.score, method = excluded.method, status = excluded.status, explanation = excluded.explanation,
                    inputs_fingerprint = excluded.inputs_fingerprint, matched_at = excluded.matched_at
                WHERE match.pinned = 0
                """)
            for (result, fingerprint, titles) in results {
                let best = result.best
                try statement.execute(arguments: [
                    result.itemId, best?.bookId, best?.editionId, best?.score, best?.method, result.status.rawValue,
                    MatchExplanation.json(result, titles: titles), fingerprint, now,
                ])
            }
        }
    }

    /// A user's decision about an item's match, kept through every rematch: `confirmed` (link to
    /// a book), `rejected` (unlink: the current book is wrong), `ignored`. `nil` forgets it.
    /// Returns false when the mirror has no such item.
    @discardableResult
    public func pinMatch(itemId: String, status: MatchStatus?, bookId: Int? = nil, editionId: Int? = nil) throws -> Bool {
        let now = ISO8601.now()
        return try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM abs_item WHERE id = ? AND removed_at IS NULL)", arguments: [itemId]) == true else {
                return false
            }
            guard let status else {
                try db.execute(sql: "UPDATE match SET pinned = 0, inputs_fingerprint = NULL WHERE item_id = ?", arguments: [itemId])
                return true
            }
            let explanation = "{\"manual\":true}"
            switch status {
            case .confirmed:
                try db.execute(sql: """
                    INSERT INTO match (item_id, book_id, edition_id, score, method, status, explanation, pinned, matched_at)
                    VALUES (?, ?, ?, NULL, 'manual', 'confirmed', ?, 1, ?)
                    ON CONFLICT (item_id) DO UPDATE SET book_id = excluded.book_id, edition_id = excluded.edition_id, score = NULL,
                        method = 'manual', status = 'confirmed', pinned = 1, matched_at = excluded.matched_at
                    """, arguments: [itemId, bookId, editionId, explanation, now])
            default:
                try db.execute(sql: """
                    INSERT INTO match (item_id, status, explanation, pinned, matched_at) VALUES (?, ?, ?, 1, ?)
                    ON CONFLICT (item_id) DO UPDATE SET status = excluded.status, pinned = 1, matched_at = excluded.matched_at
                    """, arguments: [itemId, status.rawValue, explanation, now])
            }
            return true
        }
    }

    static func seriesArray(_ json: String?) -> [SeriesEntry] {
        guard let json, let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([SeriesEntry].self, from: data) else { return [] }
        return values
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
}

/// The explanation stored with a match: every candidate kept, with its penalties.
enum MatchExplanation {
    static func json(_ result: MatchResult, titles: [Int: String]) -> String {
        let candidates = result.ranked.prefix(5).map { c -> String in
            let penalties = c.penalties.map {
                "{\"kind\":\"\($0.kind.rawValue)\",\"penalty\":\(round($0.value)),\"weight\":\(round($0.weight)),\"note\":\(JSONText.string($0.note))}"
            }
            return "{\"book_id\":\(c.bookId),\"edition_id\":\(c.editionId.map(String.init) ?? "null"),\"score\":\(round(c.score)),"
                + "\"title\":\(titles[c.bookId].map(JSONText.string) ?? "null"),"
                + "\"found_by\":" + JSONText.array(c.methods.map(\.rawValue)) + ",\"penalties\":[" + penalties.joined(separator: ",") + "]}"
        }
        return "{\"candidates\":[" + candidates.joined(separator: ",") + "]}"
    }

    private static func round(_ x: Double) -> String {
        let r = (x * 10_000).rounded() / 10_000
        return r.rounded() == r ? String(Int(r)) : String(r)
    }
}

extension Mirror {
    /// The ids of present items whose id is `text`, or whose title is `text` (case-insensitive).
    public func resolveItem(_ text: String) throws -> [(id: String, title: String?)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, title FROM abs_item WHERE removed_at IS NULL AND fetched_fingerprint IS NOT NULL
                  AND (id = ? OR title = ? COLLATE NOCASE) ORDER BY id = ? DESC, key LIMIT 10
                """, arguments: [text, text, text]).map { ($0[0], $0[1]) }
        }
    }

    /// The stored match of an item, with its explanation.
    public func storedMatch(itemId: String) throws -> (status: MatchStatus, bookId: Int?, editionId: Int?, score: Double?, method: String?, pinned: Bool)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT status, book_id, edition_id, score, method, pinned FROM match WHERE item_id = ?",
                             arguments: [itemId]).map {
                (MatchStatus(rawValue: $0[0]) ?? .unmatched, $0[1], $0[2], $0[3], $0[4], $0[5])
            }
        }
    }
}

extension Mirror {
    /// Every stored match, by item.
    public func matchRows() throws -> [String: (status: MatchStatus, bookId: Int?, editionId: Int?, score: Double?)] {
        try read { db in
            var out: [String: (MatchStatus, Int?, Int?, Double?)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT item_id, status, book_id, edition_id, score FROM match") {
                out[row[0]] = (MatchStatus(rawValue: row[1]) ?? .unmatched, row[2], row[3], row[4])
            }
            return out
        }
    }
}
