import Foundation
import MirrorFakes
import Testing

/// The token bucket, the daily quota and the rate-limit headers, on a manual clock (no sleeping).
struct HardcoverRateLimitTests {
    static let fiveFields = "{ " + (1...5).map { "f\($0): me { id }" }.joined(separator: " ") + " }"

    @Test func theBurstIsTenThen429WithRetryAfterUntilTheClockMoves() async throws {
        let clock = FakeHardcoverClock.manual()
        let state = SmallCatalog.state(limits: .free, clock: clock)
        try await withHardcover(state) { server in
            let first = try await graphQL(server, ClientQueries.me)
            #expect(first.status == 200)
            #expect(first.header("RateLimit-Policy") == #""Free";q=60;w=60;burst=10, "daily";q=5000;w=86400"#)
            #expect(first.header("RateLimit") == #""Free";r=9;t=1, "daily";r=4999;t=86400"#)
            for _ in 2...10 { #expect(try await graphQL(server, ClientQueries.me).status == 200) }

            let refused = try await graphQL(server, ClientQueries.me)
            #expect(refused.status == 429)
            #expect(refused.text == #"{"error":"Too Many Requests"}"#)
            #expect(refused.header("Retry-After") == "1")
            #expect(refused.header("RateLimit") == #""Free";r=0;t=10, "daily";r=4990;t=86400"#)
            #expect(refused.header("X-RateLimit-Remaining") == "0")

            clock.advance(by: .seconds(1))
            #expect(try await graphQL(server, ClientQueries.me).status == 200)

            // Five fields cost five: wait for five tokens.
            let five = try await graphQL(server, Self.fiveFields)
            #expect(five.status == 429)
            #expect(five.header("Retry-After") == "5")
            clock.advance(by: .seconds(3))
            #expect(try await graphQL(server, Self.fiveFields).header("Retry-After") == "2")
            clock.advance(by: .seconds(2))
            #expect(try await graphQL(server, Self.fiveFields).status == 200)

            let log = await state.requests()
            #expect(log.filter { $0.status == 429 }.allSatisfy { $0.cost == 0 && $0.rejectedReason == "rate_limited" })
            let usage = await state.usage()
            #expect(usage.usedToday == 16)
            #expect(usage.remainingToday == 4_984)
            #expect(usage.bucket == 0)
        }
    }

    @Test func theHeadersCountFractionsOfTokensAndTheDay() async throws {
        let clock = FakeHardcoverClock.manual()
        let state = SmallCatalog.state(limits: .free, clock: clock)
        try await withHardcover(state) { server in
            for _ in 1...3 { _ = try await graphQL(server, ClientQueries.me) }
            clock.advance(by: .milliseconds(1_500))
            let reply = try await graphQL(server, ClientQueries.me)
            // 7 + 1.5 - 1 = 7.5 tokens: 7 whole, full again in 2.5 s (3); 86,398.5 s of the day left.
            #expect(reply.header("RateLimit") == #""Free";r=7;t=3, "daily";r=4996;t=86399"#)
            #expect(reply.header("X-RateLimit-Limit") == "60")
            #expect(reply.header("X-RateLimit-Remaining") == "7")
            #expect(reply.header("X-RateLimit-Reset") == "3")
            #expect(reply.header("X-RateLimit-Daily-Limit") == "5000")
            #expect(reply.header("X-RateLimit-Daily-Remaining") == "4996")
            // The supporter plan has its own policy.
            let supporter = SmallCatalog.state(limits: .supporter, clock: .manual())
            try await withHardcover(supporter) { other in
                let answer = try await graphQL(other, ClientQueries.me)
                #expect(answer.header("RateLimit-Policy") == #""Supporter";q=60;w=60;burst=15, "daily";q=50000;w=86400"#)
            }
        }
    }

    @Test func theDailyCapAnswers429UntilTheDayEnds() async throws {
        // 400 s before midnight, 12 requests a day.
        let clock = FakeHardcoverClock.manual(.seconds(86_000))
        let state = SmallCatalog.state(limits: FakeHardcoverLimits(daily: 12), clock: clock)
        try await withHardcover(state) { server in
            for _ in 1...10 { #expect(try await graphQL(server, ClientQueries.me).status == 200) }
            clock.advance(by: .seconds(10))
            for _ in 1...2 { #expect(try await graphQL(server, ClientQueries.me).status == 200) }
            let capped = try await graphQL(server, ClientQueries.me)
            #expect(capped.status == 429)
            #expect(capped.header("Retry-After") == "390")
            #expect(capped.header("X-RateLimit-Daily-Remaining") == "0")
            #expect(capped.header("RateLimit")?.hasSuffix(#""daily";r=0;t=390"#) == true)

            clock.advance(by: .seconds(390))
            let nextDay = try await graphQL(server, ClientQueries.me)
            #expect(nextDay.status == 200)
            #expect(nextDay.header("X-RateLimit-Daily-Remaining") == "11")
            #expect(await state.usage().usedToday == 1)
        }
    }

    @Test func whatEachAnswerCosts() async throws {
        let state = SmallCatalog.state(limits: .free, clock: .manual())
        try await withHardcover(state) { server in
            _ = try await hardcoverRequest(server, .GET, "/v1/graphql")                            // 404: 0
            _ = try await graphQL(server, ClientQueries.me, auth: .none)                            // 401: 0
            _ = try await hardcoverRequest(server, .POST, "/v1/graphql", body: "{")                 // 400: 0
            _ = try await graphQL(server, "{ books(where: {title: {_ilike: \"x\"}}) { id } }")       // 403: 1
            _ = try await graphQL(server, "{ a: books { id } b: books { nope } }")                  // in band: 2
            _ = try await graphQL(server, "{ __typename me { id } }")                                // 1
            let log = await state.requests()
            #expect(log.map(\.cost) == [0, 0, 0, 1, 2, 1])
            #expect(log.map(\.status) == [404, 401, 400, 403, 200, 200])
            #expect(log[4].rejectedReason == "validation-failed: field 'nope' not found in type: 'books'")
            #expect(log[5].rejectedReason == nil)
            #expect(await state.usage().usedToday == 4)
        }
    }

    @Test func unlimitedNeverRefusesButCounts() async throws {
        let state = SmallCatalog.state(limits: .unlimited, clock: .manual())
        try await withHardcover(state) { server in
            for _ in 1...30 {
                let reply = try await graphQL(server, Self.fiveFields)
                #expect(reply.status == 200)
            }
            let usage = await state.usage()
            #expect(usage.usedToday == 150)
            #expect(usage.bucket == 10)
        }
    }
}
