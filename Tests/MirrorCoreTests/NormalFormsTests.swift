import MirrorCore
import Testing

/// The memo of normal forms answers as `MatchNormalize` does, the first time, the second time,
/// and after it has started again.
struct NormalFormsTests {
    static let titles = MatchNormalizeTests.titles + MatchNormalizeTests.moreTitles
    static let people = MatchNormalizeTests.people

    @Test func titlesAndPeopleAsMatchNormalizeAndAgainFromTheMemo() {
        let forms = NormalForms()
        for _ in 0..<2 {
            for c in Self.titles { #expect(forms.title(c.input) == c.expected, "\(c.name)") }
            for c in Self.people { #expect(forms.person(c.input) == c.expected, "\(c.name)") }
        }
    }

    @Test func aFullMemoStartsAgainAndStillAnswersRight() {
        let forms = NormalForms(limit: 3)
        for _ in 0..<3 {
            for c in Self.titles { #expect(forms.title(c.input) == c.expected, "\(c.name)") }
        }
        #expect(forms.fullTitle("The Way of Kings", subtitle: nil) == MatchNormalize.fullTitle("The Way of Kings", subtitle: nil))
        // Title and subtitle are kept apart in the memo's key: "a" + "bc" is not "ab" + "c".
        #expect(forms.fullTitle("Dune", subtitle: "Messiah") == MatchNormalize.fullTitle("Dune", subtitle: "Messiah"))
        #expect(forms.fullTitle("Dune Messiah", subtitle: nil) == MatchNormalize.fullTitle("Dune Messiah", subtitle: nil))
        #expect(forms.series("The Stormlight Archive") == MatchNormalize.series("The Stormlight Archive"))
    }

    @Test(arguments: [
        ("Tolkien, J.R.R.", "J. R. R. Tolkien"),
        ("Ursula Le Guin", "Ursula K. Le Guin"),
        ("Brian Herbert", "Frank Herbert"),
        ("", ""),
    ])
    func samePersonAsMatchNormalize(_ a: String, _ b: String) {
        let forms = NormalForms()
        #expect(forms.samePerson(a, b) == MatchNormalize.samePerson(a, b))
        #expect(forms.samePerson(b, a) == MatchNormalize.samePerson(b, a))
    }

    /// One memo carried across items scores each as a fresh one does.
    @Test func aSharedMemoScoresAsAFreshOne() {
        let book = MatcherTests.wayOfKings
        let items = [
            MatcherTests.item,
            MatchItem(itemId: "b", title: "The Way of Kings", authors: ["Brandon Sanderson"], narrators: ["Someone Else"]),
            MatchItem(itemId: "c", title: "Way of Kings", authors: ["Sanderson, B."], series: [SeriesEntry(name: "The Stormlight Archive", sequence: "1")]),
        ]
        let shared = NormalForms(limit: 4)
        for item in items + items {
            let candidates = [MatchCandidate(book: book, methods: [.title], matchedEditionIds: [])]
            let fresh = Matcher.match(item, candidates: candidates)
            let memo = Matcher.match(item, candidates: candidates, forms: shared)
            #expect(memo == fresh, "\(item.itemId)")
        }
    }
}
