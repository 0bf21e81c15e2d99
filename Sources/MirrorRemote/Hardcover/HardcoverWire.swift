import Foundation

// The JSON Hardcover sends, as decoded at the edge; `HardcoverMapping` turns it into Core types.
// Field names are Hardcover's (snake_case); everything not needed to decode an answer is optional,
// because Hasura sends null for missing relations and the schema drifts.

/// Any JSON value: for `json`/`jsonb` columns whose shape varies (cached_contributors,
/// cached_tags, search results that are sometimes a JSON string).
enum WireJSON: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([WireJSON])
    case object([String: WireJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([WireJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: WireJSON].self)) }
    }

    subscript(key: String) -> WireJSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var string: String? {
        switch self {
        case .string(let s): s
        case .number(let n): n.rounded() == n ? String(Int(n)) : String(n)
        default: nil
        }
    }

    var int: Int? {
        switch self {
        case .number(let n): Int(exactly: n.rounded())
        case .string(let s): Int(s)
        default: nil
        }
    }

    var array: [WireJSON] {
        if case .array(let a) = self { return a }
        return []
    }

    /// A JSON document stored as a string inside JSON (a quirk of some jsonb answers), parsed.
    var unwrapped: WireJSON {
        guard case .string(let text) = self, let data = text.data(using: .utf8),
              let inner = try? JSONDecoder().decode(WireJSON.self, from: data) else { return self }
        return inner
    }
}

/// A number Hasura may send as a JSON number or as a string (`numeric`).
struct WireNumber: Decodable, Sendable {
    var value: Double?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = nil }
        else if let d = try? c.decode(Double.self) { value = d }
        else { value = Double(try c.decode(String.self)) }
    }
}

/// `{"data": ..., "errors": [...]}`; errors are objects with a message, or plain strings.
struct WireGraphQLResponse<Data: Decodable>: Decodable {
    var data: Data?
    var errors: [WireGraphQLError]?
}

struct WireGraphQLError: Decodable {
    var message: String
    /// Hasura's `extensions.code` ("validation-failed", "parse-failed", "unexpected"...), also
    /// appended to `message`.
    var code: String?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            message = text
            return
        }
        let value = try c.decode(WireJSON.self)
        var text = value["message"]?.string ?? value["error"]?.string ?? "an error without a message"
        code = value["extensions"]?["code"]?.string
        if let code { text += " (\(code))" }
        message = text
    }
}

/// The body of an HTTP error: `{"error": "invalid_token", "error_description": "..."}`, or
/// `{"errors": ["top_level_limit_exceeded", ...]}`, or Hasura's `{"path","error","code"}`.
struct WireErrorBody: Decodable {
    var error: String?
    var error_description: String?
    var errors: [WireGraphQLError]?
    /// The scope a token lacks, with `"error": "insufficient_scope"`.
    var scope: String?

    var text: String? {
        if let errors, !errors.isEmpty { return errors.map(\.message).joined(separator: "; ") }
        let missing = scope.map { " (the token lacks the scope '\($0)'; create a token with it at https://hardcover.app/account/api)" } ?? ""
        switch (error, error_description) {
        case let (e?, d?): return "\(e): \(d)" + missing
        case let (e?, nil): return e + missing
        case let (nil, d?): return d + missing
        default: return scope == nil ? nil : "insufficient scope" + missing
        }
    }
}

struct WireName: Decodable { var name: String? }

struct WireLanguage: Decodable {
    var language: String?
    var code2: String?
    var code3: String?
}

struct WireEdition: Decodable {
    var id: Int
    var book_id: Int?
    var title: String?
    var subtitle: String?
    var isbn_10: String?
    var isbn_13: String?
    var asin: String?
    var audio_seconds: Int?
    var pages: Int?
    var edition_format: String?
    var reading_format_id: Int?
    var release_date: String?
    var users_count: Int?
    var cached_contributors: WireJSON?
    var publisher: WireName?
    var language: WireLanguage?
}

struct WireAuthor: Decodable {
    var id: Int?
    var name: String?
}

struct WireContribution: Decodable {
    var contribution: String?
    var author: WireAuthor?
}

struct WireSeries: Decodable {
    var id: Int?
    var name: String?
}

struct WireBookSeries: Decodable {
    var position: WireNumber?
    var series: WireSeries?
}

struct WireBook: Decodable {
    var id: Int
    var title: String?
    var subtitle: String?
    var description: String?
    var release_year: Int?
    var release_date: String?
    var pages: Int?
    var audio_seconds: Int?
    var rating: WireNumber?
    var users_count: Int?
    var cached_tags: WireJSON?
    var default_audio_edition_id: Int?
    var canonical_id: Int?
    var contributions: [WireContribution]?
    var book_series: [WireBookSeries]?
    var default_audio_edition: WireEdition?
    var editions: [WireEdition]?
}

struct WireSearch: Decodable {
    var error: String?
    var ids: [Int?]?
    var results: WireJSON?
}

struct WireUser: Decodable {
    var id: Int
    var username: String?
}

// The `data` of each query.
struct WireEditionsData: Decodable { var editions: [WireEdition] }
struct WireBooksData: Decodable { var books: [WireBook] }
struct WireSearchData: Decodable { var search: WireSearch? }
struct WireMeData: Decodable { var me: [WireUser] }

// The user's library.

/// An element that decodes to nil instead of failing its array: one malformed row is skipped
/// (and counted), not the whole answer.
struct WireLossy<Value: Decodable>: Decodable {
    var value: Value?

    init(from decoder: Decoder) throws {
        value = try? Value(from: decoder)
    }
}

struct WireUserBookRead: Decodable {
    var id: Int?
    /// Only in a mutation's answer (the library read nests reads in their user book).
    var user_book_id: Int?
    var edition_id: Int?
    var started_at: String?
    var finished_at: String?
    var progress_seconds: Int?
}

struct WireUserBook: Decodable {
    var id: Int?
    var book_id: Int?
    var edition_id: Int?
    var status_id: Int?
    var owned: Bool?
    var updated_at: String?
    var user_book_reads: [WireLossy<WireUserBookRead>]?
}

/// One aliased page of the first request: `me { id last: user_books(...) { id } page: user_books(...) }`.
struct WireMeLibraryPage: Decodable {
    /// p0's only.
    var id: Int?
    var last: [WireLossy<WireUserBookId>]?
    var page: [WireLossy<WireUserBook>]
}

struct WireUserBookId: Decodable { var id: Int }
