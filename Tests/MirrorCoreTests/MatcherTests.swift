import MirrorCore
import Testing

/// Scoring, edition choice and recommendations, case by named case.
struct MatcherTests {
    static let wayOfKings = HardcoverBook(
        id: 1, title: "The Way of Kings", authors: ["Brandon Sanderson"],
        series: [HardcoverSeriesEntry(name: "The Stormlight Archive", position: 1)], releaseYear: 2010, audioSeconds: 164_880,
        usersCount: 9000, defaultAudioEditionId: 11,
        editions: [
            HardcoverEdition(id: 10, bookId: 1, isbn13: "9780765326355", readingFormat: .physical, pages: 1007, usersCount: 5000),
            HardcoverEdition(id: 11, bookId: 1, asin: "B003ZWFO7E", readingFormat: .audiobook, audioSeconds: 164_880,
                             narrators: ["Michael Kramer", "Kate Reading"], usersCount: 900),
            HardcoverEdition(id: 12, bookId: 1, asin: "B0UKEDITIN", readingFormat: .audiobook, audioSeconds: 160_000,
                             narrators: ["Someone Else"], usersCount: 10),
        ])

    static let item = MatchItem(
        itemId: "li", title: "The Way of Kings (Unabridged)", authors: ["Sanderson, Brandon"], narrators: ["Michael Kramer", "Kate Reading"],
        series: [SeriesEntry(name: "Stormlight Archive", sequence: "1")], asins: ["b003zwfo7e"], durationSeconds: 164_900, publishedYear: 2010)

    private func penalty(_ score: CandidateScore, _ kind: PenaltyKind) -> Double? {
        score.penalties.first { $0.kind == kind }?.value
    }

    @Test func everythingAgreesScoresOneAndMatchesAutomaticallyByASIN() {
        let result = Matcher.match(Self.item, candidates: [MatchCandidate(book: Self.wayOfKings, methods: [.asin], matchedEditionIds: [11])])
        let best = try! #require(result.best)
        #expect(best.score > 0.999)
        #expect(best.editionId == 11)
        #expect(best.method == .asin)
        #expect(result.status == .auto)
        #expect(Set(best.penalties.map(\.kind)) == Set(PenaltyKind.allCases))
    }

    @Test func theAudiobookEditionIsChosenEvenWhenThePrintISBNMatched() {
        var item = Self.item
        item.asins = []
        item.isbn13s = ["9780765326355"]
        item.narrators = []
        let best = Matcher.score(item, MatchCandidate(book: Self.wayOfKings, methods: [.isbn], matchedEditionIds: [10]))
        #expect(best.editionId == 11, "the popular audio edition, not the print one the ISBN found")
        #expect(penalty(best, .identifiers) == 0)
        #expect(best.method == .isbn)
    }

    @Test func theEditionWithTheItemsNarratorsIsChosen() {
        var item = Self.item
        item.asins = []
        item.narrators = ["Someone Else"]
        item.durationSeconds = 160_000
        #expect(Matcher.chooseEdition(item, MatchCandidate(book: Self.wayOfKings))?.id == 12)
    }

    @Test func withoutAnAudiobookEditionOnlyTheMatchedEditionIsUsed() {
        var book = Self.wayOfKings
        book.editions = book.editions.filter { $0.readingFormat != .audiobook }
        #expect(Matcher.chooseEdition(Self.item, MatchCandidate(book: book))?.id == nil)
        #expect(Matcher.chooseEdition(Self.item, MatchCandidate(book: book, matchedEditionIds: [10]))?.id == 10)
    }

    @Test func aPenaltyAppliesOnlyWhenBothSidesHaveTheValue() {
        let bare = MatchItem(itemId: "li", title: "The Way of Kings")
        let score = Matcher.score(bare, MatchCandidate(book: Self.wayOfKings))
        #expect(score.penalties.map(\.kind) == [.title])
        #expect(score.score == 1)
    }

    @Test func sameTitleByAnotherAuthorLosesToTheRightBook() {
        var impostor = Self.wayOfKings
        impostor.id = 2
        impostor.authors = ["Someone Unrelated"]
        impostor.series = []
        impostor.editions = []
        var item = Self.item
        item.asins = []
        let result = Matcher.match(item, candidates: [MatchCandidate(book: impostor, methods: [.title]),
                                                      MatchCandidate(book: Self.wayOfKings, methods: [.title])])
        #expect(result.best?.bookId == 1)
        let wrong = result.ranked.first { $0.bookId == 2 }!
        #expect(penalty(wrong, .authors) == 1)
        #expect(wrong.score < 0.7)
    }

    @Test func aCloseSecondNeedsReview() {
        var twin = Self.wayOfKings
        twin.id = 3
        let result = Matcher.match(MatchItem(itemId: "li", title: "The Way of Kings", authors: ["Brandon Sanderson"]),
                                   candidates: [MatchCandidate(book: Self.wayOfKings), MatchCandidate(book: twin)])
        #expect(result.status == .needsReview)
    }

    @Test func aPoorBestIsUnmatchedButKept() {
        let result = Matcher.match(MatchItem(itemId: "li", title: "Completely Different", authors: ["Nobody Known"]),
                                   candidates: [MatchCandidate(book: Self.wayOfKings, methods: [.search])])
        #expect(result.status == .unmatched)
        #expect(result.best?.bookId == 1)
        #expect(Matcher.match(Self.item, candidates: []).status == .unmatched)
    }

    @Test func anotherRegionsASINCostsSomethingButNotTheMatch() {
        var item = Self.item
        item.asins = ["B00WRONGUK"]
        let best = Matcher.score(item, MatchCandidate(book: Self.wayOfKings, methods: [.title]))
        #expect(penalty(best, .identifiers) == MatchConfig().identifierMismatch)
        #expect(best.score >= MatchConfig().strong)
    }

    @Test(arguments: [
        ("1", 0.0), ("1.0", 0.0), ("Book 1", 0.0), ("2", 1.0),
    ] as [(String, Double)])
    func theSequenceIsComparedAsANumber(_ sequence: String, _ expected: Double) {
        var item = Self.item
        item.series = [SeriesEntry(name: "The Stormlight Archive", sequence: sequence)]
        #expect(penalty(Matcher.score(item, MatchCandidate(book: Self.wayOfKings)), .sequence) == expected)
    }

    @Test(arguments: [(164_880.0, 0.0), (164_880.0 * 1.05, 0.5), (164_880.0 * 2, 1.0)])
    func durationWithinTolerance(_ seconds: Double, _ expected: Double) {
        var item = Self.item
        item.durationSeconds = seconds
        let p = penalty(Matcher.score(item, MatchCandidate(book: Self.wayOfKings)), .duration) ?? -1
        #expect(abs(p - expected) < 0.03, "\(p)")
    }

    @Test func theDurationNoteShowsHoursAndZeroPaddedMinutes() {
        var item = Self.item
        item.durationSeconds = 173_124 // 2,885 minutes
        let note = Matcher.score(item, MatchCandidate(book: Self.wayOfKings)).penalties.first { $0.kind == .duration }?.note
        #expect(note == "48h05 vs 45h48 (5% off)")
    }

    @Test(arguments: [(2010, 0.0), (2011, 0.25), (2013, 0.75), (1990, 1.0)])
    func yearsApart(_ year: Int, _ expected: Double) {
        var item = Self.item
        item.publishedYear = year
        #expect(penalty(Matcher.score(item, MatchCandidate(book: Self.wayOfKings)), .year) == expected)
    }

    @Test func theScoreIsOneMinusWeightedPenaltiesOverAppliedWeights() {
        var config = MatchConfig()
        config.weights = [.title: 2, .authors: 1]
        let item = MatchItem(itemId: "li", title: "The Way of Kings", authors: ["Someone Else"])
        let score = Matcher.score(item, MatchCandidate(book: Self.wayOfKings), config: config)
        #expect(score.penalties.map(\.kind) == [.title, .authors])
        #expect(abs(score.score - (1 - (2 * 0 + 1 * 1) / 3.0)) < 0.0001)
    }
}

extension MatcherTests {
    @Test(arguments: [
        ("The Maravel Novels, Book 3", "The Maravel Novels", true),
        ("Korvath Mysteries 1.5", "The Korvath Mysteries", true),
        ("Greymantle Cycle, Book 3", "Greymantle Cycle", true),
        ("The Way of Kings", "The Stormlight Archive", false),
        ("Maravel Rising", "The Maravel Novels", false),
    ])
    func aTitleThatIsOnlyTheSeriesIsLeftToTheSeries(_ title: String, _ series: String, _ isSeries: Bool) {
        let item = MatchItem(itemId: "li", title: title, authors: ["Brandon Sanderson"], series: [SeriesEntry(name: series, sequence: "3")])
        let score = Matcher.score(item, MatchCandidate(book: Self.wayOfKings))
        #expect(score.penalties.contains { $0.kind == .title } == !isSeries)
    }

    @Test func aBookWithoutAudiobookEditionDoesNotWinByOfferingLessEvidence() {
        var print = Self.wayOfKings
        print.id = 5
        print.title = "The Way of Kings: Prelude"
        print.editions = print.editions.filter { $0.readingFormat != .audiobook }
        print.audioSeconds = nil
        var item = Self.item
        item.asins = []
        let result = Matcher.match(item, candidates: [MatchCandidate(book: print), MatchCandidate(book: Self.wayOfKings)])
        #expect(result.best?.bookId == 1)
        let printScore = result.ranked.first { $0.bookId == 5 }!
        #expect(printScore.penalties.first { $0.kind == .narrators }?.value == MatchConfig().missingAudioEvidence)
        #expect(printScore.penalties.first { $0.kind == .duration }?.value == MatchConfig().missingAudioEvidence)
    }

    @Test func anAgreeingIdentifierHalvesTheTitlesWeight() {
        var item = Self.item
        item.title = "Der Weg der Könige"
        let score = Matcher.score(item, MatchCandidate(book: Self.wayOfKings, methods: [.asin], matchedEditionIds: [11]))
        let title = score.penalties.first { $0.kind == .title }
        #expect(title?.weight == MatchConfig().weight(.title) / 2)
        #expect(title?.note.contains("half weight") == true)
        #expect(score.score >= MatchConfig().strong)
    }
}
