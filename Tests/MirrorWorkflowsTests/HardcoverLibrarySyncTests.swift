import AsyncHTTPClient
import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import NIOCore
import TestSupport
import Testing

/// The Hardcover token's user's library, mirrored by `sync` (the `hardcover_user_books` and
/// `hardcover_reads` views), against the fake Hardcover over loopback with a real mirror file.
struct HardcoverLibrarySyncTests {
    typealias Setup = HardcoverSyncTests.Setup

    static func rows(_ catalog: FakeHardcoverCatalog, _ count: Int, offset: Int = 0) -> [FakeHardcoverUserBook] {
        catalog.sampleLibrary(count, offset: offset)
    }

    static func expected(_ stored: [FakeHardcoverUserBook]) -> [HardcoverUserBook] {
        stored.map(\.asRead)
    }

    /// A GraphQL mutation sent to the fake as `token`'s user would send it; fails the test on `errors`.
    static func mutate(_ setup: Setup, _ query: String, _ variables: [String: Any],
                       token: String = FakeHardcoverState.validToken) async throws {
        var request = HTTPClientRequest(url: setup.server.graphqlURL.absoluteString)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables] as [String: Any])
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.mirror.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status == .ok && !text.contains("\"errors\"") && !text.contains("\"error\":\""), "\(text)")
    }

    /// Every column of the library's tables and views: none is a rating.
    static func libraryColumns(_ setup: Setup) throws -> [String] {
        try ["hc_user", "hc_user_book", "hc_user_book_read", "hardcover_user_books", "hardcover_reads"].flatMap { table in
            try setup.rows("SELECT name FROM pragma_table_info('\(table)')").map { "\(table).\($0[0] as String)" }
        }
    }

    @Test func aSyncStoresTheTokensUsersLibraryFieldForFieldAndNeverTheRating() async throws {
        try await Setup.with(items: 20) { setup in
            let stored = await setup.hardcover.seed(Self.rows(setup.derived.catalog, 12))
            #expect(stored.contains { $0.rating != nil }, "some books are rated on Hardcover")
            let summary = try await setup.sync()
            let reads = stored.map(\.reads.count).reduce(0, +)
            #expect(summary.library == HardcoverLibrarySyncCount(userId: 1, books: 12, reads: reads, skipped: 0))
            #expect(summary.warnings.isEmpty)
            #expect(summary.pending == 0, "the catalog lookups ran too")
            #expect(try setup.mirror.hardcoverLibrary(userId: 1) == Self.expected(stored))

            // The views, column for column, for a book with every field set.
            let full = try #require(stored.first { $0.editionId != nil && $0.owned && !$0.reads.isEmpty })
            let book = try #require(try setup.rows("SELECT * FROM hardcover_user_books WHERE id = \(full.id)").first)
            #expect(book["book_id"] == full.bookId && book["edition_id"] == full.editionId && book["status_id"] == full.status.rawValue)
            #expect(book["status"] == full.status.name && book["owned"] == 1 && book["updated_at"] == full.updatedAt && book["user_id"] == 1)
            let viewReads = try setup.rows("SELECT * FROM hardcover_reads WHERE user_book_id = \(full.id) ORDER BY id")
            #expect(viewReads.count == full.reads.count)
            for (row, read) in zip(viewReads, full.reads) {
                #expect(row["id"] == read.id && row["book_id"] == full.bookId && row["edition_id"] == read.editionId)
                #expect(row["progress_seconds"] == read.progressSeconds && row["user_id"] == 1)
                #expect(row["started_on"] == read.startedAt && row["finished_on"] == read.finishedAt)
            }
            #expect(try setup.rows("SELECT DISTINCT status FROM hardcover_user_books ORDER BY status_id").map { $0[0] as String }
                == HardcoverReadingStatus.allCases.map(\.name))

            let columns = try Self.libraryColumns(setup)
            #expect(columns.contains("hardcover_user_books.status"))
            #expect(!columns.contains { $0.lowercased().contains("rating") }, "\(columns)")
        }
    }

    @Test func aReSyncRereadsTheLibraryABookDeletedOnHardcoverIsGoneAndANewReadIsThere() async throws {
        try await Setup.with(items: 20) { setup in
            let stored = await setup.hardcover.seed(Self.rows(setup.derived.catalog, 8))
            _ = try await setup.sync()
            #expect(try setup.rows("SELECT count(*) FROM hardcover_user_books")[0][0] == 8)

            let deleted = stored[1]
            let target = stored[4]
            try await Self.mutate(setup, "mutation Delete($id: Int!) { delete_user_book(id: $id) { id } }", ["id": deleted.id])
            try await Self.mutate(setup, """
                mutation InsertRead($userBook: Int!, $read: DatesReadInput!) {
                  insert_user_book_read(user_book_id: $userBook, user_book_read: $read) { error id }
                }
                """, ["userBook": target.id, "read": ["started_at": "2026-05-01", "progress_seconds": 4_321]])
            let now = await setup.hardcover.library()
            #expect(now.count == 7)

            let again = try await setup.sync()
            #expect(again.library?.books == 7)
            #expect(try setup.mirror.hardcoverLibrary(userId: 1) == Self.expected(now))
            #expect(try setup.rows("SELECT count(*) FROM hardcover_user_books WHERE id = \(deleted.id)")[0][0] == 0)
            #expect(try setup.rows("SELECT count(*) FROM hc_user_book_read WHERE user_book_id = \(deleted.id)")[0][0] == 0,
                    "its reads went with it")
            let added = try setup.rows("SELECT * FROM hardcover_reads WHERE user_book_id = \(target.id) AND started_on = '2026-05-01'")
            #expect(added.count == 1)
            #expect(added.first?["progress_seconds"] == 4_321)
        }
    }

    @Test func aSecondUsersTokenStoresTheirLibraryUnderTheirIdAndLeavesTheFirstUsersRows() async throws {
        try await Setup.with(items: 20) { setup in
            let mine = await setup.hardcover.seed(Self.rows(setup.derived.catalog, 10))
            let theirs = await setup.hardcover.seed(Self.rows(setup.derived.catalog, 6, offset: 20), for: .second)
            _ = try await setup.sync()
            let before = try setup.rows("SELECT * FROM hardcover_user_books WHERE user_id = 1 ORDER BY id")

            let summary = try await setup.sync(try setup.client(token: FakeHardcoverState.secondUserToken))
            #expect(summary.library?.userId == 2)
            #expect(summary.library?.books == 6)
            #expect(try setup.mirror.hardcoverLibrary(userId: 2) == Self.expected(theirs))
            #expect(try setup.mirror.hardcoverLibrary(userId: 1) == Self.expected(mine))
            #expect(try setup.rows("SELECT * FROM hardcover_user_books WHERE user_id = 1 ORDER BY id") == before, "synced_at included")
            #expect(try setup.rows("SELECT id FROM hc_user ORDER BY id").map { $0[0] as Int } == [1, 2])
        }
    }

    @Test func aReadOnlyTokenStillSyncsTheLibrary() async throws {
        try await Setup.with(items: 20) { setup in
            let stored = await setup.hardcover.seed(Self.rows(setup.derived.catalog, 5))
            let summary = try await setup.sync(try setup.client(token: FakeHardcoverState.readOnlyToken))
            #expect(summary.warnings.isEmpty)
            #expect(summary.library?.books == 5)
            #expect(try setup.mirror.hardcoverLibrary(userId: 1) == Self.expected(stored))
        }
    }

    @Test func aTokenWithoutTheLibraryScopesStillLooksTheCatalogUpWarnsAndKeepsTheStoredLibrary() async throws {
        try await Setup.with(items: 20) { setup in
            let stored = await setup.hardcover.seed(Self.rows(setup.derived.catalog, 4))
            _ = try await setup.sync()
            let before = try setup.rows("SELECT * FROM hardcover_user_books ORDER BY id")

            let summary = try await HardcoverSync.run(mirror: setup.mirror,
                                                      client: try setup.client(token: FakeHardcoverState.catalogOnlyToken),
                                                      options: HardcoverSyncOptions(full: true))
            #expect(summary.library == nil)
            #expect(summary.warnings.count == 1)
            let warning = try #require(summary.warnings.first)
            #expect(warning.contains("library not read") && warning.contains("read:me") && warning.contains("read:library"), "\(warning)")
            #expect(!warning.contains(FakeHardcoverState.catalogOnlyToken))
            #expect(summary.stopped == nil && summary.pending == 0)
            #expect(summary.lookedUp == 20, "--full: every item looked up again with the catalog-only token")
            #expect(try setup.rows("SELECT status FROM sync_runs WHERE source = 'hardcover' ORDER BY id DESC LIMIT 1")[0][0] == "finished")
            #expect(try setup.rows("SELECT * FROM hardcover_user_books ORDER BY id") == before, "the library read before stays")
            #expect(try setup.mirror.hardcoverLibrary(userId: 1) == Self.expected(stored))
        }
    }

    @Test func aRunLimitBelowTheLibrarysCostWarnsLooksUpWithWhatIsLeftAndEndsStopped() async throws {
        try await Setup.with(items: 60) { setup in
            await setup.hardcover.seed(Self.rows(setup.derived.catalog, 3))
            let first = try await setup.sync(try setup.client(maxRequests: 3))
            #expect(first.library == nil)
            #expect(first.warnings == ["library not read: " + HardcoverSync.describe(.runLimit(3))])
            #expect(first.stopped == .runLimit(3))
            #expect(first.requests == 3, "the lookups spent the run's budget")
            #expect(first.lookedUp > 0 && first.pending > 0)

            let second = try await setup.sync()
            #expect(second.library?.books == 3)
            #expect(second.stopped == nil && second.pending == 0 && second.warnings.isEmpty)
        }
    }
}
