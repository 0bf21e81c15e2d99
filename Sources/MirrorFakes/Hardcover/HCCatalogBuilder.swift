import Foundation

/// Builds a catalog book by book, deterministically: ids increase with gaps as Hardcover's do,
/// each item's book draws from its own random stream (seed and item id), authors and series are
/// shared by name. The traps are described on `FakeHardcoverCatalog.derived`.
struct HCCatalogBuilder {
    let seed: UInt64
    /// Stop adding books (traps included) at this count.
    let maxBooks: Int
    private(set) var books: [FakeHardcoverBook] = []
    private(set) var editions: [FakeHardcoverEdition] = []
    private var ids: SplitMix64
    private var nextBookId = 100_000
    private var nextEditionId = 1_000_000
    private var nextAuthorId = 10_000
    private var nextSeriesId = 1_000
    private var authorIds: [String: Int] = [:]
    private var seriesIds: [String: Int] = [:]

    init(seed: UInt64, maxBooks: Int = .max) {
        self.seed = seed
        self.maxBooks = maxBooks
        ids = SplitMix64(seed: seed ^ 0x4C0F_FEE0_0000_0001)
    }

    var bookCount: Int { books.count }

    func catalog() -> FakeHardcoverCatalog { FakeHardcoverCatalog(books: books, editions: editions) }

    // MARK: - Ids and names

    mutating func newBookId() -> Int {
        nextBookId += 1 + ids.below(40)
        return nextBookId
    }

    mutating func newEditionId() -> Int {
        nextEditionId += 1 + ids.below(9)
        return nextEditionId
    }

    mutating func author(_ name: String) -> Int {
        if let id = authorIds[name] { return id }
        nextAuthorId += 1 + ids.below(5)
        authorIds[name] = nextAuthorId
        return nextAuthorId
    }

    mutating func series(_ name: String) -> Int {
        if let id = seriesIds[name] { return id }
        nextSeriesId += 1 + ids.below(5)
        seriesIds[name] = nextSeriesId
        return nextSeriesId
    }

    // MARK: - A book for an item

    /// The item's book (and its traps); returns the truth for the item.
    mutating func addBook(for item: FakeABSItem, kind: FakeHardcoverMix.Kind) -> FakeHardcoverTruth {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: Int64(item.id.hashValueStable)))
        let bookId = newBookId()
        let (title, subtitle) = Self.title(for: item, kind: kind, &rng)
        var contributions = item.authors.map { FakeHardcoverContribution(authorId: author($0.name), authorName: $0.name) }
        if rng.chance(0.04) {
            let name = "\(rng.pick(Names.first)) \(rng.pick(Names.last))"
            contributions.append(FakeHardcoverContribution(authorId: author(name), authorName: name, contribution: "Translator"))
        }
        let popular = rng.chance(0.04)
        let usersCount = popular ? rng.int(in: 5_000...90_000) : Int(pow(rng.unit(), 3) * 3_000)
        let year = item.publishedYear.flatMap { Int($0) }.map { rng.chance(0.15) ? $0 - rng.int(in: 1...30) : $0 }
        var book = FakeHardcoverBook(
            id: bookId, title: title, subtitle: subtitle,
            slug: FakeHardcoverText.slug(title) + (rng.chance(0.1) ? "-\(rng.int(in: 2...9))" : ""),
            description: item.description.map(Self.plainText).flatMap { rng.chance(0.9) ? $0 : nil },
            releaseYear: year, releaseDate: year.map { item.publishedDate ?? Self.date(year: $0, &rng) },
            pages: rng.chance(0.95) ? rng.int(in: 160...880) : nil,
            rating: usersCount > 0 ? (Double(rng.int(in: 300...480)) / 100) : nil, usersCount: usersCount,
            contributions: contributions,
            series: item.series.map { FakeHardcoverBookSeries(seriesId: series($0.name), name: $0.name,
                                                               position: $0.sequence.flatMap { Double($0) }) },
            genres: item.genres)

        // The audiobook edition that is the item.
        let narrated = rng.chance(0.9) // else no narrator on any edition
        let hasAudio = kind == .identifier || rng.chance(0.95)
        var made: [FakeHardcoverEdition] = []
        var mainAudio: FakeHardcoverEdition? = nil
        if hasAudio {
            var audio = edition(book, format: .audiobook, &rng)
            audio.audioSeconds = item.duration > 0 ? Int(item.duration.rounded()) + rng.int(in: -3...3) : nil
            audio.publisher = item.publisher ?? audio.publisher
            audio.language = Self.language(item.language, &rng)
            audio.releaseDate = item.publishedDate ?? audio.releaseDate
            audio.usersCount = usersCount / 2 + rng.below(20)
            audio.contributions = narrated ? item.narrators.map { narrator($0) } : []
            switch kind {
            case .identifier:
                let keepISBN = item.isbn != nil && (item.asin == nil || rng.chance(0.8))
                audio.asin = item.asin
                audio.isbn13 = keepISBN ? item.isbn : nil
                audio.isbn10 = keepISBN ? item.isbn.flatMap(FakeHardcoverISBN.isbn10) : nil
            case .title, .search:
                // Never the item's identifiers; sometimes another region's ASIN for the same recording.
                audio.asin = rng.chance(0.3) ? Self.otherRegion(item.asin, &rng) : nil
                audio.isbn13 = rng.chance(0.3) ? Self.isbn13(&rng) : nil
                audio.isbn10 = audio.isbn13.flatMap(FakeHardcoverISBN.isbn10)
            }
            mainAudio = audio
            made.append(audio)
        }
        // Often a print edition of the same book, with its own ISBN (print vs audio trap).
        if rng.chance(kind == .identifier ? 0.65 : 0.5) {
            var print = edition(book, format: .physical, &rng)
            print.usersCount = usersCount / 3 + rng.below(30)
            if kind == .identifier, let isbn = mainAudio?.isbn13, rng.chance(0.08) {
                print.isbn13 = isbn // the item's ISBN on the print edition too
                print.isbn10 = FakeHardcoverISBN.isbn10(from: isbn)
            }
            made.append(print)
        }
        if rng.chance(0.3) {
            var ebook = edition(book, format: .ebook, &rng)
            ebook.usersCount = usersCount / 6 + rng.below(10)
            if rng.chance(0.06), let shared = made.last(where: { $0.isbn13 != nil })?.isbn13 {
                ebook.isbn13 = shared // one ISBN on two editions
                ebook.isbn10 = FakeHardcoverISBN.isbn10(from: shared)
            }
            made.append(ebook)
        }
        if popular || rng.chance(0.01) {
            made += manyEditions(book, narrators: narrated ? item.narrators : [], count: rng.int(in: 21...40), &rng)
        }
        if let audio = mainAudio, rng.chance(0.9) {
            // Usually the item's recording; sometimes (identifier items) another audiobook edition.
            let others = made.filter { $0.isAudiobook && $0.id != audio.id }
            book.defaultAudioEditionId = kind == .identifier && !others.isEmpty && rng.chance(0.1) ? others[0].id : audio.id
        }
        let defaultAudio = made.first { $0.id == book.defaultAudioEditionId }
        book.audioSeconds = defaultAudio?.audioSeconds ?? mainAudio?.audioSeconds
        books.append(book)
        editions += made

        // Traps beside the book: the same title by another author; a merged duplicate.
        if kind != .search, rng.chance(kind == .title ? 0.15 : 0.04), books.count < maxBooks {
            addTwin(of: book, &rng)
        }
        if rng.chance(0.02), books.count < maxBooks {
            var duplicate = FakeHardcoverBook(id: newBookId(), title: book.title, subtitle: book.subtitle,
                                              slug: book.slug + "-\(rng.int(in: 10...99))", releaseYear: book.releaseYear,
                                              usersCount: rng.below(5), contributions: book.contributions)
            duplicate.canonicalId = book.id
            books.append(duplicate)
            editions.append(edition(duplicate, format: .physical, &rng))
        }
        return FakeHardcoverTruth(bookId: book.id, editionId: mainAudio?.id, findableBy: kind)
    }

    /// An unrelated book (extraBooks).
    mutating func addNoiseBook(index: Int) {
        var rng = SplitMix64(seed: seed ^ 0x00B5_E55E_D000_0000 &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        let name = "\(rng.pick(Names.first)) \(rng.pick(Names.last))"
        let title = FakeABSGenerator.title(&rng)
        let usersCount = Int(pow(rng.unit(), 3) * 2_000)
        var book = FakeHardcoverBook(id: newBookId(), title: title, subtitle: rng.chance(0.15) ? rng.pick(Names.subtitles) : nil,
                                     releaseYear: rng.int(in: 1950...2024), pages: rng.int(in: 120...700),
                                     rating: Double(rng.int(in: 250...470)) / 100, usersCount: usersCount,
                                     contributions: [FakeHardcoverContribution(authorId: author(name), authorName: name)],
                                     genres: [rng.pick(Names.genres)])
        var made: [FakeHardcoverEdition] = []
        for _ in 0..<rng.int(in: 1...4) {
            let format: FakeHardcoverEdition.Format = rng.pick([.physical, .physical, .audiobook, .ebook])
            var e = edition(book, format: format, &rng)
            if format == .audiobook {
                e.contributions = [narrator("\(rng.pick(Names.narratorFirst)) \(rng.pick(Names.narratorLast))")]
            }
            made.append(e)
        }
        book.defaultAudioEditionId = made.first(where: \.isAudiobook)?.id
        book.audioSeconds = made.first(where: \.isAudiobook)?.audioSeconds
        books.append(book)
        editions += made
    }

    // MARK: - Editions

    mutating func narrator(_ name: String) -> FakeHardcoverContribution {
        FakeHardcoverContribution(authorId: author(name), authorName: name, contribution: "Narrator")
    }

    /// A plausible edition of `book` in `format`, with its own identifiers.
    mutating func edition(_ book: FakeHardcoverBook, format: FakeHardcoverEdition.Format,
                          _ rng: inout SplitMix64) -> FakeHardcoverEdition {
        var e = FakeHardcoverEdition(id: newEditionId(), bookId: book.id, title: rng.chance(0.92) ? book.title : nil,
                                     subtitle: book.subtitle, readingFormatId: format.rawValue,
                                     language: rng.chance(0.9) ? .english : nil,
                                     releaseDate: book.releaseYear.map { Self.date(year: $0 + rng.below(3), &rng) },
                                     usersCount: rng.below(40))
        switch format {
        case .audiobook, .both:
            e.editionFormat = rng.pick(["Audible Audio", "Audible Audio", "Audible Audio", "Audiobook", "Audio CD", nil])
            e.asin = rng.chance(0.8) ? FakeABSGenerator.asin(&rng) : nil
            e.audioSeconds = rng.int(in: 14_000...90_000)
            e.publisher = rng.pick(Names.publishers)
        case .physical:
            e.editionFormat = rng.pick(["Hardcover", "Paperback", "Mass Market Paperback", "Trade Paperback", nil])
            e.isbn13 = rng.chance(0.9) ? Self.isbn13(&rng) : nil
            e.isbn10 = e.isbn13.flatMap(FakeHardcoverISBN.isbn10)
            e.pages = book.pages.map { $0 + rng.int(in: -20...40) }
            e.publisher = rng.pick(Self.printPublishers)
        case .ebook:
            e.editionFormat = rng.pick(["Kindle Edition", "ebook", "EPUB"])
            e.asin = FakeABSGenerator.asin(&rng) // Kindle ASINs look like Audible's
            e.isbn13 = rng.chance(0.4) ? Self.isbn13(&rng) : nil
            e.pages = book.pages
            e.publisher = rng.pick(Self.printPublishers)
        }
        return e
    }

    /// More than 20 editions of a popular book: translations, recordings, printings.
    private mutating func manyEditions(_ book: FakeHardcoverBook, narrators: [String], count: Int,
                                       _ rng: inout SplitMix64) -> [FakeHardcoverEdition] {
        (0..<count).map { n in
            let format: FakeHardcoverEdition.Format = [.audiobook, .physical, .physical, .ebook][n % 4]
            var e = edition(book, format: format, &rng)
            e.language = rng.pick([.english, .german, .french, .spanish, nil])
            e.usersCount = book.usersCount / (8 + n * 3) + rng.below(15)
            if format == .audiobook {
                let name = narrators.isEmpty || rng.chance(0.5) ? "\(rng.pick(Names.narratorFirst)) \(rng.pick(Names.narratorLast))"
                    : narrators[0]
                e.contributions = narrators.isEmpty && rng.chance(0.5) ? [] : [narrator(name)]
            }
            return e
        }
    }

    /// The same title (and subtitle) by someone else: another book entirely.
    private mutating func addTwin(of book: FakeHardcoverBook, _ rng: inout SplitMix64) {
        var name: String
        repeat {
            name = "\(rng.pick(Names.first)) \(rng.pick(Names.last))"
        } while book.contributions.contains { $0.authorName == name }
        var twin = FakeHardcoverBook(id: newBookId(), title: book.title, subtitle: rng.chance(0.5) ? book.subtitle : nil,
                                     releaseYear: rng.int(in: 1960...2024), pages: rng.int(in: 150...600),
                                     rating: Double(rng.int(in: 280...460)) / 100,
                                     usersCount: rng.chance(0.3) ? book.usersCount * 2 + 10 : rng.below(500),
                                     contributions: [FakeHardcoverContribution(authorId: author(name), authorName: name)],
                                     genres: book.genres)
        var made = [edition(twin, format: .physical, &rng)]
        if rng.chance(0.6) {
            var audio = edition(twin, format: .audiobook, &rng)
            audio.contributions = [narrator("\(rng.pick(Names.narratorFirst)) \(rng.pick(Names.narratorLast))")]
            made.append(audio)
            twin.defaultAudioEditionId = audio.id
            twin.audioSeconds = audio.audioSeconds
        }
        books.append(twin)
        editions += made
    }
}
