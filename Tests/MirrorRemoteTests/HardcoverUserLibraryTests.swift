import AsyncHTTPClient
import Foundation
import MirrorCore
import MirrorFakes
@testable import MirrorRemote
import TestSupport
import Testing

/// HardcoverClient.userLibrary() against the fake Hardcover over loopback: every user book and read
/// as seeded, what it costs (requests and counted fields, none refused), whose library it is.
struct HardcoverUserLibraryTests {
    static let catalog = FakeHardcoverCatalog.generated(books: 2_100, seed: 14)

    static func rows(_ count: Int, offset: Int = 0) -> [FakeHardcoverUserBook] {
        catalog.sampleLibrary(count, offset: offset)
    }

    static func expected(_ stored: [FakeHardcoverUserBook]) -> [HardcoverUserBook] {
        stored.map(\.asRead)
    }

    static func client(_ server: FakeHardcoverServer, token: String = FakeHardcoverState.validToken) throws -> HardcoverClient {
        var policy = RetryPolicy()
        policy.sleep = { _ in }
        policy.timeout = TestLimits.request
        let limiter = RateLimiter(configuration: .init(perMinute: 1_000_000, burst: 10))
        let connection = try HardcoverConnection(url: server.graphqlURL.absoluteString, token: token, tokenSource: "HARDCOVER_TOKEN")
        return HardcoverClient(connection: connection, httpClient: .mirror, limiter: limiter, policy: policy)
    }

    struct Size: Sendable, CustomTestStringConvertible {
        var books: Int
        var requests: Int
        var testDescription: String { "\(books) books" }
    }

    @Test(arguments: [Size(books: 0, requests: 1), Size(books: 1, requests: 1), Size(books: 100, requests: 1),
                      Size(books: 101, requests: 1), Size(books: 500, requests: 1), Size(books: 501, requests: 2),
                      Size(books: 2_000, requests: 4)])
    func aLibraryIsReadWholeInPagesOf100FiveARequestAndNoMore(size: Size) async throws {
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited, clock: .manual(.seconds(1_779_840_000)))
        let stored = await state.seed(Self.rows(size.books))
        // Another user's public books are never the reader's.
        await state.seed(Self.rows(30, offset: 2_000), for: .second)
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server)
            let library = try await client.userLibrary()
            #expect(library.userId == FakeHardcoverUser.reader.id)
            #expect(library.books.count == size.books)
            #expect(library.books == Self.expected(stored))
            #expect(library.skippedRows == 0)

            let log = await state.requests()
            #expect(log.count == size.requests)
            #expect(client.httpRequests == size.requests)
            #expect(log.allSatisfy { $0.status == 200 && $0.rejectedReason == nil && $0.cost == 5 })
            #expect(log.first?.topLevelFields == Array(repeating: "me", count: 5))
            #expect(log.dropFirst().allSatisfy { $0.topLevelFields == Array(repeating: "user_books", count: 5) })
            #expect(await state.usage().usedToday == 5 * size.requests)
        }
    }

    @Test func twoThousandBooksTakeAtMostFiveRequestsAnd21CountedFields() async throws {
        // The issue's budget: 20 pages of 100, five aliased pages a request, none refused or invalid.
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited, clock: .manual(.seconds(1_779_840_000)))
        await state.seed(Self.rows(2_000))
        try await withFakeHardcover(state) { server in
            let client = try Self.client(server)
            let library = try await client.userLibrary()
            #expect(library.books.count == 2_000)
            let log = await state.requests()
            #expect(log.count <= 5)
            #expect(log.map(\.cost).reduce(0, +) <= 21)
            #expect(log.allSatisfy { $0.status == 200 && $0.rejectedReason == nil })
            #expect(log.map(\.cost) == [5, 5, 5, 5])
        }
    }

    @Test func onTheFreePlanTheLimiterPacesTheRequestsAndNoneIsRefused() async throws {
        // Burst 10, one a second: four requests of five fields cannot all go at once. The client's
        // limiter and the fake share a manual clock, so waiting moves time without sleeping.
        let clock = FakeHardcoverClock.manual(.seconds(1_779_840_000))
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .free, clock: clock)
        let stored = await state.seed(Self.rows(2_000))
        let limiterClock = RateLimiter.Clock(
            now: { let d = clock.now(); return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 },
            sleep: { clock.advance(by: $0) })
        try await withFakeHardcover(state) { server in
            var policy = RetryPolicy()
            policy.sleep = { clock.advance(by: $0) }
            policy.timeout = TestLimits.request
            let connection = try HardcoverConnection(url: server.graphqlURL.absoluteString, token: FakeHardcoverState.validToken)
            let client = HardcoverClient(connection: connection, httpClient: .mirror,
                                         limiter: RateLimiter(configuration: .init(dailyReserve: 0), clock: limiterClock), policy: policy)
            let library = try await client.userLibrary()
            #expect(library.books == Self.expected(stored))
            let log = await state.requests()
            #expect(log.map(\.status) == [200, 200, 200, 200])
            #expect(log.allSatisfy { $0.rejectedReason == nil })
            #expect(await state.usage().usedToday == 20)
        }
    }

    @Test func aSecondUsersTokenReadsOnlyTheirOwnLibrary() async throws {
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited, clock: .manual(.seconds(1_779_840_000)))
        await state.seed(Self.rows(650))
        // 630: the second request's pages, filtered by user id, run too.
        let theirs = await state.seed(Self.rows(630, offset: 700), for: .second)
        try await withFakeHardcover(state) { server in
            let library = try await Self.client(server, token: FakeHardcoverState.secondUserToken).userLibrary()
            #expect(library.userId == FakeHardcoverUser.second.id)
            #expect(library.books == Self.expected(theirs))
            #expect(await state.requests().count == 2)
        }
    }

    @Test func aReadOnlyTokenReadsTheLibrary() async throws {
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited, clock: .manual(.seconds(1_779_840_000)))
        let stored = await state.seed(Self.rows(120))
        try await withFakeHardcover(state) { server in
            let library = try await Self.client(server, token: FakeHardcoverState.readOnlyToken).userLibrary()
            #expect(library.books == Self.expected(stored))
            #expect(await state.requests().allSatisfy { $0.rejectedReason == nil })
        }
    }

    @Test func aTokenWithoutTheLibrarysScopesIsRefusedByName() async throws {
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited, clock: .manual(.seconds(1_779_840_000)))
        await state.seed(Self.rows(10))
        try await withFakeHardcover(state) { server in
            do {
                _ = try await Self.client(server, token: FakeHardcoverState.catalogOnlyToken).userLibrary()
                Issue.record("read a library without its scopes")
            } catch let error as RemoteError {
                #expect(error.code == .forbidden)
                #expect(error.kind == .authRejected)
                #expect(error.summary.contains("the token cannot read the user's library (field 'me' not found in type: 'query_root'"))
                #expect(error.summary.contains("read:me, read:library"))
            }
            #expect(await state.requests().count == 1)
        }
    }

    @Test func aThousandBooksEndOnTheSecondRequestsLastFullPage() async throws {
        // Ten full pages: the second request's last page ends on the user's last user book, so no
        // third request is sent to find an empty page.
        let state = FakeHardcoverState(catalog: Self.catalog, limits: .unlimited, clock: .manual(.seconds(1_779_840_000)))
        let stored = await state.seed(Self.rows(1_000))
        try await withFakeHardcover(state) { server in
            let library = try await Self.client(server).userLibrary()
            #expect(library.books == Self.expected(stored))
            #expect(await state.requests().map(\.cost) == [5, 5])
        }
    }
}

/// The library's wire JSON as the client maps it: malformed rows skipped and counted.
struct HardcoverUserLibraryMappingTests {
    @Test func aMalformedRowIsSkippedAndTheRestMapped() throws {
        let json = #"""
            [{"id": 1, "book_id": 10, "edition_id": 101, "status_id": 3, "owned": true, "updated_at": "2026-05-27T00:00:00.000001+00:00",
              "user_book_reads": [{"id": 7, "edition_id": 101, "started_at": "2025-01-02", "finished_at": "2025-02-29x", "progress_seconds": 5}]},
             {"id": 2, "book_id": 11, "edition_id": null, "status_id": 9, "owned": false, "updated_at": "2026-05-27T00:00:00.000002+00:00"},
             {"id": "three", "book_id": 12},
             {"id": 4, "book_id": 13, "edition_id": null, "status_id": 5, "owned": false, "updated_at": "2026-05-27T00:00:00.000004+00:00",
              "user_book_reads": [{"id": 8, "edition_id": null, "started_at": "2024-02-29", "finished_at": null, "progress_seconds": null}]},
             {"id": 5, "book_id": 14, "status_id": 2, "updated_at": "2026-05-27T00:00:00.000005+00:00", "user_book_reads": [{"edition_id": 3}]}]
            """#
        let rows = try JSONDecoder().decode([WireLossy<WireUserBook>].self, from: Data(json.utf8))
        let mapped = rows.map { $0.value.flatMap(HardcoverMapping.userBook) }
        // A bad date, an unknown status, a string id, a read without an id: skipped; the DNF kept.
        #expect(mapped.map { $0?.id } == [nil, nil, nil, 4, nil])
        #expect(mapped[3] == HardcoverUserBook(id: 4, bookId: 13, status: .didNotFinish, updatedAt: "2026-05-27T00:00:00.000004+00:00",
                                               reads: [HardcoverRead(id: 8, startedOn: HardcoverDate(year: 2024, month: 2, day: 29))]))
    }

    @Test func datesAreYearMonthDayAndNothingElse() {
        #expect(HardcoverDate("2025-12-31")?.description == "2025-12-31")
        #expect(HardcoverDate("2024-02-29") != nil)
        for bad in ["2025-02-29", "2025-13-01", "2025-1-01", "2025-01-01T00:00:00", "", "２０２５-01-01"] {
            #expect(HardcoverDate(bad) == nil, "\(bad)")
        }
        #expect(HardcoverDate("2025-01-31")! < HardcoverDate("2025-02-01")!)
    }

    @Test func statusesAreHardcoversIds() {
        #expect(HardcoverReadingStatus.allCases.map(\.rawValue) == [1, 2, 3, 4, 5, 6])
        #expect(HardcoverReadingStatus(rawValue: 5) == .didNotFinish)
    }

    @Test func aMissingScopeIsNamed() throws {
        let body = #"{"error":"insufficient_scope","error_description":"The token does not have the scope this operation requires","scope":"write:library"}"#
        let text = try JSONDecoder().decode(WireErrorBody.self, from: Data(body.utf8)).text
        #expect(text?.hasPrefix("insufficient_scope: The token does not have the scope this operation requires (the token lacks the scope 'write:library'") == true)
    }
}
