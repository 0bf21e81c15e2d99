import Foundation
import MirrorCore
import MirrorStore

/// Gathers items' candidate books, offline, over the store's small catalog queries: the books
/// sync found for an item, the books with an edition carrying its identifiers, and full-text hits
/// over Hardcover titles, authors and series (`CandidateQueries` says which, and when).
public enum CandidateGathering {
    public static func inputs(_ items: [MatchItem], mirror: Mirror,
                              fullTextHits: Int = CandidateQueries.defaultFullTextLimit) throws -> [MatchInput] {
        try mirror.readCatalog { catalog in
            var sets: [CandidateSet] = []
            sets.reserveCapacity(items.count)
            var wanted = Set<Int>()
            for item in items {
                let set = try candidates(of: item, catalog: catalog, fullTextHits: fullTextHits)
                wanted.formUnion(set.bookIds)
                sets.append(set)
            }
            let books = try catalog.books(ids: Array(wanted))
            let byId = books.mapValues(\.book)
            let fetchedAt = books.mapValues(\.fetchedAt)
            return zip(items, sets).map { item, set in
                MatchInput(item: item, candidates: set.candidates(books: byId), fetchedAt: fetchedAt)
            }
        }
    }

    static func candidates(of item: MatchItem, catalog: CatalogReader, fullTextHits: Int) throws -> CandidateSet {
        var set = CandidateSet()
        for found in try catalog.syncedCandidates(itemId: item.itemId) {
            set.note(bookId: found.bookId, method: found.method, editionId: found.editionId, rank: found.rank)
        }
        for asin in item.asins {
            for edition in try catalog.editions(asin: asin) { set.note(bookId: edition.bookId, method: .asin, editionId: edition.id) }
        }
        for isbn in item.isbn13s {
            for edition in try catalog.editions(isbn13: isbn, isbn10: Identifiers.isbn10(isbn)) {
                set.note(bookId: edition.bookId, method: .isbn, editionId: edition.id)
            }
        }
        // Placed by an identifier (the mirror's editions, or sync's lookups by ASIN or ISBN).
        let identified = set.isIdentified
        let hits = try CandidateQueries.run(CandidateQueries.fullText(for: item, identified: identified), limit: fullTextHits) { query, limit in
            switch query.kind {
            case .exactTitle, .exactTitleByAuthor: try catalog.hardcoverBooks(titled: query.text, author: query.author, limit: limit)
            case .titleWords, .authorAndTitleWord, .authorAndSeries: try catalog.hardcoverCandidates(ftsQuery: query.text, limit: limit)
            }
        }
        for bookId in hits { set.note(bookId: bookId, method: nil) }
        return set
    }
}
