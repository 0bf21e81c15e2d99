// Scalar fields of every type the fake serves, computed from the catalog on each read. Columns the
// model does not hold are derived plausibly (users_read_count, score, state...), always the same.

extension FakeHardcoverCatalog.Tables {
    /// The value of the scalar field `name` of `row`; nil when `name` is not a scalar field of it.
    func column(_ name: String, of row: HCRow) -> HCJSON? {
        switch row {
        case .book(let b): bookColumn(name, b)
        case .edition(let e): editionColumn(name, e)
        case .author(let a): authorColumn(name, authors[a])
        case .series(let s): seriesColumn(name, series[s])
        case .bookSeries(let r): bookSeriesColumn(name, bookSeries[r])
        case .contribution(let c): contributionColumn(name, contributions[c])
        case .readingFormat(let id):
            switch name {
            case "id": .int(id)
            case "format": .string(FakeHardcoverEdition.Format(rawValue: id)?.name ?? "")
            default: nil
            }
        case .publisher(let p):
            switch name {
            case "id": .int(p + 1)
            case "name": .string(publishers[p])
            default: nil
            }
        case .language(let l):
            switch name {
            case "id": .int(l + 1)
            case "language": .string(languages[l].name)
            case "code2": .optional(languages[l].code2)
            case "code3": .optional(languages[l].code3)
            default: nil
            }
        case .image(let book, let edition): imageColumn(name, book: book, edition: edition)
        case .search(let output): output.column(name)
        case .user, .userBook, .userBookRead, .userBookStatus, .mutationResult:
            nil // the libraries' rows: HCSource
        }
    }

    private func bookColumn(_ name: String, _ b: Int) -> HCJSON? {
        let book = books[b]
        switch name {
        case "id": return .int(book.id)
        case "title": return .string(book.title)
        case "subtitle": return .optional(book.subtitle)
        case "slug": return .string(book.slug)
        case "description": return .optional(book.description)
        case "release_date": return .optional(book.releaseDate)
        case "release_year": return .optional(book.releaseYear)
        case "pages": return .optional(book.pages)
        case "audio_seconds": return .optional(book.audioSeconds)
        case "rating": return .optional(book.rating)
        case "users_count": return .int(book.usersCount)
        case "users_read_count": return .int(book.usersCount * 2 / 3)
        case "ratings_count": return .int(book.usersCount / 4)
        case "cached_contributors": return .array(contributionsOfBook[b].map(cachedContributor))
        case "cached_tags": return cachedTags(book)
        case "cached_image": return coverJSON(book: b, edition: nil)
        case "default_audio_edition_id": return .optional(book.defaultAudioEditionId)
        case "editions_count": return .int(editionsOfBook[b].count)
        case "canonical_id": return .optional(book.canonicalId)
        case "book_status_id": return .int(book.canonicalId == nil ? 1 : 4)
        case "state": return .string(book.canonicalId == nil ? "normalized" : "duplicate")
        case "compilation": return .bool(false)
        case "is_partial_book": return .bool(false)
        case "alternative_titles": return .array([])
        default: return nil
        }
    }

    private func editionColumn(_ name: String, _ e: Int) -> HCJSON? {
        let edition = editions[e]
        switch name {
        case "id": return .int(edition.id)
        case "book_id": return .int(edition.bookId)
        case "title": return .optional(edition.title)
        case "subtitle": return .optional(edition.subtitle)
        case "isbn_10": return .optional(edition.isbn10)
        case "isbn_13": return .optional(edition.isbn13)
        case "asin": return .optional(edition.asin)
        case "audio_seconds": return .optional(edition.audioSeconds)
        case "pages": return .optional(edition.pages)
        case "edition_format": return .optional(edition.editionFormat)
        case "edition_information": return edition.isAudiobook ? .string("Unabridged") : .null
        case "physical_format":
            return edition.readingFormatId == FakeHardcoverEdition.Format.physical.rawValue ? .optional(edition.editionFormat) : .null
        case "reading_format_id": return .int(edition.readingFormatId)
        case "release_date": return .optional(edition.releaseDate)
        case "release_year": return .optional(edition.releaseDate.flatMap { Int($0.prefix(4)) })
        case "cached_contributors":
            // The book's authors, then the edition's own contributors (narrators), as Hardcover caches them.
            let book = bookIndex[edition.bookId].map { contributionsOfBook[$0] } ?? []
            return .array((book + contributionsOfEdition[e]).map(cachedContributor))
        case "cached_image": return coverJSON(book: nil, edition: e)
        case "users_count": return .int(edition.usersCount)
        case "score": return .int(edition.usersCount * 10)
        case "canonical_id": return .null
        case "state": return .string("normalized")
        case "isbn_10_valid": return edition.isbn10.map { .bool(FakeHardcoverISBN.isValid10($0)) } ?? .null
        case "isbn_13_valid": return edition.isbn13.map { .bool(FakeHardcoverISBN.isValid13($0)) } ?? .null
        default: return nil
        }
    }

    private func authorColumn(_ name: String, _ author: FakeHardcoverAuthor) -> HCJSON? {
        switch name {
        case "id": .int(author.id)
        case "name", "name_personal": .string(author.name)
        case "slug": .string(author.slug)
        case "alternate_names": .array([])
        case "books_count": .int(author.booksCount)
        case "canonical_id": .null
        case "state": .string("normalized")
        case "identifiers": .object([])
        case "cached_image": .object([])
        default: nil
        }
    }

    private func seriesColumn(_ name: String, _ s: FakeHardcoverSeries) -> HCJSON? {
        switch name {
        case "id": .int(s.id)
        case "name": .string(s.name)
        case "slug": .string(s.slug)
        case "books_count", "primary_books_count": .int(s.booksCount)
        case "is_completed": .null
        case "canonical_id": .null
        case "state": .string("normalized")
        default: nil
        }
    }

    private func bookSeriesColumn(_ name: String, _ row: FakeHardcoverBookSeriesRow) -> HCJSON? {
        switch name {
        case "id": .int(row.id)
        case "position": .optional(row.position)
        case "series_id": .int(row.seriesId)
        case "book_id": .int(books[row.bookIndex].id)
        case "featured": .bool(row.featured)
        case "details": row.position.map { .string(HCJSON.double($0).text) } ?? .null
        case "compilation": .bool(false)
        default: nil
        }
    }

    private func contributionColumn(_ name: String, _ row: FakeHardcoverContributionRow) -> HCJSON? {
        switch name {
        case "id": .int(row.id)
        case "author_id": .int(row.authorId)
        case "contribution": .optional(row.contribution)
        case "contributable_type": .string(row.contributableType)
        case "contributable_id": .int(row.contributableId)
        default: nil
        }
    }

    private func imageColumn(_ name: String, book: Int?, edition: Int?) -> HCJSON? {
        guard case .object = coverJSON(book: book, edition: edition) else { return nil }
        return coverJSON(book: book, edition: edition)[name]
    }

    /// {"author":{"id","name","slug","image":{}},"contribution":null|"Narrator"}.
    func cachedContributor(_ c: Int) -> HCJSON {
        let row = contributions[c]
        let author = authorIndex[row.authorId].map { authors[$0] }
        return ["author": ["id": .int(row.authorId), "name": .string(author?.name ?? ""),
                           "slug": .string(author?.slug ?? ""), "image": .object([])],
                "contribution": .optional(row.contribution)]
    }

    /// {"Genre":[{"tag","tagSlug","category":"Genre","categorySlug":"genre","spoilerRatio":0,"count":N}],"Mood":[],"Tag":[]}.
    func cachedTags(_ book: FakeHardcoverBook) -> HCJSON {
        let genres: [HCJSON] = book.genres.enumerated().map { n, genre in
            ["tag": .string(genre), "tagSlug": .string(FakeHardcoverText.slug(genre)), "category": "Genre",
             "categorySlug": "genre", "spoilerRatio": 0, "count": .int(max(1, book.usersCount / (n + 3)))]
        }
        return ["Genre": .array(genres), "Mood": [], "Tag": []]
    }

    /// The cover of a book or an edition: {"id","url","color","width","height"}.
    func coverJSON(book: Int?, edition: Int?) -> HCJSON {
        let (kind, id) = edition.map { ("editions", editions[$0].id) } ?? ("books", book.map { books[$0].id } ?? 0)
        let hash = String(UInt64(truncatingIfNeeded: "\(kind)/\(id)".hashValueStable), radix: 16)
        return ["id": .int(id &* 7 % 9_000_000 + 1), "url": .string("https://assets.hardcover.app/\(kind)/\(id)/\(hash).jpg"),
                "color": "#6b5a4a", "width": 400, "height": 600]
    }
}

/// ISBN check digits, for isbn_10_valid and isbn_13_valid and the generator.
enum FakeHardcoverISBN {
    static func isValid13(_ isbn: String) -> Bool {
        let digits = isbn.compactMap(\.wholeNumberValue)
        guard digits.count == 13, isbn.count == 13 else { return false }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return sum % 10 == 0
    }

    static func isValid10(_ isbn: String) -> Bool {
        guard isbn.count == 10 else { return false }
        var sum = 0
        for (n, c) in isbn.enumerated() {
            let value: Int
            if let d = c.wholeNumberValue { value = d } else if n == 9, c == "X" || c == "x" { value = 10 } else { return false }
            sum += value * (10 - n)
        }
        return sum % 11 == 0
    }

    /// The ISBN-10 of a 978 ISBN-13; nil for 979 (which have none).
    static func isbn10(from isbn13: String) -> String? {
        guard isbn13.count == 13, isbn13.hasPrefix("978") else { return nil }
        let body = Array(isbn13.dropFirst(3).dropLast())
        let digits = body.compactMap(\.wholeNumberValue)
        guard digits.count == 9 else { return nil }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * (10 - $1.offset) }
        let check = (11 - sum % 11) % 11
        return String(body) + (check == 10 ? "X" : String(check))
    }
}
