import Foundation
import GRDB
import MirrorCore

extension MatchStatus: DatabaseValueConvertible {}
extension MatchMethod: DatabaseValueConvertible {}

/// A row of `match`: an item's match, computed by `match` or decided by the user.
public struct MatchRecord: Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "match"

    public enum Columns: String, ColumnExpression {
        case itemId = "item_id", bookId = "book_id", editionId = "edition_id", score, method, status, explanation
        case inputsFingerprint = "inputs_fingerprint", pinned, matchedAt = "matched_at"
    }

    public var itemId: String
    public var bookId: Int?
    public var editionId: Int?
    public var score: Double?
    public var method: MatchMethod?
    public var status: MatchStatus
    /// JSON: the candidates kept, with their penalties (`{"manual":true}` for the user's decision).
    public var explanation: String
    /// What the match was computed from: a rematch skips items whose inputs are unchanged.
    public var inputsFingerprint: String?
    /// Set by link, unlink and ignore: matching leaves the item alone.
    public var pinned: Bool
    public var matchedAt: String

    public init(itemId: String, bookId: Int? = nil, editionId: Int? = nil, score: Double? = nil, method: MatchMethod? = nil,
                status: MatchStatus, explanation: String, inputsFingerprint: String? = nil, pinned: Bool = false, matchedAt: String) {
        self.itemId = itemId
        self.bookId = bookId
        self.editionId = editionId
        self.score = score
        self.method = method
        self.status = status
        self.explanation = explanation
        self.inputsFingerprint = inputsFingerprint
        self.pinned = pinned
        self.matchedAt = matchedAt
    }

    public init(row: Row) throws {
        itemId = row[Columns.itemId]
        bookId = row[Columns.bookId]
        editionId = row[Columns.editionId]
        score = row[Columns.score]
        method = row[Columns.method]
        status = row[Columns.status]
        explanation = row[Columns.explanation]
        inputsFingerprint = row[Columns.inputsFingerprint]
        pinned = row[Columns.pinned]
        matchedAt = row[Columns.matchedAt]
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.itemId] = itemId
        container[Columns.bookId] = bookId
        container[Columns.editionId] = editionId
        container[Columns.score] = score
        container[Columns.method] = method
        container[Columns.status] = status
        container[Columns.explanation] = explanation
        container[Columns.inputsFingerprint] = inputsFingerprint
        container[Columns.pinned] = pinned
        container[Columns.matchedAt] = matchedAt
    }
}

extension DerivableRequest<MatchRecord> {
    /// Matches the user decided (link, unlink, ignore).
    func pinned() -> Self { filter(MatchRecord.Columns.pinned == true) }
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
        let tagIds = try hardcoverLookupInputs(ids: ids).reduce(into: [String: LookupInput]()) { $0[$1.itemId] = $1 }
        let (only, arguments) = Self.fewIds(ids)
        return try read { db in
            var items: [MatchItem] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, title, subtitle, authors_json, narrators_json, series_json, duration_seconds, published_year
                FROM abs_item WHERE removed_at IS NULL AND fetched_fingerprint IS NOT NULL\(only.map { " AND id IN \($0)" } ?? "") ORDER BY key
                """, arguments: arguments)
            while let row = try rows.next() {
                let id: String = row["id"]
                if let ids, !ids.contains(id) { continue }
                let input = tagIds[id]
                items.append(MatchItem(
                    itemId: id, title: row["title"], subtitle: row["subtitle"], authors: Self.stringArray(row["authors_json"]),
                    narrators: Self.stringArray(row["narrators_json"]), series: Self.seriesArray(row["series_json"]),
                    isbns: input?.isbns ?? [], asins: input?.asins ?? [], durationSeconds: row["duration_seconds"],
                    publishedYear: (row["published_year"] as String?).flatMap(TextCleaner.year(in:))))
            }
            return items
        }
    }

    /// Runs `body` with the catalog's small queries, all in one read transaction (matching
    /// gathers many items' candidates at once).
    public func readCatalog<T>(_ body: (CatalogReader) throws -> T) throws -> T {
        try read { db in try body(CatalogReader(db: db)) }
    }

    /// One book by id, with its editions.
    public func hardcoverBook(id: Int) throws -> HardcoverBook? {
        try read { db in try Self.storedBooks(ids: [id], db: db)[id]?.book }
    }

    public func matchStates() throws -> [String: MatchState] {
        try read { db in
            // Not the explanations (3 KB an item): reading them made this a tenth of a large
            // library's first match.
            var states: [String: MatchState] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT item_id, inputs_fingerprint, pinned, status FROM match")
            while let row = try rows.next() {
                states[row["item_id"]] = MatchState(fingerprint: row["inputs_fingerprint"], pinned: row["pinned"], status: row["status"])
            }
            return states
        }
    }

    /// Stores computed matches (never over a pinned one), in one transaction. `explanation`:
    /// `MatchRecord.explanation(of:titles:)` of the result (made by whoever scored it).
    public func saveMatches(_ results: [(result: MatchResult, fingerprint: String, explanation: String)]) throws {
        let now = ISO8601.now()
        try write { db in
            // The pins among these items, looked up by key: a scan of every match for each batch
            // made a large library's first match quadratic (0.2 s a batch at 100,000 items).
            let pinned = try Set(MatchRecord.filter(keys: results.map(\.result.itemId)).pinned()
                .select(MatchRecord.Columns.itemId, as: String.self).fetchAll(db))
            for (result, fingerprint, explanation) in results where !pinned.contains(result.itemId) {
                let best = result.best
                try MatchRecord(
                    itemId: result.itemId, bookId: best?.bookId, editionId: best?.editionId, score: best?.score, method: best?.method,
                    status: result.status, explanation: explanation, inputsFingerprint: fingerprint, pinned: false, matchedAt: now
                ).upsert(db)
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
                try MatchRecord.filter(key: itemId).updateAll(
                    db, MatchRecord.Columns.pinned.set(to: false), MatchRecord.Columns.inputsFingerprint.set(to: nil))
                return true
            }
            // A decision keeps the explanation and fingerprint of the match it overrides.
            var match = try MatchRecord.fetchOne(db, key: itemId)
                ?? MatchRecord(itemId: itemId, status: status, explanation: "{\"manual\":true}", matchedAt: now)
            if status == .confirmed {
                match.bookId = bookId
                match.editionId = editionId
                match.score = nil
                match.method = .manual
            }
            match.status = status
            match.pinned = true
            match.matchedAt = now
            try match.save(db)
            return true
        }
    }

    static func seriesArray(_ json: String?) -> [SeriesEntry] {
        jsonList(json, of: SeriesEntry.self)
    }
}

extension MatchRecord {
    /// The `explanation` column of a computed match: the five best candidates, each with its
    /// title (`titles`, by book id), how it was found and its penalties.
    public static func explanation(of result: MatchResult, titles: [Int: String]) -> String {
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
                """, arguments: [text, text, text]).map { ($0["id"], $0["title"]) }
        }
    }

    /// The stored match of an item, with its explanation.
    public func storedMatch(itemId: String) throws -> MatchRecord? {
        try read { db in try MatchRecord.fetchOne(db, key: itemId) }
    }

    /// Every stored match, by item.
    public func matchRows() throws -> [String: MatchRecord] {
        try read { db in
            Dictionary(try MatchRecord.fetchAll(db).map { ($0.itemId, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }
}
