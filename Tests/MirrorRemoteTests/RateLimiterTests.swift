import Foundation
@testable import MirrorRemote
import NIOHTTP1
import Testing

/// A clock the test moves: sleeping advances it, so no test waits for real.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    private var slept: [Double] = []

    var now: Double { lock.withLock { seconds } }
    var sleeps: [Double] { lock.withLock { slept } }
    func advance(_ s: Double) { lock.withLock { seconds += s } }

    var clock: RateLimiter.Clock {
        RateLimiter.Clock(now: { [self] in now }, sleep: { [self] duration in
            let s = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            lock.withLock {
                slept.append(s)
                seconds += s
            }
        })
    }
}

struct RateLimitHeadersTests {
    @Test func theIETFHeadersAreRead() {
        var h = HTTPHeaders()
        h.add(name: "RateLimit-Policy", value: "\"Free\";q=60;w=60;burst=10, \"daily\";q=5000;w=86400")
        h.add(name: "RateLimit", value: "\"Free\";r=8;t=42, \"daily\";r=4231;t=51234")
        let limits = RateLimitHeaders(h)
        #expect(limits.minuteRemaining == 8)
        #expect(limits.minuteReset == 42)
        #expect(limits.dailyRemaining == 4231)
        #expect(limits.dailyReset == 51234)
        #expect(limits.dailyLimit == 5000)
        #expect(limits.minuteLimit == 60)
        #expect(limits.burst == 10)
    }

    @Test func theLegacyHeadersAreReadWhenTheNewOnesAreMissing() {
        var h = HTTPHeaders()
        h.add(name: "X-RateLimit-Limit", value: "60")
        h.add(name: "X-RateLimit-Remaining", value: "3")
        h.add(name: "X-RateLimit-Reset", value: "17")
        h.add(name: "X-RateLimit-Daily-Limit", value: "5000")
        h.add(name: "X-RateLimit-Daily-Remaining", value: "12")
        let limits = RateLimitHeaders(h)
        #expect(limits.minuteRemaining == 3)
        #expect(limits.minuteReset == 17)
        #expect(limits.minuteLimit == 60)
        #expect(limits.dailyRemaining == 12)
        #expect(limits.dailyLimit == 5000)
    }

    @Test func malformedOrMissingHeadersAreIgnored() {
        var h = HTTPHeaders()
        h.add(name: "RateLimit", value: "Free r=8 t=\"oops")
        h.add(name: "X-RateLimit-Remaining", value: "lots")
        #expect(RateLimitHeaders(h).isEmpty)
        #expect(RateLimitHeaders(HTTPHeaders()).isEmpty)
    }
}

struct RateLimiterTests {
    @Test func theBurstGoesAtOnceThenOneRequestASecond() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(configuration: .init(perMinute: 60, burst: 10), clock: clock.clock)
        for _ in 0..<10 { try await limiter.acquire(cost: 1) }
        #expect(clock.now == 0)
        for _ in 0..<5 { try await limiter.acquire(cost: 1) }
        #expect(abs(clock.now - 5) < 0.01)
        #expect(await limiter.used == 15)
    }

    @Test func aCostOfSeveralFieldsTakesSeveralTokens() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(configuration: .init(perMinute: 60, burst: 10), clock: clock.clock)
        try await limiter.acquire(cost: 5)
        try await limiter.acquire(cost: 5)
        #expect(clock.now == 0)
        try await limiter.acquire(cost: 5)
        #expect(abs(clock.now - 5) < 0.01)
        #expect(await limiter.used == 15)
    }

    @Test func theServerHeadersCapTheBucket() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(configuration: .init(perMinute: 60, burst: 10), clock: clock.clock)
        var limits = RateLimitHeaders()
        limits.minuteRemaining = 0
        await limiter.observe(limits)
        try await limiter.acquire(cost: 1)
        #expect(abs(clock.now - 1) < 0.01, "the server said none are left: wait for one to refill")
    }

    @Test func aRetryAfterBlocksUntilItHasPassed() async throws {
        let clock = ManualClock()
        let limiter = RateLimiter(configuration: .init(perMinute: 60, burst: 10), clock: clock.clock)
        try await limiter.rejected(retryAfter: 7)
        try await limiter.acquire(cost: 1)
        #expect(clock.now >= 7)
        #expect(clock.now < 8.1)
    }

    @Test func aRetryAfterOfHoursStopsInsteadOfWaiting() async throws {
        let limiter = RateLimiter(configuration: .init(), clock: ManualClock().clock)
        await #expect(throws: BudgetStop.rateLimited(retryAfter: 7200)) { try await limiter.rejected(retryAfter: 7200) }
    }

    @Test func theRunLimitStopsBeforeTheRequestThatWouldPassIt() async throws {
        let limiter = RateLimiter(configuration: .init(maxRequests: 3), clock: ManualClock().clock)
        try await limiter.acquire(cost: 2)
        await #expect(throws: BudgetStop.runLimit(3)) { try await limiter.acquire(cost: 2) }
        try await limiter.acquire(cost: 1)
        #expect(await limiter.used == 3)
        #expect(await limiter.left == 0)
    }

    @Test func theDailyReserveIsKept() async throws {
        let limiter = RateLimiter(configuration: .init(dailyReserve: 100), clock: ManualClock().clock)
        var limits = RateLimitHeaders()
        limits.dailyRemaining = 102
        limits.dailyReset = 3600
        await limiter.observe(limits)
        #expect(await limiter.left == 2)
        try await limiter.acquire(cost: 1)
        try await limiter.acquire(cost: 1)
        limits.dailyRemaining = 100
        await limiter.observe(limits)
        await #expect(throws: BudgetStop.dailyReserve(remaining: 100, reserve: 100, resetIn: 3600)) { try await limiter.acquire(cost: 1) }
    }
}
