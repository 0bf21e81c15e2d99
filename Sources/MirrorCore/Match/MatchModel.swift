/// An item as matching sees it: what ABS (and the files' tags) say of it.
public struct MatchItem: Sendable, Equatable {
    public var itemId: String
    public var title: String?
    public var subtitle: String?
    public var authors: [String]
    public var narrators: [String]
    public var series: [SeriesEntry]
    /// Valid ISBN-13s (ISBN-10s converted) and ASINs, normalised.
    public var isbn13s: [String]
    public var asins: [String]
    public var durationSeconds: Double?
    public var publishedYear: Int?

    public init(itemId: String, title: String?, subtitle: String? = nil, authors: [String] = [], narrators: [String] = [],
                series: [SeriesEntry] = [], isbns: [String] = [], asins: [String] = [], durationSeconds: Double? = nil,
                publishedYear: Int? = nil) {
        self.itemId = itemId
        self.title = title
        self.subtitle = subtitle
        self.authors = authors
        self.narrators = narrators
        self.series = series
        var isbn13s: [String] = []
        for raw in isbns { if let i = Identifiers.isbn13(raw), !isbn13s.contains(i) { isbn13s.append(i) } }
        self.isbn13s = isbn13s
        var clean: [String] = []
        for raw in asins { if let a = Identifiers.asin(raw), !clean.contains(a) { clean.append(a) } }
        self.asins = clean
        self.durationSeconds = durationSeconds
        self.publishedYear = publishedYear
    }
}

/// A book that may be the item's, with how the sync found it.
public struct MatchCandidate: Sendable, Equatable {
    public var book: HardcoverBook
    public var methods: Set<LookupMethod>
    /// Editions an identifier lookup matched.
    public var matchedEditionIds: Set<Int>
    public var searchRank: Int?

    public init(book: HardcoverBook, methods: Set<LookupMethod> = [], matchedEditionIds: Set<Int> = [], searchRank: Int? = nil) {
        self.book = book
        self.methods = methods
        self.matchedEditionIds = matchedEditionIds
        self.searchRank = searchRank
    }
}

/// What is compared between an item and a candidate, each giving a penalty from 0 (agree) to 1.
public enum PenaltyKind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case identifiers, title, authors, narrators, series, sequence, duration, year
}

/// One comparison: how far apart, its weight, and what was compared, for `explain`.
public struct Penalty: Sendable, Equatable, Codable {
    public var kind: PenaltyKind
    public var value: Double
    public var weight: Double
    public var note: String

    public init(kind: PenaltyKind, value: Double, weight: Double, note: String) {
        self.kind = kind
        self.value = value
        self.weight = weight
        self.note = note
    }
}

/// Weights and thresholds of matching, in one value; `config.toml` may override them.
public struct MatchConfig: Sendable, Equatable {
    public var weights: [PenaltyKind: Double] = [
        .identifiers: 5, .title: 3, .authors: 3, .narrators: 1, .series: 1, .sequence: 1, .duration: 1, .year: 0.5,
    ]
    /// At or above: matched automatically (when no other book comes close).
    public var strong = 0.85
    /// Below: unmatched (the best candidate is kept for review).
    public var weak = 0.6
    /// A second book within this of the best makes the match need review.
    public var closeSecond = 0.05
    /// A duration off by this fraction (or more) is a full penalty.
    public var durationTolerance = 0.10
    /// An identifier that differs (e.g. another region's ASIN) is this much of a penalty.
    public var identifierMismatch = 0.2
    /// The item is an audiobook with narrators (or a length) and the book has no audiobook
    /// edition to compare them with: this much of the narrators (duration) penalty, so that a
    /// book offering less evidence does not win by it.
    public var missingAudioEvidence = 0.5

    public init() {}

    public func weight(_ kind: PenaltyKind) -> Double { weights[kind] ?? 0 }
}

/// How a match stands. `auto`, `needs_review` and `unmatched` come from scores; the others from
/// the user (`link`, `unlink`, `ignore`).
public enum MatchStatus: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case auto
    case needsReview = "needs_review"
    case confirmed, rejected, ignored, unmatched
}

/// How a match was established (`match.method`): an identifier that agreed, the title, or the
/// user's link.
public enum MatchMethod: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case asin, isbn, title, manual
}

/// A candidate scored: 1 − Σ(w·p)/Σ(w of the penalties that applied).
public struct CandidateScore: Sendable, Equatable {
    public var bookId: Int
    /// The edition chosen for the item: an audiobook edition where there is one.
    public var editionId: Int?
    public var score: Double
    public var penalties: [Penalty]
    public var methods: [LookupMethod]

    public init(bookId: Int, editionId: Int?, score: Double, penalties: [Penalty], methods: [LookupMethod]) {
        self.bookId = bookId
        self.editionId = editionId
        self.score = score
        self.penalties = penalties
        self.methods = methods
    }

    /// How the match was established: an identifier when one agreed, else by title.
    public var method: MatchMethod {
        if penalties.contains(where: { $0.kind == .identifiers && $0.value == 0 }) {
            return methods.contains(.asin) ? .asin : (methods.contains(.isbn) ? .isbn : .asin)
        }
        return .title
    }
}

/// An item's match: its candidates ranked, the best, and what to do with it.
public struct MatchResult: Sendable, Equatable {
    public var itemId: String
    /// Best first.
    public var ranked: [CandidateScore]
    public var status: MatchStatus

    public var best: CandidateScore? { ranked.first }

    public init(itemId: String, ranked: [CandidateScore], status: MatchStatus) {
        self.itemId = itemId
        self.ranked = ranked
        self.status = status
    }
}
