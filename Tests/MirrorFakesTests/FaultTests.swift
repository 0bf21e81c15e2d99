import Foundation
@testable import MirrorFakes
import Testing

struct FaultTests {
    @Test func latencyDelaysTheAnswerOnce() async throws {
        let state = FakeABSState.generated(items: 5)
        await state.inject(.latency(milliseconds: 300), on: .me)
        try await withFakeServer(state) { server in
            let clock = ContinuousClock()
            let start = clock.now
            let slow = try await send(server, .GET, "/api/me")
            let slowTime = clock.now - start
            #expect(slow.status == 200)
            #expect(slowTime >= .milliseconds(300))
            let record = try #require(await state.requests().last)
            #expect(record.fault == .latency(milliseconds: 300))
            #expect(record.status == 200)
            // Once only: the next request carries no fault.
            _ = try await send(server, .GET, "/api/me")
            #expect(try #require(await state.requests().last).fault == nil)
        }
    }

    @Test func aStatusFaultWithRetryAfterAndAnHTMLBody() async throws {
        let state = FakeABSState.generated(items: 5)
        let libraryId = await bookLibraryId(state)
        await state.inject(.status(503, retryAfter: 7, html: true), on: .libraryItems)
        await state.inject(.status(429), on: .libraryItems)
        try await withFakeServer(state) { server in
            let proxy = try await send(server, .GET, "/api/libraries/\(libraryId)/items")
            #expect(proxy.status == 503)
            #expect(proxy.headers["retry-after"].first == "7")
            #expect(proxy.contentType == "text/html")
            #expect(proxy.text == "<html><body><h1>503 Service Unavailable</h1></body></html>")

            let busy = try await send(server, .GET, "/api/libraries/\(libraryId)/items")
            #expect(busy.status == 429)
            #expect(busy.headers["retry-after"].isEmpty)
            #expect(busy.text == "Too Many Requests")

            let fine = try await send(server, .GET, "/api/libraries/\(libraryId)/items")
            #expect(fine.status == 200)
        }
    }

    @Test func aTruncatedBodyFailsTheRead() async throws {
        let state = FakeABSState.generated(items: 20)
        let libraryId = await bookLibraryId(state)
        await state.inject(.truncatedBody, on: .libraryItems)
        try await withFakeServer(state) { server in
            await #expect(throws: (any Error).self) {
                _ = try await send(server, .GET, "/api/libraries/\(libraryId)/items")
            }
            let record = try #require(await state.requests().last)
            #expect(record.fault == .truncatedBody)
            let whole = try await send(server, .GET, "/api/libraries/\(libraryId)/items")
            #expect(whole.status == 200)
            _ = try whole.json()
        }
    }

    @Test func aConnectionResetGivesNoResponse() async throws {
        let state = FakeABSState.generated(items: 5)
        await state.inject(.connectionReset, on: .batchGet)
        let id = await state.allItems()[0].id
        try await withFakeServer(state) { server in
            await #expect(throws: (any Error).self) {
                _ = try await send(server, .POST, "/api/items/batch/get", json: jsonText(["libraryItemIds": [id]]))
            }
            let record = try #require(await state.requests().last)
            #expect(record.status == 0)
            #expect(record.fault == .connectionReset)
            let retry = try await send(server, .POST, "/api/items/batch/get", json: jsonText(["libraryItemIds": [id]]))
            #expect(retry.status == 200)
        }
    }

    @Test func malformedJSONComesWith200() async throws {
        let state = FakeABSState.generated(items: 5)
        await state.inject(.malformedJSON, on: .any)
        try await withFakeServer(state) { server in
            let reply = try await send(server, .GET, "/api/libraries")
            #expect(reply.status == 200)
            #expect(reply.contentType == "application/json; charset=utf-8")
            #expect(reply.text.hasPrefix("{\"results\": ["))
            #expect(throws: (any Error).self) { _ = try reply.json() }
        }
    }

    @Test func anEmptyBodyComesWith200() async throws {
        let state = FakeABSState.generated(items: 5)
        let id = await state.allItems()[0].id
        await state.inject(.emptyBody, on: .item)
        try await withFakeServer(state) { server in
            let reply = try await send(server, .GET, "/api/items/\(id)?expanded=1")
            #expect(reply.status == 200)
            #expect(reply.body.isEmpty)
        }
    }

    @Test func faultsCountDownPerRouteAndCanBeCleared() async throws {
        let state = FakeABSState.generated(items: 5)
        await state.inject(.status(500), on: .me, times: 2)
        await state.inject(.status(502, html: true), on: .libraries, times: 5)
        try await withFakeServer(state) { server in
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await send(server, .GET, "/api/me").status) }
            #expect(statuses == [500, 500, 200])
            let ping = try await send(server, .GET, "/ping")
            #expect(ping.status == 200)
            #expect(try await send(server, .GET, "/api/libraries").status == 502)
            await state.clearFaults()
            #expect(try await send(server, .GET, "/api/libraries").status == 200)

            let routes = await state.requests().map(\.route)
            #expect(routes == [.me, .me, .me, .health, .libraries, .libraries])
            await state.resetRequestLog()
            #expect(await state.requests().isEmpty)
        }
    }
}
