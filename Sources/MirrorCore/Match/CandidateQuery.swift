import Foundation

/// One full-text query for an item's candidate books, over Hardcover's titles, authors and series
/// (an FTS5 `MATCH` expression of the `hardcover_books_fts` table).
public struct FullTextQuery: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Every significant word of the item's title in the book's title or subtitle.
        case titleWords
        /// The first author's surname, and one of the title's words (a typo, a translation).
        case authorAndTitleWord
        /// The first author's surname, and every word of the item's first series (items titled by
        /// their series: "The Maravel Novels, Book 3").
        case authorAndSeries
    }

    public var kind: Kind
    /// The `MATCH` expression.
    public var text: String
    /// Run only while fewer books than this were found by the queries before it (nil: always).
    public var whileFewerThan: Int?

    public init(kind: Kind, text: String, whileFewerThan: Int? = nil) {
        self.kind = kind
        self.text = text
        self.whileFewerThan = whileFewerThan
    }
}

/// How matching looks for an item's candidates in the mirror, offline: which full-text queries,
/// in which order, and when the looser ones run. Pure: the store runs the queries it is given.
public enum CandidateQueries {
    /// The looser queries run only when the queries before them found fewer books than this.
    public static let looseQueriesBelow = 2
    /// Books the full-text queries return for one item, at most.
    public static let defaultFullTextLimit = 8

    /// The item's full-text queries, in the order they run: the title's words; then, for a title
    /// with a typo or a translation, the first author with one of the title's words; and the
    /// first author with the first series' words. Empty for an item with neither.
    public static func fullText(for item: MatchItem) -> [FullTextQuery] {
        var queries: [FullTextQuery] = []
        let words = ftsWords(item.title.map { MatchNormalize.title(apart($0)) } ?? "")
        let surname = item.authors.first.flatMap(surname(of:))
        if !words.isEmpty {
            let quoted = words.prefix(8).map(quote)
            queries.append(FullTextQuery(kind: .titleWords, text: "{title subtitle} : (\(quoted.joined(separator: " AND ")))"))
            if let surname {
                queries.append(FullTextQuery(
                    kind: .authorAndTitleWord,
                    text: "authors : \(quote(surname)) AND {title subtitle series} : (\(quoted.joined(separator: " OR ")))",
                    whileFewerThan: looseQueriesBelow))
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

    /// Runs `queries` in order through `search` (a `MATCH` expression and how many books it may
    /// return, best first) and returns the distinct book ids found, at most `limit`. A query whose
    /// `whileFewerThan` is reached is skipped; once `limit` books are found, nothing more runs.
    public static func run(_ queries: [FullTextQuery], limit: Int,
                           search: (_ text: String, _ limit: Int) throws -> [Int]) rethrows -> [Int] {
        var ids: [Int] = []
        for query in queries {
            if let bound = query.whileFewerThan, ids.count >= bound { continue }
            guard ids.count < limit else { break }
            for id in try search(query.text, limit - ids.count) where !ids.contains(id) { ids.append(id) }
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
