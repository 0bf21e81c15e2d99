import MirrorFakes

/// A hand-made catalog for exact assertions.
enum SmallCatalog {
    static let sanderson = FakeHardcoverContribution(authorId: 1, authorName: "Brandon Sanderson")
    static let kramer = FakeHardcoverContribution(authorId: 3, authorName: "Michael Kramer", contribution: "Narrator")
    static let reading = FakeHardcoverContribution(authorId: 4, authorName: "Kate Reading", contribution: "Narrator")
    static let pratchett = FakeHardcoverContribution(authorId: 5, authorName: "Terry Pratchett")
    static let gaiman = FakeHardcoverContribution(authorId: 6, authorName: "Neil Gaiman")
    static let other = FakeHardcoverContribution(authorId: 7, authorName: "Someone Else")

    static func stormlight(_ position: Double?) -> FakeHardcoverBookSeries {
        FakeHardcoverBookSeries(seriesId: 100, name: "The Stormlight Archive", position: position)
    }

    static let books = [
        FakeHardcoverBook(id: 10, title: "The Way of Kings", releaseYear: 2010, releaseDate: "2010-08-31", pages: 1007,
                          audioSeconds: 163_080, rating: 4.6, usersCount: 5_000, contributions: [sanderson],
                          series: [stormlight(1)], genres: ["Fantasy", "Epic Fantasy"], defaultAudioEditionId: 101),
        FakeHardcoverBook(id: 20, title: "Words of Radiance", releaseYear: 2014, rating: 4.7, usersCount: 3_000,
                          contributions: [sanderson], series: [stormlight(2)], genres: ["Fantasy"], defaultAudioEditionId: 201),
        FakeHardcoverBook(id: 30, title: "Edgedancer", releaseYear: 2016, rating: 4.3, usersCount: 800,
                          contributions: [sanderson], series: [stormlight(2.5)], genres: ["Fantasy"]),
        FakeHardcoverBook(id: 40, title: "Good Omens", subtitle: "The Nice and Accurate Prophecies of Agnes Nutter, Witch",
                          releaseYear: 1990, rating: 4.2, usersCount: 4_000, contributions: [pratchett, gaiman],
                          genres: ["Fantasy", "Humor"]),
        FakeHardcoverBook(id: 50, title: "The Way of Kings", releaseYear: 1950, usersCount: 3, contributions: [other]),
        FakeHardcoverBook(id: 60, title: "Unnumbered", usersCount: 0),
    ]

    static let editions = [
        FakeHardcoverEdition(id: 101, bookId: 10, title: "The Way of Kings", isbn13: "9781427210173", asin: "B003ZWFO7E",
                             audioSeconds: 163_080, readingFormatId: 2, editionFormat: "Audible Audio",
                             publisher: "Macmillan Audio", language: .english, releaseDate: "2010-08-31", usersCount: 900,
                             contributions: [kramer, reading]),
        FakeHardcoverEdition(id: 102, bookId: 10, title: "The Way of Kings", isbn10: "0765326353", isbn13: "9780765326355",
                             pages: 1007, readingFormatId: 1, editionFormat: "Hardcover", publisher: "Tor Books",
                             language: .english, releaseDate: "2010-08-31", usersCount: 2_000),
        FakeHardcoverEdition(id: 103, bookId: 10, asin: "B003P2WO5E", readingFormatId: 4, editionFormat: "Kindle Edition",
                             usersCount: 300),
        FakeHardcoverEdition(id: 104, bookId: 10, title: "Der Weg der Könige", audioSeconds: 170_000, readingFormatId: 2,
                             language: .german, usersCount: 50, contributions: [kramer]),
        FakeHardcoverEdition(id: 201, bookId: 20, asin: "B00DA6YEKS", readingFormatId: 2, usersCount: 700,
                             contributions: [kramer, reading]),
        FakeHardcoverEdition(id: 202, bookId: 20, isbn13: "9780765326362", readingFormatId: 1, usersCount: 1_500),
        FakeHardcoverEdition(id: 301, bookId: 30, readingFormatId: 2, usersCount: 100),
        FakeHardcoverEdition(id: 401, bookId: 40, isbn13: "9780060853983", readingFormatId: 1, usersCount: 1_000),
        FakeHardcoverEdition(id: 402, bookId: 40, isbn13: "9780060853983", readingFormatId: 4, usersCount: 200),
    ]

    static let catalog = FakeHardcoverCatalog(books: books, editions: editions)

    static func state(limits: FakeHardcoverLimits = .unlimited, clock: FakeHardcoverClock = .manual()) -> FakeHardcoverState {
        FakeHardcoverState(catalog: catalog, limits: limits, clock: clock)
    }
}
