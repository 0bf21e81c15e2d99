import AsyncHTTPClient
import Foundation
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// Sync against the fake AudiobookShelf over loopback, with a real mirror file.
struct ABSSyncTests {
    /// Records the waits a client asks for instead of sleeping.
    final class Waits: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Duration] = []
        var all: [Duration] { lock.withLock { list } }
        func record(_ d: Duration) { lock.withLock { list.append(d) } }
    }

    struct Setup {
        let state: FakeABSState
        let server: FakeABSServer
        let folder: TemporaryFolder
        let mirror: Mirror
        let waits = Waits()

        /// Runs `body` with a fake AudiobookShelf of `items` and an empty mirror; the server is
        /// stopped after.
        static func with<T>(items: Int, seed: UInt64 = 7, _ body: (Setup) async throws -> T) async throws -> T {
            let state = FakeABSState.generated(items: items, seed: seed)
            return try await withFakeABS(state) { server in
                let folder = try TemporaryFolder()
                return try await body(Setup(state: state, server: server, folder: folder,
                                            mirror: try Mirror.openForWriting(path: folder.file("mirror.sqlite"))))
            }
        }

        func client(token: String = FakeABSState.adminToken, attempts: Int = 4) throws -> ABSClient {
            var policy = RetryPolicy()
            policy.attempts = attempts
            policy.timeout = TestLimits.request
            let waits = self.waits
            policy.sleep = { waits.record($0) }
            policy.random = { 0.5 }
            return ABSClient(connection: try ABSConnection(url: server.baseURL.absoluteString, token: token, tokenSource: "ABS_TOKEN"),
                             httpClient: .mirror, policy: policy)
        }

        func sync(full: Bool = false, token: String = FakeABSState.adminToken) async throws -> SyncSummary {
            try await ABSSync.run(mirror: mirror, client: try client(token: token), options: SyncOptions(full: full))
        }
    }

    /// The mirror's items, keyed by id, as comparable text.
    static func mirrored(_ mirror: Mirror) throws -> [String: [String]] {
        var rows: [String: [String]] = [:]
        try mirror.query("""
            SELECT id, title, coalesce(subtitle, ''), authors, narrators, series, genres, tags, coalesce(published_year, ''),
                   coalesce(publisher, ''), coalesce(description, ''), coalesce(isbn, ''), coalesce(asin, ''),
                   coalesce(language, ''), explicit, abridged, printf('%.3f', duration_seconds), size_bytes, path,
                   audio_file_count, removed,
                   (SELECT group_concat(path, '|') FROM (SELECT path FROM audio_files a WHERE a.item_id = items.id ORDER BY position))
            FROM items
            """, timeout: 30, columns: { _ in }) { values in
            let text = values.map { value -> String in
                switch value {
                case .null: "∅"
                case .integer(let i): String(i)
                case .real(let d): String(d)
                case .text(let t): t
                case .blob: "blob"
                }
            }
            rows[text[0]] = Array(text.dropFirst())
        }
        return rows
    }

    /// What the mirror should hold for a fake item, computed independently of the sync code.
    static func expected(_ item: FakeABSItem) -> [String] {
        func array(_ values: [String]) -> String { JSONText.array(values) }
        let series = "[" + item.series.map { "{\"name\":\(JSONText.string($0.name)),\"sequence\":\($0.sequence.map(JSONText.string) ?? "null")}" }.joined(separator: ",") + "]"
        let duration = item.audioFiles.reduce(0) { $0 + $1.duration }
        let size = item.audioFiles.reduce(Int64(0)) { $0 + $1.size }
        return [
            item.title, item.subtitle ?? "", array(item.authors.map(\.name)), array(item.narrators), series,
            array(item.genres), array(item.tags), item.publishedYear ?? "", item.publisher ?? "",
            item.description.map(HTMLSanitiser.stripAllTags) ?? "", item.isbn ?? "", item.asin ?? "", item.language ?? "",
            item.explicit ? "1" : "0", item.abridged ? "1" : "0", String(format: "%.3f", duration), String(size),
            item.path, String(item.audioFiles.count), "0",
            item.audioFiles.sorted { $0.index < $1.index }.map(\.path).joined(separator: "|"),
        ]
    }

    @Test func aFullSyncEqualsTheServerFieldForField() async throws {
        try await Setup.with(items: 2000) { s in
            let summary = try await s.sync()
            let books = await s.state.allItems().filter { $0.libraryId == summary.libraryIds.first }
            #expect(summary.counts.listed == books.count)
            #expect(summary.counts.new == books.count)
            #expect(summary.counts.fetched == books.count)
            #expect(summary.skipped.map(\.name) == ["Podcasts"])
            // status + me (the listening state) + libraries + pages of 500 + chunks of 100
            #expect(summary.requests == 2 + (books.count + 499) / 500 + (books.count + 99) / 100, "retries waited \(s.waits.all)")

            let mirrored = try Self.mirrored(s.mirror)
            #expect(mirrored.count == books.count)
            for book in books {
                #expect(mirrored[book.id] == Self.expected(book), "item \(book.id)")
            }
            // Full-text search sees the items.
            let author = try #require(books.first?.authors.first?.name)
            var hits = 0
            try s.mirror.query("SELECT count(*) FROM items_fts WHERE items_fts MATCH '\"\(author)\"'", timeout: 5, columns: { _ in }) {
                if case .integer(let n) = $0[0] { hits = Int(n) }
            }
            #expect(hits >= 1)
            let found = try #require(try s.mirror.search(author, limit: 5, highlight: ("[", "]")))
            #expect(found.contains { $0.kind == "item" && $0.artist?.contains(author) == true && $0.snippet.contains("[") })
            let status = try s.mirror.status()
            #expect(status.items == books.count)
            #expect(status.lastSync?.status == .finished)
            #expect(status.lastSync?.requests == summary.requests)
        }
    }

    @Test func aResyncFetchesExactlyWhatChanged() async throws {
        try await Setup.with(items: 2000) { s in
            let first = try await s.sync()
            let library = try #require(first.libraryIds.first)
            let books = await s.state.allItems().filter { $0.libraryId == library }

            // 8 metadata edits, an author rename (changes only the listing's authorName), 5 removals, 5 additions.
            let edited = Array(books[10..<18])
            for book in edited { await s.state.update(itemId: book.id) { $0.title += " (Revised)" } }
            let counts = Dictionary(grouping: books, by: { $0.authors.first?.name ?? "" }).mapValues(\.count)
            let renamed = try #require(counts.first(where: { $0.value == 2 && !$0.key.isEmpty })?.key)
            let renamedItems = books.filter { $0.authors.contains { $0.name == renamed } }
            await s.state.renameAuthor(from: renamed, to: renamed + " Jr.")
            let removed = Array(books[100..<105])
            for book in removed { await s.state.removeItem(id: book.id) }
            for index in 0..<5 { await s.state.addItem(await s.state.makeItem(index: 10_000 + index)) }
            await s.state.resetRequestLog()

            let second = try await s.sync()
            let changedIds = Set(edited.map(\.id)).union(renamedItems.map(\.id)).subtracting(removed.map(\.id))
            #expect(second.counts.changed == changedIds.count)
            #expect(second.counts.new == 5)
            #expect(second.counts.removed == 5)
            #expect(second.counts.fetched == changedIds.count + 5)
            let log = await s.state.requests()
            #expect(log.filter { $0.route == .batchGet }.count == 1)
            #expect(log.filter { $0.route == .libraryItems }.count == 4)

            let mirrored = try Self.mirrored(s.mirror)
            for book in await s.state.allItems() where book.libraryId == library {
                #expect(mirrored[book.id] == Self.expected(book), "item \(book.id)")
            }
            for book in removed { #expect(mirrored[book.id]?[19] == "1", "removed \(book.id)") }

            // Nothing changed: only the listing is read.
            let third = try await s.sync()
            #expect(third.counts.fetched == 0)
            #expect(third.requests == 2 + 4, "retries waited \(s.waits.all)")
        }
    }

    @Test func transientFaultsAreRetriedToSuccess() async throws {
        try await Setup.with(items: 300) { s in
            await s.state.inject(.status(503, retryAfter: 2), on: .libraryItems)
            await s.state.inject(.status(502, html: true), on: .batchGet)
            await s.state.inject(.connectionReset, on: .batchGet)
            await s.state.inject(.status(429, retryAfter: 1), on: .libraries)
            await s.state.inject(.latency(milliseconds: 50), on: .authorize)
            await s.state.inject(.truncatedBody, on: .batchGet)
            let summary = try await s.sync()
            #expect(summary.counts.fetched == 300)
            let waits = s.waits.all
            #expect(waits.contains(.seconds(2)))  // Retry-After honoured
            #expect(waits.contains(.seconds(1)))
            #expect(waits.count == 5)
            #expect(try Self.mirrored(s.mirror).count == 300)
        }
    }

    struct PermanentFault: Sendable, CustomTestStringConvertible {
        var name: String
        var fault: FakeFault
        var route: FakeRoute
        var code: RemoteError.Code
        var testDescription: String { name }
    }

    static let permanentFaults: [PermanentFault] = [
        PermanentFault(name: "500 on listing", fault: .status(500), route: .libraryItems, code: .serverError(status: 500)),
        PermanentFault(name: "HTML page", fault: .status(200, html: true), route: .libraries, code: .htmlPage(status: 200)),
        PermanentFault(name: "404 HTML", fault: .status(404, html: true), route: .authorize, code: .htmlPage(status: 404)),
        PermanentFault(name: "malformed JSON", fault: .malformedJSON, route: .batchGet, code: .badResponse("not valid JSON (truncated or damaged)")),
        PermanentFault(name: "empty body", fault: .emptyBody, route: .libraryItems, code: .badResponse("the body is empty")),
        PermanentFault(name: "connection reset", fault: .connectionReset, route: .batchGet, code: .connectionClosed),
        PermanentFault(name: "truncated body", fault: .truncatedBody, route: .libraryItems, code: .truncatedAnswer),
        PermanentFault(name: "403", fault: .status(403), route: .batchGet, code: .forbidden),
        PermanentFault(name: "429 for long", fault: .status(429, retryAfter: 3600), route: .libraryItems, code: .rateLimited(retryAfterSeconds: 3600)),
    ]

    @Test(arguments: permanentFaults)
    func permanentFaultsStopWithTheRightErrorAndLoseNothing(_ c: PermanentFault) async throws {
        try await Setup.with(items: 300) { s in
            _ = try await s.sync()
            let before = try Self.mirrored(s.mirror)
            // Change the server, then fail every attempt of one route.
            let books = await s.state.allItems()
            for book in books.prefix(120) { await s.state.update(itemId: book.id) { $0.publisher = "Changed" } }
            await s.state.removeItem(id: books[200].id)
            await s.state.inject(c.fault, on: c.route, times: 100)

            do {
                _ = try await s.sync()
                Issue.record("the sync succeeded")
            } catch let error as RemoteError {
                #expect(error.code == c.code)
                #expect(!error.summary.contains(FakeABSState.adminToken))
            }
            let after = try Self.mirrored(s.mirror)
            // Nothing removed, nothing half-written: every item is as before or as the server has it now.
            #expect(after.count == before.count)
            for (id, row) in after {
                let now = await s.state.item(id: id).map(Self.expected)
                #expect(row == before[id] || row == now, "item \(id)")
                #expect(row[19] == "0", "item \(id) marked removed by a failed run")
            }
            // The run is recorded as failed; the next one completes.
            await s.state.clearFaults()
            let next = try await s.sync()
            #expect(next.counts.removed == 1)
        }
    }

    @Test func aServerThatDoesNotAnswerTimesOut() async throws {
        try await Setup.with(items: 10) { s in
            // The timeout leaves room for the requests before (the authorize), which a 2-core
            // machine busy with other tests has answered in more than 2 s.
            await s.state.inject(.latency(milliseconds: 15_000), on: .libraries, times: 10)
            var policy = RetryPolicy()
            policy.timeout = .seconds(5)
            policy.attempts = 2
            policy.sleep = { _ in }
            let client = ABSClient(connection: try ABSConnection(url: s.server.baseURL.absoluteString, token: FakeABSState.adminToken),
                                   httpClient: .mirror, policy: policy)
            do {
                _ = try await ABSSync.run(mirror: s.mirror, client: client)
                Issue.record("synced")
            } catch let error as RemoteError {
                guard case .timeout = error.code else { Issue.record("\(error.code)"); return }
                #expect(error.kind == .unavailable)
                #expect(error.url.hasSuffix("/api/libraries"))
                #expect(error.summary.contains("did not answer GET"))
            }
        }
    }

    @Test func aRejectedTokenIsReportedByName() async throws {
        try await Setup.with(items: 10) { s in
            do {
                _ = try await s.sync(token: "not-a-token")
                Issue.record("synced")
            } catch let error as RemoteError {
                #expect(error.code == .unauthorized)
                #expect(error.kind == .authRejected)
                #expect(error.hint?.contains("ABS_TOKEN") == true)
            }
            #expect(try Self.mirrored(s.mirror).isEmpty)
        }
    }

    @Test func theSubpathPrefixWorks() async throws {
        try await Setup.with(items: 50) { s in
            var policy = RetryPolicy()
            policy.sleep = { _ in }
            let client = ABSClient(connection: try ABSConnection(url: s.server.baseURL.absoluteString + "/audiobookshelf", token: FakeABSState.adminToken),
                                   httpClient: .mirror, policy: policy)
            let summary = try await ABSSync.run(mirror: s.mirror, client: client)
            #expect(summary.counts.fetched == 50)
        }
    }

    @Test func aUserWithoutExplicitAccessMirrorsWhatItSees() async throws {
        try await Setup.with(items: 400) { s in
            let summary = try await s.sync(token: FakeABSState.userToken)
            let library = try #require(summary.libraryIds.first)
            let visible = await s.state.allItems().filter { $0.libraryId == library && !$0.explicit }
            #expect(summary.counts.fetched == visible.count)
        }
    }
}
