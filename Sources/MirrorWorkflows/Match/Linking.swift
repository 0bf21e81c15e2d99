import Foundation
import MirrorCore
import MirrorStore

/// A user's link of an item to a book (`link`, and `review`'s "other book"): the book must be in
/// the mirror; without an edition, the item's best audiobook edition of it is chosen.
public enum Linking {
    public enum Outcome: Sendable, Equatable {
        case linked(book: HardcoverBook, editionId: Int?)
        case bookNotInMirror
        case editionNotOfBook(editions: [HardcoverEdition])
    }

    public static func link(mirror: Mirror, itemId: String, bookId: Int, editionId: Int? = nil) throws -> Outcome {
        guard let book = try mirror.hardcoverBook(id: bookId) else { return .bookNotInMirror }
        if let editionId, !book.editions.contains(where: { $0.id == editionId }) { return .editionNotOfBook(editions: book.editions) }
        let chosen = try editionId ?? mirror.matchItems(ids: [itemId]).first.flatMap {
            Matcher.chooseEdition($0, MatchCandidate(book: book))?.id
        }
        try mirror.pinMatch(itemId: itemId, status: .confirmed, bookId: bookId, editionId: chosen)
        return .linked(book: book, editionId: chosen)
    }
}

extension Linking {
    /// `unlink`: the item's match is rejected; it stays unmatched through rematches until linked.
    public static func unlink(mirror: Mirror, itemId: String) throws {
        _ = try mirror.pinMatch(itemId: itemId, status: .rejected)
    }

    /// `unlink --reset`: the person's decision (link, unlink or ignore) is forgotten; the next
    /// `match` scores the item again.
    public static func forget(mirror: Mirror, itemId: String) throws {
        _ = try mirror.pinMatch(itemId: itemId, status: nil)
    }

    /// `ignore`: the item is left out of matching and proposals, through every rematch.
    public static func ignore(mirror: Mirror, itemId: String) throws {
        _ = try mirror.pinMatch(itemId: itemId, status: .ignored)
    }
}
