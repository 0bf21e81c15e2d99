import MirrorCore
import Testing

struct TagMappingTests {
    private func tags(_ pairs: [(String, String)]) -> TagMap {
        TagMap(pairs.map { (key: $0.0, value: $0.1) })
    }

    @Test func keysAreUpperCasedAndEmptyValuesDropped() {
        let map = tags([("Title", "A"), ("asin", ""), ("GENRE", "Fantasy"), ("genre", "Audiobook")])
        #expect(map.keys == ["TITLE", "GENRE"])
        #expect(map["genre"] == ["Fantasy", "Audiobook"])
        #expect(map["ASIN"].isEmpty)
    }

    @Test func fieldsFollowKeyPriority() {
        let fields = TagFields(tags([
            ("MOVEMENTNAME", "Stormlight"), ("SERIES", "The Stormlight Archive"), ("MOVEMENTNUMBER", "2"),
            ("COMMENT", "a comment"), ("PODCASTDESC", "the description"), ("LABEL", "Label Co"),
            ("GENRE", "Fantasy"), ("GENRE", "Audiobook"), ("DATE", "2019-05-04"), ("AUDIBLE_ASIN", "B0TEST0001"),
        ]))
        #expect(fields.series == "The Stormlight Archive")
        #expect(fields.seriesPart == "2")
        #expect(fields.description == "the description")
        #expect(fields.publisher == "Label Co")
        #expect(fields.genre == "Fantasy; Audiobook")
        #expect(fields.year == 2019)
        #expect(fields.asin == "B0TEST0001")
    }

    @Test func movementTagsStandInForSeries() {
        let fields = TagFields(tags([("MOVEMENTNAME", "Mistborn"), ("MOVEMENTNUMBER", "3")]))
        #expect(fields.series == "Mistborn")
        #expect(fields.seriesPart == "3")
    }

    @Test func bookFieldsAreMappedLikeAudiobookShelf() {
        let book = BookFields(tags: TagFields(tags([
            ("TITLE", "Chapter 1"), ("ALBUM", "Words of Radiance"), ("ALBUMARTIST", "B. Sanderson"),
            ("ARTIST", "Brandon Sanderson"), ("COMPOSER", "Michael Kramer & Kate Reading"),
            ("SERIES", "The Stormlight Archive"), ("SERIES-PART", "Book 02"), ("ISBN", "0-7653-2635-3"),
            ("ASIN", "b07xyz1234"), ("GENRE", "Fantasy; Epic"), ("DATE", "2014"),
        ])))
        #expect(book.title == "Words of Radiance")
        #expect(book.authors == ["Brandon Sanderson"])
        #expect(book.narrators == ["Michael Kramer", "Kate Reading"])
        #expect(book.series == [SeriesEntry(name: "The Stormlight Archive", sequence: "2")])
        #expect(book.isbn == "9780765326355")
        #expect(book.asin == "B07XYZ1234")
        #expect(book.genres == ["Fantasy", "Epic"])
        #expect(book.publishedYear == 2014)
    }

    @Test func groupingIsTheLastResortForSeries() {
        let grouped = BookFields(tags: TagFields(tags([("GROUPING", "The Expanse, Book 4")])))
        #expect(grouped.series == [SeriesEntry(name: "The Expanse", sequence: "4")])
        let both = BookFields(tags: TagFields(tags([("GROUPING", "Cosmere"), ("MOVEMENTNAME", "Stormlight"), ("MOVEMENTNUMBER", "2")])))
        #expect(both.series == [SeriesEntry(name: "Stormlight", sequence: "2")])
    }

    @Test func titleAndAuthorsFallBack() {
        let book = BookFields(tags: TagFields(tags([("TITLE", "Dune"), ("ALBUMARTIST", "Herbert, Frank")])))
        #expect(book.title == "Dune")
        #expect(book.authors == ["Frank Herbert"])
        #expect(book.narrators.isEmpty)
        #expect(book.series.isEmpty)
    }

    @Test(arguments: [
        ("hash", "Mistborn #3", nil, "Mistborn", "3"),
        ("comma book", "Mistborn, Book 3", nil, "Mistborn", "3"),
        ("book decimal", "Stormlight Book 2.5", nil, "Stormlight", "2.5"),
        ("explicit part wins", "Mistborn #3", "4", "Mistborn #3", "4"),
        ("no marker", "The Expanse", nil, "The Expanse", nil),
        ("leading zeros", "Discworld", "007", "Discworld", "7"),
        ("vol prefix", "Saga", "Vol. 2", "Saga", "2"),
        ("decimal kept", "Saga", "1.5", "Saga", "1.5"),
        ("range kept", "Saga", "3-4", "Saga", "3-4"),
    ] as [(String, String, String?, String, String?)])
    func seriesMarkers(_ name: String, _ series: String, _ part: String?, _ expectedName: String, _ expectedSequence: String?) {
        #expect(SeriesMarker.entry(name: series, part: part) == SeriesEntry(name: expectedName, sequence: expectedSequence), "\(name)")
    }
}
