import Foundation
import MirrorFakes
import MirrorStore
import TestSupport
import Testing

/// A sync killed with SIGKILL mid-run loses and duplicates nothing, and the next run finishes
/// with only the requests still needed: the result equals a clean full sync.
struct KilledSyncTests {
    static let items = 3000
    static let snapshot = """
        SELECT id, title, subtitle, authors, narrators, series, genres, tags, published_year, publisher, description,
               isbn, asin, language, explicit, abridged, duration_seconds, size_bytes, path, audio_file_count, removed,
               (SELECT count(*) FROM audio_files a WHERE a.item_id = items.id) AS files
        FROM items ORDER BY id
        """

    private func count(_ db: String, _ sql: String) -> Int64 {
        guard let mirror = try? Mirror.openReadOnly(path: db) else { return 0 }
        var value: Int64 = 0
        try? mirror.query(sql, timeout: 5, columns: { _ in }, row: { if case .integer(let n) = $0.first { value = n } })
        return value
    }

    @Test func aKilledSyncIsCompletedByTheNext() async throws {
        let state = FakeABSState.generated(items: Self.items, seed: 3)
        try await withFakeABS(state) { server in
            let folder = try TemporaryFolder()
            let db = folder.file("mirror.sqlite")
            let env = ["ABS_URL": server.baseURL.absoluteString, "ABS_TOKEN": FakeABSState.adminToken]
            let bookLibraries = Set(await state.allLibraries().filter { $0.mediaType == "book" }.map(\.id))
            let books = await state.allItems().filter { bookLibraries.contains($0.libraryId) }.count

            // Slow batch/get down so the run can be caught halfway.
            await state.inject(.latency(milliseconds: 40), on: .batchGet, times: 1000)
            let (process, _, _) = try Binary.start(["sync", "--db", db], environment: env)
            let killed = await process.signal(SIGKILL) { count(db, "SELECT count(*) FROM items") >= 300 }
            try #require(killed, "the sync ended before it could be killed")
            await process.exit()
            let stored = count(db, "SELECT count(*) FROM items")
            #expect(stored > 0 && stored < Int64(books))
            #expect(count(db, "SELECT count(*) FROM sync_runs WHERE status = 'running or interrupted'") == 1)

            await state.clearFaults()
            await state.resetRequestLog()
            let again = try await Binary.run(["sync", "--db", db], environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            // Only what is still needed: authorize (the version, the user and the listening state), libraries,
            // the listing pages, and the missing items in chunks of 100. (The fake's own log may still show the
            // killed run's last request.)
            let needed = 2 + (books + 499) / 500 + (books - Int(stored) + 99) / 100
            #expect(count(db, "SELECT requests FROM sync_runs ORDER BY id DESC LIMIT 1") == Int64(needed), "\(again.stderr)")
            #expect(count(db, "SELECT items_fetched FROM sync_runs ORDER BY id DESC LIMIT 1") == Int64(books) - stored)

            // The same as a clean full sync.
            let clean = folder.file("clean.sqlite")
            #expect(try await Binary.run(["sync", "--db", clean], environment: env).status == 0)
            let resumed = try await Binary.run(["query", Self.snapshot, "--db", db, "--format", "jsonl"])
            let fresh = try await Binary.run(["query", Self.snapshot, "--db", clean, "--format", "jsonl"])
            #expect(resumed.stdout.split(separator: "\n").count == books)
            #expect(resumed.stdout == fresh.stdout)
            #expect(!again.stderr.contains(FakeABSState.adminToken))
        }
    }
}
