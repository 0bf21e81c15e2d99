import MirrorCore
import Testing

/// How matching looks for an item's candidates: the full-text queries it asks and when, how hits
/// from several sources merge into one candidate per book, and the fingerprint of what it found.
/// No database: the queries are text, and a search is any function from a query to book ids.
struct CandidateQueryTests {
    struct QueryCase: Sendable, CustomTestStringConvertible {
        var name: String
        var item: MatchItem
        var expected: [FullTextQuery]
        var testDescription: String { name }
    }

    static let queryCases: [QueryCase] = [
        .init(name: "title words without stop words, then the author with any of them",
              item: MatchItem(itemId: "a", title: "The Way of Kings", authors: ["Brandon Sanderson"]),
              expected: [
                  .init(kind: .exactTitle, text: "the way of kings"),
                  .init(kind: .exactTitleByAuthor, text: "the way of kings", author: "sanderson"),
                  .init(kind: .titleWords, text: "{title subtitle} : (\"way\" AND \"kings\")", unlessFoundBy: .exactTitleByAuthor),
                  .init(kind: .authorAndTitleWord, text: "authors : \"sanderson\" AND {title subtitle series} : (\"way\" OR \"kings\")",
                        whileFewerThan: 2, unlessFoundBy: .exactTitleByAuthor),
              ]),
        .init(name: "no author: the exact title, then the title's words whatever it found",
              item: MatchItem(itemId: "a", title: "Dune (Unabridged)"),
              expected: [.init(kind: .exactTitle, text: "dune (unabridged)"),
                         .init(kind: .titleWords, text: "{title subtitle} : (\"dune\")")]),
        .init(name: "\"Last, First\" gives the surname",
              item: MatchItem(itemId: "a", title: "The Hobbit", authors: ["Tolkien, J.R.R."]),
              expected: [
                  .init(kind: .exactTitle, text: "the hobbit"),
                  .init(kind: .exactTitleByAuthor, text: "the hobbit", author: "tolkien"),
                  .init(kind: .titleWords, text: "{title subtitle} : (\"hobbit\")", unlessFoundBy: .exactTitleByAuthor),
                  .init(kind: .authorAndTitleWord, text: "authors : \"tolkien\" AND {title subtitle series} : (\"hobbit\")",
                        whileFewerThan: 2, unlessFoundBy: .exactTitleByAuthor),
              ]),
        .init(name: "an apostrophe splits a word as the index does; accents fold; the exact title lowers A-Z only, as SQLite",
              item: MatchItem(itemId: "a", title: "ÉNDER's Game", authors: ["José Saramago"]),
              expected: [
                  .init(kind: .exactTitle, text: "Énder's game"),
                  .init(kind: .exactTitleByAuthor, text: "Énder's game", author: "saramago"),
                  .init(kind: .titleWords, text: "{title subtitle} : (\"ender\" AND \"game\")", unlessFoundBy: .exactTitleByAuthor),
                  .init(kind: .authorAndTitleWord, text: "authors : \"saramago\" AND {title subtitle series} : (\"ender\" OR \"game\")",
                        whileFewerThan: 2, unlessFoundBy: .exactTitleByAuthor),
              ]),
        .init(name: "a title of stop words only asks nothing by title; the series still finds",
              item: MatchItem(itemId: "a", title: "The", authors: ["Mary Robinette Kowal"],
                              series: [SeriesEntry(name: "Glamourist Histories", sequence: "3")]),
              expected: [
                  .init(kind: .authorAndSeries, text: "authors : \"kowal\" AND series : (\"glamourist\" AND \"histories\")",
                        whileFewerThan: 2),
              ]),
        .init(name: "no title and no author: nothing to ask",
              item: MatchItem(itemId: "a", title: nil, series: [SeriesEntry(name: "Discworld", sequence: "1")]),
              expected: []),
    ]

    @Test(arguments: queryCases)
    func fullTextQueriesFollowTheItem(_ c: QueryCase) {
        #expect(CandidateQueries.fullText(for: c.item) == c.expected)
    }

    @Test func titleWordsStopAtEight() throws {
        let item = MatchItem(itemId: "a", title: "one two three four five six seven eight nine ten")
        let query = try #require(CandidateQueries.fullText(for: item).first { $0.kind == .titleWords })
        #expect(query.text == "{title subtitle} : (\"one\" AND \"two\" AND \"three\" AND \"four\" AND \"five\" AND \"six\" AND \"seven\" AND \"eight\")")
    }

    @Test func surnamesSkipSuffixesAndInitials() {
        #expect(CandidateQueries.surname(of: "Martin Luther King Jr.") == "king")
        #expect(CandidateQueries.surname(of: "Tolkien, J.R.R.") == "tolkien")
        #expect(CandidateQueries.surname(of: "Brennan O'Neil") == "neil")
        #expect(CandidateQueries.surname(of: "J. R.") == nil)
    }

    /// A search over a fixed table of answers, recording what it was asked.
    class Answers {
        var table: [String: [Int]]
        var asked: [(text: String, limit: Int)] = []
        init(_ table: [String: [Int]]) { self.table = table }
        func search(_ query: FullTextQuery, _ limit: Int) -> [Int] {
            asked.append((query.text, limit))
            return Array((table[query.text] ?? []).prefix(limit))
        }
    }

    static let queries: [FullTextQuery] = [
        .init(kind: .titleWords, text: "exact"),
        .init(kind: .authorAndTitleWord, text: "loose", whileFewerThan: 2),
        .init(kind: .authorAndSeries, text: "series", whileFewerThan: 2),
    ]

    @Test func looserQueriesRunOnlyWhileTheExactOneFoundTooLittle() {
        let plenty = Answers(["exact": [7, 3], "loose": [9], "series": [11]])
        #expect(CandidateQueries.run(Self.queries, limit: 8, search: plenty.search) == [7, 3])
        #expect(plenty.asked.map(\.text) == ["exact"])

        let few = Answers(["exact": [7], "loose": [7, 9], "series": [11]])
        #expect(CandidateQueries.run(Self.queries, limit: 8, search: few.search) == [7, 9], "a book found twice counts once")
        #expect(few.asked.map(\.text) == ["exact", "loose"])
        #expect(few.asked.map(\.limit) == [8, 7], "each query asks only for what the limit leaves")

        let none = Answers(["series": [11, 12]])
        #expect(CandidateQueries.run(Self.queries, limit: 8, search: none.search) == [11, 12])
        #expect(none.asked.map(\.text) == ["exact", "loose", "series"])
    }

    @Test func theWordsQueriesRunOnlyWhenNoBookByTheAuthorHasTheExactTitle() {
        let item = MatchItem(itemId: "a", title: "The Way of Kings", authors: ["Brandon Sanderson"])
        let queries = CandidateQueries.fullText(for: item)
        #expect(queries.map(\.kind) == [.exactTitle, .exactTitleByAuthor, .titleWords, .authorAndTitleWord])
        let (exact, words, loose) = (queries[0].text, queries[2].text, queries[3].text)
        // The answers are keyed by text: both exact queries share theirs; the author's is told apart.
        final class ByAuthor: Answers {
            var byAuthor: [Int]
            init(_ table: [String: [Int]], byAuthor: [Int]) {
                self.byAuthor = byAuthor
                super.init(table)
            }
            override func search(_ query: FullTextQuery, _ limit: Int) -> [Int] {
                query.kind == .exactTitleByAuthor ? byAuthor : super.search(query, limit)
            }
        }
        let found = ByAuthor([exact: [5, 7], words: [7, 8, 9], loose: [7, 10]], byAuthor: [7])
        #expect(CandidateQueries.run(queries, limit: 8, search: found.search) == [5, 7])
        #expect(found.asked.map(\.text) == [exact], "the author's book has the title: neither its words nor the author with one are asked")

        let decoy = ByAuthor([exact: [5], words: [5, 8], loose: [8, 10]], byAuthor: [])
        #expect(CandidateQueries.run(queries, limit: 8, search: decoy.search) == [5, 8])
        #expect(decoy.asked.map(\.text) == [exact, words], "someone else's book has the title: its words are asked")

        let typo = ByAuthor([words: [8], loose: [8, 10]], byAuthor: [])
        #expect(CandidateQueries.run(queries, limit: 8, search: typo.search) == [8, 10])
        #expect(typo.asked.map(\.text) == [exact, words, loose], "one book found by its words: the author with one asked")
    }

    @Test func anItemPlacedByAnIdentifierAsksNoWordsButItsExactTitleAndSeries() {
        let item = MatchItem(itemId: "a", title: "The Way of Kings", authors: ["Brandon Sanderson"],
                             series: [SeriesEntry(name: "The Stormlight Archive", sequence: "1")])
        #expect(CandidateQueries.fullText(for: item).map(\.kind) == [.exactTitle, .exactTitleByAuthor, .titleWords, .authorAndTitleWord,
                                                                     .authorAndSeries])
        #expect(CandidateQueries.fullText(for: item, identified: true).map(\.kind) == [.exactTitle, .exactTitleByAuthor, .authorAndSeries])

        var set = CandidateSet()
        set.note(bookId: 1, method: .title)
        set.note(bookId: 2, method: nil)
        #expect(!set.isIdentified, "found by title and by full text: not placed")
        set.note(bookId: 3, method: .asin, editionId: 30)
        #expect(set.isIdentified)
    }

    @Test func nothingIsAskedOnceTheLimitIsReached() {
        let answers = Answers(["exact": [1, 2, 3]])
        #expect(CandidateQueries.run(Self.queries, limit: 1, search: answers.search) == [1])
        #expect(answers.asked.map(\.text) == ["exact"])
        let zero = Answers(["exact": [1]])
        #expect(CandidateQueries.run(Self.queries, limit: 0, search: zero.search).isEmpty)
        #expect(zero.asked.isEmpty)
    }

    @Test func hitsOfOneBookMergeIntoOneCandidate() {
        var set = CandidateSet()
        set.note(bookId: 20, method: .search, rank: 3)
        set.note(bookId: 10, method: .asin, editionId: 101)
        set.note(bookId: 20, method: .title, rank: 1)
        set.note(bookId: 20, method: nil)
        set.note(bookId: 10, method: .isbn, editionId: 102)
        set.note(bookId: 30, method: nil)
        #expect(set.bookIds == [10, 20, 30])
        let books = [10: HardcoverBook(id: 10, title: "Ten"), 20: HardcoverBook(id: 20, title: "Twenty")]
        let candidates = set.candidates(books: books)
        #expect(candidates.map(\.book.title) == ["Ten", "Twenty"], "book 30 is not in the mirror: no candidate")
        #expect(candidates[0].methods == [.asin, .isbn])
        #expect(candidates[0].matchedEditionIds == [101, 102])
        #expect(candidates[0].searchRank == nil)
        #expect(candidates[1].methods == [.search, .title])
        #expect(candidates[1].searchRank == 1)
    }

    @Test func theInputFingerprintFollowsTheItemAndItsCandidates() {
        let item = MatchItem(itemId: "a", title: "Dune", authors: ["Frank Herbert"], asins: ["B002V1OF70"], durationSeconds: 75_600)
        let book = HardcoverBook(id: 10, title: "Dune")
        let found = MatchCandidate(book: book, methods: [.asin], matchedEditionIds: [101])
        let base = MatchInput(item: item, candidates: [found], fetchedAt: [10: "2026-01-01T00:00:00Z"])
        #expect(base == MatchInput(item: item, candidates: [found], fetchedAt: [10: "2026-01-01T00:00:00Z"]))
        // The parts, in order: the item's metadata, then each candidate as book@fetched:methods:rank.
        #expect(base.fingerprint == Fingerprint.of(["Dune", nil, "Frank Herbert", "", "", "", "B002V1OF70", "75600", nil,
                                                    "10@2026-01-01T00:00:00Z:asin:0"]))
        var renamed = item
        renamed.title = "Dune Messiah"
        var searched = found
        searched.searchRank = 2
        for changed in [
            MatchInput(item: renamed, candidates: [found], fetchedAt: [10: "2026-01-01T00:00:00Z"]),
            MatchInput(item: item, candidates: [found], fetchedAt: [10: "2026-02-01T00:00:00Z"]),
            MatchInput(item: item, candidates: [searched], fetchedAt: [10: "2026-01-01T00:00:00Z"]),
            MatchInput(item: item, candidates: [], fetchedAt: [:]),
        ] {
            #expect(changed.fingerprint != base.fingerprint)
        }
    }
}
