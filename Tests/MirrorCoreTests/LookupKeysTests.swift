import MirrorCore
import Testing

/// What an item offers Hardcover's lookups: identifiers in the forms Hardcover stores, exact-title
/// variants, a search text, and a fingerprint that notices changes.
struct LookupKeysTests {
    private func keys(title: String? = "Dune", subtitle: String? = nil, authors: [String] = ["Frank Herbert"],
                      isbns: [String] = [], asins: [String] = []) -> LookupKeys {
        LookupKeys(itemId: "li_1", title: title, subtitle: subtitle, authors: authors, isbns: isbns, asins: asins)
    }

    struct IdentifierCase: Sendable, CustomTestStringConvertible {
        var name: String
        var isbns: [String]
        var asins: [String]
        var isbn13s: [String]
        var isbn10s: [String]
        var cleanAsins: [String]
        var testDescription: String { name }
    }

    static let identifierCases: [IdentifierCase] = [
        .init(name: "hyphenated ISBN-13", isbns: ["978-0-7653-2635-5"], asins: [], isbn13s: ["9780765326355"], isbn10s: ["0765326353"], cleanAsins: []),
        .init(name: "ISBN-10 becomes ISBN-13 and keeps its 10 form", isbns: ["0-7653-2635-3"], asins: [], isbn13s: ["9780765326355"], isbn10s: ["0765326353"], cleanAsins: []),
        .init(name: "ISBN-10 with X check digit", isbns: ["080442957X"], asins: [], isbn13s: ["9780804429573"], isbn10s: ["080442957X"], cleanAsins: []),
        .init(name: "979 ISBN has no ISBN-10", isbns: ["979-10-90636-07-1"], asins: [], isbn13s: ["9791090636071"], isbn10s: [], cleanAsins: []),
        .init(name: "bad check digit dropped", isbns: ["9780765326356"], asins: [], isbn13s: [], isbn10s: [], cleanAsins: []),
        .init(name: "same ISBN from ABS and tags counted once", isbns: ["9780765326355", "0765326353"], asins: [], isbn13s: ["9780765326355"], isbn10s: ["0765326353"], cleanAsins: []),
        .init(name: "ASIN upper-cased, duplicates and junk dropped", isbns: [], asins: ["b002v0qk4c", "B002V0QK4C", "nope"], isbn13s: [], isbn10s: [], cleanAsins: ["B002V0QK4C"]),
    ]

    @Test(arguments: identifierCases)
    func identifiersAreNormalised(_ c: IdentifierCase) {
        let k = keys(isbns: c.isbns, asins: c.asins)
        #expect(k.isbn13s == c.isbn13s)
        #expect(k.isbn10s == c.isbn10s)
        #expect(k.asins == c.cleanAsins)
        #expect(k.hasIdentifiers == !(c.isbn13s.isEmpty && c.cleanAsins.isEmpty))
    }

    struct TitleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var title: String?
        var subtitle: String?
        var variants: [String]
        var search: String?
        var testDescription: String { name }
    }

    static let titleCases: [TitleCase] = [
        .init(name: "plain", title: "Dune", subtitle: nil, variants: ["Dune"], search: "Dune Frank Herbert"),
        .init(name: "whitespace collapsed", title: "  Dune   Messiah ", subtitle: nil, variants: ["Dune Messiah"], search: "Dune Messiah Frank Herbert"),
        .init(name: "(Unabridged) removed", title: "Dune (Unabridged)", subtitle: nil, variants: ["Dune (Unabridged)", "Dune"], search: "Dune Frank Herbert"),
        .init(name: "[Abridged] removed", title: "Dune [abridged]", subtitle: nil, variants: ["Dune [abridged]", "Dune"], search: "Dune Frank Herbert"),
        .init(name: "subtitle joined", title: "Sapiens", subtitle: "A Brief History of Humankind",
              variants: ["Sapiens", "Sapiens: A Brief History of Humankind"], search: "Sapiens Frank Herbert"),
        .init(name: "colon split", title: "Sapiens: A Brief History of Humankind", subtitle: nil,
              variants: ["Sapiens: A Brief History of Humankind", "Sapiens"], search: "Sapiens Frank Herbert"),
        .init(name: "no title", title: nil, subtitle: nil, variants: [], search: nil),
        .init(name: "blank title", title: "   ", subtitle: "x", variants: [], search: nil),
    ]

    @Test(arguments: titleCases)
    func titleVariantsAndSearchText(_ c: TitleCase) {
        let k = keys(title: c.title, subtitle: c.subtitle)
        #expect(k.titles == c.variants)
        #expect(k.searchText == c.search)
    }

    @Test func searchTextWithoutAuthorIsTheTitle() {
        #expect(keys(title: "Dune", authors: []).searchText == "Dune")
    }

    @Test func theFingerprintChangesWithTitleAuthorsAndIdentifiersOnly() {
        let base = keys(isbns: ["9780765326355"], asins: ["B002V0QK4C"])
        #expect(keys(isbns: ["978-0-7653-2635-5"], asins: ["b002v0qk4c"]).fingerprint == base.fingerprint)
        #expect(keys(title: "Dune Messiah", isbns: ["9780765326355"], asins: ["B002V0QK4C"]).fingerprint != base.fingerprint)
        #expect(keys(authors: ["F. Herbert"], isbns: ["9780765326355"], asins: ["B002V0QK4C"]).fingerprint != base.fingerprint)
        #expect(keys(isbns: ["9780765326355"], asins: []).fingerprint != base.fingerprint)
        #expect(keys(subtitle: "Book 1", isbns: ["9780765326355"], asins: ["B002V0QK4C"]).fingerprint != base.fingerprint)
    }
}

extension LookupKeysTests {
    @Test(arguments: [
        (["Frank Herbert"], ["Frank Herbert"], true),
        (["Frank Herbert"], ["HERBERT, FRANK"], true),
        (["Gabriel García Márquez"], ["Gabriel Garcia Marquez"], true),
        (["Frank Herbert"], ["Brian Herbert", "Kevin J. Anderson"], true),
        (["Frank Herbert"], ["Ursula K. Le Guin"], false),
        ([], ["Anyone"], true),
        (["J. R. R. Tolkien"], [], false),
    ])
    func authorsAgreeWhenTheyShareAName(_ item: [String], _ book: [String], _ agree: Bool) {
        #expect(keys(authors: item).authorsAgree(with: book) == agree)
    }
}
