/// Everything Hardcover knows in the fake: books and editions, with the authors, series,
/// contributions, book_series, publishers and languages derived from them, and the indexes the
/// GraphQL executor and search use. Immutable once built, so queries run outside the state actor.
public struct FakeHardcoverCatalog: Sendable {
    let tables: Tables

    /// Books and editions may come in any order; they are kept sorted by id. Contribution and
    /// book_series ids are numbered here, books first, in id order.
    public init(books: [FakeHardcoverBook], editions: [FakeHardcoverEdition]) {
        tables = Tables(books: books.sorted { $0.id < $1.id }, editions: editions.sorted { $0.id < $1.id })
    }

    /// Sorted by id.
    public var books: [FakeHardcoverBook] { tables.books }
    /// Sorted by id.
    public var editions: [FakeHardcoverEdition] { tables.editions }
    /// Every author and narrator named by a contribution, by id.
    public var authors: [FakeHardcoverAuthor] { tables.authors }
    /// Every series named by a book, by id.
    public var series: [FakeHardcoverSeries] { tables.series }

    public func book(id: Int) -> FakeHardcoverBook? { tables.bookIndex[id].map { tables.books[$0] } }

    public func edition(id: Int) -> FakeHardcoverEdition? { tables.editionIndex[id].map { tables.editions[$0] } }

    /// The book's editions, by id.
    public func editions(ofBook id: Int) -> [FakeHardcoverEdition] {
        guard let b = tables.bookIndex[id] else { return [] }
        return tables.editionsOfBook[b].map { tables.editions[$0] }
    }

    public func author(id: Int) -> FakeHardcoverAuthor? { tables.authorIndex[id].map { tables.authors[$0] } }

    public func series(id: Int) -> FakeHardcoverSeries? { tables.seriesIndex[id].map { tables.series[$0] } }

    /// Editions whose isbn_13, isbn_10 or asin is `identifier`.
    public func editions(withIdentifier identifier: String) -> [FakeHardcoverEdition] {
        let found = (tables.editionsByISBN13[identifier] ?? []) + (tables.editionsByISBN10[identifier] ?? [])
            + (tables.editionsByASIN[identifier] ?? [])
        return Set(found).sorted().map { tables.editions[$0] }
    }

    /// Books whose title is exactly `title`.
    public func books(titled title: String) -> [FakeHardcoverBook] {
        (tables.booksByTitle[title] ?? []).map { tables.books[$0] }
    }
}

/// A contributions row: book or edition level.
struct FakeHardcoverContributionRow: Sendable {
    var id: Int
    var authorId: Int
    var contribution: String?
    /// "Book" or "Edition".
    var contributableType: String
    var contributableId: Int
}

/// A book_series row.
struct FakeHardcoverBookSeriesRow: Sendable {
    var id: Int
    var bookIndex: Int
    var seriesId: Int
    var position: Double?
    /// The book's first series is its featured one.
    var featured: Bool
}

extension FakeHardcoverCatalog {
    /// The rows and indexes, shared by every copy of a catalog. Indexes are positions in the arrays.
    final class Tables: Sendable {
        let books: [FakeHardcoverBook]
        let editions: [FakeHardcoverEdition]
        let authors: [FakeHardcoverAuthor]
        let series: [FakeHardcoverSeries]
        let contributions: [FakeHardcoverContributionRow]
        let bookSeries: [FakeHardcoverBookSeriesRow]
        /// publishers.id is the position + 1.
        let publishers: [String]
        /// languages.id is the position + 1.
        let languages: [FakeHardcoverLanguage]

        let bookIndex: [Int: Int]
        let editionIndex: [Int: Int]
        let authorIndex: [Int: Int]
        let seriesIndex: [Int: Int]
        let contributionIndex: [Int: Int]
        let bookSeriesIndex: [Int: Int]
        let publisherIndex: [String: Int]
        let languageIndex: [FakeHardcoverLanguage: Int]
        /// Per book position: its editions' positions, by id.
        let editionsOfBook: [[Int]]
        /// Per book / edition position: its contributions rows.
        let contributionsOfBook: [[Int]]
        let contributionsOfEdition: [[Int]]
        /// Per book position: its book_series rows.
        let bookSeriesOfBook: [[Int]]
        let bookSeriesOfSeries: [Int: [Int]]
        let contributionsOfAuthor: [Int: [Int]]
        let editionsByISBN13: [String: [Int]]
        let editionsByISBN10: [String: [Int]]
        let editionsByASIN: [String: [Int]]
        let booksByTitle: [String: [Int]]
        let search: FakeHardcoverSearchIndex

        init(books: [FakeHardcoverBook], editions: [FakeHardcoverEdition]) {
            self.books = books
            self.editions = editions
            bookIndex = Dictionary(books.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            editionIndex = Dictionary(editions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })

            var editionsOfBook = [[Int]](repeating: [], count: books.count)
            var byISBN13: [String: [Int]] = [:], byISBN10: [String: [Int]] = [:], byASIN: [String: [Int]] = [:]
            for (n, edition) in editions.enumerated() {
                if let b = bookIndex[edition.bookId] { editionsOfBook[b].append(n) }
                if let v = edition.isbn13 { byISBN13[v, default: []].append(n) }
                if let v = edition.isbn10 { byISBN10[v, default: []].append(n) }
                if let v = edition.asin { byASIN[v, default: []].append(n) }
            }
            self.editionsOfBook = editionsOfBook
            editionsByISBN13 = byISBN13
            editionsByISBN10 = byISBN10
            editionsByASIN = byASIN
            var byTitle: [String: [Int]] = [:]
            for (n, book) in books.enumerated() { byTitle[book.title, default: []].append(n) }
            booksByTitle = byTitle

            // Contributions: books first, then editions; authors as first named.
            var rows: [FakeHardcoverContributionRow] = []
            var ofBook = [[Int]](repeating: [], count: books.count)
            var ofEdition = [[Int]](repeating: [], count: editions.count)
            var authorNames: [Int: String] = [:]
            var authorBooks: [Int: Set<Int>] = [:]
            for (n, book) in books.enumerated() {
                for c in book.contributions {
                    ofBook[n].append(rows.count)
                    rows.append(.init(id: rows.count + 1, authorId: c.authorId, contribution: c.contribution,
                                      contributableType: "Book", contributableId: book.id))
                    if authorNames[c.authorId] == nil { authorNames[c.authorId] = c.authorName }
                    authorBooks[c.authorId, default: []].insert(book.id)
                }
            }
            for (n, edition) in editions.enumerated() {
                for c in edition.contributions {
                    ofEdition[n].append(rows.count)
                    rows.append(.init(id: rows.count + 1, authorId: c.authorId, contribution: c.contribution,
                                      contributableType: "Edition", contributableId: edition.id))
                    if authorNames[c.authorId] == nil { authorNames[c.authorId] = c.authorName }
                    authorBooks[c.authorId, default: []].insert(edition.bookId)
                }
            }
            contributions = rows
            contributionsOfBook = ofBook
            contributionsOfEdition = ofEdition
            contributionIndex = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1.id, $0) })
            var ofAuthor: [Int: [Int]] = [:]
            for (n, row) in rows.enumerated() { ofAuthor[row.authorId, default: []].append(n) }
            contributionsOfAuthor = ofAuthor
            authors = authorNames.keys.sorted().map { id in
                let name = authorNames[id]!
                return FakeHardcoverAuthor(id: id, name: name, slug: FakeHardcoverText.slug(name),
                                           booksCount: authorBooks[id]?.count ?? 0)
            }
            authorIndex = Dictionary(uniqueKeysWithValues: authors.enumerated().map { ($1.id, $0) })

            // Series and book_series.
            var seriesRows: [FakeHardcoverBookSeriesRow] = []
            var seriesOfBook = [[Int]](repeating: [], count: books.count)
            var seriesNames: [Int: String] = [:]
            var seriesBooks: [Int: Set<Int>] = [:]
            var seriesAuthor: [Int: Int] = [:]
            for (n, book) in books.enumerated() {
                for (k, s) in book.series.enumerated() {
                    seriesOfBook[n].append(seriesRows.count)
                    seriesRows.append(.init(id: seriesRows.count + 1, bookIndex: n, seriesId: s.seriesId,
                                            position: s.position, featured: k == 0))
                    if seriesNames[s.seriesId] == nil { seriesNames[s.seriesId] = s.name }
                    seriesBooks[s.seriesId, default: []].insert(book.id)
                    if seriesAuthor[s.seriesId] == nil,
                       let first = book.contributions.first(where: { $0.contribution == nil }) {
                        seriesAuthor[s.seriesId] = first.authorId
                    }
                }
            }
            bookSeries = seriesRows
            bookSeriesOfBook = seriesOfBook
            bookSeriesIndex = Dictionary(uniqueKeysWithValues: seriesRows.enumerated().map { ($1.id, $0) })
            var ofSeries: [Int: [Int]] = [:]
            for (n, row) in seriesRows.enumerated() { ofSeries[row.seriesId, default: []].append(n) }
            bookSeriesOfSeries = ofSeries
            series = seriesNames.keys.sorted().map { id in
                let name = seriesNames[id]!
                return FakeHardcoverSeries(id: id, name: name, slug: FakeHardcoverText.slug(name),
                                           booksCount: seriesBooks[id]?.count ?? 0, authorId: seriesAuthor[id])
            }
            seriesIndex = Dictionary(uniqueKeysWithValues: series.enumerated().map { ($1.id, $0) })

            // Publishers and languages, numbered as first seen.
            var publishers: [String] = [], publisherIndex: [String: Int] = [:]
            var languages: [FakeHardcoverLanguage] = [], languageIndex: [FakeHardcoverLanguage: Int] = [:]
            for edition in editions {
                if let p = edition.publisher, publisherIndex[p] == nil {
                    publisherIndex[p] = publishers.count
                    publishers.append(p)
                }
                if let l = edition.language, languageIndex[l] == nil {
                    languageIndex[l] = languages.count
                    languages.append(l)
                }
            }
            self.publishers = publishers
            self.publisherIndex = publisherIndex
            self.languages = languages
            self.languageIndex = languageIndex

            search = FakeHardcoverSearchIndex(books: books, editionsOfBook: editionsOfBook, editions: editions)
        }

        /// The author's name, for search documents and cached_contributors.
        func authorName(_ id: Int) -> String { authorIndex[id].map { authors[$0].name } ?? "" }
    }
}
