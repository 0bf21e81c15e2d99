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
    public var books: [HardcoverBook] = []
    public var editions: [HardcoverEdition] = []
    public var candidates: [CandidateFound] = []
    /// Items whose lookup moves on: the next stage, and how it was resolved once done.
    public var advances: [(itemId: String, stage: LookupStage, resolvedBy: String?)] = []
    /// Book ids asked for and not returned.
    public var missingBooks: [Int] = []

    public init() {}
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
                let id: String = row[0]
                if let isbn: String = row[1] { tagIds[id, default: ([], [])].isbns.append(isbn) }
                if let asin: String = row[2] { tagIds[id, default: ([], [])].asins.append(asin) }
            }
            var inputs: [LookupInput] = []
            let items = try Row.fetchCursor(db, sql: """
                SELECT id, title, subtitle, authors_json, isbn, asin FROM abs_item
                WHERE removed_at IS NULL AND fetched_fingerprint IS NOT NULL
                ORDER BY key
                """)
            while let row = try items.next() {
                let id: String = row[0]
                let fromTags = tagIds[id] ?? ([], [])
                inputs.append(LookupInput(
                    itemId: id, title: row[1], subtitle: row[2], authors: Self.stringArray(row[3]),
                    isbns: [row[4] as String?].compactMap { $0 } + fromTags.isbns,
                    asins: [row[5] as String?].compactMap { $0 } + fromTags.asins))
            }
            return inputs
        }
    }

    public func hardcoverLookupStates() throws -> [String: LookupState] {
        try read { db in
            var states: [String: LookupState] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT item_id, keys_fingerprint, stage, finished_at FROM hc_lookup")
            while let row = try rows.next() {
                states[row[0]] = LookupState(fingerprint: row[1], stage: LookupStage(rawValue: row[2]) ?? .identifiers, finishedAt: row[3])
            }
            return states
        }
    }

    /// (Re)starts the lookup of these items at the given stage; their earlier candidates go.
    public func startLookups(_ entries: [(itemId: String, fingerprint: String, stage: LookupStage)], runId: Int64) throws {
        guard !entries.isEmpty else { return }
        let now = ISO8601.now()
        try write { db in
            let clear = try db.cachedStatement(sql: "DELETE FROM hc_candidate WHERE item_id = ?")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO hc_lookup (item_id, keys_fingerprint, stage, resolved_by, started_at, finished_at, run_id)
                VALUES (?, ?, ?, NULL, ?, NULL, ?)
                ON CONFLICT (item_id) DO UPDATE SET keys_fingerprint = excluded.keys_fingerprint, stage = excluded.stage,
                    resolved_by = NULL, started_at = excluded.started_at, finished_at = NULL, run_id = excluded.run_id
                """)
            for entry in entries {
                try clear.execute(arguments: [entry.itemId])
                try upsert.execute(arguments: [entry.itemId, entry.fingerprint, entry.stage.rawValue, now, runId])
            }
        }
    }

    /// Stores what one request found and moves the items on, all or nothing.
    public func recordLookupBatch(_ batch: LookupBatch, runId: Int64) throws {
        let now = ISO8601.now()
        try write { db in
            try Self.saveBooks(batch.books, db: db, now: now)
            try Self.saveEditions(batch.editions, db: db, now: now)
            let candidate = try db.cachedStatement(sql: """
                INSERT INTO hc_candidate (item_id, book_id, edition_id, method, rank, found_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (item_id, book_id, method) DO UPDATE SET
                    edition_id = coalesce(excluded.edition_id, hc_candidate.edition_id), rank = excluded.rank, found_at = excluded.found_at
                """)
            for c in batch.candidates {
                try candidate.execute(arguments: [c.itemId, c.bookId, c.editionId, c.method.rawValue, c.rank, now])
            }
            let advance = try db.cachedStatement(sql: """
                UPDATE hc_lookup SET stage = ?, resolved_by = ?, finished_at = ?, run_id = ? WHERE item_id = ?
                """)
            for a in batch.advances {
                try advance.execute(arguments: [a.stage.rawValue, a.stage == .done ? (a.resolvedBy ?? "none") : nil,
                                                a.stage == .done ? now : nil, runId, a.itemId])
            }
            let missing = try db.cachedStatement(sql: """
                INSERT INTO hc_missing_book (id, checked_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at
                """)
            for id in batch.missingBooks { try missing.execute(arguments: [id, now]) }
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
        let statement = try db.cachedStatement(sql: """
            INSERT INTO hc_book (id, title, subtitle, description, authors_json, contributors_json, series_json, genres_json,
                authors, series, release_year, release_date, pages, audio_seconds, rating, users_count,
                default_audio_edition_id, canonical_id, fetched_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET title = excluded.title, subtitle = excluded.subtitle,
                description = excluded.description, authors_json = excluded.authors_json,
                contributors_json = excluded.contributors_json, series_json = excluded.series_json,
                genres_json = excluded.genres_json, authors = excluded.authors, series = excluded.series,
                release_year = excluded.release_year, release_date = excluded.release_date, pages = excluded.pages,
                audio_seconds = excluded.audio_seconds, rating = excluded.rating, users_count = excluded.users_count,
                default_audio_edition_id = excluded.default_audio_edition_id, canonical_id = excluded.canonical_id,
                fetched_at = excluded.fetched_at
            """)
        let forget = try db.cachedStatement(sql: "DELETE FROM hc_missing_book WHERE id = ?")
        var editions: [HardcoverEdition] = []
        for b in books {
            let contributors = "[" + b.contributors.map { "{\"name\":\(JSONText.string($0.name)),\"role\":\($0.role.map(JSONText.string) ?? "null")}" }
                .joined(separator: ",") + "]"
            let series = "[" + b.series.map { "{\"name\":\(JSONText.string($0.name)),\"position\":\($0.position.map(number) ?? "null")}" }
                .joined(separator: ",") + "]"
            try statement.execute(arguments: [
                b.id, b.title, b.subtitle, b.description, JSONText.array(b.authors), contributors, series,
                JSONText.array(b.genres), b.authors.joined(separator: "; "),
                b.series.map { entry in entry.position.map { "\(entry.name) #\(number($0))" } ?? entry.name }.joined(separator: "; "),
                b.releaseYear, b.releaseDate, b.pages, b.audioSeconds, b.rating, b.usersCount,
                b.defaultAudioEditionId, b.canonicalId, now,
            ])
            try forget.execute(arguments: [b.id])
            editions += b.editions
        }
        try saveEditions(editions, db: db, now: now)
    }

    private static func saveEditions(_ editions: [HardcoverEdition], db: Database, now: String) throws {
        guard !editions.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO hc_edition (id, book_id, title, subtitle, isbn_10, isbn_13, asin, reading_format, audio_seconds, pages,
                edition_format, narrators_json, publisher, language, language_code, release_date, users_count, fetched_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET book_id = excluded.book_id, title = excluded.title, subtitle = excluded.subtitle,
                isbn_10 = excluded.isbn_10, isbn_13 = excluded.isbn_13, asin = excluded.asin,
                reading_format = excluded.reading_format, audio_seconds = excluded.audio_seconds, pages = excluded.pages,
                edition_format = excluded.edition_format, narrators_json = excluded.narrators_json,
                publisher = excluded.publisher, language = excluded.language, language_code = excluded.language_code,
                release_date = excluded.release_date, users_count = excluded.users_count, fetched_at = excluded.fetched_at
            """)
        for e in editions {
            try statement.execute(arguments: [
                e.id, e.bookId, e.title, e.subtitle, e.isbn10, e.isbn13, e.asin, e.readingFormat.rawValue, e.audioSeconds,
                e.pages, e.editionFormat, JSONText.array(e.narrators), e.publisher, e.language, e.languageCode,
                e.releaseDate, e.usersCount, now,
            ])
        }
    }

    /// 3 for 3.0, 1.5 for 1.5.
    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func stringArray(_ json: String?) -> [String] {
        guard let json, let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([String].self, from: data) else { return [] }
        return values
    }
}

extension Mirror {
    /// Finished lookups by how they resolved, and how many are not finished.
    public func hardcoverLookupTally() throws -> (resolvedBy: [String: Int], pending: Int) {
        try read { db in
            var resolved: [String: Int] = [:]
            var pending = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT l.stage, l.resolved_by, count(*) FROM hc_lookup l JOIN abs_item i ON i.id = l.item_id
                WHERE i.removed_at IS NULL GROUP BY 1, 2
                """) {
                let stage: String = row[0]
                if stage == LookupStage.done.rawValue {
                    resolved[row[1] ?? "none", default: 0] += row[2] as Int
                } else {
                    pending += row[2] as Int
                }
            }
            return (resolved, pending)
        }
    }
}
