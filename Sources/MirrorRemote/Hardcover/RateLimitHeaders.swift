import Foundation
import NIOHTTP1
import RawStructuredFieldValues

/// What a Hardcover answer says of the quotas, from the IETF `RateLimit` header
/// (`"Free";r=8;t=42, "daily";r=4231;t=51234`) or the legacy `X-RateLimit-*` ones.
public struct RateLimitHeaders: Sendable, Equatable {
    /// Requests left in the per-minute window, and seconds until it is full again.
    public var minuteRemaining: Int?
    public var minuteReset: Int?
    /// Requests left today, and seconds until the day's quota resets.
    public var dailyRemaining: Int?
    public var dailyReset: Int?
    /// From `RateLimit-Policy` (`"daily";q=5000;w=86400`) or `X-RateLimit-Daily-Limit`.
    public var dailyLimit: Int?
    public var minuteLimit: Int?
    public var burst: Int?

    public init() {}

    public var isEmpty: Bool { self == RateLimitHeaders() }

    public init(_ headers: HTTPHeaders) {
        for entry in Self.entries(headers.first(name: "ratelimit")) {
            if entry.isDaily {
                dailyRemaining = entry.params["r"]
                dailyReset = entry.params["t"]
            } else {
                minuteRemaining = entry.params["r"]
                minuteReset = entry.params["t"]
            }
        }
        for entry in Self.entries(headers.first(name: "ratelimit-policy")) {
            if entry.isDaily {
                dailyLimit = entry.params["q"]
            } else {
                minuteLimit = entry.params["q"]
                burst = entry.params["burst"]
            }
        }
        func int(_ name: String) -> Int? { headers.first(name: name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        minuteRemaining = minuteRemaining ?? int("x-ratelimit-remaining")
        minuteLimit = minuteLimit ?? int("x-ratelimit-limit")
        minuteReset = minuteReset ?? int("x-ratelimit-reset").map(Self.secondsFromReset)
        dailyRemaining = dailyRemaining ?? int("x-ratelimit-daily-remaining")
        dailyLimit = dailyLimit ?? int("x-ratelimit-daily-limit")
    }

    /// X-RateLimit-Reset is either seconds from now or a Unix time; tell them apart by size.
    static func secondsFromReset(_ value: Int) -> Int {
        value > 1_000_000_000 ? max(0, value - Int(Date().timeIntervalSince1970)) : max(0, value)
    }

    private struct Entry {
        var name: String
        var params: [String: Int]
        var isDaily: Bool { name.lowercased().contains("day") || name.lowercased().contains("daily") }
    }

    /// The members of a structured-field list, with their integer parameters; nothing when the
    /// header is missing or malformed (quotas are advice: a bad header must not fail a sync).
    private static func entries(_ value: String?) -> [Entry] {
        guard let value else { return [] }
        var parser = StructuredFieldValueParser(Array(value.utf8))
        guard let list = try? parser.parseListFieldValue() else { return [] }
        return list.compactMap { member in
            guard case .item(let item) = member else { return nil }
            let name: String
            switch item.rfc9651BareItem {
            case .string(let s), .token(let s): name = s
            default: return nil
            }
            var params: [String: Int] = [:]
            for (key, bare) in item.rfc9651Parameters {
                if case .integer(let n) = bare { params[key] = Int(n) }
            }
            return Entry(name: name, params: params)
        }
    }
}
