import Foundation
import MirrorFakes
import Testing

/// Injected faults shape the next answers.
struct HardcoverFaultTests {
    @Test func statusFaultsHaveHardcoversBodiesOrAProxysPage() async throws {
        let state = SmallCatalog.state()
        await state.inject(.status(429, retryAfter: 30))
        await state.inject(.status(503, retryAfter: 7, html: true))
        await state.inject(.status(408))
        await state.inject(.status(401))
        await state.inject(.status(500), times: 2)
        try await withHardcover(state) { server in
            let throttled = try await graphQL(server, ClientQueries.me)
            #expect(throttled.status == 429)
            #expect(throttled.text == #"{"error":"Too Many Requests"}"#)
            #expect(throttled.header("Retry-After") == "30")
            #expect(throttled.header("RateLimit-Policy") != nil)

            let proxy = try await graphQL(server, ClientQueries.me)
            #expect(proxy.status == 503)
            #expect(proxy.contentType == "text/html")
            #expect(proxy.text.contains("<h1>503 Service Unavailable</h1>"))
            #expect(proxy.header("Retry-After") == "7")

            let timeout = try await graphQL(server, ClientQueries.me)
            #expect(timeout.status == 408)
            #expect(timeout.text == #"{"error":"Request timeout"}"#)
            let expired = try await graphQL(server, ClientQueries.me)
            #expect(expired.status == 401)
            #expect(try expired.object()["error"] as? String == "invalid_token")
            for _ in 1...2 {
                let failed = try await graphQL(server, ClientQueries.me)
                #expect(failed.status == 500)
                #expect(failed.text == #"{"error":"Internal Server Error"}"#)
            }
            #expect(try await graphQL(server, ClientQueries.me).status == 200)

            let log = await state.requests()
            #expect(log.map(\.status) == [429, 503, 408, 401, 500, 500, 200])
            #expect(log.prefix(6).allSatisfy { $0.fault != nil && $0.cost == 0 })
            #expect(log[1].fault == .status(503, retryAfter: 7, html: true))
            #expect(log.last?.fault == nil)
        }
    }

    @Test func brokenBodiesAndDroppedConnections() async throws {
        let state = SmallCatalog.state()
        await state.inject(.malformedJSON)
        await state.inject(.emptyBody)
        await state.inject(.connectionReset)
        await state.inject(.latency(milliseconds: 20))
        try await withHardcover(state) { server in
            let malformed = try await graphQL(server, ClientQueries.me)
            #expect(malformed.status == 200)
            #expect(throws: (any Error).self) { _ = try malformed.json() }
            let empty = try await graphQL(server, ClientQueries.me)
            #expect(empty.status == 200)
            #expect(empty.body.isEmpty)
            await #expect(throws: (any Error).self) { _ = try await graphQL(server, ClientQueries.me) }
            let late = try await graphQL(server, ClientQueries.me)
            #expect(late.status == 200)
            #expect(late.text == #"{"data":{"me":[{"id":1,"username":"fake-reader"}]}}"#)
            let log = await state.requests()
            #expect(log.map(\.fault) == [.malformedJSON, .emptyBody, .connectionReset, .latency(milliseconds: 20)])
            #expect(log.map(\.status) == [200, 200, 0, 200])
        }
    }

    @Test func searchResultsAsAStringWaitForTheNextSearch() async throws {
        let library = await HardcoverLibrary(items: 60)
        let state = library.state()
        await state.inject(.searchResultsAsString)
        let item = library.items[0]
        let variables: [String: Any] = ["query": "\(item.title) \(item.authors[0].name)", "type": "Book", "perPage": 5, "page": 1]
        try await withHardcover(state) { server in
            // A request without search leaves the fault for later.
            #expect(try await graphQL(server, ClientQueries.me).status == 200)
            let quirky = try await graphQL(server, ClientQueries.search, variables: variables)
            let search = try #require(try quirky.object()[path: "data.search"] as? [String: Any])
            let text = try #require(search["results"] as? String, "results is a JSON string")
            let results = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(results["hits"] is [Any])
            #expect(ints(search["ids"]).count == (results["hits"] as? [Any])?.count)

            let normal = try await graphQL(server, ClientQueries.search, variables: variables)
            let again = try #require(try normal.object()[path: "data.search"] as? [String: Any])
            #expect(again["results"] is [String: Any])
            // The same object, once as a string.
            let object = try JSONSerialization.data(withJSONObject: again["results"]!, options: [.sortedKeys])
            let fromString = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys])
            #expect(object == fromString)
            let log = await state.requests()
            #expect(log.map(\.fault) == [nil, .searchResultsAsString, nil])
        }
    }
}
