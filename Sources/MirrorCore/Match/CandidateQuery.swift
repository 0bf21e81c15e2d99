import Foundation

/// One text query for an item's candidate books, over Hardcover's titles, authors and series: the
/// book's title exactly, or an FTS5 `MATCH` expression of the `hardcover_books_fts` table.
public struct FullTextQuery: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The book's title is the item's, but for ASCII letter case (`text` is the title with
        /// `A`–`Z` lowered, as SQLite's `lower()` lowers them; not an FTS expression). An index
        /// lookup: over a large catalog, full-text queries of common words read long lists.
        case exactTitle
        /// As `exactTitle`, by a person whose name holds `author` (the item's first author's
        /// surname, folded as the full-text index folds it; compared with the authors' names
        /// lowered A–Z only, so a name with accents is not found this way and the broader queries
        /// run): the item's book is found, and the broader queries are not asked.
        case exactTitleByAuthor
        /// Every significant word of the item's title in the book's title or subtitle.
        case titleWords
        /// The first author's surname, and one of the title's words (a typo, a translation).
        case authorAndTitleWord
        /// The first author's surname, and every word of the item's first series (items titled by
        /// their series: "The Maravel Novels, Book 3").
        case authorAndSeries
    }

    public var kind: Kind
    /// The `MATCH` expression (for `exactTitle` and `exactTitleByAuthor`, the title to look up).
    public var text: String
    /// For `exactTitleByAuthor`: what an author's name must hold.
    public var author: String?
    /// Run only while fewer books than this were found by the queries before it (nil: always).
    public var whileFewerThan: Int?
    /// Run only if the query of this kind before it found nothing (nil: whatever it found).
    public var unlessFoundBy: Kind?

    public init(kind: Kind, text: String, author: String? = nil, whileFewerThan: Int? = nil, unlessFoundBy: Kind? = nil) {
        self.kind = kind
        self.text = text
        self.author = author
        self.whileFewerThan = whileFewerThan
        self.unlessFoundBy = unlessFoundBy
    }
}

/// How matching looks for an item's candidates in the mirror, offline: which full-text queries,
/// in which order, and when the looser ones run. Pure: the store runs the queries it is given.
public enum CandidateQueries {
    /// The looser queries run only when the queries before them found fewer books than this.
    public static let looseQueriesBelow = 2
    /// Books the full-text queries return for one item, at most.
    public static let defaultFullTextLimit = 8

    /// The item's text queries, in the order they run: its exact title, by anyone and by its first
    /// author; unless a book by that author has the title, the title's words and then, for a
    /// title with a typo or a translation, the first author with one of the title's words; and the
    /// first author with the first series' words. Empty for an item with neither.
    ///
    /// Over a large catalog the words' queries read long lists of books (a common word is in
    /// thousands); the exact title is an index lookup. Every book the exact title finds, the
    /// title's words find too (the same text has the same words): a book's change that could
    /// change what these queries find is seen by the full-text ones alone (`MatchChanges`).
    ///
    /// `identified`: an edition carrying one of the item's identifiers was found; the words'
    /// queries (what finds a book the identifiers did not) are not asked either. Without it, the
    /// whole list: what `MatchChanges` tests a changed book against.
    public static func fullText(for item: MatchItem, identified: Bool = false) -> [FullTextQuery] {
        var queries: [FullTextQuery] = []
        let words = ftsWords(item.title.map { MatchNormalize.title(apart($0)) } ?? "")
        let surname = item.authors.first.flatMap(surname(of:))
        if !words.isEmpty {
            let quoted = words.prefix(8).map(quote)
            var found: FullTextQuery.Kind?
            if let title = item.title.map(asciiLowered), !title.isEmpty {
                queries.append(FullTextQuery(kind: .exactTitle, text: title))
                if let surname {
                    queries.append(FullTextQuery(kind: .exactTitleByAuthor, text: title, author: surname))
                    found = .exactTitleByAuthor
                }
            }
            if !identified {
                queries.append(FullTextQuery(kind: .titleWords, text: "{title subtitle} : (\(quoted.joined(separator: " AND ")))",
                                             unlessFoundBy: found))
                if let surname {
                    queries.append(FullTextQuery(
                        kind: .authorAndTitleWord,
                        text: "authors : \(quote(surname)) AND {title subtitle series} : (\(quoted.joined(separator: " OR ")))",
                        whileFewerThan: looseQueriesBelow, unlessFoundBy: found))
                }
            }
        }
        if let surname, let series = item.series.first {
            let seriesWords = ftsWords(MatchNormalize.series(apart(series.name))).prefix(6).map(quote)
            if !seriesWords.isEmpty {
                queries.append(FullTextQuery(
                    kind: .authorAndSeries,
                    text: "authors : \(quote(surname)) AND series : (\(seriesWords.joined(separator: " AND ")))",
                    whileFewerThan: looseQueriesBelow))
            }
        }
        return queries
    }

    /// Runs `queries` in order through `search` (a query and how many books it may return, best
    /// first) and returns the distinct book ids found, at most `limit`. A query whose
    /// `whileFewerThan` is reached, or whose `unlessFoundBy` query found a book, is skipped; once
    /// `limit` books are found, nothing more runs.
    public static func run(_ queries: [FullTextQuery], limit: Int,
                           search: (_ query: FullTextQuery, _ limit: Int) throws -> [Int]) rethrows -> [Int] {
        var ids: [Int] = []
        var found = Set<FullTextQuery.Kind>()
        for query in queries {
            if let bound = query.whileFewerThan, ids.count >= bound { continue }
            if let kind = query.unlessFoundBy, found.contains(kind) { continue }
            guard ids.count < limit else { break }
            let hits = try search(query, limit - ids.count)
            if !hits.isEmpty { found.insert(query.kind) }
            for id in hits where !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    /// Words as the FTS index has them (an apostrophe splits: "brennan's" is "brennan" "s"),
    /// without stop words and single letters.
    public static func ftsWords(_ text: String) -> [String] {
        MatchNormalize.fold(apart(text), transliterate: false).split(separator: " ").map(String.init)
            .filter { !stopWords.contains($0) && $0.count > 1 }
    }

    /// The surname of a name, as the FTS index has it: "Tolkien, J.R.R." and "J.R.R. Tolkien"
    /// give "tolkien"; "Martin Luther King Jr." gives "king". Nil for a name without words.
    public static func surname(of name: String) -> String? {
        ftsWords(surnameFirstLast(apart(name))).last { !suffixes.contains($0) }
    }

    static let stopWords: Set<String> = ["the", "and", "of", "a", "an", "to", "in", "on", "for", "with", "der", "die", "das", "und",
                                         "le", "la", "les", "de", "et", "el", "los", "y", "book", "volume", "part"]

    private static let suffixes: Set<String> = ["jr", "sr", "ii", "iii", "iv", "phd"]

    /// "Tolkien, J.R.R." → "J.R.R. Tolkien" without folding (the FTS query folds its own way).
    private static func surnameFirstLast(_ name: String) -> String {
        let parts = name.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return parts.count == 2 ? parts[1] + " " + parts[0] : name
    }

    private static func apart(_ text: String) -> String {
        text.replacingOccurrences(of: "'", with: " ").replacingOccurrences(of: "’", with: " ")
    }

    private static func quote(_ word: String) -> String { "\"\(word)\"" }

    /// `A`–`Z` lowered, nothing else: what SQLite's `lower()` does without ICU.
    private static func asciiLowered(_ text: String) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

/// An item's candidate books as they are found, one per book: how each was found (by sync's
/// lookups, an edition's identifier, full-text), the editions an identifier matched, the best
/// search rank.
public struct CandidateSet: Sendable, Equatable {
    private var byBook: [Int: MatchCandidate] = [:]

    public init() {}

    /// Notes that `bookId` may be the item's; `method` nil for a full-text hit.
    public mutating func note(bookId: Int, method: LookupMethod?, editionId: Int? = nil, rank: Int? = nil) {
        var candidate = byBook[bookId] ?? MatchCandidate(book: HardcoverBook(id: bookId, title: ""))
        if let method { candidate.methods.insert(method) }
        if let editionId { candidate.matchedEditionIds.insert(editionId) }
        if let rank { candidate.searchRank = min(candidate.searchRank ?? rank, rank) }
        byBook[bookId] = candidate
    }

    /// Whether a book was noted as found by an identifier (ASIN or ISBN).
    public var isIdentified: Bool {
        byBook.values.contains { !$0.methods.isDisjoint(with: [.asin, .isbn]) }
    }

    /// The books noted, in id order.
    public var bookIds: [Int] { byBook.keys.sorted() }

    /// The candidates whose book is in `books`, in book-id order, each with its book.
    public func candidates(books: [Int: HardcoverBook]) -> [MatchCandidate] {
        bookIds.compactMap { id in
            guard let book = books[id], var candidate = byBook[id] else { return nil }
            candidate.book = book
            return candidate
        }
    }
}

/// An item ready to be matched: what it is, its candidate books, and a fingerprint of both.
public struct MatchInput: Sendable, Equatable {
    public var item: MatchItem
    public var candidates: [MatchCandidate]
    /// Changes when the item's metadata, its candidates, how they were found, or when their books
    /// were fetched change: a rematch skips items whose fingerprint (with the weights) is unchanged.
    public var fingerprint: String

    /// `fetchedAt`: when each candidate's book was fetched (by book id).
    public init(item: MatchItem, candidates: [MatchCandidate], fetchedAt: [Int: String]) {
        self.item = item
        self.candidates = candidates
        var parts: [String?] = [item.title, item.subtitle, item.authors.joined(separator: "|"),
                                item.narrators.joined(separator: "|"),
                                item.series.map { "\($0.name)#\($0.sequence ?? "")" }.joined(separator: "|"),
                                item.isbn13s.joined(separator: ","), item.asins.joined(separator: ","),
                                item.durationSeconds.map { String(Int($0)) }, item.publishedYear.map(String.init)]
        for c in candidates {
            let id = c.book.id
            parts.append("\(id)@\(fetchedAt[id] ?? ""):\(c.methods.map(\.rawValue).sorted().joined()):\(c.searchRank ?? 0)")
        }
        fingerprint = Fingerprint.of(parts)
    }
}
