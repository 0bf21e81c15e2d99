/// One row the executor can answer fields of: positions in the catalog's tables, or a small value.
enum HCRow: Sendable {
    case book(Int)
    case edition(Int)
    case author(Int)
    case series(Int)
    case bookSeries(Int)
    case contribution(Int)
    /// reading_formats.id (1...4).
    case readingFormat(Int)
    case publisher(Int)
    case language(Int)
    /// A cover: of a book (the book's position) or of an edition.
    case image(book: Int?, edition: Int?)
    /// A user, by id (`me`: the token's).
    case user(Int)
    case search(HCSearchOutput)
    /// A user_books row, by id.
    case userBook(Int)
    /// A user_book_reads row, by id.
    case userBookRead(Int)
    /// user_book_statuses.id (1...6).
    case userBookStatus(Int)
    /// What a mutation answers (UserBookIdType, UserBookReadIdType, UserBookDeleteType, ListBookIdType).
    case mutationResult(HCMutationResult)

    var typeName: String {
        switch self {
        case .book: "books"
        case .edition: "editions"
        case .author: "authors"
        case .series: "series"
        case .bookSeries: "book_series"
        case .contribution: "contributions"
        case .readingFormat: "reading_formats"
        case .publisher: "publishers"
        case .language: "languages"
        case .image: "images"
        case .user: "users"
        case .search: "SearchOutput"
        case .userBook: "user_books"
        case .userBookRead: "user_book_reads"
        case .userBookStatus: "user_book_statuses"
        case .mutationResult(let result): result.typeName
        }
    }
}

/// What a relation field gives: one row (maybe none) or a list.
enum HCRelation {
    case object(HCRow?)
    case array([HCRow])
}

extension FakeHardcoverCatalog.Tables {
    /// The table behind a list field or root, for `where` indexes and `order_by`.
    func allRows(of typeName: String) -> [HCRow] {
        switch typeName {
        case "books": books.indices.map(HCRow.book)
        case "editions": editions.indices.map(HCRow.edition)
        case "authors": authors.indices.map(HCRow.author)
        case "series": series.indices.map(HCRow.series)
        case "book_series": bookSeries.indices.map(HCRow.bookSeries)
        case "contributions": contributions.indices.map(HCRow.contribution)
        case "reading_formats": FakeHardcoverEdition.Format.allCases.map { .readingFormat($0.rawValue) }
        default: []
        }
    }

    /// A relation of `row` named `name`, nil if `name` is not one.
    func relation(_ name: String, of row: HCRow) -> HCRelation? {
        switch row {
        case .book(let b):
            let book = books[b]
            switch name {
            case "editions": return .array(editionsOfBook[b].map(HCRow.edition))
            case "contributions": return .array(contributionsOfBook[b].map(HCRow.contribution))
            case "book_series": return .array(bookSeriesOfBook[b].map(HCRow.bookSeries))
            case "featured_book_series": return .object(bookSeriesOfBook[b].first.map(HCRow.bookSeries))
            case "default_audio_edition": return .object(book.defaultAudioEditionId.flatMap { editionIndex[$0] }.map(HCRow.edition))
            case "default_physical_edition": return .object(mostPopularEdition(of: b, format: .physical).map(HCRow.edition))
            case "default_ebook_edition": return .object(mostPopularEdition(of: b, format: .ebook).map(HCRow.edition))
            case "default_cover_edition":
                let cover = mostPopularEdition(of: b, format: .physical)
                    ?? book.defaultAudioEditionId.flatMap { editionIndex[$0] } ?? editionsOfBook[b].first
                return .object(cover.map(HCRow.edition))
            case "image": return .object(.image(book: b, edition: nil))
            default: return nil
            }
        case .edition(let e):
            let edition = editions[e]
            switch name {
            case "book": return .object(bookIndex[edition.bookId].map(HCRow.book))
            case "reading_format": return .object(edition.format.map { .readingFormat($0.rawValue) })
            case "publisher": return .object(edition.publisher.flatMap { publisherIndex[$0] }.map(HCRow.publisher))
            case "language": return .object(edition.language.flatMap { languageIndex[$0] }.map(HCRow.language))
            case "contributions": return .array(contributionsOfEdition[e].map(HCRow.contribution))
            case "image": return .object(.image(book: nil, edition: e))
            default: return nil
            }
        case .series(let s):
            return name == "author" ? .object(series[s].authorId.flatMap { authorIndex[$0] }.map(HCRow.author)) : nil
        case .contribution(let c):
            return name == "author" ? .object(authorIndex[contributions[c].authorId].map(HCRow.author)) : nil
        case .bookSeries(let r):
            switch name {
            case "series": return .object(seriesIndex[bookSeries[r].seriesId].map(HCRow.series))
            case "book": return .object(.book(bookSeries[r].bookIndex))
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The edition of that format with the most users (the lowest id among equals).
    func mostPopularEdition(of book: Int, format: FakeHardcoverEdition.Format) -> Int? {
        var best: Int? = nil
        for e in editionsOfBook[book] where editions[e].readingFormatId == format.rawValue {
            if best == nil || editions[e].usersCount > editions[best!].usersCount { best = e }
        }
        return best
    }
}
