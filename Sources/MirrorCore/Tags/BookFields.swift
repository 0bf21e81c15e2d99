import Foundation

/// One series membership of a book. The sequence stays text, as ABS keeps it ("1", "1.5", "3-4").
public struct SeriesEntry: Sendable, Equatable, Codable, Hashable {
    public var name: String
    public var sequence: String?

    public init(name: String, sequence: String?) {
        self.name = name
        self.sequence = sequence
    }
}

/// Book metadata as AudiobookShelf understands it. Used for what the tags of a file say about its
/// book, and (later) for ABS items and Hardcover proposals.
public struct BookFields: Sendable, Equatable {
    public var title: String?
    public var subtitle: String?
    public var authors: [String] = []
    public var narrators: [String] = []
    public var series: [SeriesEntry] = []
    public var publishedYear: Int?
    public var publisher: String?
    public var description: String?
    public var isbn: String?
    public var asin: String?
    public var language: String?
    public var genres: [String] = []

    public init() {}
}

extension BookFields {
    /// What a file's tags say about its book, mapped the way AudiobookShelf maps embedded tags:
    /// album (else title) → title; artist (else album artist) → authors; composer → narrators;
    /// series / movement name (else grouping) → series, series-part / movement number → sequence
    /// (or a "#3", "Book 3" suffix on the series); date → year; ASIN, ISBN, language, publisher, genre.
    public init(tags fields: TagFields) {
        self.init()
        title = fields.album ?? fields.title
        subtitle = fields.subtitle
        authors = NameList.split(fields.artist ?? fields.albumArtist ?? "")
        narrators = NameList.split(fields.composer ?? "")
        if let name = fields.series ?? fields.grouping {
            series = [SeriesMarker.entry(name: name, part: fields.seriesPart)]
        }
        publishedYear = fields.year
        publisher = fields.publisher
        description = fields.description
        isbn = fields.isbn.flatMap(Identifiers.isbn13)
        asin = fields.asin.flatMap(Identifiers.asin)
        language = fields.language
        genres = fields.genre.map(Self.splitGenres) ?? []
    }

    static func splitGenres(_ text: String) -> [String] {
        var out: [String] = []
        for part in text.split(whereSeparator: { $0 == ";" || $0 == "/" || $0 == "," }) {
            let genre = part.trimmingCharacters(in: .whitespaces)
            if !genre.isEmpty, !out.contains(genre) { out.append(genre) }
        }
        return out
    }
}

/// Series names with a position in them: "Mistborn #3", "Mistborn, Book 3", "Mistborn Book 3.5",
/// "The Expanse 4".
public enum SeriesMarker {
    public static func entry(name raw: String, part rawPart: String?) -> SeriesEntry {
        let name = raw.trimmingCharacters(in: .whitespaces)
        if let part = rawPart.map(sequence(_:)), !part.isEmpty {
            return SeriesEntry(name: name, sequence: part)
        }
        if let (base, position) = split(name) {
            return SeriesEntry(name: base, sequence: position)
        }
        return SeriesEntry(name: name, sequence: nil)
    }

    /// "Book 3" → "3", "#1.5" → "1.5", "03" → "3", "Vol. 2" → "2"; other text is kept.
    public static func sequence(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        for prefix in ["book", "vol.", "vol", "volume", "part", "#", "no.", "nr."] where text.lowercased().hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        if let number = Double(text), number >= 0, number < 1e9, !text.contains("e"), !text.contains("E") {
            if number == number.rounded() { return String(Int(number)) }
            let parts = text.split(separator: ".", maxSplits: 1)
            let whole = Int(parts.first ?? "0") ?? 0
            return "\(whole).\(parts.count > 1 ? String(parts[1]) : "0")"
        }
        return text
    }

    private static func split(_ name: String) -> (String, String)? {
        let patterns = [#"^(.+?)[\s,]*#\s*(\d+(?:\.\d+)?)$"#, #"^(.+?)[\s,]+(?:Book|Vol\.?|Volume|Part)\s+(\d+(?:\.\d+)?)$"#]
        for pattern in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            let range = NSRange(name.startIndex..., in: name)
            guard let match = regex.firstMatch(in: name, range: range),
                  let base = Range(match.range(at: 1), in: name),
                  let number = Range(match.range(at: 2), in: name) else { continue }
            return (String(name[base]), sequence(String(name[number])))
        }
        return nil
    }
}
