import Foundation

/// What an item offers for finding its book on Hardcover: normalised identifiers, exact-title
/// variants and a search text, plus a fingerprint that changes when any of them changes (so an
/// item whose title or identifiers changed in ABS is looked up again).
public struct LookupKeys: Sendable, Equatable {
    public var itemId: String
    /// Valid ISBN-13s (ISBN-10s converted), without hyphens.
    public var isbn13s: [String]
    /// The ISBN-10 forms of those ISBN-13s that have one (978 prefix): Hardcover keeps both columns,
    /// and a 13-digit value must never be sent as an isbn_10.
    public var isbn10s: [String]
    public var asins: [String]
    /// Exact titles to try, most likely first: as given, without "(Unabridged)", with the subtitle
    /// joined ("Title: Subtitle"), and the part before a colon.
    public var titles: [String]
    /// "title first-author" for Hardcover's search; nil without a title.
    public var searchText: String?
    public var fingerprint: String
    /// Words of the authors' names (three letters or more, case and accents folded).
    public var authorWords: Set<String>

    public var hasIdentifiers: Bool { !isbn13s.isEmpty || !asins.isEmpty }

    public init(itemId: String, title: String?, subtitle: String?, authors: [String], isbns: [String], asins: [String]) {
        self.itemId = itemId
        var isbn13s: [String] = []
        for raw in isbns {
            if let isbn = Identifiers.isbn13(raw), !isbn13s.contains(isbn) { isbn13s.append(isbn) }
        }
        self.isbn13s = isbn13s
        isbn10s = isbn13s.compactMap(Identifiers.isbn10)
        var cleanAsins: [String] = []
        for raw in asins {
            if let asin = Identifiers.asin(raw), !cleanAsins.contains(asin) { cleanAsins.append(asin) }
        }
        self.asins = cleanAsins
        titles = Self.titleVariants(title: title, subtitle: subtitle)
        let author = authors.first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if let base = Self.searchBase(title) {
            searchText = author.isEmpty ? base : "\(base) \(author)"
        } else {
            searchText = nil
        }
        authorWords = Self.nameWords(authors)
        fingerprint = Fingerprint.of(["v1", title, subtitle, authors.joined(separator: "\u{1E}"),
                                      isbn13s.joined(separator: ","), cleanAsins.joined(separator: ",")])
    }

    /// Whether a book's authors share a name with the item's (true when the item names none).
    public func authorsAgree(with authors: [String]) -> Bool {
        authorWords.isEmpty || !authorWords.isDisjoint(with: Self.nameWords(authors))
    }

    static func nameWords(_ names: [String]) -> Set<String> {
        var words = Set<String>()
        for name in names {
            let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            for word in folded.split(whereSeparator: { !$0.isLetter }) where word.count >= 3 { words.insert(String(word)) }
        }
        return words
    }

    static func titleVariants(title: String?, subtitle: String?) -> [String] {
        guard let raw = title.map(collapse), !raw.isEmpty else { return [] }
        var variants: [String] = []
        func add(_ s: String) {
            let t = collapse(s)
            if !t.isEmpty, !variants.contains(t) { variants.append(t) }
        }
        add(raw)
        let undecorated = removingDecorations(raw)
        add(undecorated)
        if let subtitle = subtitle.map(collapse), !subtitle.isEmpty { add("\(undecorated): \(subtitle)") }
        if let colon = undecorated.range(of: ": ") { add(String(undecorated[..<colon.lowerBound])) }
        return variants
    }

    /// The title without decorations and without a subtitle after a colon.
    static func searchBase(_ title: String?) -> String? {
        guard let title else { return nil }
        var base = removingDecorations(collapse(title))
        if let colon = base.range(of: ": ") { base = String(base[..<colon.lowerBound]) }
        return base.isEmpty ? nil : base
    }

    /// "(Unabridged)", "[Unabridged]", "(Abridged)" and the like, anywhere in the title.
    static func removingDecorations(_ title: String) -> String {
        var text = title
        for word in ["unabridged", "abridged", "audiobook", "audio edition"] {
            for (open, close) in [("(", ")"), ("[", "]")] {
                while let range = text.range(of: "\(open)\(word)\(close)", options: .caseInsensitive) {
                    text.removeSubrange(range)
                }
            }
        }
        return collapse(text)
    }

    private static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
