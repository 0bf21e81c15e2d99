/// How the books of a derived catalog can be found from their ABS items, as shares of the items.
public struct FakeHardcoverMix: Sendable, Equatable {
    /// How a client can find an item's book.
    public enum Kind: String, Sendable, Equatable, Hashable, CaseIterable {
        /// By the item's ASIN or ISBN (an audiobook edition carries it).
        case identifier
        /// By the item's exact title (books where title _in [...]); no identifier the item has.
        case title
        /// Only by searching "title author": the book's title differs from the item's.
        case search
    }

    public var identifier: Double
    public var title: Double
    public var search: Double

    public init(identifier: Double, title: Double, search: Double) {
        self.identifier = identifier
        self.title = title
        self.search = search
    }

    public func share(_ kind: Kind) -> Double {
        switch kind {
        case .identifier: identifier
        case .title: title
        case .search: search
        }
    }
}

/// The book (and audiobook edition) an ABS item is meant to match, and how it can be found.
public struct FakeHardcoverTruth: Sendable, Equatable {
    public var bookId: Int
    /// The audiobook edition that is the item (the one carrying its identifiers for `.identifier`,
    /// else the book's main audiobook edition); nil when Hardcover has no audiobook edition of it.
    public var editionId: Int?
    public var findableBy: FakeHardcoverMix.Kind

    public init(bookId: Int, editionId: Int?, findableBy: FakeHardcoverMix.Kind) {
        self.bookId = bookId
        self.editionId = editionId
        self.findableBy = findableBy
    }
}

/// A catalog made for an ABS library, with the ground truth per item.
public struct FakeHardcoverDerived: Sendable {
    public var catalog: FakeHardcoverCatalog
    /// By ABS item id.
    public var truth: [String: FakeHardcoverTruth]
}

extension FakeHardcoverCatalog {
    /// A catalog for an ABS library: every item gets its book, by class (see `FakeHardcoverMix.Kind`),
    /// with traps: print and audio editions of one book, an ISBN on two editions, a wrong-region
    /// ASIN, same title by another author, merged duplicates (canonical_id), position 1.5, books
    /// without narrators, popular books with more than 20 editions. `extraBooks` unrelated books
    /// are added as noise. The same items, mix and seed give the same catalog, ids included.
    ///
    /// Classes are drawn by hashing each item id: the items with an ASIN or ISBN, in hash order,
    /// are `.identifier` until its share is met; the rest, in hash order, `.title` until its share
    /// (plus what `.identifier` could not take) is met, then `.search`.
    public static func derived(from items: [FakeABSItem],
                               mix: FakeHardcoverMix = .init(identifier: 0.7, title: 0.2, search: 0.1),
                               extraBooks: Int = 0, seed: UInt64 = 1) -> FakeHardcoverDerived {
        var builder = HCCatalogBuilder(seed: seed)
        var truth: [String: FakeHardcoverTruth] = [:]
        let kinds = classify(items, mix: mix, seed: seed)
        for item in items {
            truth[item.id] = builder.addBook(for: item, kind: kinds[item.id] ?? .title)
        }
        for n in 0..<max(0, extraBooks) { builder.addNoiseBook(index: n) }
        return FakeHardcoverDerived(catalog: builder.catalog(), truth: truth)
    }

    /// A standalone catalog of exactly `books` books with the same traps: the books of a generated
    /// ABS library (same seed), trap books included.
    public static func generated(books count: Int, seed: UInt64 = 1) -> FakeHardcoverCatalog {
        let library = FakeABSLibrary(id: "lib-hardcover", name: "Audiobooks", mediaType: "book", folderPath: "/audiobooks")
        let generator = FakeABSGenerator(seed: seed, itemCount: max(8, count), library: library)
        var sequences: [String: Int] = [:]
        var builder = HCCatalogBuilder(seed: seed, maxBooks: max(0, count))
        var index = 0
        while builder.bookCount < count {
            let item = generator.item(index: index, stream: 0, nextSequence: { id in
                sequences[id, default: 0] += 1
                return sequences[id]!
            })
            let kind = classify([item], mix: .init(identifier: 0.7, title: 0.2, search: 0.1), seed: seed)[item.id] ?? .title
            _ = builder.addBook(for: item, kind: item.asin == nil && item.isbn == nil ? .title : kind)
            index += 1
        }
        return builder.catalog()
    }

    /// The class of each item (see `derived`).
    static func classify(_ items: [FakeABSItem], mix: FakeHardcoverMix, seed: UInt64) -> [String: FakeHardcoverMix.Kind] {
        let total = max(mix.identifier + mix.title + mix.search, 1e-9)
        var unique: [String: FakeABSItem] = [:]
        for item in items { unique[item.id] = item }
        let ordered = unique.values.sorted {
            let a = "\(seed)/\($0.id)".hashValueStable, b = "\(seed)/\($1.id)".hashValueStable
            return a != b ? a < b : $0.id < $1.id
        }
        if ordered.count == 1 {
            // One item at a time (generated catalogs): draw by its hash against the shares.
            let u = Double(UInt64(truncatingIfNeeded: "\(seed)/\(ordered[0].id)/kind".hashValueStable) % 1_000_000) / 1_000_000
            let kind: FakeHardcoverMix.Kind = u < mix.identifier / total ? .identifier
                : u < (mix.identifier + mix.title) / total ? .title : .search
            return [ordered[0].id: kind]
        }
        let n = Double(ordered.count)
        let identifierTarget = Int((mix.identifier / total * n).rounded())
        var kinds: [String: FakeHardcoverMix.Kind] = [:]
        var identifiers = 0
        for item in ordered where identifiers < identifierTarget && (item.asin != nil || item.isbn != nil) {
            kinds[item.id] = .identifier
            identifiers += 1
        }
        var titleTarget = Int((mix.title / total * n).rounded()) + (identifierTarget - identifiers)
        for item in ordered where kinds[item.id] == nil {
            if titleTarget > 0 {
                kinds[item.id] = .title
                titleTarget -= 1
            } else {
                kinds[item.id] = .search
            }
        }
        return kinds
    }
}
