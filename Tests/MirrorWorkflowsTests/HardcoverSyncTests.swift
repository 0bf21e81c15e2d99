import AsyncHTTPClient
import Foundation
import GRDB
import MirrorCore
import MirrorFakes
import MirrorRemote
import MirrorStore
import MirrorWorkflows
import TestSupport
import Testing

/// Hardcover sync against the fake Hardcover (and the fake AudiobookShelf) over loopback, with a
/// real mirror file. The fake's catalog is derived from the fake library, with the truth of which
/// book each item is and how it can be found.
struct HardcoverSyncTests {
    /// A clock shared by the client's rate limiter and the fake's quotas: a wait of the client
    /// moves the fake's time too, so pacing is tested without sleeping.
    final class SharedClock: @unchecked Sendable {
        let fake: FakeHardcoverClock
        private let lock = NSLock()
        private var slept: [Double] = []
        init(fake: FakeHardcoverClock) { self.fake = fake }
        var sleeps: [Double] { lock.withLock { slept } }
        var limiterClock: RateLimiter.Clock {
            RateLimiter.Clock(
                now: { [fake] in let d = fake.now(); return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 },
                sleep: { [self] duration in
                    lock.withLock { slept.append(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) }
                    fake.advance(by: duration)
                })
        }
    }

    struct Setup {
        let abs: FakeABSState
        let absServer: FakeABSServer
        let hardcover: FakeHardcoverState
        let server: FakeHardcoverServer
        let derived: FakeHardcoverDerived
        let folder: TemporaryFolder
        let mirror: Mirror
        let clock: SharedClock

        /// Runs `body` with a mirror synced from a fake AudiobookShelf of `items`, and a fake
        /// Hardcover whose catalog is derived from it; both servers are stopped after.
        static func with<T>(items: Int = 150, seed: UInt64 = 11, limits: FakeHardcoverLimits = .unlimited,
                            _ body: (Setup) async throws -> T) async throws -> T {
            let abs = FakeABSState.generated(items: items, seed: seed)
            return try await withFakeABS(abs) { absServer in
                let books = Set(await abs.allLibraries().filter { $0.mediaType == "book" }.map(\.id))
                let derived = FakeHardcoverCatalog.derived(from: await abs.allItems().filter { books.contains($0.libraryId) },
                                                           extraBooks: 40, seed: seed)
                let fakeClock = FakeHardcoverClock.manual()
                let hardcover = FakeHardcoverState(catalog: derived.catalog, limits: limits, clock: fakeClock)
                return try await withFakeHardcover(hardcover) { server in
                    let folder = try TemporaryFolder()
                    let mirror = try Mirror.openForWriting(path: folder.file("mirror.sqlite"))
                    var policy = RetryPolicy()
                    policy.sleep = { _ in }
                    let client = ABSClient(connection: try ABSConnection(url: absServer.baseURL.absoluteString, token: FakeABSState.adminToken),
                                           httpClient: .mirror, policy: policy)
                    _ = try await ABSSync.run(mirror: mirror, client: client)
                    return try await body(Setup(abs: abs, absServer: absServer, hardcover: hardcover, server: server, derived: derived,
                                                folder: folder, mirror: mirror, clock: SharedClock(fake: fakeClock)))
                }
            }
        }

        func client(token: String = FakeHardcoverState.validToken, url: String? = nil, maxRequests: Int? = nil,
                    paced: Bool = false, dailyReserve: Int = 0) throws -> HardcoverClient {
            var policy = RetryPolicy()
            policy.sleep = { [clock] d in clock.fake.advance(by: d) }
            policy.random = { 0.5 }
            policy.timeout = TestLimits.request
            let limiter = RateLimiter(configuration: .init(perMinute: paced ? 60 : 1_000_000, burst: 10, dailyReserve: dailyReserve,
                                                           maxRequests: maxRequests),
                                      clock: clock.limiterClock)
            let connection = try HardcoverConnection(url: url ?? server.graphqlURL.absoluteString, token: token, tokenSource: "HARDCOVER_TOKEN")
            return HardcoverClient(connection: connection, httpClient: .mirror, limiter: limiter, policy: policy)
        }

        func sync(_ client: HardcoverClient? = nil, full: Bool = false) async throws -> HardcoverSyncSummary {
            try await HardcoverSync.run(mirror: mirror, client: try client ?? self.client(), options: HardcoverSyncOptions(full: full))
        }

        func rows(_ sql: String) throws -> [Row] {
            try DatabaseQueue(path: folder.file("mirror.sqlite")).read { try Row.fetchAll($0, sql: sql) }
        }

        /// Item id -> the book ids of its candidates.
        func candidates() throws -> [String: Set<Int>] {
            var out: [String: Set<Int>] = [:]
            for row in try rows("SELECT item_id, book_id FROM hardcover_candidates") { out[row[0], default: []].insert(row[1]) }
            return out
        }
    }

    @Test func everyPassFindsTheItemsItIsForAndTheFakeNeverRefusesAQuery() async throws {
        try await Setup.with { setup in
            let summary = try await setup.sync()
            #expect(summary.stopped == nil)
            #expect(summary.pending == 0)

            let candidates = try setup.candidates()
            let resolved = Dictionary(uniqueKeysWithValues: try setup.rows("SELECT item_id, resolved_by FROM hardcover_lookups").map {
                ($0[0] as String, $0[1] as String)
            })
            var missed: [String] = []
            var byKind: [FakeHardcoverMix.Kind: Int] = [:]
            for (itemId, truth) in setup.derived.truth {
                byKind[truth.findableBy, default: 0] += 1
                if candidates[itemId]?.contains(truth.bookId) != true { missed.append(itemId) }
                let expected: Set<String> = switch truth.findableBy {
                case .identifier: ["asin", "isbn"]
                case .title: ["title"]
                case .search: ["search"]
                }
                #expect(expected.contains(resolved[itemId] ?? "?"), "\(itemId) is findable by \(truth.findableBy), resolved by \(resolved[itemId] ?? "nothing")")
            }
            #expect(missed.isEmpty, "the right book is a candidate of every item")
            #expect(byKind.count == 3, "the library has items of every kind: \(byKind)")

            // Every candidate book came with its details; identifier matches keep their edition.
            #expect(try setup.rows("""
                SELECT c.book_id FROM hardcover_candidates c LEFT JOIN hardcover_books b ON b.id = c.book_id WHERE b.id IS NULL
                """).isEmpty)
            #expect(try setup.rows("""
                SELECT c.item_id FROM hardcover_candidates c LEFT JOIN hardcover_editions e ON e.id = c.edition_id
                WHERE c.method IN ('asin', 'isbn') AND (c.edition_id IS NULL OR e.id IS NULL)
                """).isEmpty)

            // Shallow, cheap, and never refused.
            let log = await setup.hardcover.requests()
            #expect(log.allSatisfy { $0.status == 200 && $0.rejectedReason == nil }, "\(log.filter { $0.status != 200 || $0.rejectedReason != nil })")
            // The user's library (empty here): one request of five aliased pages, first; the lookups one field each.
            #expect(log.first?.topLevelFields == Array(repeating: "me", count: 5), "\(log.first?.topLevelFields ?? [])")
            #expect(log.dropFirst().allSatisfy { $0.method == "POST" && $0.topLevelFields.count == 1 })
            #expect(log.map(\.cost).reduce(0, +) == summary.requests)
            let searches = log.filter { $0.topLevelFields == ["search"] }.count
            #expect(searches == byKind[.search, default: 0] + (resolved.values.filter { $0 == "none" }.count),
                    "one search per item the cheaper passes could not resolve")
            let library = 5
            #expect(summary.requests - library - searches <= 12,
                    "identifiers, titles and details go in batches (\(summary.requests - library - searches) requests)")
        }
    }

    @Test func aReSyncSpendsNothingAndAChangedItemIsLookedUpAgain() async throws {
        try await Setup.with(items: 80) { setup in
            _ = try await setup.sync()
            // Only the library is read again (it changes on Hardcover too): one request, five counted fields.
            let again = try await setup.sync()
            #expect(again.requests == 5)
            #expect(again.httpRequests == 1)
            #expect(again.lookedUp == 0)

            // Retitle one item in AudiobookShelf: only it is looked up again.
            let target = try #require(setup.derived.truth.first { $0.value.findableBy == .title }?.key)
            await setup.abs.update(itemId: target) { $0.title = "A Completely Different Title" }
            try await setup.resyncABS()
            await setup.hardcover.resetLog()
            let third = try await setup.sync()
            #expect(third.lookedUp == 1)
            #expect(third.changed == 1)
            #expect(third.requests >= 5 + 1 && third.requests <= 5 + 4, "the library's 5, then 1 to 4 for the item: \(third.requests)")
            let queries = await setup.hardcover.requests().flatMap(\.topLevelFields)
            #expect(queries.contains("search"))
        }
    }

    @Test func aRunStoppedByItsBudgetResumesWhereItStopped() async throws {
        try await Setup.with(items: 120) { setup in
            let first = try await setup.sync(try setup.client(maxRequests: 6))
            #expect(first.stopped == .runLimit(6))
            #expect(first.requests == 6)
            #expect(first.pending > 0)
            let run = try #require(try setup.rows("SELECT status, stop_reason FROM sync_runs WHERE source = 'hardcover'").first)
            #expect(run["status"] == "stopped")
            #expect((run["stop_reason"] as String?)?.contains("--max-hardcover-requests") == true)

            let second = try await setup.sync()
            #expect(second.stopped == nil)
            #expect(second.pending == 0)
            #expect(second.lookedUp == 0, "nothing starts over")

            // Together, exactly what one uninterrupted run spends on a fresh mirror.
            try await Setup.with(items: 120) { fresh in
                let whole = try await fresh.sync()
                // The second run rereads the library (5 counted fields) on top of the lookups left.
                #expect(first.requests + second.requests <= whole.requests + 5 + 2, "\(first.requests) + \(second.requests) vs \(whole.requests)")
                #expect(try setup.candidates() == fresh.candidates())
            }
        }
    }

    @Test func theDailyReserveStopsTheRunCleanly() async throws {
        try await Setup.with(items: 60, limits: FakeHardcoverLimits(perMinute: 6000, burst: 100, daily: 12)) { setup in
            let summary = try await setup.sync(try setup.client(dailyReserve: 5))
            guard case .dailyReserve(let remaining, let reserve, let resetIn)? = summary.stopped else {
                Issue.record("expected a daily-reserve stop, got \(String(describing: summary.stopped))")
                return
            }
            #expect(reserve == 5)
            #expect(remaining <= 6)
            #expect(resetIn != nil)
            #expect(summary.requests <= 12 - 5 + 1)
            #expect(await setup.hardcover.requests().allSatisfy { $0.status != 429 }, "stopped before Hardcover had to refuse")
        }
    }

    @Test func pacedToTheFreePlanTheFakeNeverAnswers429() async throws {
        try await Setup.with(items: 150, limits: .free) { setup in
            let summary = try await setup.sync(try setup.client(paced: true))
            #expect(summary.stopped == nil)
            let log = await setup.hardcover.requests()
            #expect(log.allSatisfy { $0.status == 200 }, "\(log.map(\.status))")
            #expect(summary.requests > 10, "more than one burst was needed")
            let waited = setup.clock.sleeps.reduce(0, +)
            #expect(waited >= Double(summary.requests - 10) - 1, "paced at one request a second after the burst (waited \(waited) s)")
        }
    }

    @Test func a429IsWaitedOutForItsRetryAfterAndNotRetriedBlindly() async throws {
        try await Setup.with(items: 30) { setup in
            await setup.hardcover.inject(.status(429, retryAfter: 7), times: 1)
            let summary = try await setup.sync()
            #expect(summary.stopped == nil)
            #expect(summary.pending == 0)
            #expect(setup.clock.sleeps.contains { $0 >= 7 && $0 < 8 }, "\(setup.clock.sleeps)")
            let statuses = await setup.hardcover.requests().map(\.status)
            #expect(statuses.filter { $0 == 429 }.count == 1)
        }
    }

    @Test func aRejectedTokenSaysWhereToGetANewOne() async throws {
        try await Setup.with(items: 10) { setup in
            await #expect { try await setup.sync(try setup.client(token: FakeHardcoverState.expiredToken)) } throws: { error in
                guard let e = error as? RemoteError else { return false }
                return e.code == .unauthorized && e.summary.contains("401") && e.hint?.contains("HARDCOVER_TOKEN") == true
                    && e.hint?.contains("hardcover.app/account/api") == true && e.kind == .authRejected
            }
            let run = try #require(try setup.rows("SELECT status FROM sync_runs WHERE source = 'hardcover'").first)
            #expect(run["status"] == "failed")
        }
    }

    @Test func aTokenPastedWithBearerWorks() async throws {
        try await Setup.with(items: 10) { setup in
            let summary = try await setup.sync(try setup.client(token: "Bearer \(FakeHardcoverState.validToken)"))
            #expect(summary.pending == 0)
            #expect(await setup.hardcover.requests().allSatisfy { $0.status == 200 })
        }
    }

    @Test func aWrongPathGets404WithTheEndpointToUse() async throws {
        try await Setup.with(items: 10) { setup in
            let wrong = setup.server.baseURL.absoluteString + "/graphql"
            await #expect { try await setup.sync(try setup.client(url: wrong)) } throws: { error in
                guard let e = error as? RemoteError else { return false }
                return e.code == .notFound && e.summary.contains("404") && e.summary.contains("/graphql")
                    && e.hint?.contains("https://api.hardcover.app/v1/graphql") == true && e.hint?.contains("GET") == true
            }
        }
    }
}
