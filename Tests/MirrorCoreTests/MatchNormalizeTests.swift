@testable import MirrorCore
import Testing

/// Normal forms: what must compare equal, and what must not.
struct MatchNormalizeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var expected: String
        var testDescription: String { name }
        init(_ name: String, _ input: String, _ expected: String) {
            self.name = name
            self.input = input
            self.expected = expected
        }
    }

    static let titles: [Case] = [
        .init("case and spaces", "  The  WAY of Kings ", "way of kings"),
        .init("diacritics (NFKD)", "Les Misérables", "miserables"),
        .init("ligature and width", "ﬁnal Ｅmpire", "final empire"),
        .init("punctuation", "Ender's Game!", "enders game"),
        .init("ampersand", "Pride & Prejudice", "pride and prejudice"),
        .init("leading article the", "The Hobbit", "hobbit"),
        .init("leading article a", "A Game of Thrones", "game of thrones"),
        .init("leading article German", "Der Schwarm", "schwarm"),
        .init("a one-word title keeps its article", "The", "the"),
        .init("(Unabridged)", "Dune (Unabridged)", "dune"),
        .init("[Unabridged]", "Dune [unabridged]", "dune"),
        .init("dramatised edition", "Dune (Dramatized Edition)", "dune"),
        .init("Book 3 in brackets", "Words of Radiance (Book 2)", "words of radiance"),
        .init("series and number in brackets", "The Final Empire (Mistborn, #1)", "final empire"),
        .init("#3 anywhere", "Oathbringer #3", "oathbringer"),
        .init("#1.5", "Edgedancer #2.5", "edgedancer"),
        .init("trailing Book Three", "Dune, Book Three", "dune"),
        .init("trailing Vol. II", "Dune Vol. II", "dune"),
        .init("a number that is part of the title stays", "Catch-22", "catch 22"),
        .init("Fahrenheit 451", "Fahrenheit 451", "fahrenheit 451"),
        .init("subtitle after a colon", "Sapiens: A Brief History of Humankind", "sapiens"),
        .init("subtitle after a spaced dash", "Leviathan Wakes - The Expanse", "leviathan wakes"),
        .init("other brackets stay", "Dune (Graphic Novel)", "dune graphic novel"),
        .init("a novel", "Piranesi: A Novel", "piranesi"),
    ]

    @Test(arguments: titles)
    func titleNormalForm(_ c: Case) {
        #expect(MatchNormalize.title(c.input) == c.expected)
    }

    static let people: [Case] = [
        .init("as is", "Brandon Sanderson", "brandon sanderson"),
        .init("Last, First", "Sanderson, Brandon", "brandon sanderson"),
        .init("initials with dots", "Tolkien, J.R.R.", "j r r tolkien"),
        .init("initials spaced", "J. R. R. Tolkien", "j r r tolkien"),
        .init("suffix", "Martin Luther King, Jr.", "martin luther king"),
        .init("diacritics", "Gabriel García Márquez", "gabriel garcia marquez"),
    ]

    @Test(arguments: people)
    func personNormalForm(_ c: Case) {
        #expect(MatchNormalize.person(c.input) == c.expected)
    }

    @Test(arguments: [
        ("Tolkien, J.R.R.", "J. R. R. Tolkien", true),
        ("J.R.R. Tolkien", "John Ronald Reuel Tolkien", true),
        ("Ursula Le Guin", "Ursula K. Le Guin", true),
        ("Le Guin, Ursula K.", "Ursula K. Le Guin", true),
        ("Brandon Sanderson", "Brandon Sandersen", true),
        ("Brian Herbert", "Frank Herbert", false),
        ("C. S. Lewis", "Sinclair Lewis", false),
        ("Stephen King", "Stephen Fry", false),
        ("", "", false),
    ])
    func samePerson(_ a: String, _ b: String, _ same: Bool) {
        #expect(MatchNormalize.samePerson(a, b) == same, "\(a) ~ \(b)")
        #expect(MatchNormalize.samePerson(b, a) == same, "\(b) ~ \(a)")
    }

    @Test(arguments: [
        ("1", 1.0), ("1.0", 1.0), ("01", 1.0), ("Book 1", 1.0), ("1.5", 1.5), ("#3", 3.0), ("III", 3.0), ("Book Three", 3.0),
    ] as [(String, Double)])
    func sequences(_ text: String, _ value: Double) {
        #expect(MatchNormalize.sequence(text) == value)
    }

    @Test func noSequenceIsNil() {
        #expect(MatchNormalize.sequence(nil) == nil)
        #expect(MatchNormalize.sequence("prequel") == nil)
    }

    @Test(arguments: [
        ("The Stormlight Archive", "stormlight archive"), ("Mistborn Saga", "mistborn"), ("The Expanse Series", "expanse"),
        ("Dune Chronicles", "dune"),
    ])
    func seriesNames(_ name: String, _ expected: String) {
        #expect(MatchNormalize.series(name) == expected)
    }

    @Test func distanceIsOneForEqualZeroForDisjointAndForgivesWordOrder() {
        #expect(Distance.similarity("dune", "dune") == 1)
        #expect(Distance.similarity("", "dune") == 0)
        #expect(Distance.similarity("abc", "xyz") == 0)
        #expect(Distance.similarity("kings way", "way kings") == 1)
        let typo = Distance.similarity("way of kings", "way of kigns")
        #expect(typo > 0.8 && typo < 1)
    }
}

extension MatchNormalizeTests {
    static let moreTitles: [Case] = [
        .init("series and number before a dash", "The Hesper Fell Chronicles 02 - All the Amber Storms", "all the amber storms"),
        .init("Book 2 before a dash", "Book 2 - The Organist's War", "organists war"),
        .init("a dash with a subtitle after", "Leviathan Wakes - The Expanse", "leviathan wakes"),
    ]

    @Test(arguments: moreTitles)
    func moreTitleNormalForms(_ c: Case) {
        #expect(MatchNormalize.title(c.input) == c.expected)
    }

    @Test(arguments: [("Łukasz Kowalczyk", "Lukasz Kowalczyk"), ("Søren Østergaard", "Soren Ostergaard")])
    func lettersThatDoNotDecomposeAreTransliterated(_ a: String, _ b: String) {
        #expect(MatchNormalize.samePerson(a, b))
        #expect(MatchNormalize.fold(a, transliterate: false) != MatchNormalize.fold(b, transliterate: false), "kept for full-text queries")
    }

    /// The byte-wise fold of ASCII text must give what the Unicode path gives: every ASCII
    /// character alone and between letters, and texts drawn from the whole ASCII range.
    @Test func asciiFoldIsTheUnicodeFold() {
        var texts = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        texts += texts.map { "Ab\($0)Cd" } + texts.map { " \($0) " }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            var text = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for k in 0..<Int(state >> 60) + 4 {
                text.append(Character(UnicodeScalar(UInt8(truncatingIfNeeded: (state >> UInt64(k % 8 * 7)) & 0x7F))))
            }
            texts.append(text)
        }
        for text in texts {
            #expect(MatchNormalize.foldASCII(text) == MatchNormalize.foldUnicode(text, transliterate: true), "\(Array(text.utf8))")
        }
        #expect(MatchNormalize.foldASCII("Les Misérables") == nil, "not ASCII: the Unicode path folds it")
        #expect(MatchNormalize.fold("Les Misérables") == "les miserables")
    }
}
