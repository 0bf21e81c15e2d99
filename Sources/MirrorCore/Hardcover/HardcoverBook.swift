/// A Hardcover book (a work), as the mirror keeps it: mapped from the wire at the client's edge.
public struct HardcoverBook: Sendable, Equatable {
    public var id: Int
    public var title: String
    public var subtitle: String?
    /// Plain text.
    public var description: String?
    /// Primary authors (contributions without a role), in Hardcover's order.
    public var authors: [String]
    /// Every book-level contribution, authors included (role nil).
    public var contributors: [HardcoverContributor]
    public var series: [HardcoverSeriesEntry]
    public var genres: [String]
    public var releaseYear: Int?
    /// "YYYY-MM-DD".
    public var releaseDate: String?
    public var pages: Int?
    public var audioSeconds: Int?
    public var rating: Double?
    public var usersCount: Int
    public var defaultAudioEditionId: Int?
    /// Set when Hardcover merged this book into another (a duplicate).
    public var canonicalId: Int?
    /// The editions fetched with the book: its default audio edition and most popular audiobook editions.
    public var editions: [HardcoverEdition]

    public init(id: Int, title: String, subtitle: String? = nil, description: String? = nil, authors: [String] = [],
                contributors: [HardcoverContributor] = [], series: [HardcoverSeriesEntry] = [], genres: [String] = [],
                releaseYear: Int? = nil, releaseDate: String? = nil, pages: Int? = nil, audioSeconds: Int? = nil,
                rating: Double? = nil, usersCount: Int = 0, defaultAudioEditionId: Int? = nil, canonicalId: Int? = nil,
                editions: [HardcoverEdition] = []) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.description = description
        self.authors = authors
        self.contributors = contributors
        self.series = series
        self.genres = genres
        self.releaseYear = releaseYear
        self.releaseDate = releaseDate
        self.pages = pages
        self.audioSeconds = audioSeconds
        self.rating = rating
        self.usersCount = usersCount
        self.defaultAudioEditionId = defaultAudioEditionId
        self.canonicalId = canonicalId
        self.editions = editions
    }
}

public struct HardcoverContributor: Sendable, Equatable {
    public var name: String
    /// nil for a primary author; "Narrator", "Translator", "Illustrator", ...
    public var role: String?

    public init(name: String, role: String? = nil) {
        self.name = name
        self.role = role
    }
}

public struct HardcoverSeriesEntry: Sendable, Equatable {
    public var name: String
    /// Hardcover positions are numbers and may be fractional (1.5); nil when unnumbered.
    public var position: Double?

    public init(name: String, position: Double?) {
        self.name = name
        self.position = position
    }
}

/// One edition of a Hardcover book: a print, ebook or audiobook release.
public struct HardcoverEdition: Sendable, Equatable {
    public enum ReadingFormat: String, Sendable, Equatable, CaseIterable {
        case audiobook, physical, ebook, other

        /// Hardcover's reading_format_id: 1 read (physical), 2 listened (audiobook), 4 ebook.
        public init(id: Int?) {
            switch id {
            case 1: self = .physical
            case 2: self = .audiobook
            case 4: self = .ebook
            default: self = .other
            }
        }
    }

    public var id: Int
    public var bookId: Int
    public var title: String?
    public var subtitle: String?
    public var isbn10: String?
    public var isbn13: String?
    public var asin: String?
    public var readingFormat: ReadingFormat
    public var audioSeconds: Int?
    public var pages: Int?
    /// Hardcover's free-text format ("Audible Audio", "Hardcover", ...).
    public var editionFormat: String?
    public var narrators: [String]
    public var publisher: String?
    /// The language's name ("English").
    public var language: String?
    /// ISO 639-1 where Hardcover has it ("en"), else ISO 639-2.
    public var languageCode: String?
    public var releaseDate: String?
    public var usersCount: Int

    public init(id: Int, bookId: Int, title: String? = nil, subtitle: String? = nil, isbn10: String? = nil,
                isbn13: String? = nil, asin: String? = nil, readingFormat: ReadingFormat = .other,
                audioSeconds: Int? = nil, pages: Int? = nil, editionFormat: String? = nil, narrators: [String] = [],
                publisher: String? = nil, language: String? = nil, languageCode: String? = nil,
                releaseDate: String? = nil, usersCount: Int = 0) {
        self.id = id
        self.bookId = bookId
        self.title = title
        self.subtitle = subtitle
        self.isbn10 = isbn10
        self.isbn13 = isbn13
        self.asin = asin
        self.readingFormat = readingFormat
        self.audioSeconds = audioSeconds
        self.pages = pages
        self.editionFormat = editionFormat
        self.narrators = narrators
        self.publisher = publisher
        self.language = language
        self.languageCode = languageCode
        self.releaseDate = releaseDate
        self.usersCount = usersCount
    }
}

/// One hit of a Hardcover search, in the order Hardcover ranked it.
public struct HardcoverSearchHit: Sendable, Equatable {
    public var bookId: Int
    /// 1 for the first hit.
    public var rank: Int
    public var title: String?
    public var authorNames: [String]

    public init(bookId: Int, rank: Int, title: String? = nil, authorNames: [String] = []) {
        self.bookId = bookId
        self.rank = rank
        self.title = title
        self.authorNames = authorNames
    }
}

/// How a candidate book was found for an item.
public enum LookupMethod: String, Sendable, Equatable, CaseIterable {
    case isbn, asin, title, search
}
