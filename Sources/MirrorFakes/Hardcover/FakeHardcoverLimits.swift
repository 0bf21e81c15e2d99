import Foundation

/// Hardcover's quotas and query limits. Each top-level field costs one request.
public struct FakeHardcoverLimits: Sendable, Equatable {
    /// The policy's name in RateLimit-Policy: "Free".
    public var name: String
    /// Refill of the token bucket: perMinute / 60 tokens a second.
    public var perMinute: Int
    /// The bucket's capacity.
    public var burst: Int
    /// Requests a day; the day is 86,400 s of the state's clock (UTC days for `.real`).
    public var daily: Int
    public var maxTopLevelFields: Int
    public var maxDepth: Int
    /// Rows a list (top-level or nested) returns at most, whatever its `limit`: a Hasura role's row limit.
    public var maxRows: Int
    /// false: never answers 429, but still counts requests (usage, headers).
    public var enforced: Bool

    public init(name: String = "Free", perMinute: Int = 60, burst: Int = 10, daily: Int = 5_000,
                maxTopLevelFields: Int = 5, maxDepth: Int = 3, maxRows: Int = 100, enforced: Bool = true) {
        self.name = name
        self.perMinute = perMinute
        self.burst = burst
        self.daily = daily
        self.maxTopLevelFields = maxTopLevelFields
        self.maxDepth = maxDepth
        self.maxRows = maxRows
        self.enforced = enforced
    }

    /// 60 a minute, burst 10, 5,000 a day.
    public static let free = FakeHardcoverLimits()
    /// 60 a minute, burst 15, 50,000 a day.
    public static let supporter = FakeHardcoverLimits(name: "Supporter", burst: 15, daily: 50_000)
    /// For benchmarks: the free plan's numbers in the headers, never a 429; requests still counted.
    public static let unlimited = FakeHardcoverLimits(enforced: false)

    var refillPerSecond: Double { Double(perMinute) / 60 }
}

/// The time the fake's quotas run on: the real one, or one that tests move by hand.
public final class FakeHardcoverClock: @unchecked Sendable {
    private let lock = NSLock()
    private var manualNow: Duration?
    private let origin = ContinuousClock.now
    private let originOffset: Duration

    private init(manual start: Duration?) {
        manualNow = start
        let epoch = Date().timeIntervalSince1970
        originOffset = .milliseconds(Int64(epoch * 1000))
    }

    /// Real time, monotonic; `now()` counts from 1970 so that days end at UTC midnight.
    public static var real: FakeHardcoverClock { FakeHardcoverClock(manual: nil) }

    /// Time that moves only with `advance(by:)`. `start` is the time of day it starts at
    /// (the daily quota resets each time `now()` crosses a multiple of 24 h).
    public static func manual(_ start: Duration = .zero) -> FakeHardcoverClock { FakeHardcoverClock(manual: start) }

    public var isManual: Bool { lock.withLock { manualNow != nil } }

    public func now() -> Duration {
        lock.withLock { manualNow ?? originOffset + (ContinuousClock.now - origin) }
    }

    /// Moves a manual clock forward; does nothing to a real one.
    public func advance(by duration: Duration) {
        lock.withLock { if let now = manualNow { manualNow = now + duration } }
    }
}

/// The token bucket and the daily count of one account.
struct HCRateLimiter: Sendable {
    let limits: FakeHardcoverLimits
    private(set) var tokens: Double
    private var refilledAt: Duration
    private(set) var day: Int64
    private(set) var usedToday = 0

    static let dayLength: Int64 = 86_400

    init(limits: FakeHardcoverLimits, now: Duration) {
        self.limits = limits
        tokens = Double(limits.burst)
        refilledAt = now
        day = now.components.seconds / Self.dayLength
    }

    /// Brings the bucket and the day up to `now`.
    mutating func advance(to now: Duration) {
        let elapsed = Self.seconds(now - refilledAt)
        if elapsed > 0 {
            tokens = min(Double(limits.burst), tokens + elapsed * limits.refillPerSecond)
            refilledAt = now
        }
        let today = now.components.seconds / Self.dayLength
        if today != day {
            day = today
            usedToday = 0
        }
    }

    var remainingToday: Int { max(0, limits.daily - usedToday) }

    /// nil when `cost` requests may go now, else the seconds to wait (Retry-After).
    func wait(for cost: Int, now: Duration) -> Int? {
        guard limits.enforced else { return nil }
        if usedToday + cost > limits.daily { return secondsToDayEnd(now) }
        let needed = Double(min(cost, limits.burst)) - tokens
        guard needed > 1e-9 else { return nil }
        return max(1, Int((needed / limits.refillPerSecond).rounded(.up)))
    }

    /// Counts `cost` requests (the bucket never goes below zero).
    mutating func charge(_ cost: Int) {
        usedToday += cost
        if limits.enforced { tokens = max(0, tokens - Double(cost)) }
    }

    func secondsToDayEnd(_ now: Duration) -> Int {
        Int(Self.dayLength - now.components.seconds % Self.dayLength)
    }

    /// Seconds until the bucket is full again.
    var secondsToFull: Int {
        let missing = Double(limits.burst) - tokens
        return missing <= 1e-9 ? 0 : Int((missing / limits.refillPerSecond).rounded(.up))
    }

    /// RateLimit-Policy, RateLimit (draft-ietf-httpapi-ratelimit-headers) and the legacy X-RateLimit-*.
    /// X-RateLimit-Reset is in seconds from now (until the bucket is full), as RateLimit's t.
    func headers(now: Duration) -> [(String, String)] {
        let remaining = Int(tokens.rounded(.down))
        let policy = "\"\(limits.name)\";q=\(limits.perMinute);w=60;burst=\(limits.burst), \"daily\";q=\(limits.daily);w=86400"
        let state = "\"\(limits.name)\";r=\(remaining);t=\(secondsToFull), \"daily\";r=\(remainingToday);t=\(secondsToDayEnd(now))"
        return [
            ("RateLimit-Policy", policy),
            ("RateLimit", state),
            ("X-RateLimit-Limit", String(limits.perMinute)),
            ("X-RateLimit-Remaining", String(remaining)),
            ("X-RateLimit-Reset", String(secondsToFull)),
            ("X-RateLimit-Daily-Limit", String(limits.daily)),
            ("X-RateLimit-Daily-Remaining", String(remainingToday)),
        ]
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}
