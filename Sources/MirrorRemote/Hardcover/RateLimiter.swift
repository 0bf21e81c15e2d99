import Foundation

/// Why a Hardcover sync stopped before it was done.
public enum BudgetStop: Error, Sendable, Equatable {
    /// `--max-hardcover-requests` was reached.
    case runLimit(Int)
    /// Today's remaining quota fell to the reserve kept for other tools; it resets in `resetIn` s.
    case dailyReserve(remaining: Int, reserve: Int, resetIn: Int?)
    /// Hardcover refused with 429 and asks to wait longer than is worth waiting (the daily cap).
    case rateLimited(retryAfter: Int)
}

/// Spends Hardcover's quota carefully: a token bucket (60 a minute, burst 10 by default) so that
/// requests never arrive faster than allowed, corrected by what the server's rate-limit headers
/// say; a per-run limit; and a daily reserve below which it stops instead of spending on.
/// Every top-level field of a query costs one request, so `acquire` takes a cost.
public actor RateLimiter {
    public struct Configuration: Sendable {
        public var perMinute: Int = 60
        public var burst: Int = 10
        /// Requests to leave unspent of today's quota (for other tools and the next run).
        public var dailyReserve: Int = 250
        /// At most this many requests in this run; nil for no limit.
        public var maxRequests: Int?
        /// A 429 asking to wait longer than this stops the run (the daily cap) instead.
        public var maxWait: Duration = .seconds(120)

        public init(perMinute: Int = 60, burst: Int = 10, dailyReserve: Int = 250, maxRequests: Int? = nil) {
            self.perMinute = perMinute
            self.burst = burst
            self.dailyReserve = dailyReserve
            self.maxRequests = maxRequests
        }
    }

    /// Seconds on a monotonic clock, and how to wait: tests move a manual clock instead of sleeping.
    public struct Clock: Sendable {
        public var now: @Sendable () -> Double
        public var sleep: @Sendable (Duration) async throws -> Void

        public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Duration) async throws -> Void) {
            self.now = now
            self.sleep = sleep
        }

        public static var system: Clock {
            let start = ContinuousClock.now
            return Clock(now: { let d = ContinuousClock.now - start; return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 },
                         sleep: { try await Task.sleep(for: $0) })
        }
    }

    public nonisolated let configuration: Configuration
    private let clock: Clock
    private var tokens: Double
    private var refilledAt: Double
    private var blockedUntil: Double = 0
    /// Requests spent in this run (rejected ones included: Hardcover may count them).
    public private(set) var used = 0
    /// Today's remaining quota as the server last told it.
    public private(set) var dailyRemaining: Int?
    private var dailyResetAt: Double?
    private var firstSpentAt: Double?
    /// Seconds spent waiting for the bucket or a Retry-After.
    public private(set) var waited: Double = 0

    public init(configuration: Configuration = Configuration(), clock: Clock = .system) {
        self.configuration = configuration
        self.clock = clock
        tokens = Double(max(1, configuration.burst))
        refilledAt = clock.now()
    }

    private var ratePerSecond: Double { Double(max(1, configuration.perMinute)) / 60 }

    /// Requests this run may still spend: the smaller of the run limit and the daily quota above the reserve.
    public var left: Int? {
        let run = configuration.maxRequests.map { max(0, $0 - used) }
        let daily = dailyRemaining.map { max(0, $0 - configuration.dailyReserve) }
        switch (run, daily) {
        case let (r?, d?): return min(r, d)
        case let (r?, nil): return r
        case let (nil, d?): return d
        case (nil, nil): return nil
        }
    }

    /// The observed rate, requests a minute, since the first request of the run.
    public var observedPerMinute: Double? {
        guard let first = firstSpentAt, used > 0 else { return nil }
        let elapsed = clock.now() - first
        return elapsed < 1 ? nil : Double(used) / elapsed * 60
    }

    /// Whether a request of `cost` may be sent at all, without waiting; throws the reason if not.
    public func check(cost: Int) throws {
        if let max = configuration.maxRequests, used + cost > max { throw BudgetStop.runLimit(max) }
        if let remaining = dailyRemaining, remaining - cost < configuration.dailyReserve {
            throw BudgetStop.dailyReserve(remaining: remaining, reserve: configuration.dailyReserve,
                                          resetIn: dailyResetAt.map { Swift.max(0, Int(($0 - clock.now()).rounded(.up))) })
        }
    }

    /// Waits until `cost` requests may be sent, and spends them; throws `BudgetStop` when the run
    /// or the day's budget does not allow them.
    public func acquire(cost: Int) async throws {
        try check(cost: cost)
        let needed = Double(min(cost, max(1, configuration.burst)))
        while true {
            refill()
            let now = clock.now()
            if now < blockedUntil {
                try await wait(blockedUntil - now)
                continue
            }
            if tokens >= needed { break }
            try await wait((needed - tokens) / ratePerSecond)
        }
        tokens -= Double(cost)
        used += cost
        if firstSpentAt == nil { firstSpentAt = clock.now() }
    }

    /// What the server said of the quotas: the bucket never holds more than the server allows.
    public func observe(_ headers: RateLimitHeaders) {
        refill()
        if let remaining = headers.minuteRemaining {
            tokens = min(tokens, Double(remaining))
        }
        if let remaining = headers.dailyRemaining {
            dailyRemaining = remaining
            if let reset = headers.dailyReset { dailyResetAt = clock.now() + Double(reset) }
        }
    }

    /// A 429: nothing more is sent before `retryAfter` seconds (or a bucket's refill without it);
    /// a wait longer than `maxWait` stops the run instead.
    public func rejected(retryAfter: Int?) throws {
        refill()
        tokens = min(tokens, 0)
        let seconds = Double(retryAfter ?? Int((Double(max(1, configuration.burst)) / ratePerSecond).rounded(.up)))
        let maxWait = Double(configuration.maxWait.components.seconds)
        if seconds > maxWait { throw BudgetStop.rateLimited(retryAfter: Int(seconds)) }
        blockedUntil = max(blockedUntil, clock.now() + seconds)
    }

    private func refill() {
        let now = clock.now()
        tokens = min(Double(max(1, configuration.burst)), tokens + (now - refilledAt) * ratePerSecond)
        refilledAt = now
    }

    private func wait(_ seconds: Double) async throws {
        let s = max(0.001, seconds)
        waited += s
        try await clock.sleep(.milliseconds(Int((s * 1000).rounded(.up))))
    }
}
