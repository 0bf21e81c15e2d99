import Foundation
import GRDB
import MirrorCore
@testable import MirrorStore
import TestSupport
import Testing

/// The Hardcover side of the mirror: lookups that resume, candidates, books that need details.
struct HardcoverStoreTests {
    /// A mirror with items li_1…li_n, as a sync leaves them.
    private func mirror(items: Int, in folder: TemporaryFolder) throws -> Mirror {
        let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
        try mirror.saveLibraries([Library(id: "lib", name: "Books", mediaType: "book", folders: ["/books"])])
        let runId = try mirror.beginSyncRun(source: .abs, server: nil, libraries: ["Books"], full: false)
        let ids = (1...items).map { "li_\($0)" }
        try mirror.recordListing(ids.map { ListedItem(id: $0, updatedAtMs: 0, fingerprint: "f") }, libraryId: "lib", runId: runId)
        try mirror.saveItems(ids.map { id in
            var m = ItemMetadata()
            m.title = "Title of \(id)"
            m.authors = ["Author \(id)"]
            m.asin = id == "li_1" ? "B002V0QK4C" : nil
            return LibraryItem(id: id, libraryId: "lib", path: "/books/\(id)", relPath: id, addedAtMs: 0, updatedAtMs: 0,
                               isMissing: false, metadata: m, tags: [], durationSeconds: 1, sizeBytes: 1, audioFiles: [])
        }, fingerprints: Dictionary(uniqueKeysWithValues: ids.map { ($0, "f") }))
        return mirror
    }

    @Test func lookupInputsJoinTheItemsAndTheirFilesIdentifiers() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 2, in: folder)
        try mirror.write { db in
            try db.execute(sql: """
                INSERT INTO tag_file (path, item_id, size_bytes, mtime_ns, isbn, asin, scanned_at)
                VALUES ('/books/li_2/a.mp3', 'li_2', 1, 1, '978-0-7653-2635-5', NULL, '2026-01-01T00:00:00Z')
                """)
        }
        let inputs = try mirror.hardcoverLookupInputs()
        #expect(inputs.map(\.itemId) == ["li_1", "li_2"])
        #expect(inputs[0].asins == ["B002V0QK4C"])
        #expect(inputs[0].authors == ["Author li_1"])
        #expect(inputs[1].isbns == ["978-0-7653-2635-5"])
        #expect(inputs[1].keys.isbn13s == ["9780765326355"])
    }

    @Test func aBatchStoresBooksCandidatesAndProgressTogether() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 3, in: folder)
        let runId = try mirror.beginSyncRun(source: .hardcover, server: nil, libraries: [], full: false)
        try mirror.startLookups([("li_1", "k1", .identifiers), ("li_2", "k2", .title), ("li_3", "k3", .title)], runId: runId)

        var batch = LookupBatch()
        batch.editions = [HardcoverEdition(id: 50, bookId: 5, asin: "B002V0QK4C", readingFormat: .audiobook)]
        batch.candidates = [CandidateFound(itemId: "li_1", bookId: 5, editionId: 50, method: .asin)]
        batch.advances = [.init(itemId: "li_1", stage: .done, resolvedBy: .asin)]
        try mirror.recordLookupBatch(batch, runId: runId)

        var titles = LookupBatch()
        titles.books = [HardcoverBook(id: 6, title: "Title of li_2", authors: ["Author li_2"],
                                      series: [HardcoverSeriesEntry(name: "Saga", position: 1.5)],
                                      editions: [HardcoverEdition(id: 60, bookId: 6, readingFormat: .audiobook, narrators: ["N"])])]
        titles.candidates = [CandidateFound(itemId: "li_2", bookId: 6, method: .title)]
        titles.advances = [.init(itemId: "li_2", stage: .done, resolvedBy: .title), .init(itemId: "li_3", stage: .search)]
        try mirror.recordLookupBatch(titles, runId: runId)

        let states = try mirror.hardcoverLookupStates()
        #expect(states["li_1"]?.stage == .done)
        #expect(states["li_1"]?.finishedAt != nil)
        #expect(states["li_3"]?.stage == .search)
        #expect(states["li_3"]?.finishedAt == nil)
        // Book 5 came only as an edition: it needs details; book 6 came with them.
        #expect(try mirror.hardcoverBooksToFetch(staleBefore: nil) == [5])
        let tally = try mirror.hardcoverLookupTally()
        #expect(tally.resolvedBy == [.asin: 1, .title: 1])
        #expect(tally.pending == 1)

        let rows = try mirror.read { db in
            try Row.fetchAll(db, sql: """
                SELECT b.series, e.narrators, e.reading_format FROM hardcover_books b JOIN hardcover_editions e ON e.book_id = b.id
                """)
        }
        #expect(rows.count == 1)
        #expect(rows.first?["series"] == #"[{"name":"Saga","position":1.5}]"#)
        #expect(rows.first?["narrators"] == #"["N"]"#)
    }

    @Test func restartingALookupDropsItsOldCandidates() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 1, in: folder)
        let runId = try mirror.beginSyncRun(source: .hardcover, server: nil, libraries: [], full: false)
        try mirror.startLookups([("li_1", "k1", .title)], runId: runId)
        var batch = LookupBatch()
        batch.candidates = [CandidateFound(itemId: "li_1", bookId: 9, method: .title)]
        batch.advances = [.init(itemId: "li_1", stage: .done, resolvedBy: .title)]
        try mirror.recordLookupBatch(batch, runId: runId)
        try mirror.startLookups([("li_1", "k2", .identifiers)], runId: runId)
        #expect(try mirror.hardcoverBooksToFetch(staleBefore: nil).isEmpty)
        #expect(try mirror.hardcoverLookupStates()["li_1"] == LookupState(fingerprint: "k2", stage: .identifiers, finishedAt: nil))
    }

    @Test func booksAreFetchedAgainOnlyWhenStaleAndMissingOnesAreNotAskedForAgain() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 1, in: folder)
        let runId = try mirror.beginSyncRun(source: .hardcover, server: nil, libraries: [], full: false)
        try mirror.startLookups([("li_1", "k", .search)], runId: runId)
        var batch = LookupBatch()
        batch.candidates = [1, 2, 3].map { CandidateFound(itemId: "li_1", bookId: $0, method: .search, rank: $0) }
        try mirror.recordLookupBatch(batch, runId: runId)
        #expect(try mirror.hardcoverBooksToFetch(staleBefore: nil) == [1, 2, 3])

        var details = LookupBatch()
        details.books = [HardcoverBook(id: 1, title: "One", canonicalId: 4), HardcoverBook(id: 2, title: "Two")]
        details.missingBooks = [3]
        try mirror.recordLookupBatch(details, runId: runId)
        #expect(try mirror.hardcoverBooksToFetch(staleBefore: nil) == [4], "the book a duplicate was merged into")
        let future = "9999-01-01T00:00:00Z"
        #expect(try mirror.hardcoverBooksToFetch(staleBefore: future) == [1, 2, 3, 4])
    }

    @Test func booksByExactTitleFoldOnlyASCIICaseAndTheAuthorNarrowsThem() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 1, in: folder)
        try mirror.saveHardcoverBooks([
            HardcoverBook(id: 1, title: "The Way of Kings", authors: ["Brandon Sanderson"], usersCount: 10),
            HardcoverBook(id: 2, title: "THE WAY OF KINGS", authors: ["Someone Else"], usersCount: 900),
            HardcoverBook(id: 3, title: "The Way of Kings: Part One", authors: ["Brandon Sanderson"]),
            HardcoverBook(id: 4, title: "Élan", authors: ["Zoë Brontë"]),
        ])
        try mirror.readCatalog { (catalog: CatalogReader) throws in
            #expect(try catalog.hardcoverBooks(titled: "the way of kings", limit: 8) == [2, 1], "the most read first")
            #expect(try catalog.hardcoverBooks(titled: "the way of kings", limit: 1) == [2])
            #expect(try catalog.hardcoverBooks(titled: "the way of kings", author: "sanderson", limit: 8) == [1])
            #expect(try catalog.hardcoverBooks(titled: "the way of kings", author: "tolkien", limit: 8).isEmpty)
            #expect(try catalog.hardcoverBooks(titled: "Élan", author: "bront", limit: 8) == [4])
            #expect(try catalog.hardcoverBooks(titled: "élan", limit: 8).isEmpty, "SQLite lowers A-Z only: É is another letter")
        }
    }

    @Test func listColumnsOfAnotherShapeReadAsEmptyAndTheRestOfTheBookStays() throws {
        let folder = try TemporaryFolder()
        let mirror = try mirror(items: 1, in: folder)
        let kept = HardcoverBook(id: 1, title: "Kept", authors: ["Ann Writer"], contributors: [HardcoverContributor(name: "Ann Writer")],
                                 series: [HardcoverSeriesEntry(name: "Saga", position: 2)], genres: ["Fantasy"])
        try mirror.saveHardcoverBooks([kept, HardcoverBook(id: 2, title: "Odd", authors: ["Bo Author"], genres: ["Horror"])])
        // Valid JSON (the columns' CHECK holds) but not the lists the reader expects.
        try mirror.write { db in
            try db.execute(sql: """
                UPDATE hc_book SET authors_json = '{"name":"Bo Author"}', contributors_json = '[{"name":1}]',
                                   series_json = '[1, 2]', genres_json = '[]' WHERE id = 2
                """)
        }
        #expect(try mirror.hardcoverBook(id: 1) == kept)
        let odd = try #require(try mirror.hardcoverBook(id: 2))
        #expect(odd.title == "Odd")
        #expect(odd.authors.isEmpty && odd.contributors.isEmpty && odd.series.isEmpty && odd.genres.isEmpty)
    }

    @Test func aV2MirrorIsUpgradedAndItsSyncRunsKept() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("mirror.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v2-abs-items")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO sync_run (source, started_at, finished_at, status) VALUES ('abs', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'finished')
                    """)
            }
        }
        let mirror = try Mirror.openForWriting(path: path)
        let run: Row? = try mirror.read { db in try Row.fetchOne(db, sql: "SELECT status, stop_reason FROM sync_runs") }
        #expect(run?["status"] == "finished")
        #expect(run?["stop_reason"] == nil as String?)
        let id = try mirror.beginSyncRun(source: .hardcover, server: nil, libraries: [], full: false)
        try mirror.finishSyncRun(id: id, counts: SyncCounts(), requests: 3, duration: 1, error: nil, stopReason: "budget")
        let stopped: String? = try mirror.read { db in try String.fetchOne(db, sql: "SELECT status FROM sync_runs WHERE id = ?", arguments: [id]) }
        #expect(stopped == "stopped")
    }
}
