import MirrorCore
import MirrorStore

/// What `explain` shows: an item scored now against its candidates, from the mirror, beside the
/// match stored for it.
public struct MatchExplanation: Sendable {
    public var item: MatchItem
    /// The candidates ranked, best first, each with its penalties.
    public var result: MatchResult
    /// The candidates' books, by id.
    public var books: [Int: HardcoverBook]
    /// The match stored for the item (its status, book, and whether the user decided it); nil
    /// when it was never matched.
    public var stored: MatchRecord?

    /// nil when the mirror has no such item.
    public static func of(itemId: String, mirror: Mirror, config: MatchConfig) throws -> MatchExplanation? {
        guard let input = try CandidateGathering.inputs(try mirror.matchItems(ids: [itemId]), mirror: mirror).first else { return nil }
        let result = Matcher.match(input.item, candidates: input.candidates, config: config)
        let books = Dictionary(input.candidates.map { ($0.book.id, $0.book) }, uniquingKeysWith: { a, _ in a })
        return MatchExplanation(item: input.item, result: result, books: books, stored: try mirror.storedMatch(itemId: itemId))
    }
}
