import GRDB
import MirrorCore

/// One item as the library page of `serve` lists it.
public struct LibraryRow: Sendable, Equatable {
    public var itemId: String
    public var title: String?
    /// As ABS joins them ("A, B").
    public var authors: String?
    public var series: String?
    public var matchStatus: MatchStatus?
    public var score: Double?
    public var bookId: Int?
    public var bookTitle: String?
    /// Proposals waiting for a decision, of both targets.
    public var pending: Int
    public var accepted: Int
}

/// Which items the library page lists.
public struct LibraryFilter: Sendable, Equatable {
    /// Full-text words (each a prefix) over titles, people, series, descriptions and tags.
    public var text: String?
    /// Only items whose match is in this status; `.unmatched` also takes items never matched.
    public var match: MatchStatus?
    /// Only items with pending proposals.
    public var pendingOnly = false
    public var offset = 0
    public var limit = 100
    /// Count at most this many more than `offset + limit` (a search as you type that finds most of
    /// the library need not count it all); nil: count every item.
    public var countAhead: Int?

    public init(text: String? = nil, match: MatchStatus? = nil, pendingOnly: Bool = false, offset: Int = 0, limit: Int = 100,
                countAhead: Int? = nil) {
        self.text = text
        self.match = match
        self.pendingOnly = pendingOnly
        self.offset = offset
        self.limit = limit
        self.countAhead = countAhead
    }

    /// The columns of `items_fts` the library's search reads: titles, people, series and tags
    /// (not descriptions, where the words a search begins with are everywhere).
    static let searchColumns = "{title subtitle authors narrators series tags}"
}

extension Mirror {
    /// A page of the library: best full-text hits first when searching, else by title; and how
    /// many items the filter takes in all (with `countAhead`, at most that many past the page:
    /// a total beyond `offset + limit + countAhead` is reported as one more than that).
    public func libraryRows(_ filter: LibraryFilter) throws -> (rows: [LibraryRow], total: Int) {
        var from = "abs_item i LEFT JOIN match m ON m.item_id = i.id"
        var conditions = ["i.removed_at IS NULL", "i.fetched_fingerprint IS NOT NULL"]
        var arguments: [(any DatabaseValueConvertible)?] = []
        var order = "i.title COLLATE NOCASE, i.id"
        if let text = filter.text {
            // Nothing searchable in the text (only punctuation): nothing is found.
            guard let pattern = FTS5Pattern(matchingAllPrefixesIn: text) else { return ([], 0) }
            from = "items_fts JOIN abs_item i ON i.key = items_fts.rowid LEFT JOIN match m ON m.item_id = i.id"
            conditions.append("items_fts MATCH ?")
            arguments.append("\(LibraryFilter.searchColumns): (\(pattern.rawPattern))")
            // Ties broken by the row's key: sorting thousands of hits by title costs more than ranking them.
            order = "bm25(items_fts, 10.0, 4.0, 8.0, 4.0, 6.0, 1.0, 2.0), i.key"
        }
        switch filter.match {
        case nil: break
        case .unmatched?: conditions.append("(m.status IS NULL OR m.status = 'unmatched')")
        case let status?:
            conditions.append("m.status = ?")
            arguments.append(status.rawValue)
        }
        if filter.pendingOnly {
            conditions.append("i.id IN (SELECT item_id FROM change WHERE status = 'pending')")
        }
        let whereClause = conditions.joined(separator: " AND ")
        return try read { db in
            let cap = filter.countAhead.map { " LIMIT \(filter.offset + filter.limit + $0 + 1)" } ?? ""
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM \(from) WHERE \(whereClause)\(cap))",
                                         arguments: StatementArguments(arguments)) ?? 0
            // The page's items first; their books and counts only for them. The counts name the
            // open proposals as the partial index `change_open` does, so SQLite finds an item's
            // through it (with `status = 'pending'` alone it would walk every pending one).
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.*, b.title AS book_title,
                       (SELECT coalesce(sum(c.status = 'pending'), 0) FROM change c
                        WHERE c.item_id = p.id AND c.status IN ('pending', 'accepted')) AS pending,
                       (SELECT coalesce(sum(c.status = 'accepted'), 0) FROM change c
                        WHERE c.item_id = p.id AND c.status IN ('pending', 'accepted')) AS accepted
                FROM (SELECT i.id, i.title, i.authors, i.series, m.status AS match_status, m.score, m.book_id
                      FROM \(from) WHERE \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?) p
                LEFT JOIN hc_book b ON b.id = p.book_id
                """, arguments: StatementArguments(arguments + [filter.limit, filter.offset]))
            return (rows.map { row in
                LibraryRow(itemId: row["id"], title: row["title"], authors: row["authors"], series: row["series"],
                           matchStatus: (row["match_status"] as String?).flatMap(MatchStatus.init(rawValue:)), score: row["score"],
                           bookId: row["book_id"], bookTitle: row["book_title"], pending: row["pending"], accepted: row["accepted"])
            }, total)
        }
    }

    /// The files of an item with the tags scan read from them, by path.
    public func itemFiles(itemId: String) throws -> [ItemFileTags] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT path, format, duration_ms, title, album, artist, album_artist, composer, genre, CAST(year AS TEXT) AS year, series, series_part,
                       asin, isbn, error
                FROM tag_file WHERE item_id = ? AND removed_at IS NULL ORDER BY path
                """, arguments: [itemId]).map { row in
                var tags: [(String, String)] = []
                for key in ["title", "album", "artist", "album_artist", "composer", "genre", "year", "series", "series_part", "asin", "isbn"] {
                    if let value: String = row[key], !value.isEmpty { tags.append((key, value)) }
                }
                return ItemFileTags(path: row["path"], format: row["format"], durationMs: row["duration_ms"], tags: tags, error: row["error"])
            }
        }
    }
}

/// One audio file of an item, as scan read it.
public struct ItemFileTags: Sendable {
    public var path: String
    public var format: String?
    public var durationMs: Int?
    /// The tags it has, by name (title, album, artist, …), in a fixed order.
    public var tags: [(name: String, value: String)]
    /// Why the file could not be read, if it could not.
    public var error: String?
}

extension Mirror {
    /// How many proposals are in `status`.
    public func changeCount(status: ChangeStatus) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM change WHERE status = ?", arguments: [status.rawValue]) ?? 0 }
    }
}

extension Mirror {
    /// An `abs_item` row's metadata (the columns it has; `published_date` may be left out).
    static func metadata(_ row: Row) -> ItemMetadata {
        var m = ItemMetadata()
        m.title = row["title"]
        m.subtitle = row["subtitle"]
        m.authors = stringArray(row["authors_json"])
        m.narrators = stringArray(row["narrators_json"])
        m.series = seriesArray(row["series_json"])
        m.genres = stringArray(row["genres_json"])
        m.publishedYear = row["published_year"]
        m.publishedDate = row["published_date"]
        m.publisher = row["publisher"]
        m.descriptionPlain = row["description"]
        m.descriptionHTML = row["description_html"]
        m.isbn = row["isbn"]
        m.asin = row["asin"]
        m.language = row["language"]
        return m
    }

    /// An item's metadata as AudiobookShelf holds it; nil when the mirror has no such item.
    public func itemMetadata(id: String) throws -> ItemMetadata? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT title, subtitle, authors_json, narrators_json, series_json, genres_json, published_year, published_date, publisher,
                       description, description_html, isbn, asin, language
                FROM abs_item WHERE id = ? AND removed_at IS NULL AND fetched_fingerprint IS NOT NULL
                """, arguments: [id]) else { return nil }
            return Self.metadata(row)
        }
    }
}

extension Mirror {
    /// The items with pending proposals of `targets`: whether their match needs review, and
    /// their title. One row per item, grouped by SQLite.
    public func pendingItems(targets: Set<PushTarget>) throws -> [(itemId: String, needsReview: Bool, title: String?)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.item_id, max(coalesce(m.status = 'needs_review', 0)) AS review, i.title
                FROM change c JOIN abs_item i ON i.id = c.item_id LEFT JOIN match m ON m.item_id = c.item_id
                WHERE c.status = 'pending' AND c.target IN (\(databaseQuestionMarks(count: targets.count)))
                GROUP BY c.item_id
                """, arguments: StatementArguments(targets.map(\.rawValue))).map { ($0["item_id"], $0["review"] as Bool, $0["title"]) }
        }
    }
}
