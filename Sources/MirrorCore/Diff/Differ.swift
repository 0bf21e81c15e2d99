import Foundation

/// The fields `diff` proposes changes for.
public enum DiffField: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case title, subtitle, authors, narrators, series
    case publishedYear = "published_year"
    case publisher, description, isbn, asin, language, genres
}

/// A field's value as `diff` shows and stores it.
public enum FieldValue: Sendable, Equatable, Hashable {
    case text(String)
    case list([String])
    case series([SeriesEntry])

    /// JSON, as `changes.proposed_value` stores it: a string, an array of strings, or
    /// `[{"name": …, "sequence": …}]`.
    public var json: String {
        switch self {
        case .text(let s): JSONText.string(s)
        case .list(let l): JSONText.array(l)
        case .series(let entries):
            "[" + entries.map { "{\"name\":\(JSONText.string($0.name)),\"sequence\":\($0.sequence.map(JSONText.string) ?? "null")}" }
                .joined(separator: ",") + "]"
        }
    }

    /// One line for tables: "A, B", "Series #2; Other".
    public var display: String {
        switch self {
        case .text(let s): s
        case .list(let l): l.joined(separator: ", ")
        case .series(let entries): entries.map { e in e.sequence.map { "\(e.name) #\($0)" } ?? e.name }.joined(separator: "; ")
        }
    }

    var isEmpty: Bool {
        switch self {
        case .text(let s): s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .list(let l): l.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
        case .series(let e): e.allSatisfy { $0.name.trimmingCharacters(in: .whitespaces).isEmpty }
        }
    }
}

/// What `diff` may do with a field: fill it when empty (the default), also replace a value that
/// differs, or leave it alone.
public enum FieldPolicy: String, Sendable, Equatable, CaseIterable, Codable {
    case fill, replace, ignore
}

public struct DiffPolicy: Sendable, Equatable {
    public var fields: [DiffField: FieldPolicy] = [:]
    public var defaultPolicy: FieldPolicy = .fill

    public init() {}

    public func policy(_ field: DiffField) -> FieldPolicy { fields[field] ?? defaultPolicy }
}

/// One proposed change of one field, with the value it would replace (the base).
public struct Proposal: Sendable, Equatable {
    /// Where the proposed value comes from: the matched Hardcover book, the files' tags, or
    /// (for the `hardcover` target) the item's listening progress in AudiobookShelf.
    public enum Source: String, Sendable, Equatable, Codable { case hardcover, tags, progress }
    public enum Action: String, Sendable, Equatable, Codable { case fill, replace }

    public var field: DiffField
    /// nil when the field is empty in AudiobookShelf.
    public var current: FieldValue?
    /// The same as the server holds it, not normalised (`ItemMetadata.raw`): the base push checks.
    public var currentRaw: String? = nil
    public var proposed: FieldValue
    public var source: Source
    public var action: Action
}

/// Field-level proposals: from the matched Hardcover book and edition, and from the files' tags
/// where AudiobookShelf is empty and Hardcover has nothing. Noise is not a change: white space,
/// HTML against plain text, the order and case of names, "1" against 1.0, ISBN forms. No
/// proposal ever empties a field or the author list.
public enum Differ {
    public static func proposals(current: BookFields, hardcover: BookFields?, tags: BookFields?,
                                 policy: DiffPolicy = DiffPolicy()) -> [Proposal] {
        var out: [Proposal] = []
        for field in DiffField.allCases {
            let rule = policy.policy(field)
            guard rule != .ignore else { continue }
            let mine = value(field, of: current)
            for (source, fields) in [(Proposal.Source.hardcover, hardcover), (.tags, tags)] {
                guard let fields, let theirs = value(field, of: fields), !theirs.isEmpty else { continue }
                if let mine, !mine.isEmpty {
                    // Tags only fill; a replacement comes from Hardcover, and only under `replace`.
                    guard source == .hardcover, rule == .replace, !same(field, mine, theirs) else { break }
                    out.append(Proposal(field: field, current: mine, proposed: theirs, source: source, action: .replace))
                } else {
                    out.append(Proposal(field: field, current: nil, proposed: theirs, source: source, action: .fill))
                }
                break
            }
        }
        return out
    }

    /// A field of a book, nil when it has none.
    public static func value(_ field: DiffField, of b: BookFields) -> FieldValue? {
        func text(_ s: String?) -> FieldValue? {
            guard let t = s?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
            return .text(t)
        }
        func list(_ l: [String]) -> FieldValue? {
            let clean = l.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            return clean.isEmpty ? nil : .list(clean)
        }
        switch field {
        case .title: return text(b.title)
        case .subtitle: return text(b.subtitle)
        case .authors: return list(b.authors)
        case .narrators: return list(b.narrators)
        case .series:
            let entries = b.series.filter { !$0.name.trimmingCharacters(in: .whitespaces).isEmpty }
            return entries.isEmpty ? nil : .series(entries)
        case .publishedYear: return b.publishedYear.map { .text(String($0)) }
        case .publisher: return text(b.publisher)
        case .description: return text(b.description)
        case .isbn: return text(b.isbn)
        case .asin: return text(b.asin)
        case .language: return text(b.language)
        case .genres: return list(b.genres)
        }
    }

    /// Whether two values of a field say the same thing.
    public static func same(_ field: DiffField, _ a: FieldValue, _ b: FieldValue) -> Bool {
        switch (field, a, b) {
        case (.authors, .list(let x), .list(let y)), (.narrators, .list(let x), .list(let y)):
            return Set(x.map(MatchNormalize.person)) == Set(y.map(MatchNormalize.person))
        case (.genres, .list(let x), .list(let y)):
            return Set(x.map(MatchNormalize.fold)) == Set(y.map(MatchNormalize.fold))
        case (.series, .series(let x), .series(let y)):
            guard x.count == y.count else { return false }
            return zip(x.sorted { $0.name < $1.name }, y.sorted { $0.name < $1.name }).allSatisfy { p, q in
                MatchNormalize.series(p.name) == MatchNormalize.series(q.name)
                    && MatchNormalize.sequence(p.sequence) == MatchNormalize.sequence(q.sequence)
            }
        case (.isbn, .text(let x), .text(let y)):
            return (Identifiers.isbn13(x) ?? x) == (Identifiers.isbn13(y) ?? y)
        case (.asin, .text(let x), .text(let y)):
            return x.uppercased() == y.uppercased()
        case (.description, .text(let x), .text(let y)):
            // Paragraph breaks lost or kept, case and punctuation spacing are not a change.
            return MatchNormalize.fold(HTMLText.plain(x)) == MatchNormalize.fold(HTMLText.plain(y))
        case (.language, .text(let x), .text(let y)):
            return Language.same(x, y)
        case (_, .text(let x), .text(let y)):
            return collapse(x) == collapse(y)
        default:
            return a == b
        }
    }

    private static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// Language names and codes: "English" = "en" = "eng".
enum Language {
    private static let names: [String: String] = [
        "en": "english", "eng": "english", "de": "german", "ger": "german", "deu": "german", "deutsch": "german",
        "fr": "french", "fre": "french", "fra": "french", "francais": "french", "es": "spanish", "spa": "spanish",
        "espanol": "spanish", "it": "italian", "ita": "italian", "italiano": "italian", "nl": "dutch", "nld": "dutch",
        "dut": "dutch", "nederlands": "dutch", "ja": "japanese", "jpn": "japanese", "pt": "portuguese", "por": "portuguese",
    ]

    static func same(_ a: String, _ b: String) -> Bool {
        canonical(a) == canonical(b)
    }

    static func canonical(_ s: String) -> String {
        let folded = MatchNormalize.fold(s)
        return names[folded] ?? folded
    }
}

extension BookFields {
    /// What Hardcover says of an item's book, through the edition chosen for it (narrators,
    /// publisher, language and identifiers are per edition on Hardcover).
    public init(hardcover book: HardcoverBook, edition: HardcoverEdition?) {
        self.init()
        title = book.title
        subtitle = book.subtitle
        authors = book.authors
        narrators = edition?.narrators ?? []
        series = book.series.map { SeriesEntry(name: $0.name, sequence: $0.position.map(Self.position)) }
        publishedYear = book.releaseYear
        publisher = edition?.publisher
        description = book.description
        isbn = edition?.isbn13 ?? edition?.isbn10.flatMap(Identifiers.isbn13)
        asin = edition?.asin
        language = edition?.language
        genres = book.genres
    }

    /// What AudiobookShelf holds of an item (the description as plain text).
    public init(item m: ItemMetadata) {
        self.init()
        title = m.title
        subtitle = m.subtitle
        authors = m.authors
        narrators = m.narrators
        series = m.series
        publishedYear = m.publishedYear.flatMap(TextCleaner.year(in:))
        publisher = m.publisher
        description = m.descriptionPlain ?? m.descriptionHTML.map(HTMLText.plain)
        isbn = m.isbn
        asin = m.asin
        language = m.language
        genres = m.genres
    }

    /// 1 → "1", 1.5 → "1.5": ABS keeps a series sequence as text.
    static func position(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}

extension FieldValue {
    /// A stored JSON value (`changes.current_value`, `proposed_value`) for a field; nil for JSON null
    /// or an empty value.
    public init?(json: String?, field: DiffField) {
        guard let json, let data = json.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
        switch (field, value) {
        case (.series, let entries as [[String: Any]]):
            let list = entries.compactMap { e -> SeriesEntry? in
                guard let name = e["name"] as? String else { return nil }
                return SeriesEntry(name: name, sequence: e["sequence"] as? String)
            }
            guard !list.isEmpty else { return nil }
            self = .series(list)
        case (_, let list as [String]):
            guard !list.isEmpty else { return nil }
            self = .list(list)
        case (_, let text as String):
            guard !text.isEmpty else { return nil }
            self = .text(text)
        case (_, let number as NSNumber):
            self = .text(number.stringValue)
        default:
            return nil
        }
    }
}

extension Differ {
    /// Whether two possibly empty values of a field say the same thing.
    public static func same(_ field: DiffField, _ a: FieldValue?, _ b: FieldValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (x?, y?): same(field, x, y)
        default: false
        }
    }
}
