import Foundation
import MirrorCore
import MirrorStore

/// Which items a change since the last complete match can reach, from the match journal
/// (`MatchJournal`): each is gathered again, and scored again when its inputs fingerprint says it
/// changed. The set is never smaller than the items whose candidates or inputs changed:
///
/// - items whose own inputs changed (metadata, identifiers, file tags, sync's candidates, a
///   decision forgotten);
/// - for every changed, new or deleted book: the items sync found it for; the items carrying one
///   of its editions' identifiers, now or before the change; the items whose full-text queries find
///   the book's text, now or before the change (run against a small index of those texts alone;
///   an exact title finds no book its title's words do not).
///
/// What this does not follow: a book's change moving the full-text ranks of other books (bm25's
/// corpus statistics) for an item whose queries find neither its old nor its new text; `--rematch`
/// gathers every item.
enum MatchChanges {
    static func affectedItems(_ journal: MatchJournal, mirror: Mirror) throws -> [MatchItem] {
        guard !journal.bookIds.isEmpty else { return try mirror.matchItems(ids: journal.itemIds) }
        var ids = journal.itemIds
        ids.formUnion(try mirror.itemsWithSyncedCandidates(bookIds: journal.bookIds))
        let now = try mirror.bookTextsAndIdentifiers(ids: journal.bookIds)
        var identifiers = journal.oldIdentifiers
        identifiers.asins.formUnion(now.identifiers.asins)
        identifiers.isbn13s.formUnion(now.identifiers.isbn13s)
        identifiers.isbn10s.formUnion(now.identifiers.isbn10s)
        let texts = now.texts + journal.oldTexts
        let items = try mirror.matchItems()
        var reached = items.map { ids.contains($0.itemId) || reaches($0, identifiers) }
        if !texts.isEmpty {
            let open = reached.indices.filter { !reached[$0] }
            // The full-text queries alone: what an exact title finds, the title's words find too.
            let found = try BookTextIndex(texts).anyMatches(open.map {
                CandidateQueries.fullText(for: items[$0]).filter { ![.exactTitle, .exactTitleByAuthor].contains($0.kind) }.map(\.text)
            })
            for (n, hit) in zip(open, found) where hit { reached[n] = true }
        }
        return zip(items, reached).filter(\.1).map(\.0)
    }

    /// Whether an identifier query of the item (`CandidateGathering`) finds one of these.
    static func reaches(_ item: MatchItem, _ identifiers: EditionIdentifiers) -> Bool {
        if item.asins.contains(where: identifiers.asins.contains) { return true }
        return item.isbn13s.contains { isbn in
            identifiers.isbn13s.contains(isbn) || Identifiers.isbn10(isbn).map(identifiers.isbn10s.contains) == true
        }
    }
}
