import Foundation

// The values a fake Hardcover server holds, in Hardcover's terms. Plain data: the GraphQL
// answers (FakeHardcoverFields.swift) are derived from them on every read, as Hasura derives
// its JSON from database rows.

/// A contribution of an author to a book (book level: authors with `contribution` nil, maybe a
/// "Translator") or to an edition (edition level: "Narrator"). Ids are given by the catalog.
public struct FakeHardcoverContribution: Sendable, Equatable, Hashable {
    public var authorId: Int
    public var authorName: String
    /// nil for a primary author; "Narrator", "Translator", "Illustrator", "Editor", ...
    public var contribution: String?

    public init(authorId: Int, authorName: String, contribution: String? = nil) {
        self.authorId = authorId
        self.authorName = authorName
        self.contribution = contribution
    }
}

/// A book's place in a series (Hardcover's book_series row).
public struct FakeHardcoverBookSeries: Sendable, Equatable, Hashable {
    public var seriesId: Int
    public var name: String
    /// float8: 1, 2, 1.5, or nil for an unnumbered entry.
    public var position: Double?

    public init(seriesId: Int, name: String, position: Double?) {
        self.seriesId = seriesId
        self.name = name
        self.position = position
    }
}

/// Hardcover's languages row (there is no `code` column, only code2 and code3).
public struct FakeHardcoverLanguage: Sendable, Equatable, Hashable {
    /// "English".
    public var name: String
    /// "en".
    public var code2: String?
    /// "eng".
    public var code3: String?

    public init(name: String, code2: String?, code3: String?) {
        self.name = name
        self.code2 = code2
        self.code3 = code3
    }

    public static let english = FakeHardcoverLanguage(name: "English", code2: "en", code3: "eng")
    public static let german = FakeHardcoverLanguage(name: "German", code2: "de", code3: "ger")
    public static let french = FakeHardcoverLanguage(name: "French", code2: "fr", code3: "fre")
    public static let spanish = FakeHardcoverLanguage(name: "Spanish", code2: "es", code3: "spa")
}

/// A work: what Hardcover calls a book, with its editions elsewhere in the catalog.
public struct FakeHardcoverBook: Sendable, Equatable {
    public var id: Int
    public var title: String
    public var subtitle: String?
    public var slug: String
    /// Plain text (Hardcover does not store HTML).
    public var description: String?
    public var releaseYear: Int?
    /// "YYYY-MM-DD".
    public var releaseDate: String?
    public var pages: Int?
    public var audioSeconds: Int?
    public var rating: Double?
    public var usersCount: Int
    /// Book level: authors (`contribution` nil), maybe a "Translator".
    public var contributions: [FakeHardcoverContribution]
    public var series: [FakeHardcoverBookSeries]
    /// Served through cached_tags {"Genre": [...]}.
    public var genres: [String]
    public var defaultAudioEditionId: Int?
    /// Set on a merged duplicate: the id of the book it was merged into.
    public var canonicalId: Int?

    public init(id: Int, title: String, subtitle: String? = nil, slug: String? = nil, description: String? = nil,
                releaseYear: Int? = nil, releaseDate: String? = nil, pages: Int? = nil, audioSeconds: Int? = nil,
                rating: Double? = nil, usersCount: Int = 0, contributions: [FakeHardcoverContribution] = [],
                series: [FakeHardcoverBookSeries] = [], genres: [String] = [], defaultAudioEditionId: Int? = nil,
                canonicalId: Int? = nil) {
        self.id = id
        self.title = title
        self.subtitle = subtitle
        self.slug = slug ?? FakeHardcoverText.slug(title)
        self.description = description
        self.releaseYear = releaseYear
        self.releaseDate = releaseDate
        self.pages = pages
        self.audioSeconds = audioSeconds
        self.rating = rating
        self.usersCount = usersCount
        self.contributions = contributions
        self.series = series
        self.genres = genres
        self.defaultAudioEditionId = defaultAudioEditionId
        self.canonicalId = canonicalId
    }
}

/// One edition of a book: a printing, an ebook, an audiobook recording.
public struct FakeHardcoverEdition: Sendable, Equatable {
    /// Hardcover's reading_formats.
    public enum Format: Int, Sendable, CaseIterable {
        /// "Read": print.
        case physical = 1
        /// "Listened".
        case audiobook = 2
        /// "Both".
        case both = 3
        /// "Ebook".
        case ebook = 4

        public var name: String {
            switch self {
            case .physical: "Read"
            case .audiobook: "Listened"
            case .both: "Both"
            case .ebook: "Ebook"
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
    public var audioSeconds: Int?
    public var pages: Int?
    /// 1 physical ("Read"), 2 audiobook ("Listened"), 4 ebook ("Ebook").
    public var readingFormatId: Int
    /// Free text: "Audible Audio", "Hardcover", "Kindle Edition", ...
    public var editionFormat: String?
    public var publisher: String?
    public var language: FakeHardcoverLanguage?
    /// "YYYY-MM-DD".
    public var releaseDate: String?
    public var usersCount: Int
    /// Edition level: narrators ("Narrator").
    public var contributions: [FakeHardcoverContribution]

    public init(id: Int, bookId: Int, title: String? = nil, subtitle: String? = nil, isbn10: String? = nil,
                isbn13: String? = nil, asin: String? = nil, audioSeconds: Int? = nil, pages: Int? = nil,
                readingFormatId: Int, editionFormat: String? = nil, publisher: String? = nil,
                language: FakeHardcoverLanguage? = nil, releaseDate: String? = nil, usersCount: Int = 0,
                contributions: [FakeHardcoverContribution] = []) {
        self.id = id
        self.bookId = bookId
        self.title = title
        self.subtitle = subtitle
        self.isbn10 = isbn10
        self.isbn13 = isbn13
        self.asin = asin
        self.audioSeconds = audioSeconds
        self.pages = pages
        self.readingFormatId = readingFormatId
        self.editionFormat = editionFormat
        self.publisher = publisher
        self.language = language
        self.releaseDate = releaseDate
        self.usersCount = usersCount
        self.contributions = contributions
    }

    public var format: Format? { Format(rawValue: readingFormatId) }
    public var isAudiobook: Bool { readingFormatId == Format.audiobook.rawValue }
}

/// An author (or narrator: Hardcover keeps both in `authors`), derived from the contributions.
public struct FakeHardcoverAuthor: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var slug: String
    /// Books (not editions) the author contributes to.
    public var booksCount: Int
}

/// A series, derived from the books' series.
public struct FakeHardcoverSeries: Sendable, Equatable {
    public var id: Int
    public var name: String
    public var slug: String
    public var booksCount: Int
    /// The first author of the series' first book.
    public var authorId: Int?
}

/// Text helpers shared by the catalog, the generator and search.
enum FakeHardcoverText {
    /// "The Way of Kings" -> "the-way-of-kings"; diacritics folded.
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for scalar in fold(text).unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if dash, !out.isEmpty { out.append("-") }
                out.unicodeScalars.append(scalar)
                dash = false
            } else {
                dash = true
            }
        }
        return out
    }

    /// Lowercased, diacritics removed: "Brontë" -> "bronte", "Søren" -> "soren", "Łódź" -> "lodz".
    static func fold(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            switch scalar {
            case "ø": out += "o"
            case "ł": out += "l"
            case "æ": out += "ae"
            case "œ": out += "oe"
            case "ß": out += "ss"
            case "đ": out += "d"
            case "ı": out += "i"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Search tokens: folded words of letters and digits; apostrophes inside words vanish
    /// ("Crown's" -> "crowns"); everything else separates.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for scalar in fold(text).unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if scalar == "'" || scalar == "\u{2019}" {
                continue
            } else if !current.isEmpty {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
