import Foundation
import MirrorFakes
import Testing

/// The catalog generator: classes, proportions, determinism, traps.
struct HardcoverCatalogTests {
    static func items(_ count: Int, seed: UInt64 = 3) async -> [FakeABSItem] {
        await FakeABSState.generated(items: count, seed: seed).allItems()
    }

    static func shares(_ derived: FakeHardcoverDerived) -> [FakeHardcoverMix.Kind: Double] {
        let total = Double(derived.truth.count)
        return Dictionary(grouping: derived.truth.values, by: \.findableBy).mapValues { Double($0.count) / total }
    }

    @Test func theMixIsMetWithinATolerance() async throws {
        let items = await Self.items(1_000)
        for mix in [FakeHardcoverMix(identifier: 0.7, title: 0.2, search: 0.1), .init(identifier: 0.4, title: 0.4, search: 0.2)] {
            let derived = FakeHardcoverCatalog.derived(from: items, mix: mix)
            #expect(derived.truth.count == items.count)
            let shares = Self.shares(derived)
            for kind in FakeHardcoverMix.Kind.allCases {
                #expect(abs((shares[kind] ?? 0) - mix.share(kind)) < 0.01, "\(kind) \(shares)")
            }
        }
        // More identifier items wanted than have an identifier: the rest go to title.
        let eligible = items.filter { $0.asin != nil || $0.isbn != nil }.count
        let greedy = FakeHardcoverCatalog.derived(from: items, mix: .init(identifier: 0.98, title: 0.01, search: 0.01))
        let counts = Dictionary(grouping: greedy.truth.values, by: \.findableBy).mapValues(\.count)
        let n = Double(items.count)
        #expect(counts[.identifier] == eligible)
        #expect(counts[.title] == Int((0.01 * n).rounded()) + Int((0.98 * n).rounded()) - eligible)
        #expect(counts[.search] == items.count - counts[.identifier]! - counts[.title]!)
    }

    @Test func theSameItemsAndSeedGiveTheSameCatalog() async throws {
        let items = await Self.items(400)
        let a = FakeHardcoverCatalog.derived(from: items, extraBooks: 30, seed: 9)
        let b = FakeHardcoverCatalog.derived(from: items, extraBooks: 30, seed: 9)
        let c = FakeHardcoverCatalog.derived(from: items, extraBooks: 30, seed: 10)
        #expect(a.catalog.books == b.catalog.books)
        #expect(a.catalog.editions == b.catalog.editions)
        #expect(a.truth == b.truth)
        #expect(a.catalog.books != c.catalog.books)
        #expect(FakeHardcoverCatalog.generated(books: 200, seed: 4).editions == FakeHardcoverCatalog.generated(books: 200, seed: 4).editions)
    }

    @Test func eachClassIsFindableItsWayAndOnlyItsWay() async throws {
        let items = await Self.items(1_000)
        let derived = FakeHardcoverCatalog.derived(from: items, extraBooks: 100)
        let catalog = derived.catalog
        for item in items {
            let truth = try #require(derived.truth[item.id])
            let book = try #require(catalog.book(id: truth.bookId))
            let editions = catalog.editions(ofBook: book.id)
            let identifiers = Set([item.asin, item.isbn].compactMap { $0 })
            let carried = editions.filter { !identifiers.isDisjoint(with: [$0.asin, $0.isbn13].compactMap { $0 }) }
            #expect(book.contributions.filter { $0.contribution == nil }.map(\.authorName) == item.authors.map(\.name))
            #expect(book.series.map(\.position) == item.series.map { $0.sequence.flatMap(Double.init) })
            switch truth.findableBy {
            case .identifier:
                let edition = try #require(truth.editionId.flatMap(catalog.edition(id:)))
                #expect(edition.bookId == book.id && edition.isAudiobook)
                #expect(!identifiers.isDisjoint(with: [edition.asin, edition.isbn13].compactMap { $0 }))
            case .title:
                #expect(book.title == item.title)
                #expect(book.subtitle == item.subtitle)
                #expect(carried.isEmpty, "\(item.title)")
            case .search:
                #expect(book.title != item.title)
                #expect(carried.isEmpty, "\(item.title)")
            }
            if let editionId = truth.editionId {
                #expect(catalog.edition(id: editionId)?.isAudiobook == true)
            }
        }
    }

    @Test func theTrapsAreThere() async throws {
        let items = await Self.items(1_000)
        let derived = FakeHardcoverCatalog.derived(from: items)
        let catalog = derived.catalog
        let byId = Dictionary(uniqueKeysWithValues: items.map { ($0.id, $0) })

        // Print and audio editions of one identifier book.
        let identifierBooks = derived.truth.values.filter { $0.findableBy == .identifier }.map(\.bookId)
        let printAndAudio = identifierBooks.filter { id in
            let formats = Set(catalog.editions(ofBook: id).map(\.readingFormatId))
            return formats.contains(1) && formats.contains(2)
        }
        #expect(Double(printAndAudio.count) > 0.4 * Double(identifierBooks.count))
        // One ISBN on two editions, and the item's ISBN on its print edition too.
        let isbns = Dictionary(grouping: catalog.editions.compactMap(\.isbn13), by: { $0 }).filter { $0.value.count > 1 }
        #expect(!isbns.isEmpty)
        let sharedItemISBN = items.contains { item in
            guard let isbn = item.isbn else { return false }
            return Set(catalog.editions(withIdentifier: isbn).map(\.readingFormatId)) == [1, 2]
        }
        #expect(sharedItemISBN)
        // ISBN-10 beside 978 ISBN-13s, none for 979.
        #expect(catalog.editions.contains { $0.isbn13?.hasPrefix("978") == true && $0.isbn10 != nil })
        #expect(catalog.editions.allSatisfy { $0.isbn13?.hasPrefix("979") != true || $0.isbn10 == nil })
        // Position 1.5.
        #expect(catalog.books.contains { $0.series.contains { ($0.position ?? 0).truncatingRemainder(dividingBy: 1) == 0.5 } })
        // The same title by two authors.
        let titles = Dictionary(grouping: catalog.books.filter { $0.canonicalId == nil }, by: \.title)
        #expect(titles.values.contains { Set($0.flatMap { $0.contributions.map(\.authorId) }).count > 1 })
        // Merged duplicates.
        #expect(catalog.books.contains { $0.canonicalId != nil && catalog.book(id: $0.canonicalId!)?.title == $0.title })
        // Narrators as edition contributions, and books with an audiobook but no narrator anywhere.
        #expect(catalog.editions.contains { $0.isAudiobook && $0.contributions.contains { $0.contribution == "Narrator" } })
        #expect(catalog.books.contains { book in
            let editions = catalog.editions(ofBook: book.id)
            return editions.contains(where: \.isAudiobook) && editions.allSatisfy { $0.contributions.isEmpty }
        })
        // Popular books with more than 20 editions.
        #expect(catalog.books.contains { catalog.editions(ofBook: $0.id).count > 20 })
        // default_audio_edition_id for most books with an audiobook edition.
        let withAudio = catalog.books.filter { catalog.editions(ofBook: $0.id).contains(where: \.isAudiobook) }
        let withDefault = withAudio.filter { $0.defaultAudioEditionId != nil }
        #expect(Double(withDefault.count) > 0.8 * Double(withAudio.count))
        // Another region's ASIN on a title or search item's recording.
        let wrongRegion = derived.truth.contains { id, truth in
            guard truth.findableBy != .identifier, let asin = byId[id]?.asin,
                  let edition = truth.editionId.flatMap(catalog.edition(id:)), let other = edition.asin else { return false }
            return other != asin && other.prefix(6) == asin.prefix(6)
        }
        #expect(wrongRegion)
    }

    @Test func generatedHasExactlyTheBooksAskedFor() {
        let catalog = FakeHardcoverCatalog.generated(books: 500, seed: 2)
        #expect(catalog.books.count == 500)
        #expect(catalog.editions.count > 500)
        #expect(catalog.editions.allSatisfy { catalog.book(id: $0.bookId) != nil })
        #expect(!catalog.authors.isEmpty && !catalog.series.isEmpty)
        #expect(catalog.books.contains { catalog.editions(ofBook: $0.id).count > 20 })
        let ids = catalog.books.map(\.id)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count)
    }

    @Test func aCatalogCanBeDerivedFromARunningFakeABS() async throws {
        let abs = FakeABSState.generated(items: 50, seed: 12)
        let items = await abs.allItems()
        let derived = FakeHardcoverCatalog.derived(from: items, extraBooks: 10)
        #expect(Set(derived.truth.keys) == Set(items.map(\.id)))
        let catalog = derived.catalog
        let first = try #require(derived.truth[items[0].id])
        #expect(catalog.book(id: first.bookId) != nil)
        #expect(catalog.books(titled: catalog.book(id: first.bookId)!.title).contains { $0.id == first.bookId })
        for author in catalog.authors { #expect(author.booksCount > 0 && author.slug == author.slug.lowercased()) }
    }
}
